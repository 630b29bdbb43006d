"""FIT activities through fitparse: the ONLY module that imports fitparse.

Fast path (issue #5): a 1 s recording holds thousands of `record` messages that the run log does
not need when the file has a session summary. `_SummaryFitFile` keeps fitparse as the decoder of
the file structure (headers, definitions, developer fields, chained files) but skips the bytes of
messages we do not read instead of decoding every field. This relies on fitparse 1.2.0 internals
(`_parse_data_message`, `_local_mesgs`, `_read`), so pyproject.toml pins fitparse==1.2.0 and
`tests/importers/test_fit.py` checks that the fast path and a full decode agree on every corpus
file. The CRC is verified once over the whole byte string in C (crcmod-plus), not with fitparse's
per-nibble Python CRC. What the decoded values mean (session totals, or
totals from the records when a file has no session) is in `_fit_activity.py`, which has no
fitparse.
"""

from __future__ import annotations

import contextlib
import io
import math
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import crcmod
import numpy as np
from fitparse import FitFile
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from loadwatch.domain import ParsedActivity
from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    UnsupportedFileError,
)
from loadwatch.importers._fit_activity import (
    as_utc,
    bike_sensor,
    device_of,
    file_utc_offset_s,
    fit_number,
    fit_position,
    from_records,
    from_session,
    is_device_file,
    names_virtual_device,
    sport_names,
)
from loadwatch.importers._fit_records import FitContext, Records
from loadwatch.importers.samples import Row, TrackSamples, from_rows, number

# FIT global message numbers (FIT SDK profile).
_FILE_ID, _SPORT, _SESSION, _RECORD, _DEVICE_INFO, _ACTIVITY = 0, 12, 18, 20, 23, 34
_FIELD_DESCRIPTION, _DEVELOPER_DATA_ID = 206, 207
_SUMMARY_MESSAGES = frozenset(
    {_FILE_ID, _SPORT, _SESSION, _DEVICE_INFO, _ACTIVITY, _FIELD_DESCRIPTION, _DEVELOPER_DATA_ID}
)
_TIMESTAMP_FIELD = 253
_HEART_RATE_FIELD, _CADENCE_FIELD = 3, 4  # record fields that make a per-second stream


# CRC-16/ARC (poly 0x8005 reflected, init 0, no final XOR) is the FIT file CRC. crcmod-plus
# computes it in C: 0.2 ms for a one-hour 1 s file (96 KB), where our Python table loop took 1.9 ms
# plus a 65,536-entry table built once per process (issue #13).
_FIT_CRC = crcmod.mkCrcFun(0x18005, initCrc=0, rev=True, xorOut=0)


def fit_crc(data: bytes) -> int:
    """CRC-16 of `data` as the FIT protocol defines it (CRC-16/ARC)."""
    return _FIT_CRC(data)


@contextlib.contextmanager
def _decoding(filename: str) -> Iterator[None]:
    """Turn any failure of fitparse on untrusted bytes into our `CorruptFileError`.

    The message names the file and gives a short reason in plain words (`_reason`), never the
    library's exception text; the library error stays available as `__cause__`.
    """
    try:
        yield
    except LoadwatchError:
        raise
    except Exception as exc:  # untrusted input: any parser failure is the file's fault
        raise CorruptFileError(
            f"{filename!r} is not a readable FIT file: {_reason(exc)}; export it again from "
            "the device or its app"
        ) from exc


def _reason(exc: Exception) -> str:
    """A short plain-words reason for a fitparse (or struct, or Python) failure."""
    text = str(exc)
    if isinstance(exc, FitHeaderError):
        return "the file header is damaged"
    if isinstance(exc, FitEOFError):
        return "it ends in the middle of a message (the file is cut short)"
    if isinstance(exc, FitCRCError):
        return "its checksum does not match its contents"
    if "local message type" in text:
        return "a message refers to a message definition the file never gave"
    if "dev_data_index" in text or "developer" in text.lower():
        return "a developer field refers to a definition the file never gave"
    if isinstance(exc, FitParseError | struct.error) or "struct" in text:
        return "a message definition gives a field a size its type cannot have"
    if isinstance(exc, OverflowError):
        return "a value is too large for its field"
    if isinstance(exc, MemoryError | RecursionError):
        return "its messages are nested too deeply or are too large to decode"
    return "a message does not match its own definition"


