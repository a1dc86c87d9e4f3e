"""`annex-tools serve`: the page on 127.0.0.1 at a free port, with a fresh token, opened in the
browser. waitress serves it (threads: the use cases block while LibreOffice works)."""

from __future__ import annotations

import secrets
import webbrowser
from collections.abc import Callable
from pathlib import Path

from annex_tools.contract.errors import InputError

HOST = "127.0.0.1"  # loopback only: never reachable from another computer


def serve(
    folder: Path,
    port: int = 0,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the page for the masters in `folder` until interrupted (Ctrl+C, window closed)."""
    from waitress.server import create_server

    from annex_tools.web.app import create_app

    if not folder.is_dir():
        raise InputError(f"“{folder}”不是文件夹。")
    token = secrets.token_urlsafe(24)
    app = create_app(folder, token)
    server = create_server(app, host=HOST, port=port, threads=4, ident="annex-tools")
    app.config["PORT"] = server.effective_port
    url = f"http://{HOST}:{server.effective_port}/t/{token}/"
    announce(
        f"述职评议页面已启动：{url}\n文件夹：{folder.resolve()}\n关闭本窗口（或按 Ctrl+C）即停止。"
    )
    if open_browser:
        webbrowser.open(url)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
