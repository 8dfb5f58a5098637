"""A kiosk's HTTP connection for the load generators: one keep-alive HTTP/1.1 connection, JSON in
and out, nothing else.

The load generator shares the machine's two cores with the server and PostgreSQL. httpx spent
more CPU per request than the server did to answer it (measured: the generator at ~60% of a
core while each server worker idled at ~20%), so the benchmark measured the client. This costs
a few tens of microseconds per request.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit


class KioskConnection:
    """One persistent connection; reopened when the server closes it."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.fixed = "".join(
            f"{name}: {value}\r\n"
            for name, value in {
                "Host": f"{self.host}:{self.port}",
                "Content-Type": "application/json",
                **headers,
            }.items()
        )
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        """POST ``body`` as JSON; the status and the decoded JSON answer."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = json.dumps(body).encode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\n{self.fixed}{extra}"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        status = int((await self.reader.readline()).split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection":
                close = value.strip().lower() == "close"
            elif name == "transfer-encoding":
                raise NotImplementedError("chunked answers: the API sends Content-Length")
        answer = json.loads(await self.reader.readexactly(length)) if length else None
        if close:
            await self.close()
        return status, answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()
        self.reader = self.writer = None