def _check_crcs(data: bytes, filename: str) -> None:
    """Verify the file CRC of every chained FIT segment in `data`."""
    offset = 0
    while offset < len(data):
        if len(data) - offset < 12 or data[offset + 8 : offset + 12] != b".FIT":
            raise CorruptFileError(f"{filename!r} has an invalid FIT header at byte {offset}")
        header_size = data[offset]
        if header_size < 12 or header_size == 13:
            raise CorruptFileError(
                f"{filename!r} is not a readable FIT file: the header at byte {offset} says it "
                f"is {header_size} bytes long, but a FIT header is 12 or 14 bytes"
            )
        (data_size,) = struct.unpack_from("<I", data, offset + 4)
        end = offset + header_size + data_size
        if end + 2 > len(data):
            raise CorruptFileError(
                f"{filename!r} is truncated: the FIT header at byte {offset} announces "
                f"{data_size} bytes of records but the file ends first"
            )
        (stored,) = struct.unpack_from("<H", data, end)
        computed = fit_crc(data[offset:end])
        if stored != computed:
            raise CorruptFileError(
                f"{filename!r} failed its FIT checksum (computed 0x{computed:04X}, "
                f"stored 0x{stored:04X}); the file is damaged, export it again"
            )
        offset = end + 2


class _SummaryFitFile(FitFile):  # type: ignore[misc]
    """A fitparse FitFile that decodes only the summary messages and skips the rest by size."""

    _compressed_ts_accumulator: int  # fitparse's, kept right across the messages we skip

    def __init__(self, data: bytes) -> None:
        self.skipped_messages = 0
        self.stream_records = 0  # record messages carrying heart rate or cadence
        self._data = data
        self._plans: dict[int, tuple[Any, _Skip]] = {}
        # The record messages skipped, for `raw_records` (issue #26): per record layout, the
        # byte offsets of its messages' starts and their compressed timestamps (-1: none).
        self._record_runs: dict[int, tuple[_Skip, list[np.ndarray], list[np.ndarray]]] = {}
        super().__init__(io.BytesIO(data), check_crc=False)

    def _parse_message(self) -> Any:
        """Skip the data messages we do not read; hand everything else to fitparse.

        The skip runs over the byte string itself rather than through fitparse's stream reads,
        and a run of messages of one type (a one-hour 1 s file has ~3,600 records, mostly in
        one run) is counted in one C call: a per-message `read`, definition lookup and field
        scan was the largest cost of a FIT import (issue #13).
        """
        data, start = self._data, self._file.tell()
        end = min(start + self._bytes_left, len(data))  # this segment's messages end here
        # Local message type -> how to skip its data messages; None: fitparse decodes them.
        skips = [self._skip(self._local_mesgs.get(local)) for local in range(16)]
        accumulator = self._compressed_ts_accumulator
        pos, skipped, streams = start, 0, 0
        while pos < end:
            byte = data[pos]
            if byte & 0x80:  # compressed-timestamp header: local type in bits 5-6
                skip = skips[(byte >> 5) & 0x3]
            elif byte & 0x40:  # a definition message: fitparse reads it
                break
            else:
                skip = skips[byte & 0xF]
            if skip is None or pos + 1 + skip.size > end:
                break  # a summary message, an undefined type, or a truncation fitparse reports
            if byte & 0x80:
                if skip.timestamp is not None:  # fitparse reads the field, then the header
                    (value,) = skip.timestamp.unpack_from(data, pos + 1 + skip.timestamp_offset)
                    if value != 0xFFFFFFFF:
                        accumulator = value
                accumulator = self._apply_compressed_accumulation(byte & 0x1F, accumulator, 5)
                count = 1
                if skip.record is not None:
                    self._note_records(skip, pos, 1, 0, accumulator)
            else:
                # A run of messages with this same normal header (records, mostly) lies at a
                # fixed stride: count it by stripping its header bytes in C, not one by one.
                stride = 1 + skip.size
                headers = data[pos : end - skip.size : stride]
                count = len(headers) - len(headers.lstrip(headers[:1]))
                if skip.record is not None:
                    self._note_records(skip, pos, count, stride, -1)
                if skip.timestamp is not None:
                    # fitparse's compressed-timestamp accumulator holds the last valid timestamp.
                    for k in range(count - 1, -1, -1):
                        at = pos + k * stride + 1 + skip.timestamp_offset
                        (value,) = skip.timestamp.unpack_from(data, at)
                        if value != 0xFFFFFFFF:
                            accumulator = value
                            break
            pos += count * (1 + skip.size)
            skipped += count
            streams += count * skip.is_stream
        self._file.seek(pos)
        self._bytes_left -= pos - start
        self._compressed_ts_accumulator = accumulator
        self.skipped_messages += skipped
        self.stream_records += streams
        return super()._parse_message()

    def _note_records(self, skip: _Skip, pos: int, count: int, stride: int, stamp: int) -> None:
        runs = self._record_runs.setdefault(id(skip), (skip, [], []))
        runs[1].append(np.arange(count, dtype=np.int64) * stride + pos)
        runs[2].append(np.full(count, stamp, dtype=np.int64))

    def raw_records(self) -> Records | None:
        """The timed records this file's messages skipped, read from their bytes (issue #26).

        The values a full fitparse decode gives `_read_records`, without decoding: timestamp,
        position, distance, altitude and heart rate read at their offsets for every record
        layout, in NumPy. None when a record layout holds something only fitparse reads right
        (a field of another size or base type, compressed speed and distance, a developer field
        named like one of ours): the caller then decodes the file in full.
        """
        layouts = [skip.record for skip, _, _ in self._record_runs.values()]
        if any(layout is None or not layout.readable for layout in layouts):
            return None
        buffer = np.frombuffer(self._data, dtype=np.uint8)
        columns: list[tuple[np.ndarray, ...]] = [tuple(np.empty(0) for _ in range(7))]
        streams = 0
        for skip, starts, stamps in self._record_runs.values():
            layout = skip.record
            if layout is None:  # pragma: no cover - checked above, for mypy
                return None
            at = np.concatenate(starts)
            table, stream_count = layout.read(buffer, at, np.concatenate(stamps))
            columns.append((*table, at.astype(float)))
            streams += stream_count
        table = tuple(np.concatenate([c[k] for c in columns]) for k in range(7))
        timed = ~np.isnan(table[0])
        # Time order, ties in file order: what `_read_records`' stable sort of the file gives.
        order = np.lexsort((table[6][timed], table[0][timed]))
        seconds, lat, lon, distance, altitude, heart_rate = (c[timed][order] for c in table[:6])
        return Records(
            seconds=seconds,
            lat=lat,
            lon=lon,
            distance=distance,
            altitude=altitude,
            heart_rate=heart_rate,
            has_streams=streams >= 2,
        )

    def _skip(self, def_mesg: Any) -> _Skip | None:
        """How to skip a data message of `def_mesg` (None: a summary message, or no definition).

        Cached per definition object; the `is` check guards against a reused `id`."""
        if def_mesg is None or def_mesg.mesg_num in _SUMMARY_MESSAGES:
            return None
        cached = self._plans.get(id(def_mesg))
        if cached is None or cached[0] is not def_mesg:
            cached = (def_mesg, _skip_plan(def_mesg))
            self._plans[id(def_mesg)] = cached
        return cached[1]


