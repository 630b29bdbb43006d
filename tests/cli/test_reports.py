"""`loadwatch report` and `squad show/add` through click's CliRunner."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA


def test_report_human_and_json(run) -> None:
    run("import", str(DATA / "fit"), "--athlete", "ana")
    human = run("report", "--athlete", "ana", "--as-of", "2026-03-05")
    assert human.exit_code == 0, human.output
    assert "Next 7 days" in human.output and "not medical advice" in human.output
    data = json.loads(run("report", "--athlete", "ana", "--as-of", "2026-03-05", "--json").output)
    assert data["as_of"] == "2026-03-05" and len(data["plan"]) == 7


def test_report_refuses_a_future_date(run) -> None:
    run("import", str(DATA / "gpx"))
    result = run("report", "--as-of", "2999-01-01")
    assert (
        result.exit_code == 1 and "Error: as-of date 2999-01-01 is in the future" in result.output
    )


def test_squad_commands(run) -> None:
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "ana")
    run("import", str(DATA / "tcx/run-10k.tcx"), "--athlete", "bo")
    assert "Kim's squad: ana" in run("squad", "add", "Kim", "ana").output
    rows = json.loads(
        run("squad", "show", "--coach", "Kim", "--as-of", "2026-03-05", "--json").output
    )
    assert [r["athlete"] for r in rows] == ["ana"]
    assert rows[0]["this_week_m"] == pytest.approx(10001.3, abs=0.1)
    unknown = run("squad", "show", "--coach", "Lee")
    assert unknown.exit_code == 1 and "no coach named 'Lee'" in unknown.output
