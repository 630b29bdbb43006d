"""One activity from several files (issue #10): overlap decides, fields merge by provenance, the
result does not depend on import order, and the runner can split, correct, delete and move."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db.models import Activity, ActivitySource, OriginalFile, PainEntry
from loadwatch.domain import ImportStatus, SourceFormat, Sport, SportSource
from loadwatch.errors import InputError, NotFoundError
from loadwatch.services.merge import SourceRecord, merge_sources
from loadwatch.synth import fit_bytes, gpx_bytes, make_track, tcx_bytes

TODAY = date(2026, 11, 21)
START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _record(**changes: object) -> SourceRecord:
    base = SourceRecord(
        sha256="a" * 64,
        session_index=0,
        filename="watch.fit",
        sport=Sport.RUN,
        sport_source=SportSource.DECLARED,
        sub_sport=None,
        started_at=START,
        utc_offset_s=3600,
        resolved_offset_s=3600,
        distance_m=10_000.0,
        duration_s=3_000.0,
        moving_s=2_900.0,
        ascent_m=50.0,
        descent_m=50.0,
        avg_hr_bpm=150.0,
        avg_cadence_spm=170.0,
        device="Forerunner 255",
        source_format=SourceFormat.FIT,
        is_device_file=True,
        has_samples=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _export(**changes: object) -> SourceRecord:
    """A TCX export of the same activity: another offset, the exporter's name, no samples."""
    values: dict[str, object] = {
        "sha256": "b" * 64,
        "filename": "export.tcx",
        "source_format": SourceFormat.TCX,
        "is_device_file": False,
        "has_samples": False,
        "utc_offset_s": None,
        "resolved_offset_s": -5 * 3600,
        "device": "Garmin Connect export",
        "distance_m": 10_100.0,
        "duration_s": 3_010.0,
        "moving_s": 3_010.0,
        "avg_hr_bpm": 155.0,
        "avg_cadence_spm": None,
    }
    values.update(changes)
    return _record(**values)


def test_the_device_file_beats_an_export_for_offset_device_timer_and_distance() -> None:
    for sources in ([_record(), _export()], [_export(), _record()]):
        merged = merge_sources(sources)
        assert merged.utc_offset_s == 3600
        assert merged.device == "Forerunner 255"
        assert (merged.duration_s, merged.moving_s) == (3_000.0, 2_900.0)
        assert merged.distance_m == 10_000.0
        assert merged.primary.filename == "watch.fit"


def test_without_a_device_file_the_longest_distance_and_a_stated_offset_win() -> None:
    gpx = _export(
        sha256="c" * 64, filename="a.gpx", source_format=SourceFormat.GPX, distance_m=10_300.0
    )
    tcx = _export(utc_offset_s=7200, resolved_offset_s=7200)
    merged = merge_sources([gpx, tcx])
    assert merged.distance_m == 10_300.0
    assert merged.utc_offset_s == 7200
    assert merged.primary.filename == "export.tcx"  # TCX before GPX


def test_a_declared_sport_beats_an_inferred_one_whatever_the_files() -> None:
    inferred = _record(sport=Sport.RUN, sport_source=SportSource.INFERRED)
    declared = _export(sport=Sport.RIDE, sport_source=SportSource.DECLARED, sub_sport="road")
    merged = merge_sources([inferred, declared])
    assert (merged.sport, merged.sport_source, merged.sub_sport) == (
        Sport.RIDE,
        SportSource.DECLARED,
        "road",
    )
    assert "sport" in merged.contributions[declared.key]


def test_unknown_gives_no_sport_and_the_user_beats_every_file() -> None:
    unknown = _record(sport=Sport.UNKNOWN, sport_source=SportSource.INFERRED)
    defaulted = _export(sport=Sport.RUN, sport_source=SportSource.DEFAULT)
    assert merge_sources([unknown, defaulted]).sport is Sport.RUN
    assert merge_sources([unknown]).sport is Sport.UNKNOWN
    merged = merge_sources([unknown, defaulted], user_sport=Sport.WALK)
    assert (merged.sport, merged.sport_source) == (Sport.WALK, SportSource.USER)
    assert merged.name == "Morning Walk"  # 07:00 UTC is 08:00 at +1 h


