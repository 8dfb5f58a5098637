"""The OpenAPI document lists every problem each operation can answer, with the real media types
of the files it sends and the form field of the files it takes (backend/http/refusals.py).

Kept true three ways: every refusal class of ``backend`` is documented on some operation (or is
named below as one no HTTP request can meet), so a refusal the reader of the code cannot reach
fails here; real refusals through the app are each found in their operation's document; and
every operation that answers bytes documents what kind of file they are."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import msgspec
import pytest
from httpx import AsyncClient
from litestar import Litestar, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler

import backend
from backend.app import create_app
from backend.auth.principal import Role
from backend.errors import DomainError
from backend.http.input import UPLOAD_FIELD
from backend.http.refusals import BadSheetProblem, InvalidInputProblem, operation_refusals
from backend.shop.errors import AlreadyVoided, DuplicateProduct, OutOfStock
from tests.factories import add_scoring, stocked_place, unique
from tests.shop.test_redemption import card, sell

SALE = "/api/v1/villages/{village_id}/shops/{shop_id}/redemptions"
SCORE_SHEET = "/api/v1/villages/{village_id}/periods/{period_id}/score-sheet"
# Refusals no API operation answers: the command line's (backup, restore, setup) and the edge's
# for a request that reaches no operation (a method the path does not have).
NOT_OVER_HTTP = {"backend.backup.errors", "backend.setup.errors", "backend.ledger.moving_errors"}
NO_OPERATION = {"method_not_allowed"}
# Defined but raised nowhere today (backend/errors.py, backend/scoring/errors.py): kept out of the
# document, listed here so that a new unused one is noticed. Delete them or raise them.
UNUSED = {"conflict", "open_objections", "service_unavailable"}
JSON = "application/json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(background_jobs=False).openapi_schema.to_schema()


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    }


def documented(operation: dict[str, Any]) -> dict[str, int]:
    """Each problem code the operation documents, with its status."""
    codes = {}
    for status, response in operation["responses"].items():
        for content in response.get("content", {}).values():
            for example in (content.get("examples") or {}).values():
                codes[example["value"]["code"]] = int(status)
    return codes


def every_refusal() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(backend.__path__, "backend."):
        if "piccolo_migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found, todo = [], list(DomainError.__subclasses__())
    while todo:
        refusal = todo.pop()
        found.append(refusal)
        todo.extend(refusal.__subclasses__())
    return found


def test_every_refusal_is_documented_where_it_can_be_answered(document: dict[str, Any]) -> None:
    answered = {code for op in operations(document).values() for code in documented(op)}
    missing = sorted(
        f"{r.__module__}.{r.__name__} ({r.code})"
        for r in every_refusal()
        if r.__module__ not in NOT_OVER_HTTP
        and r.code not in NO_OPERATION | UNUSED
        and r.code not in answered
    )
    assert missing == [], (
        "refusals no operation documents: raise them where the reader in "
        "backend/http/refusals.py can follow, or delete them if unused"
    )


async def _refuses_out_of_stock(_: ASGIConnection, __: BaseRouteHandler) -> None:
    raise OutOfStock()


async def _provides_nothing_voided() -> int:
    raise AlreadyVoided()


async def _provides_no_duplicate() -> int:
    raise DuplicateProduct()


def test_guards_and_the_dependencies_a_handler_takes_add_their_refusals() -> None:
    """A refusal raised by a route's own guard or by the provider of a dependency it names is
    one the operation can answer; a provider the handler does not ask for adds nothing."""

    @get("/", guards=[_refuses_out_of_stock], sync_to_thread=False)
    def handler(voided: NamedDependency[int]) -> None:
        del voided

    app = Litestar(
        [handler],
        dependencies={
            "voided": Provide(_provides_nothing_voided),
            "duplicate": Provide(_provides_no_duplicate),
        },
    )
    (registered,) = [
        h
        for route in app.routes
        if route.path == "/"
        for h in getattr(route, "route_handlers", ())
        if isinstance(h, HTTPRouteHandler) and "GET" in h.http_methods
    ]
    found = operation_refusals(registered)
    assert OutOfStock in found and AlreadyVoided in found
    assert DuplicateProduct not in found


def test_a_sale_documents_its_conflicts_bad_codes_and_locked_pins(document: dict[str, Any]) -> None:
    sale = documented(operations(document)[("POST", SALE)])
    for code, status in {
        "insufficient_points": 409,
        "out_of_stock": 409,
        "card_revoked": 409,
        "code_used": 409,
        "code_expired": 409,
        "code_forged": 422,
        "idempotency_key_reused": 422,
        "pin_locked": 423,
        "pin_wrong": 422,
        "idempotency_key_missing": 400,
        "not_authenticated": 401,
        "not_found": 404,
        "cross_origin_refused": 403,
    }.items():
        assert sale.get(code) == status, code


async def test_refusals_answered_by_a_sale_are_in_its_document(
    client: AsyncClient, document: dict[str, Any]
) -> None:
    sale = documented(operations(document)[("POST", SALE)])
    place = await stocked_place(30)
    code = await card(place)
    answers = [
        await sell(client, place, code, [(place.product_id, 4)]),
        await sell(client, place, code, [(place.product_id, 1)], key=False),
        await sell(client, place, code, [(999999, 1)]),
        await sell(client, place, "JF1:NOT:A:CARD", [(place.product_id, 1)]),
    ]
    key = unique("sale")
    await sell(client, place, code, [(place.product_id, 1)], key=key)
    answers.append(await sell(client, place, code, [(place.product_id, 2)], key=key))
    for answer in answers:
        problem = answer.json()
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert sale.get(problem["code"]) == answer.status_code, problem


async def test_a_bad_score_sheet_is_documented_with_its_problem_list(
    client: AsyncClient, document: dict[str, Any]
) -> None:
    upload = operations(document)[("POST", SCORE_SHEET)]
    assert documented(upload)["bad_sheet"] == 422
    schema = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == [UPLOAD_FIELD] and UPLOAD_FIELD == "data"
    assert schema["properties"][UPLOAD_FIELD]["format"] == "binary"
    sheet = document["components"]["schemas"]["BadSheetProblem"]
    assert {"problems", "count"} <= set(sheet["required"])

    place = await stocked_place(10)
    period_id = (await add_scoring(place))["period_id"]
    answer = await client.post(
        f"/api/v1/villages/{place.village_id}/periods/{period_id}/score-sheet",
        files={UPLOAD_FIELD: ("sheet.xlsx", b"PK not a workbook")},
        headers=place.headers(Role.committee),
    )
    assert answer.status_code == 422, answer.text
    problem = msgspec.convert(answer.json(), BadSheetProblem)
    assert problem.code == "bad_sheet" and problem.problems[0].kind == "not_xlsx"

    wrong = await client.post(
        f"/api/v1/villages/{place.village_id}/periods/{period_id}/score-sheet?dry_run=maybe",
        files={UPLOAD_FIELD: ("sheet.xlsx", b"")},
        headers=place.headers(Role.committee),
    )
    assert wrong.status_code == 400
    assert msgspec.convert(wrong.json(), InvalidInputProblem).errors


def test_files_are_documented_with_their_media_types(document: dict[str, Any]) -> None:
    app = create_app(background_jobs=False)
    files = {
        (method, "/" + route.path_format.strip("/"))
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if "bytes" in str(handler.fn.__annotations__.get("return", ""))
        and handler.include_in_schema
        for method in handler.http_methods
    }
    kinds = {}
    for (method, path), op in operations(document).items():
        if (method, path) in files:
            ok = next(r for status, r in op["responses"].items() if status.startswith("2"))
            kinds[path] = set(ok["content"])
    assert kinds and all(JSON not in types for types in kinds.values()), kinds
    assert kinds[SCORE_SHEET] == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    }
    assert kinds["/api/v1/villages/{village_id}/ledger/export"] == {"text/csv; charset=utf-8"}
    assert kinds["/api/v1/villages/{village_id}/boards/{board_id}/poster"] == {"application/pdf"}


def test_every_operation_answers_problems_as_problem_json(document: dict[str, Any]) -> None:
    for (method, path), op in operations(document).items():
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert set(response.get("content", {})) == {"application/problem+json"}, (
                    method,
                    path,
                    status,
                )
