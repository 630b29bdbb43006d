"""One registry of thresholds (issue #8): the rules, the charts and the docs all read it."""

from __future__ import annotations

import ast
import math
from dataclasses import fields
from datetime import date, timedelta

import pytest

from loadwatch.errors import InputError
from loadwatch.rules import RULE_IDS, RULE_SPECS
from loadwatch.rules.thresholds import RETIRED, SPECS, THRESHOLDS, Thresholds
from loadwatch.ui import charts
from loadwatch.units import DistanceUnit
from tests.conftest import ROOT
from tests.factories import at, report_for, rule

MON = date(2026, 3, 2)
# Defaults distinctive enough that a copy elsewhere is a copied threshold, not a coincidence
# (0.5, 1.5, 2.0 and 0.05 have other honest uses: halves, chart offsets, a 5 % duration match).
DISTINCTIVE = {
    float(s.default)
    for s in THRESHOLDS
    if s.unit in ("x", "fraction", "m") and float(s.default) not in (0.05, 0.5, 1.5, 2.0)
}
# Where a copy would be a bug: everything that shows or applies a threshold.
CHECKED = ["rules", "load", "ui", "cli", "services", "db", "report.py", "sample.py"]


def test_the_thresholds_dataclass_is_the_registry() -> None:
    assert [f.name for f in fields(Thresholds)] == [s.name for s in THRESHOLDS]
    defaults = Thresholds()
    for spec in THRESHOLDS:
        assert getattr(defaults, spec.name) == spec.default, spec.name
        assert spec.rule_id in (*RULE_IDS, "plan"), spec.name
        assert spec.source, spec.name


def test_every_rule_lists_its_thresholds() -> None:
    by_rule = {spec.rule_id: spec.thresholds for spec in RULE_SPECS}
    assert "weekly_growth_ratio" in by_rule["weekly-growth"]
    assert "small_spike_ratio" in by_rule["run-spike"]


def _files() -> list:
    paths = []
    for name in CHECKED:
        path = ROOT / "loadwatch" / name
        paths += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [p for p in paths if p.name != "thresholds.py"]


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_threshold_literal_outside_the_registry(path) -> None:
    copies = [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and float(node.value) in DISTINCTIVE
    ]
    assert not copies, f"{path.name} copies threshold values {copies}: read the registry"


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0, True, "0.1"])
def test_a_threshold_must_be_a_finite_positive_number(value: object) -> None:
    with pytest.raises(InputError, match="must be a positive number"):
        Thresholds.from_dict({"weekly_growth_ratio": value})


def test_retired_thresholds_stored_by_older_versions_are_ignored() -> None:
    assert RETIRED.isdisjoint(SPECS)
    assert Thresholds.from_dict({"returning_run_cap_m": 5000.0}) == Thresholds()


def test_docs_table_lists_every_threshold_with_its_default_and_source() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text()
    for spec in THRESHOLDS:
        value = int(spec.default) if spec.is_integer else spec.default
        row = f"| `{spec.name}` | {value:g} | {spec.unit} | `{spec.rule_id}` | {spec.source} |"
        assert row in doc, f"docs/rules.md lacks the row: {row}"


def test_a_changed_threshold_changes_the_rule_and_the_chart_lines_alike() -> None:
    runs = [(at(MON), 20), (at(MON + timedelta(days=7)), 22.5)]  # +12.5 %
    default = report_for(runs, MON + timedelta(days=7))
    looser = Thresholds(weekly_growth_ratio=0.15, two_week_growth_ratio=0.4)
    custom = report_for(runs, MON + timedelta(days=7), thresholds=looser)
    assert [a.severity.value for a in rule(default, "weekly-growth")] == ["caution"]
    assert "above the 10% guideline" in rule(default, "weekly-growth")[0].message
    assert rule(custom, "weekly-growth") == []
    for report, ratio, progression in ((default, 0.10, 0.30), (custom, 0.15, 0.40)):
        figure = charts.weekly_distance(report.weekly, DistanceUnit.KM, report.thresholds)
        guide = next(t for t in figure.data if "guideline" in t.name)
        assert guide.name == f"+{ratio:.0%} guideline"
        assert guide.y[-1] == pytest.approx(20 * (1 + ratio))
        # the progression line is the rule's own: this week's 7 days against last week's
        line = next(t for t in figure.data if "progression" in t.name)
        assert line.name == f"+{progression:.0%} progression"
        assert line.y[-1] == pytest.approx(20 * (1 + progression))
    strict = Thresholds(weekly_growth_ratio=0.05)
    (alert,) = rule(report_for(runs, MON + timedelta(days=7), thresholds=strict), "weekly-growth")
    assert "above the 5% guideline" in alert.message
