"""No `from x import _name` across modules (STYLE.md section 11, issue #19).

A leading underscore is for the module that defines it; another module that needs the name gets
a public one (or the code moves). Checked by walking every module's imports with ast, like
tests/test_architecture.py. The names imported across modules when this test was written are
listed in KNOWN_PRIVATE_IMPORTS; nothing may be added to that list, and an entry goes as soon as
its import does.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "loadwatch"

# issue #19: every private import across modules is gone; a new one fails. (importing module,
# module imported from, name) entries would go here, and only while code is being moved.
KNOWN_PRIVATE_IMPORTS: frozenset[tuple[str, str, str]] = frozenset()


def module_name(path: Path) -> str:
    """`loadwatch/cli/_group.py` -> `loadwatch.cli._group`; a package is its `__init__`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_imports(source: str, module: str, *, is_package: bool) -> set[tuple[str, str, str]]:
    """(module, imported-from module, name) for each `from x import _name` in `source` where x
    is another module; relative imports are resolved against `module`. Dunder names
    (`__version__`) are public."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            origin = ".".join([*base, *([node.module] if node.module else [])])
        else:
            origin = node.module or ""
        for alias in node.names:
            name = alias.name
            if name.startswith("_") and not name.startswith("__") and origin != module:
                found.add((module, origin, name))
    return found


@cache
def package_private_imports() -> frozenset[tuple[str, str, str]]:
    """Every private name imported across modules in loadwatch/ (read once per session)."""
    found: set[tuple[str, str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        found |= private_imports(
            path.read_text(), module_name(path), is_package=path.name == "__init__.py"
        )
    return frozenset(found)


def test_no_new_private_name_is_imported_across_modules() -> None:
    new = sorted(package_private_imports() - KNOWN_PRIVATE_IMPORTS)
    assert not new, (
        "private names imported from another module (give the name a public spelling, or move "
        "the code): " + "; ".join(f"{m}: from {o} import {n}" for m, o, n in new)
    )


def test_the_known_list_shrinks_as_imports_go() -> None:
    gone = sorted(KNOWN_PRIVATE_IMPORTS - package_private_imports())
    assert not gone, "these imports are gone; delete them from KNOWN_PRIVATE_IMPORTS: " + "; ".join(
        map(str, gone)
    )


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        (
            "from loadwatch.services._common import _today",
            "loadwatch.services.x",
            False,
            {("loadwatch.services.x", "loadwatch.services._common", "_today")},
        ),
        (
            "from ._common import _today as today",
            "loadwatch.services.x",
            False,
            {("loadwatch.services.x", "loadwatch.services._common", "_today")},
        ),
        (
            "from .. import _helper",
            "loadwatch.services.x",
            False,
            {("loadwatch.services.x", "loadwatch", "_helper")},
        ),
        (
            "from . import _worker",
            "loadwatch.services.reports",
            False,
            {("loadwatch.services.reports", "loadwatch.services", "_worker")},
        ),
        (
            "def f():\n    from loadwatch.db import _hidden\n",
            "loadwatch.services.x",
            False,
            {("loadwatch.services.x", "loadwatch.db", "_hidden")},
        ),
        ("from loadwatch.cli._group import cli, echo_json", "loadwatch.cli.x", False, set()),
        ("from loadwatch import __version__", "loadwatch.cli.x", False, set()),
        ("import loadwatch.services._worker", "loadwatch.cli.x", False, set()),
    ],
    ids=[
        "absolute",
        "relative-aliased",
        "parent",
        "sibling-module",
        "in-function",
        "public",
        "dunder",
        "plain-import",
    ],
)
def test_the_checker_finds_private_names_imported_from_elsewhere(
    source: str, module: str, is_package: bool, expected: set[tuple[str, str, str]]
) -> None:
    assert private_imports(source, module, is_package=is_package) == expected


def test_a_new_private_import_fails_the_rule() -> None:
    snippet = "from loadwatch.services._worker import _pool\n"
    found = private_imports(snippet, "loadwatch.services.reports", is_package=False)
    assert found and not found <= KNOWN_PRIVATE_IMPORTS
