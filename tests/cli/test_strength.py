"""Strength scenarios through the command line (issue #22), on real FIT files and a SQLite file:
two sessions at the target with pain 0-2 step the target up; pain 6 or a next-morning rise steps
it back; the plan's strength day shows done; the report's counts match the sessions logged; the
squad flags knee pain without strength for 14 days; bad input is one line and stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.synth import fit_bytes, make_track

TODAY = date(2026, 3, 31)  # a Tuesday
MONDAY = date(2026, 3, 30)


@pytest.fixture
def run(db_url: str):
    runner = CliRunner()

    def invoke(*args: str, today: date = TODAY):
        return runner.invoke(
            cli,
            ["--db", db_url, *args],
            catch_exceptions=False,
            env={"LOADWATCH_TODAY": str(today)},
        )

    return invoke


def _fit(folder: Path, day: date, km: float, seed: int, sport: str = "run") -> Path:
    started = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
    path = folder / f"{day.isoformat()}-{sport}-{km}.fit"
    track = make_track(started, km * 1000, 330 if sport == "run" else 3000, seed=seed, sport=sport)
    sub = "strength_training" if sport == "training" else None
    path.write_bytes(fit_bytes([track], sub_sport=sub))
    return path


@pytest.fixture
def ana(run, tmp_path: Path):
    """Ana: 8 km every other day through March (the log reaches back 30 days)."""
    files = [_fit(tmp_path, date(2026, 3, 1) + timedelta(days=d), 8, d) for d in range(0, 30, 2)]
    result = run("import", *map(str, files), "--athlete", "ana")
    assert result.exit_code == 0, result.output
    return run


def _programme(run, today: date = TODAY) -> dict:
    result = run("strength", "programme", "--athlete", "ana", "--json", today=today)
    assert result.exit_code == 0, result.output
    return {e["slug"]: e for e in json.loads(result.output)["exercises"]}


def _log(run, day: date, *args: str):
    return run("strength", "log", "--athlete", "ana", "--date", str(day), *args)


def _report(run, today: date = TODAY) -> dict:
    result = run("report", "--athlete", "ana", "--json", today=today)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_two_sessions_at_the_target_with_pain_0_to_2_step_up_and_pain_6_steps_back(ana) -> None:
    start = _programme(ana)["squat"]
    assert (start["next"]["sets"], start["next"]["reps"], start["change"]) == (3, 10, "start")
    assert _log(ana, date(2026, 3, 24), "--exercise", "squat", "--sets", "3", "--reps", "10",
                "--pain", "1").exit_code == 0  # fmt: skip
    one = _programme(ana)["squat"]
    assert (one["next"]["reps"], one["change"]) == (10, "hold")  # one session is not two
    assert _log(ana, date(2026, 3, 26), "--exercise", "squat", "--sets", "3", "--reps", "10",
                "--pain", "2").exit_code == 0  # fmt: skip
    up = _programme(ana)["squat"]
    assert (up["next"]["reps"], up["change"]) == (12, "up")
    assert "2 sessions in a row" in up["reason"]
    # the other exercises were not done: their targets stay
    assert _programme(ana)["clamshell"]["next"]["reps"] == 10
    result = _log(ana, date(2026, 3, 28), "--exercise", "squat", "--sets", "3", "--reps", "12",
                  "--pain", "6")  # fmt: skip
    assert result.exit_code == 0, result.output
    back = _programme(ana)["squat"]
    assert (back["next"]["reps"], back["change"]) == (10, "back")
    assert back["reason"].startswith("pain 6/10 during Squat on Sat 28 Mar was above 5")


def test_pain_3_to_5_holds_and_the_top_of_the_range_adds_load(ana) -> None:
    for day, pain in ((20, "4"), (22, "0"), (24, "1")):
        _log(ana, date(2026, 3, day), "--exercise", "squat", "--sets", "3", "--reps", "15",
             "--pain", pain)  # fmt: skip
    squat = _programme(ana)["squat"]
    # pain 4 held; then 3 x 15 (the top of the 8-15 range) twice at pain 0-1: load, back to 8
    assert squat["next"] == {"exercise": "squat", "sets": 3, "reps": 8, "hold_s": None,
                             "load_kg": 2.5}  # fmt: skip
    assert squat["change"] == "up"


def test_a_next_morning_rise_after_a_session_steps_back_and_says_why(ana) -> None:
    for day in (20, 22):
        _log(ana, date(2026, 3, day), "--exercise", "bridge", "--sets", "3", "--reps", "10")
    assert _programme(ana)["bridge"]["next"]["reps"] == 12
    assert ana("pain", "morning", "1", "--athlete", "ana", "--date", "2026-03-26").exit_code == 0
    _log(ana, date(2026, 3, 26), "--exercise", "bridge", "--sets", "3", "--reps", "12")
    assert ana("pain", "morning", "4", "--athlete", "ana", "--date", "2026-03-27").exit_code == 0
    bridge = _programme(ana)["bridge"]
    assert (bridge["next"]["reps"], bridge["change"]) == (10, "back")
    assert bridge["reason"].startswith(
        "next-morning pain 4/10 on Fri 27 Mar was above its baseline 1/10"
    )


def test_the_plans_strength_day_shows_done_after_a_session(ana) -> None:
    before = {p["date"]: p for p in _report(ana)["plan"]}
    assert not before[str(TODAY)]["done"]
    result = ana("strength", "log", "--athlete", "ana", "--as-planned")
    assert result.exit_code == 0, result.output
    assert "clamshell 3 x 10 reps; bridge 3 x 10 reps; squat 3 x 10 reps" in result.output
    plan = _report(ana)["plan"]
    today = next(p for p in plan if p["date"] == str(TODAY))
    assert (today["kind"], today["done"]) == ("strength", True)
    # never more than the programme: its 2 a week, today's included
    assert sum(p["kind"] == "strength" or p["strength"] for p in plan) == 2


def test_the_programme_sets_the_plans_count(ana) -> None:
    result = ana("strength", "programme", "--athlete", "ana", "--set", "clamshell,squat",
                 "--sessions-per-week", "3", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["sessions_per_week"], data["set_by"]) == (3, "local")
    assert [e["slug"] for e in data["exercises"]] == ["clamshell", "squat"]
    plan = _report(ana)["plan"]
    assert sum(p["kind"] == "strength" or p["strength"] for p in plan) == 3
    assert _report(ana)["strength"]["target_per_week"] == 3


def test_the_reports_strength_counts_match_the_sessions_logged(ana, tmp_path: Path) -> None:
    empty = _report(ana)["strength"]
    assert empty == {"sessions_this_week": 0, "target_per_week": 2, "last_session_date": None,
                     "sessions_4_weeks": 0, "adherence_4_weeks": 0.0}  # fmt: skip
    for day in (date(2026, 3, 10), date(2026, 3, 25), MONDAY):
        assert _log(ana, day, "--as-planned").exit_code == 0
    # two calls on one date: one session
    _log(ana, MONDAY, "--exercise", "single-leg-stand", "--sets", "2", "--hold-s", "30")
    # a strength activity from a watch file counts too (Tuesday)
    strength_file = _fit(tmp_path, TODAY, 0.2, 99, sport="training")
    assert ana("import", str(strength_file), "--athlete", "ana").exit_code == 0
    listed = json.loads(ana("strength", "list", "--athlete", "ana", "--json").output)
    assert [(s["date"], s["source"]) for s in listed] == [
        ("2026-03-10", "log"),
        ("2026-03-25", "log"),
        ("2026-03-30", "log"),
        ("2026-03-31", "watch file"),
    ]
    assert {e["exercise"] for e in listed[2]["exercises"]} >= {"squat", "single-leg-stand"}
    since = json.loads(
        ana("strength", "list", "--athlete", "ana", "--since", "2026-03-25", "--json").output
    )
    assert len(since) == 3
    strength = _report(ana)["strength"]
    assert strength == {
        "sessions_this_week": 2,  # Monday logged, Tuesday's file
        "target_per_week": 2,
        "last_session_date": "2026-03-31",
        "sessions_4_weeks": 4,
        "adherence_4_weeks": 0.5,  # 4 of 4 x 2
    }


def test_the_squad_flags_knee_pain_without_strength_for_14_days(ana) -> None:
    assert ana("squad", "add", "Coach Kim", "ana").exit_code == 0
    _log(ana, date(2026, 3, 16), "--exercise", "clamshell", "--sets", "3", "--reps", "10")
    assert ana("pain", "log", "--athlete", "ana", "--date", "2026-03-29", "--during", "2",
               "--after", "3", "--location", "knee-front").exit_code == 0  # fmt: skip

    def flags(day: date) -> list[str]:
        result = ana("squad", "show", "--coach", "Coach Kim", "--as-of", str(day), "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)[0]["flags"]

    assert "strength" not in flags(date(2026, 3, 29))  # the session was 13 days before
    assert "strength" in flags(date(2026, 3, 30))  # 14 days without strength
    alert = next(a for a in _report(ana)["alerts"] if a["rule_id"] == "strength")
    assert alert["severity"] == "caution"
    assert alert["message"].startswith("Knee pain logged on 1 day of the last 14")
    assert _log(ana, TODAY, "--exercise", "clamshell", "--sets", "3", "--reps", "10").exit_code == 0
    assert "strength" not in flags(TODAY)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exercise", "clamshel", "--sets", "3", "--reps", "10"],
         "unknown exercise 'clamshel'; did you mean clamshell"),
        (["--exercise", "squat", "--sets", "0", "--reps", "10"], "sets must be a whole number 1-2"),
        (["--exercise", "squat", "--sets", "21", "--reps", "10"], "sets must be a whole number"),
        (["--exercise", "squat", "--sets", "3", "--reps", "0"], "reps must be a whole number 1-1"),
        (["--exercise", "squat", "--sets", "3", "--reps", "101"], "reps must be a whole number"),
        (["--exercise", "wall-sit", "--sets", "3", "--hold-s", "601"],
         "hold must be a whole number 1-600 seconds, got 601"),
        (["--exercise", "squat", "--sets", "3", "--reps", "10", "--load-kg", "-2.5"],
         "load must be 0 kg or more, got -2.5 kg"),
        (["--exercise", "squat", "--sets", "3", "--reps", "10", "--pain", "11"],
         "pain must be a whole number 0-10, got 11"),
        (["--exercise", "squat", "--sets", "3", "--reps", "10", "--pain", "-1"],
         "pain must be a whole number 0-10, got -1"),
        (["--exercise", "squat", "--sets", "3", "--reps", "10", "--date", "2026-04-01"],
         "strength session date 2026-04-01 is in the future"),
        (["--as-planned", "--date", "2026-04-01"], "strength session date 2026-04-01 is in the"),
        (["--exercise", "single-leg-stand", "--sets", "3", "--reps", "10"],
         "single-leg-stand is measured as a hold in seconds; give --hold-s S instead of --reps"),
        (["--exercise", "squat", "--sets", "3", "--hold-s", "30"],
         "squat is measured in reps; give --reps N instead of --hold-s"),
    ],
    ids=["slug", "sets-0", "sets-21", "reps-0", "reps-101", "hold-601", "load-negative",
         "pain-11", "pain-negative", "future", "future-as-planned", "reps-for-hold",
         "hold-for-reps"],
)  # fmt: skip
def test_bad_input_is_one_line_and_nothing_is_stored(ana, args: list[str], message: str) -> None:
    result = ana("strength", "log", "--athlete", "ana", *args)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}")
    assert result.output.count("\n") == 1
    listed = ana("strength", "list", "--athlete", "ana", "--json")
    assert json.loads(listed.output) == []


def test_the_self_test_is_logged_per_leg_and_the_library_lists_every_slug(ana) -> None:
    result = ana("strength", "test", "--athlete", "ana", "--leg", "left", "--result", "wobbles")
    assert result.exit_code == 0, result.output
    assert result.output == "Logged self-test 2026-03-31 left leg: the knee wobbled.\n"
    again = ana("strength", "test", "--athlete", "ana", "--leg", "left", "--result", "centred")
    assert again.output.startswith("Updated self-test 2026-03-31 left leg")
    bad = ana("strength", "test", "--athlete", "ana", "--leg", "middle", "--result", "centred")
    assert bad.exit_code == 2
    library = json.loads(ana("strength", "exercises", "--json").output)
    slugs = {e["slug"] for e in library}
    assert {"squat", "lunge", "step-up", "single-leg-squat", "bridge", "hip-thrust", "clamshell",
            "side-lying-leg-raise", "straight-leg-raise", "quad-set", "calf-raise",
            "single-leg-stand"} <= slugs  # fmt: skip
    for e in library:
        assert e["easier"] in slugs | {None} and e["harder"] in slugs | {None}, e["slug"]
        assert e["citations"] or e["source"], e["slug"]
    assert all(e["is_optional"] for e in library if "stretch" in e["slug"])