def test_the_file_with_samples_beats_a_summary_for_heart_rate_and_cadence() -> None:
    summary = _record(has_samples=False, avg_hr_bpm=170.0, avg_cadence_spm=None)
    sampled = _export(has_samples=True, avg_hr_bpm=148.0, avg_cadence_spm=168.0)
    merged = merge_sources([summary, sampled])
    assert (merged.avg_hr_bpm, merged.avg_cadence_spm) == (148.0, 168.0)
    assert merged.device == "Forerunner 255"  # the device file still names the device


def test_an_export_title_names_the_activity() -> None:
    merged = merge_sources([_record(), _export(name_hint="Sunday long run")])
    assert merged.name == "Sunday long run"


_SPORTS = st.sampled_from(list(Sport))
_SOURCES = st.sampled_from(list(SportSource))
_OPTIONAL = st.none() | st.floats(min_value=0, max_value=250, allow_nan=False)


@st.composite
def _records(draw: st.DrawFn, index: int) -> SourceRecord:
    elapsed = draw(st.floats(min_value=60, max_value=20_000, allow_nan=False))
    return SourceRecord(
        sha256=draw(st.sampled_from("abc")) * 64,
        session_index=index,
        filename=draw(st.sampled_from(["w.fit", "x.gpx", "y.tcx"])),
        sport=draw(_SPORTS),
        sport_source=draw(_SOURCES),
        sub_sport=draw(st.none() | st.sampled_from(["trail", "road"])),
        started_at=START + timedelta(seconds=draw(st.integers(-600, 600))),
        utc_offset_s=draw(st.none() | st.sampled_from([0, 3600, -18000])),
        resolved_offset_s=draw(st.sampled_from([0, 3600, -18000])),
        distance_m=draw(st.floats(min_value=0, max_value=50_000, allow_nan=False)),
        duration_s=elapsed,
        moving_s=elapsed * draw(st.floats(min_value=0, max_value=1)),
        ascent_m=draw(_OPTIONAL),
        descent_m=draw(_OPTIONAL),
        avg_hr_bpm=draw(_OPTIONAL),
        avg_cadence_spm=draw(_OPTIONAL),
        device=draw(st.none() | st.sampled_from(["Edge 530", "Strava", "fenix"])),
        source_format=draw(st.sampled_from(list(SourceFormat))),
        is_device_file=draw(st.booleans()),
        has_samples=draw(st.booleans()),
        is_virtual=draw(st.booleans()),
        effort_rpe=draw(st.none() | st.floats(min_value=0, max_value=10, allow_nan=False)),
        name_hint=draw(st.none() | st.sampled_from(["Ride", "Long run"])),
    )


@st.composite
def _source_sets(draw: st.DrawFn) -> list[SourceRecord]:
    count = draw(st.integers(min_value=2, max_value=3))
    return [draw(_records(index)) for index in range(count)]  # (sha256, index) unique


@settings(max_examples=300, deadline=None)
@given(_source_sets(), st.none() | _SPORTS)
def test_the_merged_record_does_not_depend_on_the_order_of_its_sources(
    sources: list[SourceRecord], user_sport: Sport | None
) -> None:
    first = merge_sources(sources, user_sport)
    for order in _orders(sources):
        assert merge_sources(order, user_sport) == first


def _orders(sources: list[SourceRecord]) -> list[tuple[SourceRecord, ...]]:
    return list(itertools.permutations(sources))


# --- end to end, through the import path (SQLite, or PostgreSQL when configured) ---


