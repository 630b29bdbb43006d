"""The import layers of STYLE.md section 1, checked by walking every module's imports with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "loadwatch"

# module prefix -> forbidden import prefixes
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "loadwatch.domain": ("loadwatch.", "sqlalchemy", "streamlit", "pandas"),
    "loadwatch.errors": ("loadwatch.", "sqlalchemy", "streamlit"),
    "loadwatch.units": ("loadwatch.db", "loadwatch.services", "sqlalchemy", "streamlit"),
    "loadwatch.load": (
        "sqlalchemy",
        "streamlit",
        "click",
        "plotly",
        "fitparse",
        "gpxpy",
        "loadwatch.db",
        "loadwatch.importers",
        "loadwatch.services",
    ),
    "loadwatch.rules": (
        "sqlalchemy",
        "streamlit",
        "click",
        "plotly",
        "fitparse",
        "gpxpy",
        "loadwatch.db",
        "loadwatch.importers",
        "loadwatch.services",
    ),
    "loadwatch.importers": (
        "loadwatch.db",
        "loadwatch.load",
        "loadwatch.rules",
        "streamlit",
        "click",
        "sqlalchemy",
        "loadwatch.services",
    ),
    "loadwatch.db": ("streamlit", "click", "loadwatch.importers", "loadwatch.services"),
    "loadwatch.services": ("streamlit", "click", "plotly"),
    "loadwatch.report": (
        "streamlit",
        "click",
        "plotly",
        "sqlalchemy",
        "loadwatch.db",
        "loadwatch.importers",
        "loadwatch.services",
    ),
    "loadwatch.cli": (
        "loadwatch.db",
        "sqlalchemy.orm",
        "streamlit",
        "loadwatch.load",
        "loadwatch.rules",
    ),
    "loadwatch.ui": (
        "loadwatch.db",
        "sqlalchemy.orm",
        "loadwatch.load",
        "loadwatch.rules",
        "loadwatch.importers",
    ),
}
ONLY_IN = {
    "fitparse": "loadwatch.importers.fit",
    "gpxpy": "loadwatch.importers.gpx",
    "streamlit": "loadwatch.ui",
}


def _modules() -> list[tuple[str, Path]]:
    result = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        result.append((name, path))
    return result


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_module_respects_the_import_layers(module: str, path: Path) -> None:
    imports = _imports(path)
    for prefix, forbidden in FORBIDDEN.items():
        if module == prefix or module.startswith(prefix + "."):
            bad = [
                i for i in imports if any(i == f.rstrip(".") or i.startswith(f) for f in forbidden)
            ]
            assert not bad, f"{module} must not import {bad}"
    for library, home in ONLY_IN.items():
        uses = [i for i in imports if i == library or i.startswith(library + ".")]
        if uses:
            assert module.startswith(home.rstrip(".")), (
                f"{library} is imported outside {home}: {module}"
            )


def test_db_takes_only_column_names_from_load() -> None:
    for module, path in _modules():
        if module.startswith("loadwatch.db"):
            uses = [i for i in _imports(path) if i.startswith("loadwatch.load")]
            assert set(uses) <= {"loadwatch.load.frames"}, (module, uses)


def test_pure_layers_never_read_the_clock() -> None:
    for module, path in _modules():
        if module.startswith(("loadwatch.load", "loadwatch.rules")):
            source = path.read_text()
            assert "date.today(" not in source and "datetime.now(" not in source, module


def test_app_code_never_calls_create_all() -> None:
    for _, path in _modules():
        assert "create_all(" not in path.read_text(), path
