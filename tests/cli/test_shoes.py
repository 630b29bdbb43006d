"""`loadwatch shoes` and its sub-commands through click's CliRunner."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import one_error_line
from tests.conftest import DATA


def test_shoes_commands_in_miles(run) -> None:
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "ana")
    assert run("settings", "--athlete", "ana", "--units", "mi").exit_code == 0
    added = run(
        "shoes",
        "add",
        "Clifton",
        "--athlete",
        "ana",
        "--starting-distance",
        "120mi",
        "--window",
        "300-500mi",
        "--default",
    )
    assert added.exit_code == 0 and "120 mi" in added.output
    activity = json.loads(run("activities", "--json").output)[0]["id"]
    assert run("shoes", "assign", str(activity), "Clifton").exit_code == 0
    shoes = json.loads(run("shoes", "list", "--athlete", "ana", "--json").output)
    assert shoes[0]["distance_m"] == pytest.approx(120 * 1609.344 + 10001.3, abs=1)
    assert "126 mi" in run("shoes", "list", "--athlete", "ana").output
    unknown = run("shoes", "assign", str(activity), "Nope")
    assert unknown.exit_code == 1 and "no shoe named 'Nope'" in unknown.output
    negative = run("shoes", "add", "X", "--athlete", "ana", "--starting-distance", "-5km")
    assert negative.exit_code == 1 and "non-negative number" in negative.output
    assert "retired" in run("shoes", "retire", "Clifton", "--athlete", "ana").output.lower()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--starting-distance", "1" + "0" * 41 + "km", "starting distance 1e+41 km is more"),
        ("--starting-distance", "1.6e38km", "distance must be a non-negative number"),
        ("--starting-distance", "20001km", "starting distance 20,001 km is more than any pair"),
        ("--window", "300-" + "9" * 30 + "km", "replacement window ends at 1e+30 km, more"),
    ],
    ids=["1e38km", "exponent", "20001km", "window"],
)
def test_absurd_shoe_distances_are_refused(attempt, option: str, value: str, message: str) -> None:
    line = one_error_line(attempt("shoes", "add", "Pegasus", "--athlete", "ana", option, value))
    assert line.startswith(f"Error: {message}")
    assert json.loads(attempt("athletes", "--json").output) == []  # nothing stored


def test_a_retired_pair_comes_back_with_unretire(run) -> None:
    run("shoes", "add", "Old", "--athlete", "ana")
    run("shoes", "retire", "Old", "--athlete", "ana")
    out = run("shoes", "unretire", "Old", "--athlete", "ana").output
    assert "'Old' takes runs again." in out
    assert "retired" not in run("shoes", "list", "--athlete", "ana").output.lower()
