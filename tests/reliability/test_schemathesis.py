"""Schemathesis against the real server's OpenAPI document, logged in as a committee member:
whatever it sends, no 5xx, every answer matches what the document promises, and data the
schema forbids is refused.

Every operation gets a few generated requests in CI; the long variant (``JIFEN_LONG_TESTS=1``)
sends hundreds per operation.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)
from schemathesis.core.result import Err

from backend.auth.principal import Role
from tests.factories import World
from tests.reliability.conftest import long_tests

# Refusals answer with problem details under their own status codes (401, 404, 409, 422 …),
# which the document does not list one by one; the checks below are the three.
CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection]


def test_no_server_errors_and_the_schema_holds(
    api_schema: schemathesis.BaseSchema, server_url: str, world: World
) -> None:
    headers = world.a.headers(Role.committee)
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation the schema cannot describe fails the test
        operation = result.ok()
        if operation.path == "/api/v1/auth/logout":
            continue  # it would end the session the other operations run in (tested elsewhere)
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=150 if long_tests() else 6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def probe(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=server_url, headers=headers, checks=CHECKS)

        try:
            probe()
        except Exception as failure:
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}"[:2000])
    assert operations > 50
    assert not failures, "\n\n".join(failures)
