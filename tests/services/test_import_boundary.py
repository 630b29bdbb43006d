"""A bulk import that survives any file (issue #15): one file, one outcome, whatever happens.

The unexpected exceptions here are test doubles patched into the real import path (the parser,
the archive reader, the writer), so the boundary itself is what is tested; each class of real
input that raised such exceptions has its own check and test beside its importer.
"""

from __future__ import annotations

import logging
import math
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db import repository
from loadwatch.db.models import Activity, OriginalFile
from loadwatch.domain import ImportStatus, ParsedActivity, SourceHints, Sport
from loadwatch.errors import ImplausibleValueError, InputError
from loadwatch.services import imports, parse_pool, plausible
from loadwatch.synth import fit_bytes, gpx_bytes, make_track
from tests.conftest import ROOT
from tests.factories import parsed_activity

TODAY = date(2026, 11, 21)
START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _gpx_files(count: int, first_day: int = 0) -> list[tuple[str, bytes]]:
    return [
        (
            f"run-{day:02d}.gpx",
            gpx_bytes(make_track(START + timedelta(days=day), 5000, 330, seed=day, interval_s=10)),
        )
        for day in range(first_day, first_day + count)
    ]


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_parser_exception_rejects_only_its_file_and_is_logged_not_shown(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    files = _gpx_files(20)
    real = parse_pool.parse_activity

    def parse(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
        if filename == "run-07.gpx":
            raise RuntimeError("/srv/secret/path exploded")  # a bug no check foresaw
        return real(data, filename)

    monkeypatch.setattr(parse_pool, "parse_activity", parse)
    with caplog.at_level(logging.ERROR, logger="loadwatch"):
        results = services.import_uploads(engine, files, athlete="ana", today=TODAY)
    assert [r.status for r in results].count(ImportStatus.IMPORTED) == 19
    (bad,) = [r for r in results if r.status is ImportStatus.REJECTED]
    assert bad.filename == "run-07.gpx"
    assert bad.message.startswith("'run-07.gpx' could not be read")
    assert "RuntimeError" in bad.message and "/srv/secret" not in bad.message
    assert "Traceback" not in bad.message
    assert "/srv/secret/path exploded" in caplog.text  # the traceback is ours, in the log
    assert _count(engine, Activity) == 19


def test_an_archive_reader_exception_ends_only_that_upload(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = imports.expand_bytes

    def expand(name: str, data: bytes, **kwargs):  # type: ignore[no-untyped-def]
        if name == "broken.zip":
            yield from real("first.gpx", _gpx_files(1, 30)[0][1], **kwargs)
            raise OSError("zip reader fell over")
        yield from real(name, data, **kwargs)

    monkeypatch.setattr(imports, "expand_bytes", expand)
    uploads = [*_gpx_files(2), ("broken.zip", b"PK..."), *_gpx_files(2, 10)]
    results = services.import_uploads(engine, uploads, athlete="ana", today=TODAY)
    statuses = {r.filename: r.status for r in results}
    assert statuses["broken.zip"] is ImportStatus.REJECTED
    assert sum(s is ImportStatus.IMPORTED for s in statuses.values()) == 5  # 2 + first.gpx + 2


def test_a_value_the_database_refuses_rejects_only_that_file(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = repository.apply_parsed
    calls = {"n": 0}

    def apply(activity, parsed, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise DataError("INSERT ...", {}, Exception("value too long for type varchar(200)"))
        return real(activity, parsed, *args, **kwargs)

    monkeypatch.setattr(repository, "apply_parsed", apply)
    results = services.import_uploads(engine, _gpx_files(6), athlete="ana", today=TODAY)
    assert [r.status for r in results].count(ImportStatus.IMPORTED) == 5
    assert [r.status for r in results].count(ImportStatus.REJECTED) == 1
    assert _count(engine, Activity) == _count(engine, OriginalFile) == 5  # never half a file


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"sport": Sport.RIDE, "distance_m": 1_982_611_000.0}, "sanity limit"),
        ({"distance_m": 299_000.0, "duration_s": 0.0, "moving_s": 0.0}, "in no time"),
        (
            {
                "sport": Sport.RIDE,
                "distance_m": 6_684_000.0,  # over Race Across America's ~4,800 km (issue #26)
                "duration_s": 140.0,
                "moving_s": 140.0,
            },
            "sanity limit",
        ),
        (
            {"sport": Sport.RIDE, "distance_m": 268_400.0, "duration_s": 140.0, "moving_s": 140.0},
            "faster than",
        ),
        ({"moving_s": 49 * 86_400.0, "duration_s": 37 * 60.0}, "longer than its elapsed"),
        ({"distance_m": math.nan}, "not a number"),
        ({"duration_s": math.inf, "moving_s": 0.0}, "not a number"),
        ({"sport": Sport.SWIM, "distance_m": 20_000.0, "moving_s": 600.0}, "faster than"),
    ],
    ids=[
        "antipodes ride",
        "299 km run in 0 s",
        "2684 km ride in 140 s",
        "268 km ride in 140 s",
        "49 days moving in 37 min",
        "NaN distance",
        "infinite duration",
        "swim at 33 m/s",
    ],
)
def test_absurd_totals_are_rejected_for_every_sport(changes: dict, words: str) -> None:
    with pytest.raises(ImplausibleValueError, match=words):
        services.check_plausible(parsed_activity(**changes), "bad.gpx", TODAY)


def test_a_plausible_activity_passes() -> None:
    services.check_plausible(parsed_activity(), "good.gpx", TODAY)


def test_sensor_faults_are_dropped_not_stored() -> None:
    clean = plausible.sanitize(
        parsed_activity(
            avg_hr_bpm=math.inf,
            ascent_m=889_962.0,
            descent_m=math.nan,
            avg_cadence_spm=-3.0,
            start_lat=999.0,
            start_lon=8.5,
        )
    )
    assert clean.avg_hr_bpm is None and clean.ascent_m is None and clean.descent_m is None
    assert clean.avg_cadence_spm is None and clean.start_lat is None and clean.start_lon is None
    kept = plausible.sanitize(parsed_activity(avg_hr_bpm=150.0, start_lat=47.0, start_lon=8.5))
    assert kept.avg_hr_bpm == 150.0 and kept.start_lat == 47.0


def test_the_log_goes_to_a_file_never_to_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOADWATCH_LOG_DIR", str(tmp_path))
    path = services.configure_logging()
    assert path == tmp_path / "loadwatch.log"
    logging.getLogger("loadwatch.import").error("a logged bug")
    for handler in logging.getLogger("loadwatch").handlers:
        handler.flush()
    assert "a logged bug" in path.read_text()
    script = "import logging, loadwatch; logging.getLogger('loadwatch.x').error('hidden')"
    shown = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "hidden" not in shown.stderr  # the library's NullHandler keeps it off stderr
    for handler in list(logging.getLogger("loadwatch").handlers):
        if getattr(handler, "baseFilename", None):
            logging.getLogger("loadwatch").removeHandler(handler)
            handler.close()


def _import_process(db_url: str, folder: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "loadwatch", "--db", db_url, "import", str(folder)]
    return subprocess.Popen(
        [*command, "--athlete", "ana", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow  # real processes, one after the other in one worker (issue #19)
@pytest.mark.xdist_group("processes")
def test_the_same_runs_from_two_formats_at_once_are_stored_once(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """Two importers, FIT and GPX of the same runs, in opposite orders, four rounds of eight
    runs (a process start costs more than a file, so the rounds, not the runs, are few): each
    activity once and no error (on PostgreSQL the athlete lock serialises the matching)."""
    rounds, runs = 4, 8
    for round_ in range(rounds):
        fits, gpxs = tmp_path / f"fit{round_}", tmp_path / f"gpx{round_}"
        fits.mkdir()
        gpxs.mkdir()
        for i in range(runs):
            day = round_ * 10 + i
            track = make_track(START + timedelta(days=day), 6000, 330, seed=day, interval_s=10)
            # names sort in opposite orders in the two folders
            (fits / f"{i}.fit").write_bytes(fit_bytes([track]))
            (gpxs / f"{runs - 1 - i}.gpx").write_bytes(gpx_bytes(track))
        procs = [_import_process(db_url, fits), _import_process(db_url, gpxs)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode()
            assert b"Traceback" not in err and b"Deadlock" not in err
    assert _count(engine, Activity) == rounds * runs
    assert _count(engine, OriginalFile) == 2 * rounds * runs


def test_an_import_refuses_a_bad_athlete_name_before_any_work(engine: Engine) -> None:
    with pytest.raises(InputError, match="athlete name is 150 characters; the limit is 120"):
        services.import_uploads(engine, _gpx_files(1), athlete="x" * 150, today=TODAY)
    assert _count(engine, OriginalFile) == 0


def test_text_from_a_file_is_made_storable_not_refused() -> None:
    hints = plausible.clean_hints(
        SourceHints(name="Morning\x00 run" + "!" * 300, gear="Peg\x07asus")
    )
    assert hints.name is not None and "\x00" not in hints.name and len(hints.name) == 200
    assert hints.gear == "Pegasus"
    clean = plausible.sanitize(parsed_activity(device="Forerunner\x00 955", sub_sport="\x01"))
    assert clean.device == "Forerunner 955" and clean.sub_sport is None


def test_messages_tell_the_truth_about_empty_twin_and_foreign_files(engine: Engine) -> None:
    ((name, data),) = _gpx_files(1)
    results = services.import_uploads(
        engine,
        [("empty.gpx", b""), ("blank.gpx", b" \n"), (name, data), ("copy.gpx", data)],
        athlete="ana",
        today=TODAY,
    )
    messages = {r.filename: (r.status, r.message) for r in results}
    assert messages["empty.gpx"] == (
        ImportStatus.REJECTED,
        "'empty.gpx' is empty; export the activity again",
    )
    assert (
        messages["blank.gpx"][0] is ImportStatus.REJECTED and "is empty" in messages["blank.gpx"][1]
    )
    assert messages["copy.gpx"] == (
        ImportStatus.DUPLICATE,
        f"'copy.gpx' is the same file as {name!r}; skipped",
    )
    # an empty file later is still "empty", never "imported before"
    (again,) = services.import_uploads(engine, [("empty2.gpx", b"")], athlete="ana", today=TODAY)
    assert again.status is ImportStatus.REJECTED and "empty" in again.message
    (foreign,) = services.import_uploads(engine, [(name, data)], athlete="ben", today=TODAY)
    assert foreign.status is ImportStatus.DUPLICATE
    assert "already imported for another athlete" in foreign.message
    assert "#" not in foreign.message and foreign.activity_id is None  # ana's ids stay hers


def test_a_tcx_with_a_nan_lap_time_is_imported_or_rejected_never_imported_before(
    engine: Engine,
) -> None:
    from tests.importers.test_xml_properties import _tcx

    stamps = [(START + timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(60)]
    rows = [(47.0 + i * 1e-4, 8.0, 400.0, stamp, 150) for i, stamp in enumerate(stamps)]
    (result,) = services.import_uploads(
        engine, [("nan-lap.tcx", _tcx(rows, "NaN"))], athlete="ana", today=TODAY
    )
    assert result.status is ImportStatus.IMPORTED, result.message
    (row,) = services.list_activities(engine, "ana")
    assert row.duration_s == pytest.approx(590)  # the trackpoints' span, not NaN
