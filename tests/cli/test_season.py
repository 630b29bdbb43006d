"""`loadwatch plan`, `goal set/show/clear` and `run-days` (issue #20): the season from the CLI,
and bad input as one line with nothing changed."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.cli import cli
from tests.services.conftest import TODAY, import_runs


@pytest.fixture
def runner(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    import_runs(engine, [5.0, 6.0, 5.0, 8.0, 5.0, 6.0, 9.0])  # 1-13 March 2026
    monkeypatch.setenv("LOADWATCH_TODAY", TODAY.isoformat())
    monkeypatch.setenv("LOADWATCH_DB_URL", db_url)
    return CliRunner()


def test_goal_set_show_clear_round_trip(runner: CliRunner, engine: Engine) -> None:
    result = runner.invoke(cli, ["goal", "set", "--athlete", "ana", "--weekly-km", "30"])
    assert result.exit_code == 0, result.output
    assert "weekly target 30 km" in result.output
    assert services.show_goal(engine, "ana").goal is not None
    shown = runner.invoke(cli, ["goal", "show", "--athlete", "ana"])
    assert "weekly target 30 km" in shown.output
    cleared = runner.invoke(cli, ["goal", "clear", "--athlete", "ana"])
    assert cleared.exit_code == 0 and "no goal" in cleared.output
    assert services.show_goal(engine, "ana").goal is None


def test_a_race_goal_tapers_in_the_season(runner: CliRunner) -> None:
    race = "2026-04-19"  # a Sunday, four weeks on
    result = runner.invoke(
        cli, ["goal", "set", "--athlete", "ana", "--race", race, "--distance-km", "10"]
    )
    assert result.exit_code == 0, result.output
    out = runner.invoke(cli, ["plan", "--athlete", "ana", "--weeks", "6", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    kinds = {w["week_start"]: w["kind"] for w in data["season"]["weeks"]}
    assert kinds["2026-04-13"] == "race"
    assert kinds["2026-04-06"] == "taper"
    assert len(data["season"]["weeks"]) == 6
    assert len(data["plan"]) == 7
    assert data["season"]["goal"] == {
        "kind": "race",
        "weekly_m": None,
        "race_date": race,
        "race_m": 10_000.0,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--race", "2026-03-01", "--distance-km", "10"], "in the past"),
        (["--race", "2026-05-01", "--distance-km", "0"], "above 0 and at most 250 km"),
        (["--race", "2026-05-01", "--distance-km", "251"], "above 0 and at most 250 km"),
        (["--weekly-km", "200"], "above 3x your best week"),
        ([], "give either a weekly target"),
    ],
    ids=["past", "zero", "over-250", "over-3x-best", "neither"],
)
def test_bad_goals_are_one_line_and_change_nothing(
    runner: CliRunner, engine: Engine, args: list[str], message: str
) -> None:
    result = runner.invoke(cli, ["goal", "set", "--athlete", "ana", *args])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert result.output.count("\n") == 1
    assert services.show_goal(engine, "ana").goal is None


def test_run_days_are_the_runners_choice_and_no_days_is_refused(
    runner: CliRunner, engine: Engine
) -> None:
    result = runner.invoke(cli, ["run-days", "--athlete", "ana", "--days", "mon,wed,sat"])
    assert result.exit_code == 0, result.output
    report = services.report(engine, "ana", today=TODAY)
    runs = {p.date.weekday() for p in report.plan if p.max_distance_m}
    assert runs <= {0, 2, 5}
    assert services.report_json(report)["season"]["run_days_from"] == "the run days you chose"
    empty = runner.invoke(cli, ["run-days", "--athlete", "ana", "--days", ","])
    assert empty.exit_code == 1 and "no run days chosen" in empty.output
    assert services.show_goal(engine, "ana").run_weekdays == (0, 2, 5)
    back = runner.invoke(cli, ["run-days", "--athlete", "ana", "--habit"])
    assert back.exit_code == 0 and services.show_goal(engine, "ana").run_weekdays == ()


def test_plan_prints_the_season_and_refuses_weeks_out_of_range(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["plan", "--athlete", "ana", "--weeks", "4"])
    assert out.exit_code == 0, out.output
    assert out.output.count("  week of ") == 4
    assert "no goal set" in out.output
    bad = runner.invoke(cli, ["plan", "--athlete", "ana", "--weeks", "40"])
    assert bad.exit_code == 1 and "weeks must be 1-26" in bad.output


def test_report_json_keeps_its_plan_and_adds_the_season(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["report", "--athlete", "ana", "--json"])
    data = json.loads(out.output)
    assert set(data["plan"][0]) == {
        "date",
        "kind",
        "reason",
        "max_distance_m",
        "sport",
        "caused_by",
        "done",
        "strength",
    }
    assert data["season"]["weeks"][0]["week_start"] == date(2026, 3, 16).isoformat()
