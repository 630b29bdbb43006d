"""FIT activities through fitparse: the ONLY module that imports fitparse.

Fast path (issue #5): a 1 s recording holds thousands of `record` messages that the run log does
not need when the file has a session summary. `_SummaryFitFile` keeps fitparse as the decoder of
the file structure (headers, definitions, developer fields, chained files) but skips the bytes of
messages we do not read instead of decoding every field. This relies on fitparse 1.2.0 internals
(`_parse_data_message`, `_local_mesgs`, `_read`), so pyproject.toml pins fitparse==1.2.0 and
`tests/importers/test_fit.py` checks that the fast path and a full decode agree on every corpus
file. The CRC is verified once over the whole byte string with a 256-entry table, ~4x fewer Python
operations than fitparse's per-nibble CRC.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import struct
import sys
from array import array
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from fitparse import FitFile
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from loadwatch.domain import ParsedActivity, SourceFormat, Sport
from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    LoadwatchError,
    UnsupportedFileError,
)

# FIT global message numbers (FIT SDK profile).
_FILE_ID, _SPORT, _SESSION, _ACTIVITY = 0, 12, 18, 34
_FIELD_DESCRIPTION, _DEVELOPER_DATA_ID = 206, 207
_SUMMARY_MESSAGES = frozenset(
    {_FILE_ID, _SPORT, _SESSION, _ACTIVITY, _FIELD_DESCRIPTION, _DEVELOPER_DATA_ID}
)
_TIMESTAMP_FIELD = 253
_MAX_OFFSET_S = 14 * 3600
_MAX_MAGNITUDE = 1e9  # no activity value (metres, seconds, bpm) comes near it: see `_number`

_SPORTS: dict[str, Sport] = {
    "running": Sport.RUN,
    "cycling": Sport.RIDE,
    "e_biking": Sport.RIDE,
    "swimming": Sport.SWIM,
    "walking": Sport.WALK,
    "hiking": Sport.HIKE,
    "training": Sport.STRENGTH,
    "fitness_equipment": Sport.CROSS_TRAINING,
    "rowing": Sport.CROSS_TRAINING,
    "cross_country_skiing": Sport.CROSS_TRAINING,
    "paddling": Sport.CROSS_TRAINING,
}
_ON_FOOT = frozenset({Sport.RUN, Sport.WALK, Sport.HIKE})


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()
_CRC_TABLE_16: list[int] = []


def _crc_table_16() -> list[int]:
    """CRC register after two input bytes, indexed by (register XOR the two bytes).

    A 16-bit CRC shifts its whole register out in two bytes, so the result depends only on
    that XOR: one lookup per two bytes instead of one per byte.
    """
    if not _CRC_TABLE_16:
        table = _CRC_TABLE
        for value in range(65536):
            first = (value >> 8) ^ table[value & 0xFF]
            _CRC_TABLE_16.append((first >> 8) ^ table[first & 0xFF])
    return _CRC_TABLE_16


def fit_crc(data: bytes) -> int:
    """CRC-16 of `data` as the FIT protocol defines it (CRC-16/ARC)."""
    table16, table = _crc_table_16(), _CRC_TABLE
    even = len(data) & ~1
    words = array("H", data[:even])
    if sys.byteorder == "big":
        words.byteswap()
    crc = 0
    for word in words:
        crc = table16[crc ^ word]
    if even < len(data):
        crc = (crc >> 8) ^ table[(crc ^ data[-1]) & 0xFF]
    return crc


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

    def __init__(self, data: bytes) -> None:
        self.skipped_messages = 0
        self._sizes: dict[int, tuple[int, int | None]] = {}
        super().__init__(io.BytesIO(data), check_crc=False)

    def _parse_message(self) -> Any:
        """Skip data messages we do not read; hand everything else to fitparse."""
        stream = self._file
        while self._bytes_left > 0:
            header = stream.read(1)
            if not header:
                break  # fitparse reports the truncation
            byte = header[0]
            if byte & 0x80:  # compressed-timestamp header
                local, time_offset = (byte >> 5) & 0x3, byte & 0x1F
            elif byte & 0x40:  # definition message
                stream.seek(-1, io.SEEK_CUR)
                break
            else:
                local, time_offset = byte & 0xF, None
            def_mesg = self._local_mesgs.get(local)
            if def_mesg is None or def_mesg.mesg_num in _SUMMARY_MESSAGES:
                stream.seek(-1, io.SEEK_CUR)
                break
            size, timestamp_offset = self._layout(def_mesg)
            raw = stream.read(size)
            if len(raw) != size:
                stream.seek(-1 - len(raw), io.SEEK_CUR)
                break
            self._bytes_left -= 1 + size
            if timestamp_offset is not None:
                # Keep fitparse's compressed-timestamp accumulator right for later messages.
                (value,) = struct.unpack_from(def_mesg.endian + "I", raw, timestamp_offset)
                if value != 0xFFFFFFFF:
                    self._compressed_ts_accumulator = value
            elif time_offset is not None:
                self._compressed_ts_accumulator = self._apply_compressed_accumulation(
                    time_offset, self._compressed_ts_accumulator, 5
                )
            self.skipped_messages += 1
        return super()._parse_message()

    def _layout(self, def_mesg: Any) -> tuple[int, int | None]:
        layout = self._sizes.get(id(def_mesg))
        if layout is None:
            layout = _layout(def_mesg)
            self._sizes[id(def_mesg)] = layout
        return layout


def _layout(def_mesg: Any) -> tuple[int, int | None]:
    """Total byte size of a data message, and the offset of its 4-byte timestamp if any."""
    offset, timestamp_offset = 0, None
    for field_def in def_mesg.field_defs:
        if field_def.def_num == _TIMESTAMP_FIELD and field_def.size == 4:
            timestamp_offset = offset
        offset += field_def.size
    return offset + sum(d.size for d in def_mesg.dev_field_defs), timestamp_offset


def _as_utc(value: Any) -> datetime | None:
    """fitparse renders date_time as a naive datetime meaning UTC; anything else is unusable."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return None


