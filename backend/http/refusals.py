"""What each API operation can refuse, written into its OpenAPI document.

The refusals are read from the code, not declared beside the route: a hand-kept list falls behind
the services it names. When the document is first built (the first request for
``/api/schema``, never at start-up), each handler's source is followed through every function of
``backend`` it calls or hands on (``run_heavy(sheet.parse, …)``), and every :class:`DomainError`
class it raises or builds on the way is collected, and so are those of the route's own guards
(``shop_staff``) and of the dependencies the handler takes (``scorer: CurrentScorer``). To those
the edge adds its own: the access guard's (401, 403, the 404 of another village's ids) for
operations that need a login, the validation refusal (400 ``invalid_input``,
``hidden_characters``), the edge middleware's for writes, 500, and the 503
``database_unavailable`` of a failover (any operation may meet one).
Each status gets one response whose description lists its codes and whose examples show each
problem body; ``bad_sheet`` documents its list of problems and ``invalid_input`` its fields.

Over-approximation is the safe side: a branch the handler cannot take in practice still lists
its refusal; a refusal raised through something the reader cannot follow (a method of an
object, a callback stored in a variable) is what tests/http/test_openapi_refusals.py catches.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from functools import cache, cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, TypeGuard, cast, get_type_hints

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

from backend.errors import (
    BodyTooLarge,
    CrossOriginRefused,
    DatabaseUnavailable,
    DomainError,
    HiddenCharacters,
    InternalError,
    InvalidInput,
    UnsupportedMediaType,
)
from backend.http.access import access_guard
from backend.sheets import BadSheet

PROBLEM_JSON = "application/problem+json"
Refusal = type[DomainError]
Function = Callable[..., Any]


class ProblemDetails(msgspec.Struct):
    """RFC 9457 problem details as backend/http/problems.py writes them; a refusal's own data
    (``balance``, ``price``, ``retry_after``…) comes beside these fields."""

    type: str
    title: str
    status: int
    code: str
    detail: str


class FieldError(msgspec.Struct):
    field: str
    message: str


class InvalidInputProblem(ProblemDetails):
    """``invalid_input`` / ``hidden_characters``: which fields of the request were wrong."""

    errors: list[FieldError] | None = None


class SheetCellProblem(msgspec.Struct, omit_defaults=True):
    """One problem of an uploaded sheet: its row and column letter (``B``), what is wrong."""

    kind: str
    message: str
    row: int | None = None
    column: str | None = None
    index: int | None = None


class BadSheetProblem(ProblemDetails):
    """``bad_sheet``: nothing was changed; ``problems`` lists every bad cell."""

    count: int
    problems: list[SheetCellProblem]


BODIES: dict[Refusal, type[ProblemDetails]] = {
    InvalidInput: InvalidInputProblem,
    HiddenCharacters: InvalidInputProblem,
    BadSheet: BadSheetProblem,
}
EDGE_WRITE: tuple[Refusal, ...] = (CrossOriginRefused, UnsupportedMediaType, BodyTooLarge)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@cache
def _definitions(filename: str) -> dict[int, ast.AST]:
    """The function definitions of one source file by their first line (a decorated function's
    code starts at its first decorator): each file is parsed once."""
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return {}
    found: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.lineno] = node
            for decorator in node.decorator_list:
                found.setdefault(decorator.lineno, node)
    return found


def _definition(function: Callable[..., Any]) -> ast.AST | None:
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    return _definitions(code.co_filename).get(code.co_firstlineno)


def _imported(node: ast.ImportFrom) -> dict[str, Any]:
    """Names a function imports inside its body (the CLIs' lazy imports)."""
    if not node.module or node.level:
        return {}
    module = importlib.import_module(node.module)
    names = {}
    for alias in node.names:
        value = getattr(module, alias.name, None)
        if value is None:
            value = importlib.import_module(f"{node.module}.{alias.name}")
        names[alias.asname or alias.name] = value
    return names


def _resolve(node: ast.expr, namespace: Mapping[str, Any]) -> Any:
    """What a name or dotted name in the function's module means, or None."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        if isinstance(base, ModuleType | type):
            return getattr(base, node.attr, None)
        if base is not None and type(base).__module__.startswith("backend"):
            # a method of one of our module-level objects (``live.slots.take``), read without
            # running any property
            return inspect.getattr_static(base, node.attr, None)
    return None


def _ours(value: Any) -> TypeGuard[Callable[..., Any]]:
    return inspect.isfunction(value) and (value.__module__ or "").startswith("backend")


@cache
def _direct(function: Callable[..., Any]) -> tuple[frozenset[Refusal], tuple[Function, ...]]:
    """The refusals ``function`` itself raises or builds, and the ``backend`` functions it
    names. A class only caught (``except CardRevoked:``) is not a refusal of this function."""
    tree = _definition(function)
    if tree is None:
        return frozenset(), ()
    namespace = dict(getattr(function, "__globals__", {}))
    names: list[ast.expr] = []
    caught: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            namespace.update(_imported(node))
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught.update(id(n) for n in ast.walk(node.type))
        elif isinstance(node, ast.Name | ast.Attribute):
            names.append(node)
    refusals: set[Refusal] = set()
    callees: dict[int, Callable[..., Any]] = {}
    for node in names:
        value = _resolve(node, namespace) if id(node) not in caught else None
        if isinstance(value, type) and issubclass(value, DomainError) and value is not DomainError:
            refusals.add(value)
        elif _ours(value):
            callee = inspect.unwrap(value)
            callees[id(callee)] = callee
    return frozenset(refusals), tuple(callees.values())


def raisable(function: Callable[..., Any]) -> frozenset[Refusal]:
    """Every refusal ``function`` or a ``backend`` function it reaches can raise."""
    found: set[Refusal] = set()
    todo, seen = [inspect.unwrap(function)], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        refusals, callees = _direct(current)
        found |= refusals
        todo.extend(callees)
    return frozenset(found)


def _around(handler: HTTPRouteHandler) -> Iterator[Function]:
    """What runs for the handler besides its body: the guards declared on it or its layers
    (``shop_staff``), and the providers of the dependencies its signature asks for
    (``scorer: CurrentScorer``). ``access_guard`` is left to :func:`operation_refusals`, which
    knows it lets public operations through."""
    for guard in handler.resolve_guards():
        if guard is not access_guard:
            yield guard
    wanted = handler.parsed_fn_signature.parameters
    for name, provide in handler.resolve_dependencies().items():
        if name in wanted:
            yield provide.dependency


def operation_refusals(handler: HTTPRouteHandler) -> frozenset[Refusal]:
    """The handler's own refusals, those of its guards and dependencies, and the edge's for
    this operation."""
    found = set(raisable(handler.fn))
    for function in _around(handler):
        found |= raisable(function)
    if not handler.opt.get("public"):
        found |= raisable(access_guard)
    if set(handler.http_methods) - SAFE_METHODS:
        found |= set(EDGE_WRITE)
    found |= {InvalidInput, HiddenCharacters, InternalError, DatabaseUnavailable}
    return frozenset(found)


def _example(refusal: Refusal) -> Example:
    return Example(
        summary=refusal.code,
        description=refusal.en,
        value={
            "type": f"urn:jifen:problem:{refusal.code}",
            "title": refusal.code,
            "status": refusal.status,
            "code": refusal.code,
            "detail": refusal.zh,
        },
    )


@cache
def _either(bodies: tuple[type[ProblemDetails], ...]) -> type[ProblemDetails]:
    """One body for a status whose refusals have different shapes: every extra field of each,
    optional. Not a union: every shape is a problem-details object, so a body would match more
    than one branch of a ``oneOf`` and a validating client (schemathesis) rejects it. Cached: one
    class per combination, so the document names each schema once."""
    extras: dict[str, Any] = {}
    for body in bodies:
        for name, hint in get_type_hints(body).items():
            if name not in ProblemDetails.__struct_fields__:
                extras[name] = hint | None
    fields = [(name, hint, None) for name, hint in sorted(extras.items())]
    name = "Or".join(body.__name__.removesuffix("Problem") for body in bodies) + "Problem"
    return cast(type[ProblemDetails], msgspec.defstruct(name, fields, bases=(ProblemDetails,)))


def responses_for(refusals: frozenset[Refusal]) -> dict[int, ResponseSpec]:
    """One response per status: its codes in the description, one example body per code."""
    by_status: dict[int, list[Refusal]] = {}
    for refusal in sorted(refusals, key=lambda r: (r.status, r.code)):
        by_status.setdefault(refusal.status, []).append(refusal)
    specs = {}
    for status, group in by_status.items():
        bodies = sorted({BODIES.get(r, ProblemDetails) for r in group}, key=lambda b: b.__name__)
        specs[status] = ResponseSpec(
            data_container=bodies[0] if len(bodies) == 1 else _either(tuple(bodies)),
            media_type=PROBLEM_JSON,
            generate_examples=False,
            description="; ".join(f"`{r.code}`: {r.en}" for r in group),
            examples=[_example(r) for r in group],
        )
    return specs


class _Refusals(Mapping[int, ResponseSpec]):
    """A handler's ``responses``, worked out the first time the document asks for them."""

    def __init__(self, handler: HTTPRouteHandler, declared: Mapping[int, ResponseSpec]) -> None:
        self.handler = handler
        self.declared = dict(declared)

    @cached_property
    def specs(self) -> dict[int, ResponseSpec]:
        return {**responses_for(operation_refusals(self.handler)), **self.declared}

    def __getitem__(self, status: int) -> ResponseSpec:
        return self.specs[status]

    def __iter__(self) -> Iterator[int]:
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)


def document_refusals(app: Litestar) -> None:
    """Give every API operation of ``app`` its refusals in the OpenAPI document (lazily)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if (
                isinstance(handler, HTTPRouteHandler)
                and handler.include_in_schema
                and not isinstance(handler.responses, _Refusals)
            ):
                handler.responses = _Refusals(handler, handler.responses or {})
