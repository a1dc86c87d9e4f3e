from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def annex(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = 300,
    rlimit_as: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process, as a user would: `python -m annex_tools ARGS`, or the
    same forked from a server that has its libraries imported already (cli_zygote; ANNEX_TEST_FORK=0
    turns that off). `rlimit_as` limits the child's address space."""
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    argv = [sys.executable, "-m", "annex_tools", *map(str, args)]
    zygote = _zygote(env)
    if zygote is not None:
        return zygote.run(argv, cwd, env, timeout, rlimit_as)

    def limit() -> None:
        import resource

        if rlimit_as:
            resource.setrlimit(resource.RLIMIT_AS, (rlimit_as, rlimit_as))

    return subprocess.run(
        argv, capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env, timeout=timeout,
        preexec_fn=limit if rlimit_as else None,
    )  # fmt: skip


# ---- the fork server ------------------------------------------------------------------------

# what the interpreter reads from the environment when it starts (a forked child cannot change it)
_STARTUP = ("PYTHON", "LANG", "LC_")


class _Zygote:
    def __init__(self, env: dict[str, str]) -> None:
        import tempfile

        self.env = env
        self.folder = Path(tempfile.mkdtemp(prefix="annex-zygote-"))
        self.count = 0
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("cli_zygote.py"))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=self.folder,
        )  # fmt: skip

    def fits(self, env: dict[str, str]) -> bool:
        keys = {k for k in (*env, *self.env) if k.startswith(_STARTUP)}
        return all(env.get(k) == self.env.get(k) for k in keys)

    def _reply(self, timeout: float | None) -> dict[str, int] | None:
        import select

        assert self.proc.stdout is not None
        if timeout is not None and not select.select([self.proc.stdout], [], [], timeout)[0]:
            return None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("cli_zygote ended")
        return json.loads(line)

    def run(
        self,
        argv: list[str],
        cwd: Path | None,
        env: dict[str, str],
        timeout: float,
        rlimit_as: int | None,
    ) -> subprocess.CompletedProcess[str]:
        import io
        import signal

        assert self.proc.stdin is not None
        self.count += 1
        out, err = self.folder / f"{self.count}.out", self.folder / f"{self.count}.err"
        request = {
            "argv": argv[3:], "cwd": str(cwd or Path.cwd()), "env": env,
            "stdout": str(out), "stderr": str(err), "rlimit_as": rlimit_as,
        }  # fmt: skip
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        pid = self._reply(None)["pid"]  # type: ignore[index]
        done = self._reply(timeout)
        if done is None:
            os.kill(pid, signal.SIGKILL)
            self._reply(None)
        texts = []
        for path in (out, err):  # decoded as subprocess.run(text=True) does: universal newlines
            texts.append(io.TextIOWrapper(io.BytesIO(path.read_bytes()), "utf-8").read())
            path.unlink()
        if done is None:
            raise subprocess.TimeoutExpired(argv, timeout, texts[0], texts[1])
        return subprocess.CompletedProcess(argv, done["code"], texts[0], texts[1])

    def close(self) -> None:
        import shutil

        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


_SERVER: list[_Zygote] = []


def _zygote(env: dict[str, str]) -> _Zygote | None:
    if os.name != "posix" or os.environ.get("ANNEX_TEST_FORK") == "0":
        return None
    if not _SERVER:
        import atexit

        _SERVER.append(_Zygote(env))
        atexit.register(_SERVER[0].close)
    return _SERVER[0] if _SERVER[0].fits(env) else None


def check_json(path: Path, today: str = "2026-11-26") -> tuple[int, dict[str, Any]]:
    proc = annex("check", path, "--json", "--as-of", today)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def places(report: dict[str, Any]) -> set[tuple]:
    return {(f["code"], f["sheet"], f["row"], f["column"]) for f in report["findings"]}
