"""The CLI starts without the heavy libraries; services re-exports every name lazily (issue #13).

`loadwatch --help` took over a second because every command module imported pandas, SQLAlchemy
and timezonefinder up front. docs/architecture.md ("Lazy imports") says how commands stay light;
these tests hold every CLI module to it. Timings live in docs/performance.md, not in tests.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from loadwatch import services
from tests.conftest import ROOT

# What a command may import only when it runs, never at `import loadwatch.cli`.
HEAVY = (
    "pandas",
    "numpy",
    "sqlalchemy",
    "alembic",
    "streamlit",
    "plotly",
    "timezonefinder",
    "fitparse",
    "gpxpy",
    "loadwatch.db",
    "loadwatch.report",
    "loadwatch.rules",
    "loadwatch.services.imports",
)

_PROBE = """
import json, sys
import click
from loadwatch.cli import cli
with click.Context(cli, info_name="loadwatch") as ctx:
    cli.get_help(ctx)
    for name in cli.list_commands(ctx):
        cli.get_command(ctx, name).get_short_help_str()
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    """Module names loaded by `code` in a fresh interpreter (this one has imported everything)."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_importing_the_cli_and_its_help_loads_no_heavy_library() -> None:
    loaded = _modules_after(_PROBE)
    heavy = sorted(
        name for name in loaded if any(name == h or name.startswith(h + ".") for h in HEAVY)
    )
    assert not heavy, (
        "`import loadwatch.cli` (and `loadwatch --help`) must not import these; import them "
        f"when the command runs (docs/architecture.md, 'Lazy imports'): {heavy[:20]}"
    )


def test_services_package_itself_imports_no_service_module() -> None:
    loaded = _modules_after(
        "import json, sys\nimport loadwatch.services\nprint(json.dumps(sorted(sys.modules)))"
    )
    assert not [m for m in loaded if m.startswith("loadwatch.services.")]
    assert "pandas" not in loaded


def test_every_reexported_service_name_resolves_to_its_modules_object() -> None:
    stub = ast.parse((ROOT / "loadwatch" / "services" / "__init__.pyi").read_text())
    typed = {
        (node.module, alias.name)
        for node in stub.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    listed = {(module, name) for module, names in services.EXPORTS.items() for name in names}
    assert typed == listed, "services/__init__.py's EXPORTS and __init__.pyi must name the same"
    assert len(services.__all__) == len(listed), "a name exported twice"
    for module, name in listed:
        assert getattr(services, name) is getattr(importlib.import_module(module), name), name


def test_no_service_module_is_named_like_a_service() -> None:
    """`services.x` must stay the function: importing a submodule `x` would replace it."""
    modules = {path.stem for path in (ROOT / "loadwatch" / "services").glob("*.py")}
    assert not modules & set(services.__all__)


def test_an_unknown_service_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_service"):
        services.no_such_service  # type: ignore[attr-defined]  # noqa: B018


def test_listing_athletes_imports_neither_pandas_nor_the_rules(tmp_path: Path) -> None:
    # `loadwatch athletes` is a SQL query and a table: it should start in well under a second
    # (docs/performance.md), so pandas (the slowest import) and the rules stay out.
    db = tmp_path / "runs.db"
    code = (
        "import json, sys\nfrom loadwatch.cli import cli\n"
        f"try:\n    cli(['--db', {str(db)!r}, 'athletes'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    loaded = _modules_after(code)
    assert "loadwatch.services.athletes" in loaded
    assert not [m for m in loaded if m == "pandas" or m.startswith("loadwatch.rules")]
