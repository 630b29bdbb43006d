"""The command line through click's CliRunner, against a real SQLite file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from tests.conftest import DATA


@pytest.fixture
def run(db_url: str):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False)

    return invoke


def test_import_prints_a_closing_table_and_exits_zero(run) -> None:
    result = run("import", str(DATA / "fit"), str(DATA / "invalid/bad-crc.fit"), "--athlete", "ana")
    assert result.exit_code == 0, result.output
    assert "Import results" in result.output
    assert "failed its FIT checksum" in result.output
    assert "rejected" in result.output
    assert "Total: 6 imported" in result.output


def test_import_prints_each_rejection_whole_on_one_line_however_deep_the_path(
    run, tmp_path: Path
) -> None:
    deep = tmp_path.joinpath(*(f"a-deliberately-long-folder-name-{n}" for n in range(7)))
    deep.mkdir(parents=True)
    bad = deep / "bad-crc.fit"
    shutil.copy(DATA / "invalid/bad-crc.fit", bad)
    assert len(str(bad)) > 200
    result = run("import", str(bad), str(DATA / "gpx/run-10k-hilly.gpx"))
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if "failed its FIT checksum" in line]
    assert line.startswith(f"  1. rejected: '{bad}' failed its FIT checksum")
    assert line.endswith("; the file is damaged, export it again")
    (row,) = [row for row in result.output.splitlines() if "bad-crc.fit " in row]
    assert "rejected" in row and "see note 1" in row


def test_import_exits_one_when_nothing_could_be_imported(run) -> None:
    result = run("import", str(DATA / "invalid/zero-bytes.fit"))
    assert result.exit_code == 1
    assert "Error: nothing could be imported" in result.output


def test_reimporting_only_duplicates_still_succeeds(run) -> None:
    run("import", str(DATA / "gpx"))
    result = run("import", str(DATA / "gpx"))
    assert result.exit_code == 0
    assert "0 imported, 0 merged, 2 duplicate" in result.output


def test_activities_json_is_the_documented_contract(run) -> None:
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "ana")
    result = run("activities", "--athlete", "ana", "--json")
    assert result.exit_code == 0
    (row,) = json.loads(result.output)
    required = {
        "id",
        "athlete",
        "sport",
        "started_at",
        "utc_offset_s",
        "distance_m",
        "duration_s",
        "moving_s",
        "ascent_m",
        "source_file",
    }
    assert required <= set(row)
    assert row["started_at"] == "2026-03-04T07:00:00Z"
    assert row["athlete"] == "ana"
    assert row["distance_m"] == pytest.approx(10001.3, abs=0.1)


def test_activities_since_filters_and_unknown_athlete_is_a_clear_error(run) -> None:
    run("import", str(DATA / "fit/run-5k-session.fit"), str(DATA / "gpx/run-10k-hilly.gpx"))
    rows = json.loads(run("activities", "--since", "2026-03-02", "--json").output)
    assert [r["source_format"] for r in rows] == ["gpx"]
    result = run("activities", "--athlete", "nobody")
    assert result.exit_code == 1
    assert "Error: no athlete named 'nobody'; known athletes: me" in result.output


def test_athletes_lists_counts(run) -> None:
    run("import", str(DATA / "gpx"), "--athlete", "ana")
    data = json.loads(run("athletes", "--json").output)
    assert [(a["name"], a["activities"]) for a in data] == [("ana", 2)]


def test_reimport_command(run) -> None:
    run("import", str(DATA / "tcx"))
    result = run("reimport")
    assert "Re-read 1 stored files; updated 1 activities." in result.output


def _commands(group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name", [n for n, _ in _commands(cli)])
def test_every_command_has_help_with_an_example(name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"`loadwatch {name} --help` has no example"


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


def test_pain_commands_and_bad_score(run) -> None:
    run("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    logged = run(
        "pain",
        "log",
        "--athlete",
        "ana",
        "--during",
        "4",
        "--after",
        "6",
        "--location",
        "knee front",
    )
    assert logged.exit_code == 0, logged.output
    assert "zone red" in logged.output and "Suggested:" in logged.output
    bad = run("pain", "log", "--athlete", "ana", "--during", "11")
    assert bad.exit_code == 1 and "Error: during pain must be an integer 0-10, got 11" in bad.output
    assert run("pain", "morning", "2", "--athlete", "ana").exit_code == 0
    rows = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert [(r["after"], r["morning"]) for r in rows] == [(6, None), (None, 2)]


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


def test_activities_table_uses_the_athletes_units(run) -> None:
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "ana")
    run("settings", "--athlete", "ana", "--units", "mi")
    output = run("activities", "--athlete", "ana").output
    assert "6.21" in output  # 10.0 km in miles
    assert "2026-03-04 08:00" in output  # local time (Zurich, UTC+1)


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


def test_user_text_that_looks_like_rich_markup_is_printed_literally(run, tmp_path: Path) -> None:
    gpx = tmp_path / "[red]run.gpx"
    shutil.copy(DATA / "gpx/run-10k-hilly.gpx", gpx)
    imported = run("import", str(gpx), "--athlete", "[/]")
    assert imported.exit_code == 0, imported.output
    assert "[red]run.gpx" in imported.output
    shoe = run("shoes", "add", "[red]x", "--athlete", "[/]", "--model", "[bold]m", "--default")
    assert shoe.exit_code == 0, shoe.output
    activity = json.loads(run("activities", "--json").output)[0]["id"]
    assert run("shoes", "assign", str(activity), "[red]x").exit_code == 0
    pain = run("pain", "log", "--athlete", "[/]", "--after", "2", "--note", "[/]")
    assert pain.exit_code == 0, pain.output
    assert run("squad", "add", "[red]coach", "[/]").exit_code == 0
    expected = {
        ("athletes",): ["[/]"],
        ("activities", "--athlete", "[/]"): ["[/]", "[red]run.gpx"],
        ("squad", "show", "--coach", "[red]coach"): ["Squad of [red]coach", "[/]"],
        ("report", "--athlete", "[/]"): ["[/], as of", "[red]x"],
        ("pain", "list", "--athlete", "[/]"): ["Pain log: [/]", "[/]"],
        ("shoes", "list", "--athlete", "[/]"): ["Shoes: [/]", "[red]x", "[bold]m"],
    }
    for args, texts in expected.items():
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        for text in texts:
            assert text in result.output, (args, text, result.output)


def test_pain_log_twice_updates_and_entries_can_be_edited_and_deleted(run) -> None:
    # issue #9: one post-run entry per run (saving again says "Updated"), edit and delete by id
    run("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    pain = ("pain", "log", "--athlete", "ana", "--during", "2", "--after", "4")
    first = run(*pain, "--location", "knee-front")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Logged pain entry")
    again = run(*pain, "--location", "knee-front")
    assert again.exit_code == 0, again.output
    assert again.output.startswith("Updated pain entry")
    (row,) = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert (row["during"], row["after"], row["location"]) == (2, 4, "knee front")
    entry_id = str(row["id"])
    edited = run("pain", "edit", entry_id, "--athlete", "ana", "--after", "3")
    assert edited.exit_code == 0, edited.output
    assert f"Updated pain entry {entry_id}" in edited.output
    (row,) = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert (row["during"], row["after"], row["location"]) == (2, 3, "knee front")
    deleted = run("pain", "delete", entry_id, "--athlete", "ana")
    assert deleted.exit_code == 0, deleted.output
    assert f"Deleted pain entry {entry_id}" in deleted.output
    assert json.loads(run("pain", "list", "--athlete", "ana", "--json").output) == []
    missing = run("pain", "delete", entry_id, "--athlete", "ana")
    assert missing.exit_code == 1 and f"has no pain entry {entry_id}" in missing.output


def test_pain_morning_twice_updates_and_another_athletes_entry_is_refused(run) -> None:
    run("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "bo")
    assert run("pain", "morning", "2", "--athlete", "ana").output.startswith("Logged morning")
    assert run("pain", "morning", "1", "--athlete", "ana").output.startswith("Updated morning")
    (row,) = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert row["morning"] == 1
    bo = run("pain", "log", "--athlete", "bo", "--after", "3", "--location", "knee front")
    assert bo.exit_code == 0, bo.output
    (bos,) = json.loads(run("pain", "list", "--athlete", "bo", "--json").output)
    refused = run("pain", "edit", str(bos["id"]), "--athlete", "ana", "--after", "9")
    assert refused.exit_code == 1 and f"ana has no pain entry {bos['id']}" in refused.output
    (bos_after,) = json.loads(run("pain", "list", "--athlete", "bo", "--json").output)
    assert bos_after["after"] == 3


# CLI values out of range (issue #15): each is one "Error: ..." line and no traceback.


@pytest.fixture
def attempt(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Invoke catching exceptions, so an unexpected one shows up in `result.exception`."""
    monkeypatch.setenv("LOADWATCH_TODAY", "2026-03-20")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db_url, *args])

    return invoke


