"""Fixtures for the reliability suite: the real server's OpenAPI document."""

from __future__ import annotations

import os

import pytest
import schemathesis


def long_tests() -> bool:
    """The long variants run when asked (``JIFEN_LONG_TESTS=1``), not in every CI run."""
    return os.environ.get("JIFEN_LONG_TESTS", "") == "1"


@pytest.fixture(scope="session")
def api_schema(server_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{server_url}/api/schema/openapi.json")
