"""Imports keep what devices really write and say what was repaired (issue #26); the sanity
limits per sport fit real events and still refuse what cannot be real."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.domain import ImportStatus, Sport
from loadwatch.errors import ImplausibleValueError
from loadwatch.services.merge import candidate_window
from loadwatch.services.plausible import SANITY, check_plausible
from loadwatch.synth import gpx_bytes, make_track, tcx_bytes
from tests.conftest import DATA
from tests.factories import parsed_activity

TODAY = date(2026, 11, 21)
START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _upload(engine: Engine, *files: tuple[str, bytes]) -> list:
    return services.import_uploads(engine, list(files), athlete="ana", today=TODAY)


def test_a_repaired_file_is_imported_and_its_result_says_what_was_repaired(
    engine: Engine,
) -> None:
    track = make_track(START, 5_400, 330, seed=1, interval_s=1)
    data = re.sub(
        rb"<TotalTimeSeconds>[^<]*</TotalTimeSeconds>",
        b"<TotalTimeSeconds>1800.0</TotalTimeSeconds>",
        tcx_bytes(track),
        count=1,
    )
    (result,) = _upload(engine, ("lap.tcx", data))
    assert result.status is ImportStatus.IMPORTED
    assert result.message == "repaired 'lap.tcx': kept: the lap's 1,800 s; its points cover 1,782 s"
    (row,) = services.list_activities(engine, "ana")
    assert row.duration_s == 1800.0


def test_the_timer_above_elapsed_file_is_imported_not_refused(engine: Engine) -> None:
    data = (DATA / "cases" / "timer-above-elapsed.fit").read_bytes()
    (result,) = _upload(engine, ("timer.fit", data))
    assert result.status is ImportStatus.IMPORTED
    assert "kept: the elapsed 1,650 s its records cover" in result.message


def test_a_run_with_a_point_dated_1970_is_imported_without_it(engine: Engine) -> None:
    track = make_track(START, 8_000, 330, seed=5, interval_s=5)
    text = gpx_bytes(track).decode()
    second = f"<time>{START + timedelta(seconds=5):%Y-%m-%dT%H:%M:%SZ}</time>"
    (result,) = _upload(
        engine, ("glitch.gpx", text.replace(second, "<time>1970-01-01T00:00:00Z</time>").encode())
    )
    assert result.status is ImportStatus.IMPORTED
    assert "dropped 1 point dated 1970-01-01" in result.message
    assert result.started_at == START


def test_a_318_km_ultra_is_imported(engine: Engine) -> None:
    ultra = make_track(START, 318_000, 600, seed=8, interval_s=60)  # 53 hours
    (result,) = _upload(engine, ("ultra.gpx", gpx_bytes(ultra)))
    assert result.status is ImportStatus.IMPORTED
    assert result.distance_m is not None and result.distance_m > 300_000


def test_every_sport_limit_says_why_and_fits_the_overlap_window() -> None:
    earliest, _ = candidate_window(START, 0.0)
    for sport, limits in SANITY.items():
        assert limits.reason, sport
        # matching looks back far enough to find a recording of this sport's longest activity
        assert START - earliest >= timedelta(seconds=limits.max_duration_s), sport
    assert SANITY[Sport.RUN].max_distance_m > 330_000  # real races pass 330 km


def test_a_run_longer_than_any_real_event_is_still_refused() -> None:
    too_long = parsed_activity(
        sport=Sport.RUN, distance_m=1_200_000.0, duration_s=5 * 86400.0, moving_s=5 * 86400.0
    )
    with pytest.raises(
        ImplausibleValueError, match=re.escape("over the 1,100 km sanity limit (six-day races")
    ):
        check_plausible(too_long, "far.fit", TODAY)


def test_a_week_long_ride_fits_but_a_month_does_not() -> None:
    week = parsed_activity(
        sport=Sport.RIDE, distance_m=3_000_000.0, duration_s=9 * 86400.0, moving_s=6 * 86400.0
    )
    check_plausible(week, "raam.fit", TODAY)
    month = parsed_activity(
        sport=Sport.RIDE, distance_m=3_000_000.0, duration_s=30 * 86400.0, moving_s=6 * 86400.0
    )
    with pytest.raises(ImplausibleValueError, match=r"lasts 30\.0 days, more than the 12 days"):
        check_plausible(month, "month.fit", TODAY)