def _one_error_line(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    return line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "--athlete", "ana", "--as-of", "0001-01-01"), "as-of date 0001-01-01"),
        (("squad", "show", "--as-of", "0001-01-01"), "as-of date 0001-01-01"),
        (("activities", "--since", "0001-01-01"), "since date 0001-01-01"),
        (("pain", "log", "--athlete", "ana", "--after", "2", "--date", "0001-01-01"), "pain date"),
        (("pain", "morning", "2", "--athlete", "ana", "--date", "1989-12-31"), "morning date"),
    ],
    ids=["report", "squad", "activities", "pain-log", "pain-morning"],
)
def test_dates_before_1990_are_one_error_line(attempt, args: tuple[str, ...], message: str) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    line = _one_error_line(attempt(*args))
    assert line.startswith(f"Error: {message}")
    assert line.endswith("is before 1990-01-01; give a date from then on")


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--athlete", "ana", "--as-of", "9999-12-31"),
        ("squad", "show", "--as-of", "9999-12-31"),
        ("pain", "log", "--athlete", "ana", "--after", "2", "--date", "9999-12-31"),
        ("pain", "morning", "2", "--athlete", "ana", "--date", "9999-12-31"),
    ],
    ids=["report", "squad", "pain-log", "pain-morning"],
)
def test_dates_in_year_9999_are_one_error_line(attempt, args: tuple[str, ...]) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    line = _one_error_line(attempt(*args))
    assert "9999-12-31 is in the future; give a date up to 2026-03-20" in line


