"""Import use cases end to end on a real migrated database (SQLite, or PostgreSQL in CI)."""

from __future__ import annotations

import gzip
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db.models import Activity, OriginalFile
from loadwatch.domain import ImportStatus, Sport
from loadwatch.synth import fit_bytes, gpx_bytes, make_track
from tests.conftest import DATA, ROOT

TODAY = date(2026, 11, 21)
START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _upload(engine: Engine, *files: tuple[str, bytes], athlete: str = "ana") -> list:
    return services.import_uploads(engine, list(files), athlete=athlete, today=TODAY)


def test_same_file_twice_is_kept_once(engine: Engine) -> None:
    data = (DATA / "fit/run-5k-session.fit").read_bytes()
    (first,) = _upload(engine, ("a.fit", data))
    (second,) = _upload(engine, ("copy-of-a.fit", data))
    assert first.status is ImportStatus.IMPORTED
    assert second.status is ImportStatus.DUPLICATE
    assert f"#{first.activity_id}" in second.message
    assert _count(engine, Activity) == 1


def test_watch_fit_and_strava_gpx_of_one_run_become_one_activity(engine: Engine) -> None:
    track = make_track(START, 8000, 320, seed=11, interval_s=5)
    gpx = gpx_bytes(track)
    fit = fit_bytes([track], utc_offset_s=3600)
    (from_gpx,) = _upload(engine, ("strava.gpx", gpx))
    (from_fit,) = _upload(engine, ("watch.fit", fit))
    assert from_fit.status is ImportStatus.MERGED
    assert "kept this richer FIT record" in from_fit.message
    assert from_fit.activity_id == from_gpx.activity_id
    (row,) = services.list_activities(engine, "ana")
    assert row.source_format.value == "fit"
    assert row.avg_cadence_spm is not None
    assert _count(engine, OriginalFile) == 2  # both originals are kept


def test_poorer_second_source_is_merged_into_the_richer_record(engine: Engine) -> None:
    track = make_track(START, 8000, 320, seed=12, interval_s=5)
    _upload(engine, ("watch.fit", fit_bytes([track])))
    (result,) = _upload(engine, ("strava.gpx", gpx_bytes(track)))
    assert result.status is ImportStatus.MERGED
    assert "kept that one" in result.message
    assert _count(engine, Activity) == 1


def test_whole_hour_time_zone_shift_between_two_sources_is_still_the_same_run(
    engine: Engine,
) -> None:
    track = make_track(START, 6000, 320, seed=13, interval_s=5)  # Zurich, 1 March: UTC+1
    # The GPX exporter wrote local time as if it were UTC, and its clock is 30 s off.
    shifted = make_track(START + timedelta(hours=1, seconds=30), 6000, 320, seed=13, interval_s=5)
    _upload(engine, ("watch.fit", fit_bytes([track], utc_offset_s=3600)))
    (result,) = _upload(engine, ("export.gpx", gpx_bytes(shifted)))
    assert result.status is ImportStatus.MERGED


def test_a_shift_other_than_the_local_offset_is_a_different_run(engine: Engine) -> None:
    track = make_track(START, 6000, 320, seed=25, interval_s=5)  # Zurich: the offset is 1 h
    later = make_track(START + timedelta(hours=12), 6000, 320, seed=26, interval_s=5)
    _upload(engine, ("watch.fit", fit_bytes([track], utc_offset_s=3600)))
    (result,) = _upload(engine, ("phone.gpx", gpx_bytes(later)))
    assert result.status is ImportStatus.IMPORTED


def test_two_gpx_runs_exactly_twelve_hours_apart_are_two_runs(engine: Engine) -> None:
    morning = make_track(START, 6000, 320, seed=23, interval_s=10)
    evening = make_track(START + timedelta(hours=12), 6000, 320, seed=24, interval_s=10)
    results = _upload(engine, ("am.gpx", gpx_bytes(morning)), ("pm.gpx", gpx_bytes(evening)))
    assert [r.status for r in results] == [ImportStatus.IMPORTED, ImportStatus.IMPORTED]


def test_a_shorter_recording_inside_a_longer_one_is_the_same_activity(engine: Engine) -> None:
    # Issue #10: one athlete cannot do two activities at once; before it, a different duration
    # made a different run.
    _upload(engine, ("a.gpx", gpx_bytes(make_track(START, 6000, 320, seed=14, interval_s=5))))
    (result,) = _upload(
        engine, ("b.gpx", gpx_bytes(make_track(START, 9000, 320, seed=14, interval_s=5)))
    )
    assert result.status is ImportStatus.MERGED


