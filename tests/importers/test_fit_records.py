"""The raw record reader (issue #26) against a full fitparse decode: the same activities from
every corpus FIT file, every FIT file in tests/data, and files from Garmin's FIT SDK encoder and
our generator with and without a session start position."""

from __future__ import annotations

import dataclasses
import math
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.domain import ParsedActivity
from loadwatch.errors import LoadwatchError
from loadwatch.importers import fit
from loadwatch.synth import fit_bytes, make_track
from tests.conftest import CORPUS, DATA
from tests.importers.sdk_fit import sdk_run

START = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)


def _corpus_fit() -> list[object]:
    paths = (
        sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() == ".fit")
        if CORPUS.exists()
        else []
    )
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"corpus not found at {CORPUS}"))]
    return [pytest.param(p, id=str(p.relative_to(CORPUS))) for p in paths]


def _same(ours: tuple[ParsedActivity, ...], reference: tuple[ParsedActivity, ...]) -> None:
    assert len(ours) == len(reference)
    for mine, theirs in zip(ours, reference, strict=True):
        for field in dataclasses.fields(ParsedActivity):
            a, b = getattr(mine, field.name), getattr(theirs, field.name)
            if isinstance(a, float) and isinstance(b, float):
                assert a == pytest.approx(b, rel=1e-9, abs=1e-6) or (
                    math.isnan(a) and math.isnan(b)
                ), field.name
            else:
                assert a == b, field.name


def _assert_agrees(data: bytes, name: str) -> None:
    try:
        reference = fit.parse_reference(data, name)
    except LoadwatchError as exc:
        with pytest.raises(type(exc)):
            fit.parse(data, name)
        return
    _same(fit.parse(data, name), reference)


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_fit())
def test_raw_records_agree_with_a_full_decode_on_every_corpus_fit_file(path: Path) -> None:
    _assert_agrees(path.read_bytes(), path.name)


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.fit")), ids=lambda p: p.name)
def test_raw_records_agree_with_a_full_decode_on_our_test_files(path: Path) -> None:
    _assert_agrees(path.read_bytes(), path.name)


def _track(seed: int = 1):
    return make_track(START, 5_000, 330, seed=seed, interval_s=1)


@pytest.mark.parametrize("with_session", [True, False], ids=["session", "no-session"])
def test_our_generator_without_a_start_position_gets_the_first_fix_from_the_records(
    with_session: bool,
) -> None:
    track = _track()
    data = fit_bytes(
        [track],
        with_session=with_session,
        session={"start_position_lat": None, "start_position_long": None},
    )
    (activity,) = fit.parse(data, "run.fit")
    assert activity.start_lat == pytest.approx(float(track.lat[0]), abs=1e-6)
    assert activity.start_lon == pytest.approx(float(track.lon[0]), abs=1e-6)
    _same((activity,), fit.parse_reference(data, "run.fit"))


@pytest.mark.parametrize("start_position", [True, False], ids=["start-position", "none"])
def test_sdk_encoded_runs_agree_with_a_full_decode(start_position: bool) -> None:
    data, track = sdk_run(seed=4, start_position=start_position, gps_after_s=20)
    (activity,) = fit.parse(data, "sdk.fit")
    _same((activity,), fit.parse_reference(data, "sdk.fit"))
    first = 0 if start_position else 20  # the session's start, else the first fix (at 20 s)
    assert activity.start_lat == pytest.approx(float(track.lat[first]), abs=1e-6)
    assert activity.started_at == START


def _fit_file(*messages: bytes) -> bytes:
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit.fit_crc(header))
    return header + body + struct.pack("<H", fit.fit_crc(header + body))


def _definition(local: int, mesg_num: int, fields: list[tuple[int, int, int]]) -> bytes:
    return (
        bytes([0x40 | local, 0, 0])
        + struct.pack("<HB", mesg_num, len(fields))
        + b"".join(bytes(f) for f in fields)
    )


@pytest.mark.parametrize("heart_rate_size", [1, 2], ids=["uint8", "uint16-layout"])
def test_an_unknown_record_layout_falls_back_to_fitparse(heart_rate_size: int) -> None:
    # Heart rate written as a 2-byte field is a layout the raw reader refuses: fitparse reads
    # it; either way the result is the full decode's. No session: every total from records.
    uint32, sint32 = 0x86, 0x85
    rate_type = 0x02 if heart_rate_size == 1 else 0x84
    rate_format = "B" if heart_rate_size == 1 else "H"
    stamp = 1_000_000_000
    records = [
        bytes([0x01])
        + struct.pack(
            f"<Iii{rate_format}I",
            stamp + k,
            0x7FFFFFFF if k < 3 else 560_000_000 + 30 * k,
            0x7FFFFFFF if k < 3 else 100_000_000,
            140 + k % 5,
            300 * k,
        )
        for k in range(40)
    ]
    data = _fit_file(
        _definition(0, 0, [(0, 1, 0x00)]),
        bytes([0x00, 4]),
        _definition(
            1,
            20,
            [
                (253, 4, uint32),
                (0, 4, sint32),
                (1, 4, sint32),
                (3, heart_rate_size, rate_type),
                (5, 4, uint32),
            ],
        ),
        *records,
    )
    (activity,) = fit.parse(data, "odd.fit")
    _same((activity,), fit.parse_reference(data, "odd.fit"))
    assert activity.start_lat == pytest.approx(560_000_090 * 180 / 2**31)
    assert activity.distance_m == pytest.approx(117.0)


def test_no_session_totals_come_from_the_raw_records() -> None:
    track = _track(seed=7)
    data = fit_bytes([track], with_session=False)
    (activity,) = fit.parse(data, "bare.fit")
    assert activity.distance_m == pytest.approx(track.total_distance_m, abs=0.01)
    assert activity.duration_s == pytest.approx(track.duration_s)
    assert activity.started_at == START
    assert activity.started_at + timedelta(seconds=activity.duration_s) == START + timedelta(
        seconds=track.duration_s
    )
