"""`loadwatch settings` through click's CliRunner."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import one_error_line
from tests.conftest import DATA


def test_settings_show_and_threshold_override(run) -> None:
    run("import", str(DATA / "tcx"), "--athlete", "ana")
    changed = json.loads(
        run(
            "settings", "--athlete", "ana", "--threshold", "weekly_growth_ratio=0.2", "--json"
        ).output
    )
    assert changed["thresholds"]["weekly_growth_ratio"] == 0.2
    bad = run("settings", "--athlete", "ana", "--threshold", "weekly_growth_ratio")
    assert bad.exit_code == 1 and "NAME=NUMBER" in bad.output


def test_default_sport_applies_to_files_that_do_not_say(run) -> None:
    run("import", str(DATA / "tcx/run-10k.tcx"), "--athlete", "ana")  # creates ana
    assert run("settings", "--athlete", "ana", "--default-sport", "walk").exit_code == 0
    run("import", str(DATA / "gpx/no-type.gpx"), "--athlete", "ana")
    sports = {
        r["source_format"]: r["sport"] for r in json.loads(run("activities", "--json").output)
    }
    assert sports == {"tcx": "run", "gpx": "walk"}
    bad = run("settings", "--athlete", "ana", "--default-sport", "curling")
    assert bad.exit_code == 1 and "default sport must be one of" in bad.output


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "1e999"])
def test_non_finite_thresholds_are_refused(attempt, value: str) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    result = attempt("settings", "--athlete", "ana", "--threshold", f"weekly_growth_ratio={value}")
    line = one_error_line(result)
    assert line == f"Error: threshold weekly_growth_ratio must be a finite number, got {value!r}"
    shown = json.loads(attempt("settings", "--athlete", "ana", "--json").output)
    assert shown["thresholds"]["weekly_growth_ratio"] == pytest.approx(0.10)  # unchanged


def test_settings_help_lists_every_threshold_from_the_registry(run) -> None:
    from loadwatch import services

    result = run("settings", "--help")
    flat = " ".join(result.output.split())
    for spec in services.threshold_specs():
        assert f"{spec.name} ({spec.default:g}, {spec.unit})" in flat
