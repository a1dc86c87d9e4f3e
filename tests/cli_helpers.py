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

    def start(self, argv: list[str], env: dict[str, str]) -> Started:
        """Start `argv` and return at once (for a test that kills it mid-run)."""
        assert self.proc.stdin is not None
        self.count += 1
        request = {
            "argv": argv[3:], "cwd": str(Path.cwd()), "env": env,
            "stdout": os.devnull, "stderr": os.devnull, "rlimit_as": None,
        }  # fmt: skip
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        pid = self._reply(None)["pid"]  # type: ignore[index]
        return Started(pid, lambda timeout: self._reply(timeout))

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


class Started:
    """A CLI run started by `start`: its process id, and `wait()` for its exit code (negative for
    a signal), as subprocess.Popen gives them."""

    def __init__(self, pid: int, reply: Any, proc: subprocess.Popen[bytes] | None = None) -> None:
        self.pid, self._reply, self._proc = pid, reply, proc

    def wait(self, timeout: float | None = None) -> int:
        if self._proc is not None:
            return self._proc.wait(timeout=timeout)
        done = self._reply(timeout)
        if done is None:
            raise subprocess.TimeoutExpired("annex_tools", timeout or 0)
        return int(done["code"])


def start(*args: str | Path) -> Started:
    """`python -m annex_tools ARGS` started, not waited for, its output discarded: forked from the
    server as `annex` does (or a plain subprocess with ANNEX_TEST_FORK=0)."""
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    argv = [sys.executable, "-m", "annex_tools", *map(str, args)]
    zygote = _zygote(env)
    if zygote is not None:
        return zygote.start(argv, env)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return Started(proc.pid, None, proc)


def check_json(path: Path, today: str = "2026-11-26") -> tuple[int, dict[str, Any]]:
    proc = annex("check", path, "--json", "--as-of", today)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def places(report: dict[str, Any]) -> set[tuple]:
    return {(f["code"], f["sheet"], f["row"], f["column"]) for f in report["findings"]}