@dataclass(frozen=True, slots=True)
class _Skip:
    """A data message's byte size, where its 4-byte timestamp is, and whether it is a record
    with heart rate or cadence (a per-second stream)."""

    size: int
    timestamp: struct.Struct | None
    timestamp_offset: int
    is_stream: bool
    record: _RecordLayout | None = None  # how to read a record message's values (issue #26)


def _skip_plan(def_mesg: Any) -> _Skip:
    offset, timestamp_offset = 0, None
    for field_def in def_mesg.field_defs:
        if field_def.def_num == _TIMESTAMP_FIELD and field_def.size == 4:
            timestamp_offset = offset
        offset += field_def.size
    is_stream = def_mesg.mesg_num == _RECORD and any(
        d.def_num in (_HEART_RATE_FIELD, _CADENCE_FIELD) for d in def_mesg.field_defs
    )
    return _Skip(
        size=offset + sum(d.size for d in def_mesg.dev_field_defs),
        timestamp=None if timestamp_offset is None else struct.Struct(def_mesg.endian + "I"),
        timestamp_offset=timestamp_offset or 0,
        is_stream=is_stream,
        record=_record_layout(def_mesg) if def_mesg.mesg_num == _RECORD else None,
    )


# Record fields the raw reader reads: FIT profile number -> (name, base type, size in bytes).
_RECORD_FIELDS = {
    253: ("timestamp", "uint32", 4),
    0: ("position_lat", "sint32", 4),
    1: ("position_long", "sint32", 4),
    2: ("altitude", "uint16", 2),
    3: ("heart_rate", "uint8", 1),
    4: ("cadence", "uint8", 1),
    5: ("distance", "uint32", 4),
    78: ("enhanced_altitude", "uint32", 4),
}
_INVALID = {"uint8": 0xFF, "uint16": 0xFFFF, "uint32": 0xFFFFFFFF, "sint32": 0x7FFFFFFF}
_NUMPY_TYPES = {"uint8": "u1", "uint16": "u2", "uint32": "u4", "sint32": "i4"}
_COMPRESSED_SPEED_DISTANCE = 8  # a component field: distance accumulates across records
_FIT_EPOCH_POSIX_S = 631065600  # 1989-12-31T00:00:00Z
_MIN_DATE_TIME = 0x10000000  # below it a FIT date_time is relative: fitparse leaves it a number
_DEGREES_PER_SEMICIRCLE = 180.0 / 2**31


