"""docs/architecture.md names only modules and files that exist."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

DOC = ROOT / "docs" / "architecture.md"
PATH_PREFIXES = ("loadwatch/", "tests/", "docs/", "migrations/")


def _backticked() -> list[str]:
    return sorted(set(re.findall(r"`([^`\s]+)`", DOC.read_text())))


def _paths() -> list[str]:
    return [t for t in _backticked() if t.startswith(PATH_PREFIXES)]


def _dotted() -> list[str]:
    return [t for t in _backticked() if re.fullmatch(r"loadwatch(\.\w+)+", t)]


def _module_file(dotted: str) -> str | None:
    path = ROOT.joinpath(*dotted.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate.read_text()
    return None


def test_the_doc_names_modules_at_all() -> None:
    assert len(_paths()) > 30 and _dotted()


@pytest.mark.parametrize("path", _paths())
def test_every_named_path_exists(path: str) -> None:
    assert (ROOT / path).exists(), f"docs/architecture.md names {path}, which does not exist"


@pytest.mark.parametrize("dotted", _dotted())
def test_every_dotted_module_exists(dotted: str) -> None:
    """`loadwatch.a.b` is a module, or a name defined in the module `loadwatch.a`."""
    if _module_file(dotted) is not None:
        return
    parent, _, name = dotted.rpartition(".")
    source = _module_file(parent)
    assert source is not None, f"docs/architecture.md names {dotted}: no such module"
    assert re.search(
        rf"^\s*{re.escape(name)}\s*[:=]|^(?:def|class) {re.escape(name)}\b", source, re.M
    ), f"docs/architecture.md names {dotted}: {parent} defines no {name}"