def _upload(engine: Engine, *files: tuple[str, bytes], athlete: str = "ana") -> list:
    return services.import_uploads(engine, list(files), athlete=athlete, today=TODAY)


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _ride() -> tuple[bytes, bytes]:
    """A ride as the bike computer's FIT (local offset +1 h) and as a GPX conversion without a
    type (a bike computer's GPX: silent, and too fast for the athlete's default sport)."""
    track = make_track(START, 30_000, 120, seed=31, interval_s=5, sport="ride")
    return fit_bytes([track], utc_offset_s=3600), gpx_bytes(track, activity_type=None)


@pytest.mark.parametrize("order", ["fit-first", "gpx-first"])
def test_fit_ride_and_gpx_conversion_with_different_sports_become_one(
    engine: Engine, order: str
) -> None:
    fit, gpx = _ride()
    files = [("ride.fit", fit), ("ride.gpx", gpx)]
    if order == "gpx-first":
        files.reverse()
    first, second = (_upload(engine, f)[0] for f in files)
    assert first.status is ImportStatus.IMPORTED
    assert second.status is ImportStatus.MERGED and second.activity_id == first.activity_id
    (row,) = services.list_activities(engine, "ana")
    assert (row.sport, row.sport_source) == (Sport.RIDE, SportSource.DECLARED)
    assert row.utc_offset_s == 3600 and row.source_format is SourceFormat.FIT
    detail = services.activity_detail(engine, row.id)
    assert [s.source_format for s in detail.sources] == [SourceFormat.FIT, SourceFormat.GPX]
    assert detail.sources[0].is_primary and "sport" in detail.sources[0].contributed


def test_the_same_ride_imported_in_either_order_gives_the_same_activity(engine: Engine) -> None:
    fit, gpx = _ride()
    fields = ("sport", "sport_source", "started_at", "utc_offset_s", "distance_m", "duration_s")
    seen = []
    for files in ([("ride.fit", fit), ("ride.gpx", gpx)], [("ride.gpx", gpx), ("ride.fit", fit)]):
        for file in files:
            _upload(engine, file)
        (row,) = services.list_activities(engine, "ana")
        seen.append([getattr(row, f) for f in (*fields, "device", "avg_hr_bpm", "name")])
        services.delete_activity(engine, row.id)  # its files too: the next round imports anew
    assert seen[0] == seen[1]


def test_fit_and_tcx_of_one_pool_swim_become_one(engine: Engine) -> None:
    swim = make_track(START, 1_500, 1_200, seed=32, interval_s=10, sport="swim")  # TCX: "Other"
    _upload(engine, ("swim.fit", fit_bytes([swim], utc_offset_s=3600)))
    (result,) = _upload(engine, ("swim.tcx", tcx_bytes(swim)))
    assert result.status is ImportStatus.MERGED
    (row,) = services.list_activities(engine, "ana")
    assert row.sport is Sport.SWIM and row.utc_offset_s == 3600


def test_a_ride_and_a_run_twelve_hours_apart_stay_two(engine: Engine) -> None:
    fit, _ = _ride()
    run = make_track(START + timedelta(hours=12), 30_000, 120, seed=33, interval_s=5)
    results = _upload(engine, ("am.fit", fit), ("pm.gpx", gpx_bytes(run, activity_type=None)))
    assert [r.status for r in results] == [ImportStatus.IMPORTED] * 2


def test_a_silent_file_too_fast_for_a_run_is_stored_but_never_a_run(engine: Engine) -> None:
    _, gpx = _ride()
    (result,) = _upload(engine, ("ride.gpx", gpx))
    assert result.status is ImportStatus.IMPORTED
    (row,) = services.list_activities(engine, "ana")
    assert row.sport is not Sport.RUN


def test_a_silent_file_at_running_speed_takes_the_default_sport(engine: Engine) -> None:
    run = make_track(START, 8_000, 330, seed=34, interval_s=5)
    _upload(engine, ("run.gpx", gpx_bytes(run, activity_type=None)))
    (row,) = services.list_activities(engine, "ana")
    assert (row.sport, row.sport_source) == (Sport.RUN, SportSource.DEFAULT)