def test_a_run_starting_as_another_ends_is_a_different_run(engine: Engine) -> None:
    first = make_track(START, 6000, 320, seed=14, interval_s=5)  # 32 minutes
    _upload(engine, ("a.gpx", gpx_bytes(first)))
    second = make_track(START + timedelta(minutes=25), 6000, 320, seed=15, interval_s=5)
    (result,) = _upload(engine, ("b.gpx", gpx_bytes(second)))
    assert result.status is ImportStatus.IMPORTED


def test_bulk_import_goes_on_past_bad_files_and_names_them(engine: Engine) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted((DATA / "invalid").iterdir())]
    files.append(("good.fit", (DATA / "fit/run-5k-session.fit").read_bytes()))
    results = _upload(engine, *files)
    by_name = {r.filename: r for r in results}
    assert by_name["good.fit"].status is ImportStatus.IMPORTED
    rejected = [r for r in results if r.status is ImportStatus.REJECTED]
    assert len(rejected) == len(files) - 1
    for result in rejected:
        assert result.filename.split("/")[0] in result.message
    assert "over the 1,100 km sanity limit" in by_name["implausible-1200km-run.fit"].message
    assert _count(engine, Activity) == 1
    assert _count(engine, OriginalFile) == 1


def test_future_start_is_rejected(engine: Engine) -> None:
    future = make_track(datetime(2027, 1, 1, tzinfo=UTC), 5000, 300, seed=15, interval_s=10)
    (result,) = _upload(engine, ("future.fit", fit_bytes([future])))
    assert result.status is ImportStatus.REJECTED
    assert "starts in the future" in result.message


def test_failure_while_writing_a_file_leaves_no_part_of_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loadwatch.db import repository

    calls = {"n": 0}
    original = repository.apply_parsed

    def explode_on_second_session(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "apply_parsed", explode_on_second_session)
    with pytest.raises(RuntimeError, match="disk full"):
        _upload(engine, ("tri.fit", (DATA / "fit/triathlon-3-sessions.fit").read_bytes()))
    assert _count(engine, Activity) == 0
    assert _count(engine, OriginalFile) == 0


