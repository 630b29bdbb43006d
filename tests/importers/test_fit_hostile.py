"""FIT files broken on purpose: every failure is our named error in plain words (issue #15).

The files are made by our generator (`loadwatch.synth`) and broken here. The fuzz test is seeded
and bounded (a fixed number of mutations, each under a time limit), so it runs the same in CI.
"""

from __future__ import annotations

import collections
import math
import random
import re
import signal
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from loadwatch import synth
from loadwatch.domain import ParsedActivity
from loadwatch.errors import CorruptFileError, LoadwatchError
from loadwatch.importers import fit, parse_activity

TRACK = synth.make_track(datetime(2026, 3, 1, 7, 0, tzinfo=UTC), 1500.0, interval_s=10, seed=1)
WITH_SESSION = synth.fit_bytes([TRACK])
RECORDS_ONLY = synth.fit_bytes([TRACK], with_session=False)

MUTATIONS = 300
SEED = 15
TIME_LIMIT_S = 5.0  # one mutation; a parse of these 1.4 KB files takes about a millisecond

# What a user must never see: Python exception reprs, struct formats, tracebacks.
RAW_TEXT = re.compile(r"Error\(|struct|Traceback|<[0-9]*[A-Za-z]\b|\bfitparse\b")


def _repaired(data: bytes) -> bytes:
    """Make the header's size and both CRCs agree with the bytes, so fitparse decodes them."""
    out = bytearray(data)
    header_size = out[0] if out else 0
    if header_size not in (12, 14) or len(out) < header_size + 2:
        return bytes(out)
    struct.pack_into("<I", out, 4, len(out) - header_size - 2)
    if header_size == 14:
        struct.pack_into("<H", out, 12, fit.fit_crc(bytes(out[:12])))
    struct.pack_into("<H", out, len(out) - 2, fit.fit_crc(bytes(out[:-2])))
    return bytes(out)


