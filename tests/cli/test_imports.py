"""`loadwatch import`, `activities` and `reimport` through click's CliRunner, on a real database."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from tests.cli.conftest import one_error_line
from tests.conftest import DATA


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


def test_reimport_command(run) -> None:
    run("import", str(DATA / "tcx"))
    result = run("reimport")
    assert "Re-read 1 stored files; updated 1 activities." in result.output


def test_activities_table_uses_the_athletes_units(run) -> None:
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "ana")
    run("settings", "--athlete", "ana", "--units", "mi")
    output = run("activities", "--athlete", "ana").output
    assert "6.21" in output  # 10.0 km in miles
    assert "2026-03-04 08:00" in output  # local time (Zurich, UTC+1)


def test_device_files_and_fifos_are_refused_at_once(attempt, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.gpx"
    os.mkfifo(fifo)
    for path in [fifo, Path("/dev/zero")]:
        if not path.exists():  # pragma: no cover - /dev/zero exists on every POSIX system
            continue
        # Mixed with a good file: nothing is imported, nothing hangs.
        line = one_error_line(attempt("import", str(DATA / "gpx"), str(path)))
        assert line.startswith(f"Error: {str(path)!r} is not a regular file; give FIT, GPX")
    assert json.loads(attempt("athletes", "--json").output) == []


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