def _number(value: Any, limit: float = _MAX_MAGNITUDE) -> float | None:
    """A finite number within +-`limit`, or None (absent, not a number, NaN, infinite, huge).

    A damaged definition can turn any field into a float64, so a value can be anything; the
    bound keeps sums and averages finite.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) and abs(number) <= limit else None
    return None


def _sport(value: Any) -> Sport | None:
    if value is None:
        return None
    return _SPORTS.get(str(value), Sport.OTHER)


def _cadence_spm(values: dict[str, Any], sport: Sport) -> float | None:
    """FIT stores running cadence as strides (one foot) per minute; steps = 2 x strides."""
    if sport not in _ON_FOOT:
        return None
    cadence = _number(values.get("avg_running_cadence", values.get("avg_cadence")))
    if cadence is None:
        return None
    fraction = _number(values.get("avg_fractional_cadence")) or 0.0
    return (cadence + fraction) * 2.0


def _device(file_id: dict[str, Any]) -> str | None:
    manufacturer = file_id.get("manufacturer")
    product = file_id.get("garmin_product", file_id.get("product"))
    parts = [str(p) for p in (manufacturer, product) if p is not None]
    return " ".join(parts) or None


def _utc_offset_s(activity: dict[str, Any]) -> int | None:
    """Local offset from the activity message: local_timestamp - timestamp, to 15 minutes."""
    local, utc = activity.get("local_timestamp"), activity.get("timestamp")
    if not isinstance(local, datetime) or not isinstance(utc, datetime):
        return None
    offset = round((local - utc).total_seconds() / 900) * 900
    return offset if abs(offset) <= _MAX_OFFSET_S else None


def _messages(fit: Any) -> Iterator[Any]:
    return (m for m in fit.get_messages() if m.type == "data")


def parse(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse a FIT activity file into one `ParsedActivity` per session.

    Totals come from the session messages; multi-session files (triathlon, brick) give one
    activity per sport session with transitions dropped; files without a session message get
    totals derived from their records. Times are UTC; `utc_offset_s` comes from the activity
    message's local timestamp when present.

    Args:
        data: the whole file's bytes (fitparse would treat a `str` as a path).
        filename: used in error messages only.

    Returns:
        One activity per non-transition session, in file order.

    Raises:
        CorruptFileError: bad header, bad checksum, truncated or undecodable.
        UnsupportedFileError: a FIT file that is not an activity (settings, workout, ...).
        EmptyActivityError: an activity with no usable session or record data.
    """
    _check_crcs(data, filename)
    file_id: dict[str, Any] = {}
    activity: dict[str, Any] = {}
    sessions: list[dict[str, Any]] = []
    file_sport: Sport | None = None
    with _decoding(filename):
        fit = _SummaryFitFile(data)
        for message in _messages(fit):
            if message.mesg_num == _FILE_ID and not file_id:
                file_id = message.get_values()
            elif message.mesg_num == _SESSION:
                sessions.append(message.get_values())
            elif message.mesg_num == _ACTIVITY:
                activity = message.get_values()
            elif message.mesg_num == _SPORT and file_sport is None:
                file_sport = _sport(message.get_values().get("sport"))
    file_type = file_id.get("type")
    if file_type is not None and file_type != "activity":
        kind = file_type if isinstance(file_type, str) else "unknown-type"
        raise UnsupportedFileError(
            f"{filename!r} is a FIT {kind} file, not an activity; "
            "export the activity itself as .fit"
        )
    with _decoding(filename):  # our own reading of the values fitparse decoded
        offset = _utc_offset_s(activity)
        device = _device(file_id)
        skipped = fit.skipped_messages
        if not sessions:
            return (_from_records(data, filename, file_sport, offset, device),)
        parsed = [
            _from_session(s, filename, offset, device, skipped)
            for s in sessions
            if str(s.get("sport")) != "transition"
        ]
    if not parsed:
        raise EmptyActivityError(f"{filename!r} holds only transition sessions, no activity")
    return tuple(parsed)


