"""The real server process on the tests' database and Redis, which a test may kill with SIGKILL
and start again: ``python -m tests.clockserver`` (the app and uvicorn options of ``python -m
backend serve``, on the tests' clock: tests/clock.py), or with ``real_entry_point=True`` the
entry point ``scripts/serve`` uses itself, on the wall clock."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from backend.settings import get_settings
from tests.clock import CLOCK


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    def __init__(self, name: str = "server", *, real_entry_point: bool = False) -> None:
        settings = get_settings()
        self.real_entry_point = real_entry_point
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = settings.var_dir / f"{name}.log"
        self.env = {
            **os.environ,
            "JIFEN_PORT": str(self.port),
            "JIFEN_HOST": "127.0.0.1",
            "JIFEN_DATABASE_URL": settings.database_url,
            "JIFEN_REDIS_URL": settings.redis_url,
            "JIFEN_SECRET_KEY": settings.secret_key,
            "JIFEN_VAR_DIR": str(settings.var_dir),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until ``/health`` answers 200."""
        command = ["backend", "serve"] if self.real_entry_point else ["tests.clockserver"]
        env = self.env if self.real_entry_point else {**self.env, **CLOCK.environment()}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", *command], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    if not self.real_entry_point:
                        CLOCK.follow(self.url)
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text())
            time.sleep(0.1)
        raise RuntimeError("the server did not become healthy")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, like a power cut."""
        assert self.process is not None
        CLOCK.forget(self.url)
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Ask politely (SIGTERM); a server still draining after 15 s is killed."""
        CLOCK.forget(self.url)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
