"""Starting and stopping the real server (``docker stop``, systemd, Ctrl-C all send SIGTERM)
while a notice-board screen holds its event stream open."""

from __future__ import annotations

import signal
import socket
import subprocess
import time

from backend.registry import services as registry
from tests.factories import make_place, make_town
from tests.server import ServerProcess


async def test_jobs_start_cleanly_and_sigterm_stops_the_server_while_a_screen_listens() -> None:
    """The background jobs start once the database is open (on PostgreSQL a job that ran first
    failed: its connection was refused by the pool opened under it), and one screen's endless
    event stream does not keep the server from stopping."""
    place = await make_place((await make_town()).id, with_users=False)
    code = (await registry.village(place.village_id)).code
    server = ServerProcess("shutdown-server", real_entry_point=True)
    server.start()
    assert server.process is not None
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as screen:
            screen.sendall(
                f"GET /api/v1/public/villages/{code}/events HTTP/1.1\r\n"
                f"Host: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            heard = b""
            while b"hello" not in heard:
                chunk = screen.recv(4096)
                assert chunk, "the stream closed before it said hello"
                heard += chunk
            stopping = time.monotonic()
            server.process.terminate()
            try:
                returncode = server.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                returncode = None
            waited = time.monotonic() - stopping
        assert returncode is not None, f"still running {waited:.0f} s after SIGTERM"
        assert returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it stopped on
        log = server.log_path.read_text()
        assert "Application shutdown complete" in log
        assert "failed; trying again" not in log, log
    finally:
        server.stop()
