"""``jifen serve --lan`` as a real process on loopback, on the tests' database and Redis, with
its own ``var/`` so that it makes a fresh local certificate authority."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from backend.settings import get_settings
from tests.server import free_port


@dataclass(frozen=True)
class LanServer:
    https: str
    http: str
    var_dir: Path
    log: Path

    @property
    def ca_file(self) -> Path:
        return self.var_dir / "lan" / "ca.crt"

    def trusting(self) -> ssl.SSLContext:
        """A TLS context that trusts the generated authority and nothing else."""
        return ssl.create_default_context(cafile=str(self.ca_file))


@pytest.fixture(scope="session")
def lan_server(database: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanServer]:
    settings = get_settings()
    var_dir = tmp_path_factory.mktemp("lan-var")
    https_port, http_port = free_port(), free_port()
    log = var_dir / "serve-lan.log"
    env = {
        **os.environ,
        "JIFEN_PORT": str(http_port),
        "JIFEN_HTTPS_PORT": str(https_port),
        "JIFEN_DATABASE_URL": settings.database_url,
        "JIFEN_REDIS_URL": settings.redis_url,
        "JIFEN_SECRET_KEY": settings.secret_key,
        "JIFEN_VAR_DIR": str(var_dir),
    }
    # The log is read as a pipe would be: nothing in the environment may pretend it is a
    # terminal (CI had one such variable, and rich then folded the fingerprint at 80 columns).
    for forcing in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        env.pop(forcing, None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--lan", "--host", "127.0.0.1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LanServer(
        https=f"https://127.0.0.1:{https_port}",
        http=f"http://127.0.0.1:{http_port}",
        var_dir=var_dir,
        log=log,
    )
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(log.read_text())
            if server.ca_file.exists():
                try:
                    answer = httpx.get(
                        f"{server.https}/health", verify=server.trusting(), timeout=1
                    )
                    if answer.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
            time.sleep(0.1)
        else:
            raise RuntimeError("jifen serve --lan did not become healthy:\n" + log.read_text())
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
