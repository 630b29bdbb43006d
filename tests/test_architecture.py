"""The import layers of STYLE.md section 1, checked by walking every module's imports with ast.

An ALLOW-list: each layer names the loadwatch modules and the third-party libraries it may
import; anything else (a new layer, a new library) fails until this table and
docs/architecture.md say where it belongs. The standard library is always allowed.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "loadwatch"


@dataclass(frozen=True)
class Layer:
    loadwatch: tuple[str, ...]  # module prefixes inside loadwatch (the layer's own included)
    libraries: tuple[str, ...] = ()  # third-party top-level packages


_PURE = ("loadwatch.domain", "loadwatch.errors", "loadwatch.units")
_ALL_BUT_FRONT_ENDS = (
    *_PURE,
    "loadwatch.importers",
    "loadwatch.db",
    "loadwatch.load",
    "loadwatch.rules",
    "loadwatch.report",
    "loadwatch.auth",
    "loadwatch.services",
    "loadwatch.sample",
    "loadwatch.synth",
)
_FRONT_END = ("loadwatch.services", *_PURE)

# layer (a module, or a package and everything under it) -> what it may import
ALLOWED: dict[str, Layer] = {
    "loadwatch": Layer(()),  # the root __init__: __version__ and a NullHandler only
    "loadwatch.__main__": Layer(("loadwatch.cli",)),
    "loadwatch.domain": Layer(()),
    "loadwatch.errors": Layer(()),
    "loadwatch.units": Layer(("loadwatch.errors",)),
    "loadwatch.load": Layer((*_PURE, "loadwatch.load"), ("pandas", "numpy")),
    "loadwatch.rules": Layer((*_PURE, "loadwatch.load", "loadwatch.rules"), ("pandas", "numpy")),
    "loadwatch.importers": Layer(
        (*_PURE, "loadwatch.importers"),
        ("fitparse", "crcmod", "gpxpy", "defusedxml", "lxml", "numpy"),
    ),
    "loadwatch.db": Layer(
        ("loadwatch.domain", "loadwatch.errors", "loadwatch.load.frames", "loadwatch.db"),
        ("sqlalchemy", "alembic", "platformdirs", "pandas", "filelock"),
    ),
    # report.py is the pure half of a report: no database, no files.
    "loadwatch.report": Layer(
        (*_PURE, "loadwatch.load", "loadwatch.rules", "loadwatch.report"), ("pandas", "numpy")
    ),
    "loadwatch.services": Layer(
        _ALL_BUT_FRONT_ENDS,
        (
            "sqlalchemy",
            "pandas",
            "numpy",
            "timezonefinder",
            "platformdirs",
            "tzlocal",
            "argon2",
            "zxcvbn",
            "watchdog",
            "icalendar",  # the plan as a calendar file (issue #25)
        ),
    ),
    "loadwatch.auth": Layer(_ALL_BUT_FRONT_ENDS, ("sqlalchemy",)),
    # Demo and test data generators: synth writes FIT checksums with importers.fit.fit_crc.
    "loadwatch.synth": Layer((*_PURE, "loadwatch.importers.fit", "loadwatch.synth"), ("numpy",)),
    "loadwatch.sample": Layer((*_PURE, "loadwatch.synth")),
    # `from loadwatch import __version__` is the root package's one public name.
    # Documents for the user (the printable lead-up page): from a service's view, for both
    # front ends; no database (issue #19: rendering out of the services).
    "loadwatch.documents": Layer(
        (
            "loadwatch.services",
            *_PURE,
            "loadwatch.rules.citations",
            "loadwatch.rules.injury_sites",
            "loadwatch.rules.lead_up",
        )
    ),
    "loadwatch.cli": Layer(
        (*_FRONT_END, "loadwatch.documents", "loadwatch.cli", "loadwatch.__version__"),
        ("click", "rich", "sqlalchemy"),
    ),
    "loadwatch.ui": Layer(
        (*_FRONT_END, "loadwatch.documents", "loadwatch.ui"),
        ("streamlit", "plotly", "pandas", "sqlalchemy", "starlette"),
    ),
}
# Finer than the allow-list: front ends may name an Engine, never open a session.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "loadwatch.cli": ("sqlalchemy.orm",),
    "loadwatch.ui": ("sqlalchemy.orm",),
}
ONLY_IN = {
    "fitparse": "loadwatch.importers.fit",
    "crcmod": "loadwatch.importers.fit",
    "gpxpy": "loadwatch.importers.gpx",
    "defusedxml": "loadwatch.importers._xml",
    "lxml": "loadwatch.importers._xml",
    "timezonefinder": "loadwatch.services._localtime",
    "watchdog": "loadwatch.services.watch",
    "streamlit": "loadwatch.ui",
    "starlette": "loadwatch.ui.club_app",  # Streamlit's own ASGI layer, for st.App's middleware
}


def _modules() -> list[tuple[str, Path]]:
    result = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        result.append((name, path))
    return result


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path) -> list[str]:
    """Imported module names. `from loadwatch.x import y` also counts `loadwatch.x.y` when y
    is a module, and `from loadwatch import x` counts only as `loadwatch.x`."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "loadwatch":
                names.extend(f"loadwatch.{alias.name}" for alias in node.names)
                continue
            names.append(node.module)
            if _within(node.module, "loadwatch"):
                submodules = (f"{node.module}.{alias.name}" for alias in node.names)
                names.extend(name for name in submodules if _is_module(name))
    return names


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _layer(module: str) -> str:
    """The most specific ALLOWED key for a module (the root key matches only itself)."""
    keys = [k for k in ALLOWED if module == k or (k != "loadwatch" and _within(module, k))]
    assert keys, f"{module} is in no layer; add it to ALLOWED and to docs/architecture.md"
    return max(keys, key=len)


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_module_imports_only_what_its_layer_allows(module: str, path: Path) -> None:
    layer = ALLOWED[_layer(module)]
    imports = _imports(path)
    ours = [i for i in imports if _within(i, "loadwatch")]
    bad = [i for i in ours if not any(_within(i, allowed) for allowed in layer.loadwatch)]
    assert not bad, f"{module} ({_layer(module)} layer) must not import {bad}"
    libraries = {i.split(".")[0] for i in imports} - {"loadwatch"} - sys.stdlib_module_names
    assert libraries <= set(layer.libraries), (
        f"{module} must not import {sorted(libraries - set(layer.libraries))}"
    )
    for prefix, forbidden in FORBIDDEN.items():
        if _within(module, prefix):
            denied = [i for i in imports if any(_within(i, f) for f in forbidden)]
            assert not denied, f"{module} must not import {denied}"
    for library, home in ONLY_IN.items():
        uses = [i for i in imports if _within(i, library)]
        if uses:
            assert _within(module, home), f"{library} is imported outside {home}: {module}"


def test_app_entry_point_only_routes_to_ui() -> None:
    imports = _imports(ROOT / "app.py")
    assert {i for i in imports if _within(i, "loadwatch")} <= {"loadwatch.ui.navigation"}
    assert {i.split(".")[0] for i in imports} - sys.stdlib_module_names <= {
        "streamlit",
        "loadwatch",
    }


def test_no_service_module_imports_the_demo() -> None:
    for module, path in _modules():
        if _within(module, "loadwatch.services") and module != "loadwatch.services":
            assert "loadwatch.services.demo" not in _imports(path), module


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
