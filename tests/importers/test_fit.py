"""FIT importer against the real corpus: the manifest's values, and fast path == full decode."""

from __future__ import annotations

import contextlib
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.errors import CorruptFileError, EmptyActivityError, LoadwatchError
from loadwatch.importers import fit
from tests.conftest import CORPUS, DATA, corpus_params

DISTANCE_TOLERANCE_M = 0.5  # the session's total_distance is stored in centimetres
DURATION_TOLERANCE_S = 0.5

# Valid files we reject on purpose, and why (the test asserts the reason).
REJECTED_VALID = {
    "DeveloperData.fit": "no session summary and fewer than two timed records",
}


def _is_fit(kind: str) -> object:
    return lambda r: r["format"] == "fit" and r["kind"] == kind


@pytest.mark.corpus
@pytest.mark.parametrize("row", corpus_params(_is_fit("valid")))
def test_valid_corpus_fit_matches_the_manifest(row: dict[str, str]) -> None:
    name = row["local_path"].split("/")[-1]
    data = (CORPUS / row["local_path"]).read_bytes()
    if name in REJECTED_VALID:
        with pytest.raises(EmptyActivityError, match=REJECTED_VALID[name]):
            fit.parse(data, name)
        return
    activities = fit.parse(data, name)
    # The manifest sums distance over every session of a multisport file, transitions included;
    # we keep the sport sessions only, so compare against the first session's own start time.
    assert activities[0].started_at == datetime.fromisoformat(row["start_time"]).replace(tzinfo=UTC)
    if int(row["n_sessions"]) == 1:
        (activity,) = activities
        assert activity.distance_m == pytest.approx(
            float(row["total_distance_m"]), abs=DISTANCE_TOLERANCE_M
        )
        assert activity.moving_s == pytest.approx(
            float(row["total_timer_time_s"]), abs=DURATION_TOLERANCE_S
        )
        assert activity.duration_s == pytest.approx(
            float(row["total_elapsed_time_s"]), abs=DURATION_TOLERANCE_S
        )
    else:
        assert (
            sum(a.distance_m for a in activities)
            <= float(row["total_distance_m"]) + DISTANCE_TOLERANCE_M
        )


@pytest.mark.corpus
@pytest.mark.parametrize("row", corpus_params(_is_fit("corrupt")))
def test_corrupt_corpus_fit_is_rejected(row: dict[str, str]) -> None:
    name = row["local_path"].split("/")[-1]
    with pytest.raises(CorruptFileError, match=name.replace(".", r"\.")):
        fit.parse((CORPUS / row["local_path"]).read_bytes(), name)


@pytest.mark.corpus
@pytest.mark.parametrize("row", corpus_params(lambda r: r["format"] == "fit"))
def test_fast_path_agrees_with_a_full_fitparse_decode(row: dict[str, str]) -> None:
    """The skip-records fast path reads exactly the sessions a plain fitparse decode reads."""
    name = row["local_path"].split("/")[-1]
    _assert_fast_path_agrees((CORPUS / row["local_path"]).read_bytes(), name)


@pytest.mark.parametrize(
    "path", sorted(DATA.rglob("*.fit")), ids=lambda p: str(p.relative_to(DATA))
)
def test_fast_path_decodes_the_sessions_a_full_decode_does(path: Path) -> None:
    # tests/data holds our generator's files and files written by Garmin's own FIT SDK encoder
    # (cases/garmin-sdk-*.fit), which the corpus lacks (issue #13). Some of them are read from
    # their records on purpose (no session, a zero-distance session), so compare what fitparse
    # decodes: every field of every session message, skipping records or not.
    data = path.read_bytes()
    try:
        reference = fit.parse_full(data)
    except Exception:
        with pytest.raises(LoadwatchError):  # fitparse cannot read it: we must reject it too
            fit.parse(data, path.name)
        return
    fast = fit._read_summary(fit._SummaryFitFile(data))
    assert fast.sessions == reference