@pytest.mark.parametrize(
    "args",
    [
        ("pain", "log", "--athlete", "ana", "--after", "2", "--run", "99999999999999999999"),
        ("pain", "edit", "99999999999999999999", "--athlete", "ana", "--after", "2"),
        ("pain", "delete", "99999999999999999999", "--athlete", "ana"),
        ("shoes", "assign", "99999999999999999999", "Pegasus"),
        ("shoes", "assign", "0", "Pegasus"),
    ],
    ids=["pain-log-run", "pain-edit", "pain-delete", "shoes-assign", "shoes-assign-zero"],
)
def test_huge_ids_are_a_usage_error_not_an_overflow(attempt, args: tuple[str, ...]) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    attempt("shoes", "add", "Pegasus", "--athlete", "ana")
    line = _one_error_line(attempt(*args), exit_code=2)  # click: a bad argument is exit code 2
    assert "is not in the range 1<=x<=9223372036854775807" in line


@pytest.mark.parametrize("big", [2**31 - 1, 2**31, 2**63 - 1], ids=["int4", "int4+1", "int8"])
def test_ids_past_the_database_integer_are_simply_not_found(attempt, big: int) -> None:
    # PostgreSQL's ids are 32-bit: 2**31 was a DataError there, a plain "not found" on SQLite.
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    attempt("shoes", "add", "Pegasus", "--athlete", "ana")
    line = _one_error_line(attempt("shoes", "assign", str(big), "Pegasus"))
    assert line == f"Error: no activity with id {big}; `loadwatch activities` lists them"
    line = _one_error_line(
        attempt("pain", "log", "--athlete", "ana", "--after", "2", "--run", str(big))
    )
    assert line == f"Error: no activity with id {big}; `loadwatch activities` lists them"
    line = _one_error_line(attempt("pain", "delete", str(big), "--athlete", "ana"))
    assert line.startswith(f"Error: ana has no pain entry {big};")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "1e999"])
def test_non_finite_thresholds_are_refused(attempt, value: str) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    result = attempt("settings", "--athlete", "ana", "--threshold", f"weekly_growth_ratio={value}")
    line = _one_error_line(result)
    assert line == f"Error: threshold weekly_growth_ratio must be a finite number, got {value!r}"
    shown = json.loads(attempt("settings", "--athlete", "ana", "--json").output)
    assert shown["thresholds"]["weekly_growth_ratio"] == pytest.approx(0.10)  # unchanged


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
    line = _one_error_line(attempt("shoes", "add", "Pegasus", "--athlete", "ana", option, value))
    assert line.startswith(f"Error: {message}")
    assert json.loads(attempt("athletes", "--json").output) == []  # nothing stored