def _from_session(
    session: dict[str, Any], filename: str, offset: int | None, device: str | None, skipped: int
) -> ParsedActivity:
    started_at = _as_utc(session.get("start_time")) or _as_utc(session.get("timestamp"))
    if started_at is None:
        raise EmptyActivityError(
            f"{filename!r} has no absolute start time (the device clock was not set); "
            "it cannot be placed in the run log"
        )
    sport = _sport(session.get("sport"))
    elapsed = _number(session.get("total_elapsed_time"))
    timer = _number(session.get("total_timer_time"))
    duration = elapsed if elapsed is not None else (timer or 0.0)
    start = _position(session.get("start_position_lat"), session.get("start_position_long"))
    return ParsedActivity(
        sport=sport or Sport.OTHER,
        sub_sport=_sub_sport(session.get("sub_sport")),
        started_at=started_at,
        utc_offset_s=offset,
        distance_m=_number(session.get("total_distance")) or 0.0,
        duration_s=duration,
        moving_s=timer if timer is not None else duration,
        ascent_m=_number(session.get("total_ascent")),
        descent_m=_number(session.get("total_descent")),
        avg_hr_bpm=_number(session.get("avg_heart_rate")),
        avg_cadence_spm=_cadence_spm(session, sport or Sport.OTHER),
        device=device,
        source_format=SourceFormat.FIT,
        start_lat=start[0] if start else None,
        start_lon=start[1] if start else None,
        skipped_records=skipped,
        has_sport=sport is not None,
    )


def _sub_sport(value: Any) -> str | None:
    if value is None or str(value) == "generic":
        return None
    return str(value)


def _semicircles(value: Any) -> float | None:
    number = _number(value, limit=2.0**31)
    return None if number is None else number * (180.0 / 2**31)


def _position(lat_value: Any, lon_value: Any) -> tuple[float, float] | None:
    """Latitude and longitude in degrees, or None when either is absent, NaN or out of range.

    A damaged file can hold any 32-bit value (up to 180 degrees of latitude) or a float field;
    such a position is treated as absent rather than sent to the time-zone lookup.
    """
    lat, lon = _semicircles(lat_value), _semicircles(lon_value)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _from_records(
    data: bytes, filename: str, sport: Sport | None, offset: int | None, device: str | None
) -> ParsedActivity:
    """Derive totals from record messages when a file has no session summary (full decode)."""
    times: list[datetime] = []
    distances: list[float] = []
    heart_rates: list[float] = []
    altitudes: list[float] = []
    first_position: tuple[float, float] | None = None
    with _decoding(filename):
        for message in FitFile(io.BytesIO(data), check_crc=False).get_messages("record"):
            values = message.get_values()
            timestamp = _as_utc(values.get("timestamp"))
            if timestamp is None:
                continue
            times.append(timestamp)
            distance = _number(values.get("distance"))
            if distance is not None:
                distances.append(distance)
            heart_rate = _number(values.get("heart_rate"))
            if heart_rate:
                heart_rates.append(heart_rate)
            altitude = _number(values.get("enhanced_altitude", values.get("altitude")))
            if altitude is not None:
                altitudes.append(altitude)
            if first_position is None:
                first_position = _position(values.get("position_lat"), values.get("position_long"))
    if len(times) < 2:
        raise EmptyActivityError(
            f"{filename!r} has no session summary and fewer than two timed records; "
            "there is no activity to import"
        )
    ascent = sum(max(b - a, 0.0) for a, b in itertools.pairwise(altitudes))
    descent = sum(max(a - b, 0.0) for a, b in itertools.pairwise(altitudes))
    duration = (times[-1] - times[0]).total_seconds()
    return ParsedActivity(
        sport=sport or Sport.OTHER,
        sub_sport=None,
        started_at=times[0],
        utc_offset_s=offset,
        distance_m=max(distances) if distances else 0.0,
        duration_s=duration,
        moving_s=duration,
        ascent_m=ascent if altitudes else None,
        descent_m=descent if altitudes else None,
        avg_hr_bpm=sum(heart_rates) / len(heart_rates) if heart_rates else None,
        avg_cadence_spm=None,
        device=device,
        source_format=SourceFormat.FIT,
        start_lat=first_position[0] if first_position else None,
        start_lon=first_position[1] if first_position else None,
        has_sport=sport is not None,
    )


def parse_full(data: bytes) -> list[dict[str, Any]]:
    """Decode every session message with a plain fitparse FitFile (reference for tests/benchmarks).

    Returns:
        The `get_values()` dict of each session message, in file order.
    """
    fit = FitFile(io.BytesIO(data))
    return [m.get_values() for m in fit.get_messages("session")]