def _assert_fast_path_agrees(data: bytes, name: str) -> None:
    try:
        reference = fit.parse_full(data)
    except Exception:
        with pytest.raises(LoadwatchError):  # fitparse cannot read it: we must reject it too
            fit.parse(data, name)
        return
    try:
        ours = fit.parse(data, name)
    except LoadwatchError as exc:
        # Non-activity files, and activities we refuse, must be ones with no usable session.
        usable = [s for s in reference if isinstance(s.get("start_time"), datetime)]
        assert not usable or "not an activity" in str(exc), str(exc)
        return
    sessions = [s for s in reference if str(s.get("sport")) != "transition"]
    assert [a.distance_m for a in ours] == [s.get("total_distance") or 0.0 for s in sessions]
    assert [a.started_at.replace(tzinfo=None) for a in ours] == [s["start_time"] for s in sessions]


@pytest.mark.corpus
def test_nothing_in_the_corpus_raises_anything_but_our_errors(corpus: object) -> None:
    from loadwatch.importers import parse_activity

    for path in sorted(CORPUS.rglob("*")):
        if path.is_file():
            with contextlib.suppress(LoadwatchError):
                parse_activity(path.read_bytes(), path.name)


def test_crc_matches_the_fit_sdk_check_value() -> None:
    # CRC-16/ARC of "123456789" is 0xBB3D (the catalogue check value); odd and even lengths.
    assert fit.fit_crc(b"123456789") == 0xBB3D
    assert fit.fit_crc(b"12345678") == 0x3C9D
    assert fit.fit_crc(b"") == 0


def test_crc_runs_in_c_not_in_crcmods_python_fallback() -> None:
    # crcmod-plus falls back to a pure-Python loop, silently, when its extension fails to load;
    # that would bring back the per-byte cost issue #13 removed.
    from crcmod import crcmod as crcmod_impl

    assert crcmod_impl._usingExtension


def _fit_file(*messages: bytes) -> bytes:
    """A FIT file of these message bytes: a 14-byte header and the file CRC around them."""
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit.fit_crc(header))
    return header + body + struct.pack("<H", fit.fit_crc(header + body))


def _definition(local: int, mesg_num: int, fields: list[tuple[int, int, int]]) -> bytes:
    """A definition message: little endian; fields as (number, size, base type)."""
    return (
        bytes([0x40 | local, 0, 0])
        + struct.pack("<HB", mesg_num, len(fields))
        + b"".join(bytes(f) for f in fields)
    )


def test_fast_path_keeps_compressed_timestamps_right_across_skipped_records() -> None:
    # Records with a timestamp (the last one invalid), then compressed-timestamp records, then a
    # session whose own timestamp is compressed: fitparse reconstructs it from the last valid
    # full timestamp, so the fast path must leave the same accumulator behind (issue #13).
    uint8, uint32, enum = 0x02, 0x86, 0x00
    timed = [
        bytes([0x00]) + struct.pack("<IB", stamp, 150)
        for stamp in (1_000_000_000, 1_000_000_001, 1_000_000_002, 0xFFFFFFFF)
    ]
    compressed = [bytes([0x80 | 1 << 5 | (1_000_000_003 + k) & 0x1F, 151]) for k in range(3)]
    session = bytes([0x80 | 3 << 5 | 1_000_000_009 & 0x1F]) + struct.pack(
        "<IIIIB", 1_000_000_000, 9_000, 9_000, 2_000_00, 1
    )
    data = _fit_file(
        _definition(0, 20, [(253, 4, uint32), (3, 1, uint8)]),
        *timed,
        _definition(1, 20, [(3, 1, uint8)]),
        *compressed,
        _definition(
            3, 18, [(2, 4, uint32), (7, 4, uint32), (8, 4, uint32), (9, 4, uint32), (5, 1, enum)]
        ),
        session,
    )
    reference = fit.parse_full(data)
    fast_file = fit._SummaryFitFile(data)
    assert fit._read_summary(fast_file).sessions == reference
    assert reference[0]["timestamp"] == datetime(1989, 12, 31) + timedelta(seconds=1_000_000_009)
    assert (fast_file.skipped_messages, fast_file.stream_records) == (7, 7)
