"""The CLI in a child process, without paying its imports on every call.

`python -m annex_tools ...` spends most of a small command importing pandas, numpy, openpyxl,
python-docx, typer and rich (about 0.8 s of CPU each time; the suite runs the CLI several hundred
times). This server is started once per test process: it imports those libraries, then forks one
child per request. The child is a new process like `python -m annex_tools` would be: its own
stdout and stderr (files), working folder, environment, an optional address-space limit; it
imports annex_tools afresh (the server drops annex_tools' own modules after preloading), runs its
__main__ with runpy and ends the way the interpreter ends (an uncaught exception prints its
traceback and exits 1; SystemExit gives its code; atexit handlers run). A kill is a kill: the
client sees -signal as from subprocess.

Protocol (one JSON line each way per step, on the server's stdin/stdout):
    request  {"argv": [...], "cwd": ..., "env": {...}, "stdout": path, "stderr": path,
              "rlimit_as": int | null}
    replies  {"pid": child}   then   {"code": exit code, negative for a signal}

Used by cli_helpers.annex; a request whose environment differs from the server's in what the
interpreter reads at start-up (PYTHON*, LANG, LC_*) runs as a plain subprocess instead.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import sys


def preload() -> None:
    """Import every module of annex_tools (what it imports stays loaded), then forget annex_tools'
    own modules so that each child imports them afresh, as a new process does."""
    import annex_tools

    for info in pkgutil.walk_packages(annex_tools.__path__, "annex_tools."):
        if ".windows" in info.name or info.name.endswith("__main__"):
            continue
        with contextlib.suppress(Exception):  # a module for another platform: not needed here
            importlib.import_module(info.name)
    for name in [n for n in sys.modules if n == "annex_tools" or n.startswith("annex_tools.")]:
        del sys.modules[name]
    import gc

    gc.collect()
    gc.freeze()  # the children's collections leave the preloaded objects (and their pages) alone


def child(req: dict) -> None:
    """In the forked child: become `python -m annex_tools ARGV` and never come back (the
    exception or SystemExit unwinds out of the server's loop, and the interpreter exits)."""
    import io
    import runpy
    import tempfile
    import time

    null = os.open(os.devnull, os.O_RDONLY)
    out = os.open(req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for fd, target in ((null, 0), (out, 1), (err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    time.tzset()
    tempfile.tempdir = None  # found again from TMPDIR & co. of this environment
    if req.get("rlimit_as"):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (req["rlimit_as"], req["rlimit_as"]))
    encoding = "utf-8"  # PYTHONIOENCODING=utf-8, as cli_helpers sets it
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding)
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding, errors="strict"
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding, errors="backslashreplace", line_buffering=True
    )
    sys.argv = ["-m", *req["argv"]]
    sys.path[0] = os.getcwd()  # `python -m` puts the working folder first
    runpy.run_module("annex_tools", run_name="__main__", alter_sys=True)
    raise SystemExit(0)


def serve() -> None:
    preload()
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    for line in requests:
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            requests.close()
            replies.close()
            child(req)
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")
        replies.flush()
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
        replies.flush()


if __name__ == "__main__":
    serve()
