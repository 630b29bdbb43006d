"""parse_samples: each format's timed points for drawing one activity (issue #12)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers import parse_activity, parse_samples
from loadwatch.synth import fit_bytes, gpx_bytes, make_track, tcx_bytes
from tests.conftest import CORPUS, DATA, corpus_params

TRACK = make_track(datetime(2026, 3, 1, 7, tzinfo=UTC), 8000, 320, seed=3, interval_s=5)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("run.fit", fit_bytes([TRACK])),
        ("run.gpx", gpx_bytes(TRACK)),
        ("run.tcx", tcx_bytes(TRACK)),
    ],
)
def test_every_format_gives_the_same_points_in_time_order(name: str, data: bytes) -> None:
    samples = parse_samples(data, name)
    (parsed,) = parse_activity(data, name)
    assert len(samples) > 300
    assert bool(np.all(np.diff(samples.time_s) >= 0))
    assert samples.time_s[0] == pytest.approx(parsed.started_at.timestamp())
    assert np.isfinite(samples.lat).all() and np.isfinite(samples.lon).all()
    assert samples.distance_or_track_m()[-1] == pytest.approx(parsed.distance_m, rel=0.01)
    assert np.nanmean(samples.heart_rate_bpm) == pytest.approx(parsed.avg_hr_bpm, rel=0.02)


def test_a_fit_file_with_sessions_windows_to_each_session() -> None:
    data = (DATA / "fit/triathlon-3-sessions.fit").read_bytes()
    samples = parse_samples(data, "tri.fit")
    sessions = parse_activity(data, "tri.fit")
    for session in sessions:
        start = session.started_at.timestamp()
        part = samples.window(start, start + session.duration_s)
        assert len(part) >= 2
        assert part.time_s[0] >= start - 1


def test_a_treadmill_fit_without_records_has_nothing_to_draw() -> None:
    with pytest.raises(EmptyActivityError, match="no timed points"):
        parse_samples((DATA / "fit/treadmill-no-records.fit").read_bytes(), "treadmill.fit")


def test_other_bytes_are_refused() -> None:
    with pytest.raises(UnsupportedFileError, match="neither a FIT, GPX nor TCX"):
        parse_samples(b"hello", "notes.txt")


@pytest.mark.parametrize(
    "row", corpus_params(lambda r: r["format"] in ("fit", "gpx", "tcx") and r["kind"] == "valid")
)
def test_real_device_files_give_ordered_points(row: dict[str, str] | None) -> None:
    assert row is not None
    data = (CORPUS / row["local_path"]).read_bytes()
    try:
        samples = parse_samples(data, row["local_path"])
    except EmptyActivityError:
        return  # a summary-only file: nothing to draw, said on the page
    assert bool(np.all(np.diff(samples.time_s) >= 0))
    located = np.isfinite(samples.lat)
    assert np.all(np.abs(samples.lat[located]) <= 90)
