"""The LAN server fixture (``tests/lan/server.py``, shared with ``tests/e2e/test_lan.py``)."""

from tests.lan.server import lan_server

__all__ = ["lan_server"]