@dataclass(frozen=True, slots=True)
class _RecordLayout:
    """Where a record layout holds the fields `Records` needs: (offset, NumPy type) by field
    number (the last field of a number wins, as in fitparse's `get_values`), or unreadable."""

    readable: bool
    fields: dict[int, tuple[int, str]]
    altitude: int | None  # 2 or 78: the one fitparse's `enhanced_altitude` ends up with

    def read(
        self, buffer: np.ndarray, starts: np.ndarray, stamps: np.ndarray
    ) -> tuple[tuple[np.ndarray, ...], int]:
        """(seconds, lat, lon, distance, altitude, heart rate) of the messages at `starts`
        (NaN where absent; seconds NaN for an untimed record) and how many carry heart rate
        or cadence. `stamps` holds each message's compressed timestamp, or -1."""
        seconds = self._column(buffer, starts, 253)
        compressed = stamps >= 0
        seconds[compressed] = stamps[compressed]
        seconds[seconds < _MIN_DATE_TIME] = np.nan  # fitparse gives no datetime: dropped
        seconds += _FIT_EPOCH_POSIX_S
        lat = self._column(buffer, starts, 0) * _DEGREES_PER_SEMICIRCLE
        lon = self._column(buffer, starts, 1) * _DEGREES_PER_SEMICIRCLE
        absent = (
            np.isnan(lat)
            | np.isnan(lon)
            | (np.abs(lat) > 90)
            | (np.abs(lon) > 180)
            | ((lat == 0) & (lon == 0))
        )
        lat[absent] = np.nan
        lon[absent] = np.nan
        distance = self._column(buffer, starts, 5) / 100.0
        if self.altitude is None:
            altitude = np.full(starts.size, np.nan)
        else:
            altitude = self._column(buffer, starts, self.altitude) / 5.0 - 500.0
        heart_rate = self._column(buffer, starts, 3)
        cadence = self._column(buffer, starts, 4)
        heart_rate[heart_rate == 0] = np.nan
        has_stream = ~np.isnan(heart_rate) | (np.nan_to_num(cadence) > 0)
        timed = ~np.isnan(seconds)
        return (seconds, lat, lon, distance, altitude, heart_rate), int(
            np.count_nonzero(has_stream & timed)
        )

    def _column(self, buffer: np.ndarray, starts: np.ndarray, number: int) -> np.ndarray:
        """One field of every message as floats, NaN where absent or invalid."""
        where = self.fields.get(number)
        if where is None:
            return np.full(starts.size, np.nan)
        offset, kind = where
        width = int(kind[-1])
        raw = buffer[(starts + 1 + offset)[:, None] + np.arange(width)]
        values = np.ascontiguousarray(raw).view(kind).reshape(-1).astype(float)
        values[values == float(_INVALID[_BASE_NAMES[kind]])] = np.nan
        return values


_BASE_NAMES = {endian + code: name for name, code in _NUMPY_TYPES.items() for endian in "<>"}