def _mutate(rng: random.Random, base: bytes) -> tuple[str, bytes]:
    """One seeded mutation: flips, set bytes, truncation, insertion, duplication or a header hit.

    Most mutants get their sizes and CRCs repaired, otherwise nearly all would stop at the
    checksum and the decoder behind it would never be exercised.
    """
    body = bytearray(base[:-2])
    kind = rng.choice(["flip", "flip", "set", "truncate", "insert", "duplicate", "header"])
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            body[rng.randrange(14, len(body))] ^= 1 << rng.randrange(8)
    elif kind == "set":
        for _ in range(rng.randint(1, 4)):
            body[rng.randrange(14, len(body))] = rng.choice(
                [0, 0xFF, 0x7F, 0x80, rng.randrange(256)]
            )
    elif kind == "truncate":
        body = body[: rng.randrange(len(body))]
    elif kind == "insert":
        at = rng.randrange(14, len(body))
        body[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif kind == "duplicate":
        at = rng.randrange(14, len(body))
        body[at:at] = body[at : at + rng.randint(1, 64)]
    else:
        body[rng.randrange(14)] = rng.randrange(256)
    data = bytes(body) + b"\0\0"
    return kind, _repaired(data) if rng.random() < 0.85 else data


class _TimeoutError(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def _alarm(signum: int, frame: object) -> None:
        raise _TimeoutError

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _assert_finite(activity: ParsedActivity) -> None:
    for name in ParsedActivity.__dataclass_fields__:
        value = getattr(activity, name)
        if isinstance(value, float):
            assert math.isfinite(value), (name, value)
    if activity.start_lat is not None or activity.start_lon is not None:
        assert activity.start_lat is not None and -90 <= activity.start_lat <= 90
        assert activity.start_lon is not None and -180 <= activity.start_lon <= 180


@pytest.mark.slow  # 300 mutated files (issue #19: scheduled first)
def test_seeded_mutations_parse_to_finite_values_or_raise_our_error_in_plain_words() -> None:
    rng = random.Random(SEED)  # noqa: S311 - a reproducible fuzz, not cryptography
    outcomes: collections.Counter[str] = collections.Counter()
    slowest = 0.0
    for number in range(MUTATIONS):
        kind, data = _mutate(rng, (WITH_SESSION, RECORDS_ONLY)[number % 2])
        name = f"mutant-{number}-{kind}.fit"
        started = time.perf_counter()
        try:
            with _time_limit(TIME_LIMIT_S):
                activities = parse_activity(data, name)
        except _TimeoutError:
            pytest.fail(f"{name} took over {TIME_LIMIT_S} s")
        except LoadwatchError as exc:
            message = str(exc)
            assert name in message, message
            assert not RAW_TEXT.search(message), message
            reason = re.sub(r"0x[0-9A-F]+|\d+", "N", message.removeprefix(repr(name)))
            outcomes[f"{type(exc).__name__}:{reason[:60]}"] += 1
        else:
            for activity in activities:
                _assert_finite(activity)
            outcomes["parsed"] += 1
        slowest = max(slowest, time.perf_counter() - started)
    assert sum(outcomes.values()) == MUTATIONS
    # The mutator must reach the decoder, not only the checksum: both outcomes are common.
    assert outcomes["parsed"] >= MUTATIONS // 10
    decoded = sum(n for key, n in outcomes.items() if "is not a readable FIT file" in key)
    assert decoded >= MUTATIONS // 10
    print(f"\n{MUTATIONS} FIT mutations, slowest {slowest * 1000:.0f} ms:")  # noqa: T201
    for key, count in outcomes.most_common():
        print(f"  {count:4d}  {key}")  # noqa: T201


@pytest.mark.parametrize("header_size", [0, 1, 11, 13])
def test_an_irregular_header_size_is_our_error(header_size: int) -> None:
    data = bytearray(WITH_SESSION)
    data[0] = header_size
    with pytest.raises(CorruptFileError) as info:
        parse_activity(bytes(data), "odd-header.fit")
    assert str(info.value) == (
        f"'odd-header.fit' is not a readable FIT file: the header at byte 0 says it is "
        f"{header_size} bytes long, but a FIT header is 12 or 14 bytes"
    )


def test_a_longer_header_is_still_read_as_the_sdk_allows() -> None:
    # Header size 16: the 14-byte header plus two reserved bytes "for future use".
    header = bytearray(WITH_SESSION[:12])
    header[0] = 16
    header += struct.pack("<H", fit.fit_crc(bytes(header))) + b"\0\0"
    body = WITH_SESSION[14:-2]
    content = bytes(header) + body
    data = content + struct.pack("<H", fit.fit_crc(content))
    (activity,) = parse_activity(data, "long-header.fit")
    assert activity.distance_m == pytest.approx(TRACK.total_distance_m, abs=0.01)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (FitHeaderError("Irregular File Header Size"), "the file header is damaged"),
        (FitEOFError("Tried to read 4 bytes from .FIT file but got 1"), "cut short"),
        (FitCRCError("CRC Mismatch [computed: 0x1, read: 0x2]"), "checksum does not match"),
        (FitParseError("Invalid struct format: <0B"), "a size its type cannot have"),
        (FitParseError("Invalid field size 3 for type 'uint16'"), "a size its type cannot have"),
        (FitParseError("Got data message with invalid local message type 7"), "never gave"),
        (FitParseError("No such dev_data_index=3 found"), "developer field"),
        (struct.error("unpack requires a buffer of 4 bytes"), "a size its type cannot have"),
        (TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'"), "definition"),
        (ValueError("year 0 is out of range"), "does not match its own definition"),
        (KeyError(18), "does not match its own definition"),
        (IndexError("tuple index out of range"), "does not match its own definition"),
        (OverflowError("date value out of range"), "a value is too large for its field"),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    ],
)
def test_any_decoder_failure_becomes_our_error_with_a_plain_reason(
    monkeypatch: pytest.MonkeyPatch, error: Exception, reason: str
) -> None:
    def _fail(self: object, data: bytes) -> None:
        raise error

    monkeypatch.setattr(fit._SummaryFitFile, "__init__", _fail)
    with pytest.raises(CorruptFileError) as info:
        fit.parse(WITH_SESSION, "broken.fit")
    message = str(info.value)
    assert message.startswith("'broken.fit' is not a readable FIT file: ")
    assert reason in message
    assert not RAW_TEXT.search(message), message
    assert str(error) not in message
    assert info.value.__cause__ is error


def test_a_failure_in_the_records_path_is_our_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    class _Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise struct.error("unpack requires a buffer of 2 bytes")

    # The full decode of the records (the raw reader's fallback, issue #26).
    monkeypatch.setattr(fit, "FitFile", _Broken)
    with pytest.raises(CorruptFileError, match=r"'records\.fit' is not a readable FIT file"):
        fit.parse_reference(RECORDS_ONLY, "records.fit")


def _session_fit(lat_semicircles: int, lon_semicircles: int) -> bytes:
    writer = synth.FitWriter()
    start = int((TRACK.started_at - datetime(1989, 12, 31, tzinfo=UTC)).total_seconds())
    writer.write("file_id", type=4, manufacturer=255, product=1, serial_number=1)
    writer.write(
        "session",
        timestamp=start + 600,
        start_time=start,
        start_position_lat=lat_semicircles,
        start_position_long=lon_semicircles,
        sport=1,
        sub_sport=0,
        total_elapsed_time=600_000,
        total_timer_time=600_000,
        total_distance=200_000,
    )
    return writer.finish()


def _semicircles(degrees: float) -> int:
    return round(degrees * 2**31 / 180)


@pytest.mark.parametrize("lat", [120.0, -91.0, -179.0, 90.0001])
def test_fit_start_latitude_out_of_range_is_treated_as_absent(lat: float) -> None:
    # A 32-bit semicircle spans [-180, 180) degrees: a damaged latitude can reach past the poles.
    (activity,) = parse_activity(_session_fit(_semicircles(lat), _semicircles(8.0)), "far.fit")
    assert (activity.start_lat, activity.start_lon) == (None, None)
    assert activity.distance_m == 2000


def test_fit_start_position_in_range_is_kept() -> None:
    (activity,) = parse_activity(_session_fit(_semicircles(47.0), _semicircles(8.5)), "ok.fit")
    assert activity.start_lat == pytest.approx(47.0)
    assert activity.start_lon == pytest.approx(8.5)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(math.nan, 0), (0, math.nan), (math.inf, 0), (0, -math.inf), (None, 0), (2**31 * 1.0, 0)],
)
def test_non_finite_fit_positions_are_absent(lat: float | None, lon: float | None) -> None:
    assert fit.fit_position(lat, lon) is None


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e300, True, "12", None])
def test_non_finite_or_absurd_fit_numbers_are_absent(value: object) -> None:
    assert fit.fit_number(value) is None