def test_strava_export_applies_type_and_creates_the_gear_as_a_shoe(engine: Engine) -> None:
    run = make_track(START, 7000, 320, seed=16, interval_s=10)
    ride = make_track(START + timedelta(days=1), 20000, 150, seed=17, interval_s=10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(
            "activities.csv",
            "Activity ID,Activity Type,Filename,Activity Gear\n"
            "1,Run,activities/1.fit.gz,Clifton 9\n2,Ride,activities/2.gpx,\n",
        )
        out.writestr("activities/1.fit.gz", gzip.compress(fit_bytes([run])))
        out.writestr("activities/2.gpx", gpx_bytes(ride, activity_type=None))
    results = _upload(engine, ("export_123.zip", buffer.getvalue()))
    assert [r.status for r in results] == [ImportStatus.IMPORTED, ImportStatus.IMPORTED]
    rows = services.list_activities(engine, "ana")
    assert [(r.sport, r.shoe) for r in rows] == [(Sport.RUN, "Clifton 9"), (Sport.RIDE, None)]


def test_gpx_offset_comes_from_the_start_coordinates(engine: Engine) -> None:
    # Sunday 8 March 2026, 23:30 in New York (EDT since that morning) is Monday 03:30 UTC.
    new_york = make_track(
        datetime(2026, 3, 9, 3, 30, tzinfo=UTC),
        5000,
        330,
        seed=18,
        interval_s=10,
        lat0=40.78,
        lon0=-73.97,
    )
    _upload(engine, ("ny.gpx", gpx_bytes(new_york)))
    (row,) = services.list_activities(engine, "ana")
    assert row.utc_offset_s == -4 * 3600


def test_large_import_uses_the_worker_pool_and_matches_a_serial_one(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    count = services.PARALLEL_MIN_FILES + 4
    for i in range(count):
        track = make_track(
            START + timedelta(days=i), 4000 + i * 100, 330, seed=100 + i, interval_s=10
        )
        (folder / f"{i:03d}.fit").write_bytes(fit_bytes([track]))
    results = services.import_paths(engine, [folder], athlete="bo", today=TODAY)
    assert [r.status for r in results] == [ImportStatus.IMPORTED] * count
    rows = services.list_activities(engine, "bo")
    assert [round(r.distance_m, -2) for r in rows] == [4000 + i * 100 for i in range(count)]


def test_reimport_rederives_from_stored_originals(engine: Engine) -> None:
    (result,) = _upload(engine, ("a.fit", (DATA / "fit/run-5k-session.fit").read_bytes()))
    with Session(engine) as session, session.begin():
        session.get_one(Activity, result.activity_id).distance_m = 1.0  # an "importer bug"
    summary = services.reimport(engine, today=TODAY)
    assert (summary.files, summary.updated, summary.failed) == (1, 1, [])
    (row,) = services.list_activities(engine)
    assert row.distance_m > 4900
    assert row.id == result.activity_id


def _import_process(db_url: str, folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loadwatch",
            "--db",
            db_url,
            "import",
            str(folder),
            "--athlete",
            "ana",
            "--json",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _archive_folder(tmp_path: Path, name: str, days: range) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for day in days:
        track = make_track(START + timedelta(days=day), 5000 + day, 330, seed=day, interval_s=5)
        (folder / f"{day:03d}.fit").write_bytes(fit_bytes([track]))
    return folder


@pytest.mark.slow  # real processes, one after the other in one worker (issue #19)
@pytest.mark.xdist_group("processes")
def test_two_overlapping_imports_at_once_store_each_activity_exactly_once(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    first = _archive_folder(tmp_path, "a", range(0, 60))
    second = _archive_folder(tmp_path, "b", range(30, 90))
    procs = [_import_process(db_url, first), _import_process(db_url, second)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert b"Error" not in err
    assert _count(engine, Activity) == 90
    assert _count(engine, OriginalFile) == 90


@pytest.mark.slow  # real processes, one after the other in one worker (issue #19)
@pytest.mark.xdist_group("processes")
def test_killed_import_leaves_a_consistent_log_and_can_be_run_again(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    folder = _archive_folder(tmp_path, "many", range(0, 200))
    proc = _import_process(db_url, folder)
    deadline = time.monotonic() + 60
    while _count(engine, Activity) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    before = _orphan_forkservers()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(engine, Activity)
    assert partial == _count(engine, OriginalFile)  # no file is half in
    results = services.import_paths(engine, [folder], athlete="ana", today=TODAY)
    assert sum(r.status is ImportStatus.DUPLICATE for r in results) == partial
    assert _count(engine, Activity) == 200
    deadline = time.monotonic() + 20  # the killed import's workers notice and exit
    while _orphan_forkservers() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _orphan_forkservers() - before, "a killed import left its worker processes behind"


def _orphan_forkservers() -> set[int]:
    """PIDs of multiprocessing forkservers whose parent is gone (adopted by PID 1)."""
    orphans = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"multiprocessing.forkserver" in cmdline and ppid == 1:
            orphans.add(int(entry.name))
    return orphans


def test_two_fit_runs_exactly_twelve_hours_apart_are_two_runs(engine: Engine) -> None:
    morning = make_track(START, 8000, 320, seed=21, interval_s=10)
    evening = make_track(START + timedelta(hours=12), 8000, 320, seed=22, interval_s=10)
    results = _upload(engine, ("am.fit", fit_bytes([morning])), ("pm.fit", fit_bytes([evening])))
    assert [r.status for r in results] == [ImportStatus.IMPORTED, ImportStatus.IMPORTED]


def test_strava_perceived_exertion_is_the_effort_unless_the_watch_rated_it(engine: Engine) -> None:
    """Issue #10 item 7: the export's "Perceived Exertion" feeds session-RPE load (R5) when the
    file has no rating of its own, and survives `reimport`."""
    run = make_track(START, 7000, 320, seed=21, interval_s=10)
    easy = make_track(START + timedelta(days=1), 5000, 330, seed=22, interval_s=10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(
            "activities.csv",
            "Activity ID,Activity Type,Filename,Perceived Exertion\n"
            "1,Run,activities/1.gpx,7.0\n2,Run,activities/2.gpx,nan\n",
        )
        out.writestr("activities/1.gpx", gpx_bytes(run))
        out.writestr("activities/2.gpx", gpx_bytes(easy))
    _upload(engine, ("export_9.zip", buffer.getvalue()))

    def efforts() -> list[float | None]:
        with Session(engine) as session:
            query = select(Activity.effort_rpe).order_by(Activity.started_at)
            return list(session.scalars(query))

    assert efforts() == [7.0, None]
    services.reimport(engine, today=TODAY)
    assert efforts() == [7.0, None]
