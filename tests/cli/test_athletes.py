"""`loadwatch athletes` and its sub-commands through click's CliRunner."""

from __future__ import annotations

import json

from tests.cli.conftest import one_error_line
from tests.conftest import DATA


def test_athletes_lists_counts(run) -> None:
    run("import", str(DATA / "gpx"), "--athlete", "ana")
    data = json.loads(run("athletes", "--json").output)
    assert [(a["name"], a["activities"]) for a in data] == [("ana", 2)]


def test_athletes_rename_with_names_matched_ignoring_case(lw) -> None:
    assert lw("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "Ana").exit_code == 0
    assert lw("shoes", "add", "Pegasus", "--athlete", "Bea").exit_code == 0
    assert lw("settings", "--athlete", "ANA", "--units", "mi").exit_code == 0
    result = lw("athletes", "rename", "ana", "  Ana Lima ")
    assert result.exit_code == 0, result.output
    assert result.output == "Renamed athlete 'Ana' to 'Ana Lima'.\n"
    rows = json.loads(lw("athletes", "--json").output)
    assert [(r["name"], r["activities"]) for r in rows] == [("Ana Lima", 1), ("Bea", 0)]
    assert "units: mi" in lw("settings", "--athlete", "ana lima").output
    assert one_error_line(lw("athletes", "rename", "ana lima", "BEA")) == (
        "Error: an athlete named 'Bea' already exists; choose another name "
        "(names are matched ignoring case)"
    )
    assert one_error_line(lw("athletes", "rename", "ana lima", "   ")) == (
        "Error: athlete name must not be empty"
    )
    assert one_error_line(lw("athletes", "rename", "Cy", "Dee")).startswith(
        "Error: no athlete named 'Cy'; known athletes: Ana Lima, Bea"
    )


def test_athletes_delete_asks_first_and_removes_everything(lw) -> None:
    lw("import", str(DATA / "gpx"), "--athlete", "Ana")
    lw("import", str(DATA / "fit"), "--athlete", "Bea")
    lw("shoes", "add", "Pegasus", "--athlete", "Ana")

    declined = lw("athletes", "delete", "ANA", input="n\n")
    assert declined.exit_code == 1
    assert "Delete athlete 'Ana' and all their data (2 activities, 2 original files, " in (
        declined.output
    )
    assert "0 pain entries, 1 shoe, 0 squad memberships)? This cannot be undone" in (
        declined.output
    )
    assert "Aborted!" in declined.output
    assert [r["name"] for r in json.loads(lw("athletes", "--json").output)] == ["Ana", "Bea"]

    accepted = lw("athletes", "delete", "ana", input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.splitlines()[-1] == (
        "Deleted athlete 'Ana': 2 activities, 2 original files, 0 pain entries, 1 shoe, "
        "0 squad memberships."
    )
    assert [r["name"] for r in json.loads(lw("athletes", "--json").output)] == ["Bea"]
    assert one_error_line(lw("activities", "--athlete", "ana")) == (
        "Error: no athlete named 'ana'; known athletes: Bea"
    )

    assert lw("athletes", "delete", "bea", "--yes").exit_code == 0
    assert json.loads(lw("athletes", "--json").output) == []
    # The files are free again: importing them for a new athlete imports them.
    assert "Total: 2 imported" in lw("import", str(DATA / "gpx"), "--athlete", "Cy").output


def test_athletes_without_a_subcommand_still_lists(run) -> None:
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "ana")
    table = run("athletes")
    assert table.exit_code == 0 and "Athletes" in table.output and "ana" in table.output
    assert [r["name"] for r in json.loads(run("athletes", "--json").output)] == ["ana"]
