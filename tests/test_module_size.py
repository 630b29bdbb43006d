"""Modules a reader can hold in one sitting (issue #19): a service module under 400 lines, any
other module under 500. The few above are listed with the size they may not grow past, each
with why; the list may only shrink (a module split leaves it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "loadwatch"
SERVICE_LINES = 400
MODULE_LINES = 500
# path -> (most lines, why it is allowed to be longer)
KNOWN_LARGE: dict[str, tuple[int, str]] = {
    "loadwatch/importers/fit_products.py": (800, "generated table (scripts/gen_fit_products.py)"),
    "loadwatch/importers/fit.py": (630, "fitparse may be imported here only: the fast reader"),
    "loadwatch/importers/gpx.py": (570, "to split: parse and samples"),
    "loadwatch/importers/tcx.py": (520, "to split: parse and samples"),
    "loadwatch/db/models.py": (510, "one declarative schema"),
}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_fits_in_one_sitting(path: Path) -> None:
    name = str(path.relative_to(ROOT))
    limit = SERVICE_LINES if name.startswith("loadwatch/services/") else MODULE_LINES
    if name in KNOWN_LARGE:
        limit = KNOWN_LARGE[name][0]
    assert _lines(path) <= limit, f"{name} has {_lines(path)} lines (at most {limit}): split it"


def test_the_known_large_list_names_only_large_modules() -> None:
    for name in KNOWN_LARGE:
        path = ROOT / name
        limit = SERVICE_LINES if name.startswith("loadwatch/services/") else MODULE_LINES
        assert path.exists() and _lines(path) > limit, f"{name} is small now: remove it"