def test_device_files_and_fifos_are_refused_at_once(attempt, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.gpx"
    os.mkfifo(fifo)
    for path in [fifo, Path("/dev/zero")]:
        if not path.exists():  # pragma: no cover - /dev/zero exists on every POSIX system
            continue
        # Mixed with a good file: nothing is imported, nothing hangs.
        line = _one_error_line(attempt("import", str(DATA / "gpx"), str(path)))
        assert line.startswith(f"Error: {str(path)!r} is not a regular file; give FIT, GPX")
    assert json.loads(attempt("athletes", "--json").output) == []


def test_json_output_is_strict_json_without_nan_or_infinity() -> None:
    from loadwatch.cli._group import _finite

    assert _finite({"a": float("nan"), "b": [1.0, float("inf")], "c": "x"}) == {
        "a": None,
        "b": [1.0, None],
        "c": "x",
    }


def test_the_cli_writes_its_log_in_the_log_directory(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LOADWATCH_LOG_DIR", str(tmp_path / "logs"))
    result = run("athletes")
    assert result.exit_code == 0
    assert (tmp_path / "logs" / "loadwatch.log").exists()


def _ride_files(tmp_path: Path) -> tuple[Path, Path]:
    from datetime import UTC, datetime

    from loadwatch.synth import fit_bytes, gpx_bytes, make_track

    track = make_track(datetime(2026, 3, 1, 7, tzinfo=UTC), 30_000, 120, seed=41, sport="ride")
    fit, gpx = tmp_path / "ride.fit", tmp_path / "ride.gpx"
    fit.write_bytes(fit_bytes([track], utc_offset_s=3600))
    gpx.write_bytes(gpx_bytes(track, activity_type=None))
    return fit, gpx


def test_activities_id_shows_the_sources_and_what_each_gave(run, tmp_path: Path) -> None:
    fit, gpx = _ride_files(tmp_path)
    run("import", str(fit), "--athlete", "ana")
    merged = json.loads(run("import", str(gpx), "--athlete", "ana", "--json").output)
    assert merged[0]["status"] == "merged"
    (row,) = json.loads(run("activities", "--json").output)
    assert (row["sport"], row["sport_source"]) == ("ride", "declared")
    shown = run("activities", "--id", str(row["id"]))
    assert shown.exit_code == 0, shown.output
    assert "2 source(s)" in shown.output and "ride.gpx" in shown.output
    assert "sport: ride (declared)" in shown.output and "UTC+01:00" in shown.output
    data = json.loads(run("activities", "--id", str(row["id"]), "--json").output)
    assert [s["source_format"] for s in data["sources"]] == ["fit", "gpx"]
    assert "local offset" in data["sources"][0]["contributed"]
    missing = run("activities", "--id", "999")
    assert missing.exit_code == 1 and "Error: no activity with id 999" in missing.output


def test_activities_split_set_sport_delete_and_move(run, db_url: str, tmp_path: Path) -> None:
    fit, gpx = _ride_files(tmp_path)
    run("import", str(fit), str(gpx), "--athlete", "ana")
    (row,) = json.loads(run("activities", "--json").output)
    split = run("activities", "split", str(row["id"]), "--source", "ride.gpx")
    assert split.exit_code == 0, split.output
    assert f"Moved 'ride.gpx' out of activity #{row['id']}" in split.output
    rows = json.loads(run("activities", "--json").output)
    assert len(rows) == 2
    new_id = next(r["id"] for r in rows if r["id"] != row["id"])
    fixed = run("activities", "set-sport", str(new_id), "ride")
    assert fixed.exit_code == 0 and "is now a ride (set by you)" in fixed.output
    assert "Re-read 2 stored files" in run("reimport").output
    rows = {r["id"]: r for r in json.loads(run("activities", "--json").output)}
    assert (rows[new_id]["sport"], rows[new_id]["sport_source"]) == ("ride", "user")
    refused = CliRunner().invoke(cli, ["--db", db_url, "activities", "delete", str(new_id)], "n\n")
    assert refused.exit_code == 1 and "Delete activity" in refused.output
    assert len(json.loads(run("activities", "--json").output)) == 2
    deleted = run("activities", "delete", str(new_id), "--yes")
    assert deleted.exit_code == 0 and f"Deleted activity #{new_id}." in deleted.output
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "bo")
    moved = run("activities", "move", str(row["id"]), "--athlete", "bo")
    assert moved.exit_code == 0 and "to bo" in moved.output
    assert [r["athlete"] for r in json.loads(run("activities", "--json").output)] == ["bo", "bo"]
    bad = run("activities", "set-sport", str(row["id"]), "curling")
    assert bad.exit_code == 1 and "Error: sport must be one of" in bad.output


# Issue #10: athletes managed from the command line, and `--db` before or after the command.


@pytest.fixture
def lw(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Invoke with `--db` AFTER the command (issue #10), exceptions caught so that an
    unexpected one shows in `result.exception`; `input` answers prompts."""
    monkeypatch.setenv("LOADWATCH_TODAY", "2026-03-20")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, [*args, "--db", db_url], input=input)

    return invoke


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
    assert _one_error_line(lw("athletes", "rename", "ana lima", "BEA")) == (
        "Error: an athlete named 'Bea' already exists; choose another name "
        "(names are matched ignoring case)"
    )
    assert _one_error_line(lw("athletes", "rename", "ana lima", "   ")) == (
        "Error: athlete name must not be empty"
    )
    assert _one_error_line(lw("athletes", "rename", "Cy", "Dee")).startswith(
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
    assert _one_error_line(lw("activities", "--athlete", "ana")) == (
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


def test_db_before_or_after_the_command_and_a_plain_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOADWATCH_DB_URL", raising=False)
    runner = CliRunner()
    gpx = str(DATA / "gpx/run-10k-hilly.gpx")
    after = runner.invoke(cli, ["import", gpx, "--athlete", "ana", "--db", "runs.db"])
    assert after.exit_code == 0, after.output
    assert (tmp_path / "runs.db").is_file()
    before = runner.invoke(cli, ["--db", f"sqlite:///{tmp_path / 'runs.db'}", "athletes", "--json"])
    assert [r["name"] for r in json.loads(before.output)] == ["ana"]
    # In a subgroup, after the subcommand; and after the command it wins over the one before.
    shoes = runner.invoke(
        cli, ["--db", "other.db", "shoes", "add", "Pegasus", "--athlete", "ana", "--db", "runs.db"]
    )
    assert shoes.exit_code == 0, shoes.output
    assert not (tmp_path / "other.db").exists()
    listed = runner.invoke(cli, ["shoes", "list", "--athlete", "ana", "--json", "--db", "runs.db"])
    assert "Pegasus" in listed.output
    # The environment variable takes a plain path too; --db still wins over it.
    monkeypatch.setenv("LOADWATCH_DB_URL", "runs.db")
    assert "ana" in runner.invoke(cli, ["athletes"]).output
    assert runner.invoke(cli, ["athletes", "--json", "--db", "third.db"]).output.strip() == "[]"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "missing-folder",
            "Error: the folder '{tmp}/nowhere' for the database 'runs.db' does not "
            "exist; create it first or give another path",
        ),
        (
            "not-a-database",
            "Error: '{tmp}/notes.txt' is not a SQLite database; give a loadwatch "
            "database file or a new file name",
        ),
        (
            "a-folder",
            "Error: '{tmp}' is a folder, not a database file; give a file path such as "
            "'{tmp}/loadwatch.db'",
        ),
        (
            "no-driver",
            "Error: the database driver for postgresql+psycopg:// is not installed (no module "
            "named 'psycopg'); install it with: pip install 'loadwatch[postgres]' (psycopg 3)",
        ),
        (
            "unreachable",
            "Error: cannot connect to the database 'postgresql+psycopg://me:***@"
            "127.0.0.1:{port}/runs': ",
        ),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_error_line(
    case: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import sys

    with socket.socket() as sock:  # a port on 127.0.0.1 that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "notes.txt").write_text("not a database\n")
    db = {
        "missing-folder": str(tmp_path / "nowhere" / "runs.db"),
        "not-a-database": str(tmp_path / "notes.txt"),
        "a-folder": str(tmp_path),
        "no-driver": "postgresql+psycopg://me:pw@127.0.0.1/runs",
        "unreachable": f"postgresql+psycopg://me:secret-pw@127.0.0.1:{port}/runs",
    }[case]
    if case == "no-driver":
        monkeypatch.setitem(sys.modules, "psycopg", None)
    for args in (["--db", db, "athletes"], ["import", str(DATA / "gpx"), "--db", db]):
        result = CliRunner().invoke(cli, args)
        line = _one_error_line(result)
        assert line.startswith(expected.format(tmp=tmp_path, port=port)), line
        assert result.output.count("\n") == 1, result.output  # the one line, nothing else
        assert "secret-pw" not in result.output
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_settings_help_lists_every_threshold_from_the_registry(run) -> None:
    from loadwatch import services

    result = run("settings", "--help")
    flat = " ".join(result.output.split())
    for spec in services.threshold_specs():
        assert f"{spec.name} ({spec.default:g}, {spec.unit})" in flat
