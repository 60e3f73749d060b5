"""Every public write service runs inside ``transaction.atomic``.

A service that lost its transaction works on SQLite and inside the suite's test
transactions, and fails on PostgreSQL in production (``select_for_update`` outside a
transaction) or commits half its writes. This test reads every ``*/services.py`` and
every module of a ``*/services/`` package (split by use case), and fails for a
module-level public function that neither carries the decorator nor wraps its whole
body in ``with transaction.atomic():``, unless it is listed below with the reason it
needs none.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jaring

APPS = Path(jaring.__file__).parent

# Functions that write nothing (builders and readers kept beside the services).
READ_ONLY = {
    ("audit", "snapshot"): "builds a dict of field values",
    ("audit", "diff"): "compares two snapshots",
    ("audit", "audit_values"): "builds the values of an event; audit_record writes it",
    ("audit", "audit_build"): "builds an unsaved event for bulk_create by the caller",
    ("billing", "refusal_field"): "names the field of a refusal",
    ("claims", "claim_quote"): "computes a benefit quote from the records",
    ("regions", "read_region_rows"): "reads an edition file",
}

# Functions that commit step by step on purpose; each step is atomic on its own.
COMMITS_PER_STEP = {
    ("alerts", "alerts_refresh"): "each alert kind is applied in its own atomic _apply, "
    "so a failing source leaves the other kinds' alerts in place",
}


def _is_atomic(expr: ast.expr) -> bool:
    text = ast.unparse(expr)
    return text in {"transaction.atomic", "transaction.atomic()", "atomic", "atomic()"}


def _wraps_body_in_atomic(func: ast.FunctionDef) -> bool:
    body = [
        node
        for node in func.body
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    return (
        len(body) == 1
        and isinstance(body[0], ast.With)
        and any(_is_atomic(item.context_expr) for item in body[0].items)
    )


def _service_modules() -> list[tuple[str, Path]]:
    """(app, file) of every services module: ``<app>/services.py``, and each module of an
    ``<app>/services/`` package (split by use case)."""
    modules = [(path.parent.name, path) for path in APPS.glob("*/services.py")]
    modules += [(path.parent.parent.name, path) for path in APPS.glob("*/services/*.py")]
    return sorted(modules)


def _public_services() -> dict[tuple[str, str], ast.FunctionDef]:
    found = {}
    for app, path in _service_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                assert (app, node.name) not in found, f"{app}: two public services named {node.name}"
                found[(app, node.name)] = node
    return found


def _atomic(func: ast.FunctionDef) -> bool:
    return any(_is_atomic(d) for d in func.decorator_list) or _wraps_body_in_atomic(func)


def test_the_services_are_found():
    services = _public_services()
    # A guard against the glob finding nothing (the test would then pass vacuously).
    assert len(services) > 40
    assert ("funds", "transfer_post") in services


def test_every_public_write_service_runs_in_a_transaction():
    missing = [
        f"{app}.services.{name}"
        for (app, name), func in sorted(_public_services().items())
        if not _atomic(func) and (app, name) not in READ_ONLY and (app, name) not in COMMITS_PER_STEP
    ]
    assert not missing, (
        "these services write outside transaction.atomic (decorate them, or list them "
        f"as read-only with the reason): {missing}"
    )


def test_the_exceptions_are_still_true():
    services = _public_services()
    stale = [key for key in {**READ_ONLY, **COMMITS_PER_STEP} if key not in services]
    assert not stale, f"listed but no longer a public service: {stale}"
    wrongly_listed = [key for key in READ_ONLY if _atomic(services[key])]
    assert not wrongly_listed, f"listed as read-only but atomic (remove from READ_ONLY): {wrongly_listed}"


def test_a_service_missing_its_decorator_is_caught():
    source = (
        "from django.db import transaction\n"
        "@transaction.atomic\n"
        "def _helper():\n    pass\n"
        "def transfer_post():\n    _helper()\n"
        "def fine():\n    '''doc'''\n    with transaction.atomic():\n        pass\n"
    )
    funcs = {n.name: n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
    assert not _atomic(funcs["transfer_post"])
    assert _atomic(funcs["fine"])
    assert _atomic(funcs["_helper"])