def _record_layout(def_mesg: Any) -> _RecordLayout:
    """Where the fields `Records` needs lie in a record message (see `_RecordLayout`)."""
    fields: dict[int, tuple[int, str]] = {}
    altitude: int | None = None
    readable = True
    offset = 0
    for field_def in def_mesg.field_defs:
        number = field_def.def_num
        if number == _COMPRESSED_SPEED_DISTANCE:
            readable = False
        expected = _RECORD_FIELDS.get(number)
        if expected is not None:
            _, base, size = expected
            if field_def.base_type.name != base or field_def.size != size:
                readable = False
            fields[number] = (offset, def_mesg.endian + _NUMPY_TYPES[base])
            if number in (2, 78):
                altitude = number
        offset += field_def.size
    names = {name for name, _, _ in _RECORD_FIELDS.values()}
    if any(d.name in names for d in def_mesg.dev_field_defs):
        readable = False  # fitparse's get_values would give the developer field's value
    return _RecordLayout(readable=readable, fields=fields, altitude=altitude)


def _messages(fit: Any) -> Iterator[Any]:
    return (m for m in fit.get_messages() if m.type == "data")


def parse(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse a FIT activity file into one `ParsedActivity` per session.

    Totals come from the session messages; multi-session files (triathlon, brick) give one
    activity per sport session with transitions dropped; files without a session message get
    totals derived from their records (`_totals`). Times are UTC; `utc_offset_s` is what the
    activity message's local timestamp says, to 15 minutes (the service checks it).

    The records are read only when the summary is not enough: no session, a session with no
    distance (a watch stopped without a final lap) or no start position (the first GPS fix of
    the records is the start, unless the activity is virtual). They are read from their bytes
    (`_SummaryFitFile.raw_records`, issue #26), with a full fitparse decode only for a record
    layout the raw reader does not know.

    Args:
        data: the whole file's bytes (fitparse would treat a `str` as a path).
        filename: used in error messages only.

    Returns:
        One activity per non-transition session, in file order.

    Raises:
        CorruptFileError: bad header, bad checksum, truncated or undecodable, or a timer time
            above the elapsed time.
        UnsupportedFileError: a FIT file that is not an activity (a course, settings, ...).
        EmptyActivityError: an activity with no usable session or record data.
    """
    return _parse(data, filename, raw_records=True)


def parse_reference(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """`parse` with the records, when they are needed, from a full fitparse decode instead of
    the raw reader: the reference the fast path is tested against (tests, benchmarks)."""
    return _parse(data, filename, raw_records=False)


def _parse(data: bytes, filename: str, *, raw_records: bool) -> tuple[ParsedActivity, ...]:
    _check_crcs(data, filename)
    with _decoding(filename):
        fit = _SummaryFitFile(data)
        summary = _read_summary(fit)
    _reject_non_activity(summary.file_id.get("type"), filename)
    with _decoding(filename):  # our own reading of the values fitparse decoded
        context = FitContext(
            filename=filename,
            offset=file_utc_offset_s(summary.activity),
            device=device_of(summary.file_id),
            is_device_file=is_device_file(summary.file_id),
            virtual_device=names_virtual_device(summary.file_id),
            bike_sensor=bike_sensor(summary.device_infos),
            has_samples=fit.stream_records >= 2,
            file_sport=sport_names(summary.file_sport),
            several=sum(str(s.get("sport")) != "transition" for s in summary.sessions) > 1,
            read_records=_records_reader(data, filename, fit if raw_records else None),
        )
        if not summary.sessions:
            return (from_records(context),)
        parsed = [
            from_session(s, context, fit.skipped_messages)
            for s in summary.sessions
            if sport_names(s)[0] != "transition"
        ]
    if not parsed:
        raise EmptyActivityError(f"{filename!r} holds only transition sessions, no activity")
    return tuple(parsed)


@dataclass(slots=True)
class _Summary:
    """The summary messages of a file as fitparse decoded them (the first file_id and sport)."""

    file_id: dict[str, Any] = field(default_factory=dict)
    activity: dict[str, Any] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    device_infos: list[dict[str, Any]] = field(default_factory=list)
    file_sport: dict[str, Any] = field(default_factory=dict)


def _read_summary(fit: _SummaryFitFile) -> _Summary:
    """Decode the summary messages (call inside `_decoding`: fitparse decodes lazily)."""
    summary = _Summary()
    for message in _messages(fit):
        if message.mesg_num == _FILE_ID and not summary.file_id:
            summary.file_id = message.get_values()
        elif message.mesg_num == _SESSION:
            summary.sessions.append(message.get_values())
        elif message.mesg_num == _ACTIVITY:
            summary.activity = message.get_values()
        elif message.mesg_num == _DEVICE_INFO:
            summary.device_infos.append(message.get_values())
        elif message.mesg_num == _SPORT and not summary.file_sport:
            summary.file_sport = message.get_values()
    return summary


def _reject_non_activity(file_type: Any, filename: str) -> None:
    """UnsupportedFileError for a course or any other FIT file type but an activity."""
    if file_type == "course":
        raise UnsupportedFileError(
            f"{filename!r} is a course (a planned route), not a recorded activity; "
            "export the recorded activity instead"
        )
    if file_type is not None and file_type != "activity":
        kind = file_type if isinstance(file_type, str) else "unknown-type"
        raise UnsupportedFileError(
            f"{filename!r} is a FIT {kind} file, not an activity; "
            "export the activity itself as .fit"
        )


def _records_reader(
    data: bytes, filename: str, fit: _SummaryFitFile | None
) -> Callable[[], Records]:
    """The file's records: read from its bytes when `fit` is given and knows their layout
    (`_SummaryFitFile.raw_records`), else by a full fitparse decode."""

    def read() -> Records:
        records = fit.raw_records() if fit is not None else None
        return records if records is not None else _read_records(data, filename)

    return read


def _read_records(data: bytes, filename: str) -> Records:
    """Every timed record message of the file, sorted by time (a full fitparse decode)."""
    rows: list[tuple[float, float, float, float, float, float]] = []
    streams = 0
    nan = math.nan
    with _decoding(filename):
        for message in FitFile(io.BytesIO(data), check_crc=False).get_messages("record"):
            values = message.get_values()
            timestamp = as_utc(values.get("timestamp"))
            if timestamp is None:
                continue
            position = fit_position(values.get("position_lat"), values.get("position_long"))
            distance = fit_number(values.get("distance"))
            altitude = fit_number(values.get("enhanced_altitude", values.get("altitude")))
            heart_rate = fit_number(values.get("heart_rate"))
            if heart_rate or fit_number(values.get("cadence")):
                streams += 1
            rows.append(
                (
                    timestamp.timestamp(),
                    position[0] if position else nan,
                    position[1] if position else nan,
                    distance if distance is not None and distance >= 0 else nan,
                    altitude if altitude is not None else nan,
                    heart_rate if heart_rate else nan,
                )
            )
    rows.sort(key=lambda row: row[0])  # points in time order before anything is summed
    table = np.array(rows, dtype=float).reshape(-1, 6)
    return Records(
        seconds=table[:, 0],
        lat=table[:, 1],
        lon=table[:, 2],
        distance=table[:, 3],
        altitude=table[:, 4],
        heart_rate=table[:, 5],
        has_streams=streams >= 2,
    )


def parse_full(data: bytes) -> list[dict[str, Any]]:
    """Decode every session message with a plain fitparse FitFile (reference for tests/benchmarks).

    Returns:
        The `get_values()` dict of each session message, in file order.
    """
    fit = FitFile(io.BytesIO(data))
    return [m.get_values() for m in fit.get_messages("session")]


def samples(data: bytes, filename: str) -> TrackSamples:
    """Every timed record of a FIT file as per-point samples, for drawing (issue #12).

    Cadence is the record's `cadence` plus `fractional_cadence` (strides or revolutions per
    minute, as recorded); altitude prefers `enhanced_altitude`; a (0, 0) or out-of-range
    position is absent.

    Raises:
        CorruptFileError: bad checksum or undecodable. EmptyActivityError: no timed record.
    """
    _check_crcs(data, filename)
    rows: list[Row] = []
    nan = math.nan
    with _decoding(filename):
        for message in FitFile(io.BytesIO(data), check_crc=False).get_messages("record"):
            values = message.get_values()
            timestamp = as_utc(values.get("timestamp"))
            if timestamp is None:
                continue
            position = fit_position(values.get("position_lat"), values.get("position_long"))
            altitude = values.get("enhanced_altitude", values.get("altitude"))
            cadence = number(values.get("cadence")) + (
                number(values.get("fractional_cadence")) if values.get("fractional_cadence") else 0
            )
            rows.append(
                (
                    timestamp.timestamp(),
                    position[0] if position else nan,
                    position[1] if position else nan,
                    number(values.get("distance")),
                    number(altitude),
                    number(values.get("heart_rate")) or nan,
                    cadence or nan,
                )
            )
    return from_rows(rows, filename)
