"""Service NotFound and Forbidden errors become the 404 and 403 pages once, in
agora.core.middleware.ServiceErrorsAsHttp: views don't repeat that mapping in their own
try/except pairs (handlers that turn them into a message or a form error are fine)."""

import ast
from pathlib import Path

import pytest

import agora

ROOT = Path(agora.__file__).parent
# Being reworked elsewhere at the time of writing; clean it up and drop it from this list.
NOT_YET: set[str] = set()
SERVICE_ERRORS = {"NotFound", "Forbidden"}
HTTP_ERRORS = {"Http404", "PermissionDenied"}


def _names(node) -> set[str]:
    if node is None:
        return set()
    if isinstance(node, ast.Tuple):
        return {n for elt in node.elts for n in _names(elt)}
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return {"?"}


def _raised(stmt) -> str | None:
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return None
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return (_names(exc) or {None}).pop()


def mapping_handlers(source: str) -> list[int]:
    """Lines of `except NotFound/Forbidden: raise Http404/PermissionDenied` in views (functions
    taking `request` first)."""
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef) or not fn.args.args:
            continue
        if fn.args.args[0].arg != "request":
            continue
        for node in ast.walk(fn):
            if not isinstance(node, ast.ExceptHandler):
                continue
            caught = _names(node.type)
            maps = len(node.body) == 1 and _raised(node.body[0]) in HTTP_ERRORS
            if caught and caught <= SERVICE_ERRORS and maps:
                found.append(node.lineno)
    return found


def test_the_checker_finds_a_mapping_pair():
    source = (
        "def view(request):\n"
        "    try:\n"
        "        services.act(request.user)\n"
        "    except NotFound:\n"
        "        raise Http404 from None\n"
        "    except Forbidden as error:\n"
        "        messages.error(request, error.message)\n"
    )
    assert mapping_handlers(source) == [4]


@pytest.mark.parametrize(
    "path",
    sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/views.py")),
)
def test_views_leave_not_found_and_forbidden_to_the_middleware(path):
    if path in NOT_YET:
        pytest.skip("not cleaned up yet")
    lines = mapping_handlers((ROOT / path).read_text())
    assert lines == [], f"{path}: the middleware already maps these (lines {lines})"
