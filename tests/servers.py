"""Real servers for the tests that need another process: a free port, and uvicorn serving the app."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(
    env: dict[str, str], *, wait_for: str = "/health/live", timeout_s: float = 30,
    command: Sequence[str] = (), cwd: Path | None = None, base_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """uvicorn with `reseau_api.main:app` (or `command`, which takes `--port N`) on a free port, with
    these environment variables added to `base_env` (default: this process's); yields its base URL once
    `wait_for` answers 200, and stops it afterwards."""
    port = free_port()
    argv = list(command) or [sys.executable, "-m", "uvicorn", "reseau_api.main:app", "--log-level", "warning"]
    process = subprocess.Popen(  # noqa: S603
        [*argv, "--port", str(port)],
        env={**(os.environ if base_env is None else base_env), "RESEAU_LOG_LEVEL": "warning", **env}, cwd=cwd,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{base}{wait_for}", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the test server did not answer {wait_for} in time")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)
