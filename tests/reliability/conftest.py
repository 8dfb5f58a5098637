"""Fixtures for the reliability suite: the real server and its OpenAPI document."""

from __future__ import annotations

import os

import pytest
import schemathesis

from tests.e2e.conftest import server_url  # noqa: F401 (the real server, shared with e2e)


def long_tests() -> bool:
    """The long variants run when asked (``JIFEN_LONG_TESTS=1``), not in every CI run."""
    return os.environ.get("JIFEN_LONG_TESTS", "") == "1"


@pytest.fixture(scope="session")
def api_schema(server_url: str) -> schemathesis.BaseSchema:  # noqa: F811
    return schemathesis.openapi.from_url(f"{server_url}/api/schema/openapi.json")
