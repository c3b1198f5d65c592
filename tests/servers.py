"""Real servers for the tests that need another process: a free port, and uvicorn serving the app."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(
    env: dict[str, str], *, wait_for: str = "/health/live", timeout_s: float = 30, cli: bool = False,
) -> Iterator[str]:
    """uvicorn with `reseau_api.main:app` on a free port, with these environment variables added;
    yields its base URL once `wait_for` answers 200, and stops it afterwards. With `cli`, started as
    production does, by `reseau-api serve` (which decides what uvicorn believes of forwarded headers)."""
    port = free_port()
    command = ([sys.executable, "-m", "reseau_api.cli", "serve", "--port", str(port)] if cli else
               [sys.executable, "-m", "uvicorn", "reseau_api.main:app", "--port", str(port), "--log-level", "warning"])
    process = subprocess.Popen(  # noqa: S603
        command, env={**os.environ, "RESEAU_LOG_LEVEL": "warning", **env},
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