def _merged_ride(engine: Engine) -> int:
    fit, gpx = _ride()
    _upload(engine, ("ride.fit", fit))
    (result,) = _upload(engine, ("ride.gpx", gpx))
    assert result.activity_id is not None
    return result.activity_id


def test_split_moves_a_source_out_and_reimport_keeps_it_apart(engine: Engine) -> None:
    activity_id = _merged_ride(engine)
    kept, new = services.split_source(engine, activity_id, "ride.gpx")
    assert kept == activity_id and new != activity_id
    rows = {r.id: r for r in services.list_activities(engine, "ana")}
    assert rows[kept].source_format is SourceFormat.FIT
    assert rows[new].source_format is SourceFormat.GPX
    services.reimport(engine, today=TODAY)
    assert len(services.list_activities(engine, "ana")) == 2
    with pytest.raises(InputError, match="only one source"):
        services.split_source(engine, new, "ride.gpx")
    with pytest.raises(NotFoundError, match=r"has no source 'nope\.fit'"):
        services.split_source(engine, kept, "nope.fit")


def test_a_sport_set_by_the_user_survives_reimport_and_later_merges(engine: Engine) -> None:
    fit, gpx = _ride()
    (first,) = _upload(engine, ("ride.fit", fit))
    assert first.activity_id is not None
    row = services.set_sport(engine, first.activity_id, "walk")
    assert (row.sport, row.sport_source) == (Sport.WALK, SportSource.USER)
    _upload(engine, ("ride.gpx", gpx))
    services.reimport(engine, today=TODAY)
    (row,) = services.list_activities(engine, "ana")
    assert (row.sport, row.sport_source, row.name) == (Sport.WALK, SportSource.USER, "Morning Walk")
    with pytest.raises(InputError, match="sport must be one of"):
        services.set_sport(engine, row.id, "curling")


def test_delete_removes_the_activity_its_sources_and_unshared_files(engine: Engine) -> None:
    activity_id = _merged_ride(engine)
    services.log_pain(engine, "ana", during=2, after=None, run_id=activity_id, today=TODAY)
    services.delete_activity(engine, activity_id)
    assert _count(engine, Activity) == _count(engine, ActivitySource) == 0
    assert _count(engine, OriginalFile) == 0
    assert _count(engine, PainEntry) == 1  # kept, unlinked
    fit, _ = _ride()
    (again,) = _upload(engine, ("ride.fit", fit))
    assert again.status is ImportStatus.IMPORTED  # not "imported before"


def test_move_takes_sources_files_and_pain_along_and_clears_the_shoe(engine: Engine) -> None:
    run = make_track(START, 8_000, 330, seed=35, interval_s=5)
    (result,) = _upload(engine, ("run.fit", fit_bytes([run])))
    assert result.activity_id is not None
    services.add_shoe(engine, "ana", "Clifton")
    services.assign_shoe(engine, result.activity_id, "Clifton")
    services.log_pain(engine, "ana", during=3, after=None, run_id=result.activity_id, today=TODAY)
    _upload(
        engine, ("other.fit", fit_bytes([make_track(START, 5_000, 330, seed=36)])), athlete="bo"
    )
    row = services.move_activity(engine, result.activity_id, "bo")
    assert row.athlete == "bo" and row.shoe is None
    assert services.list_activities(engine, "ana") == []
    assert len(services.list_activities(engine, "bo")) == 1  # it overlapped bo's run: joined
    assert len(services.activity_detail(engine, row.id).sources) == 2
    assert [p.activity_id for p in services.list_pain(engine, "bo")] == [row.id]
    with Session(engine) as session:
        owners = set(session.scalars(select(OriginalFile.athlete_id)))
    assert len(owners) == 1
