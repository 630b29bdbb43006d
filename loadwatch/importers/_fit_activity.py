"""From the values fitparse decoded to a `ParsedActivity` (no fitparse here: fit.py decodes).

Totals come from a session message (`from_session`), or, when a file has no session, from its
record messages (`from_records`, over `_fit_records.Records`, the timed records fit.py reads when
needed). The helpers turn untrusted field values into numbers, positions, sports and devices.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np

from loadwatch.domain import ParsedActivity, SourceFormat, Sport, SportSource
from loadwatch.errors import EmptyActivityError
from loadwatch.importers._fit_records import FitContext, Records
from loadwatch.importers._sport import (
    FIT_SPORT_CODES,
    FIT_SUB_SPORT_CODES,
    FIT_VIRTUAL_SUB_SPORTS,
    VIRTUAL_MANUFACTURERS,
    Evidence,
    fit_sport,
    infer_sport,
    names_virtual_world,
)
from loadwatch.importers._totals import (
    ROUNDING_S,
    ascent_descent_m,
    glitch_note,
    glitches,
    reconciled_s,
)
from loadwatch.importers.devices import device_name

_MAX_OFFSET_S = 14 * 3600
_MAX_MAGNITUDE = 1e9  # no activity value (metres, seconds, bpm) comes near it: see `fit_number`
_ON_FOOT = frozenset({Sport.RUN, Sport.WALK, Sport.HIKE})
# ANT+ device types of bike sensors (FIT profile `antplus_device_type`) and their BLE twins.
_BIKE_SENSORS = frozenset({"bike_power", "bike_speed_cadence", "bike_cadence", "bike_speed"})
_ANTPLUS_BIKE_CODES = frozenset({11, 121, 122, 123})
_BLE_BIKE_CODES = frozenset({2, 3, 4, 5})


def as_utc(value: Any) -> datetime | None:
    """fitparse renders date_time as a naive datetime meaning UTC; anything else is unusable."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return None


def fit_number(value: Any, limit: float = _MAX_MAGNITUDE) -> float | None:
    """A finite number within +-`limit`, or None (absent, not a number, NaN, infinite, huge).

    A damaged definition can turn any field into a float64, so a value can be anything; the
    bound keeps sums and averages finite.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) and abs(number) <= limit else None
    return None


def _enum_name(value: Any, codes: dict[int, str]) -> str | None:
    """A FIT enum value as its profile name; numbers fitparse's older profile lacks via `codes`."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return codes.get(value, str(value))
    return str(value)


def sport_names(values: dict[str, Any]) -> tuple[str | None, str | None]:
    return (
        _enum_name(values.get("sport"), FIT_SPORT_CODES),
        _enum_name(values.get("sub_sport"), FIT_SUB_SPORT_CODES),
    )


def bike_sensor(device_infos: list[dict[str, Any]]) -> bool:
    """A bike power, speed or cadence sensor among the file's devices (ANT+ or BLE)."""
    for info in device_infos:
        source = info.get("source_type")
        for key in ("antplus_device_type", "ble_device_type", "device_type"):
            value = info.get(key)
            if isinstance(value, str) and value in _BIKE_SENSORS:
                return True
            if isinstance(value, int) and not isinstance(value, bool):
                if key == "antplus_device_type" or (
                    key == "device_type" and source in (None, "antplus")
                ):
                    if value in _ANTPLUS_BIKE_CODES:
                        return True
                elif source == "bluetooth_low_energy" and value in _BLE_BIKE_CODES:
                    return True
    return False


def _cadence_spm(values: dict[str, Any], sport: Sport) -> float | None:
    """FIT stores running cadence as strides (one foot) per minute; steps = 2 x strides."""
    if sport not in _ON_FOOT:
        return None
    cadence = fit_number(values.get("avg_running_cadence", values.get("avg_cadence")))
    if cadence is None:
        return None
    fraction = fit_number(values.get("avg_fractional_cadence")) or 0.0
    return (cadence + fraction) * 2.0


def device_of(file_id: dict[str, Any]) -> str | None:
    """The device in words from the FIT profile's names (issue #24), never bare numbers."""
    return device_name(
        file_id.get("manufacturer"),
        file_id.get("garmin_product", file_id.get("product")),
        file_id.get("product_name"),
    )


def is_device_file(file_id: dict[str, Any]) -> bool:
    """An activity file written by the device that recorded it: a maker and a product named."""
    product = file_id.get("garmin_product", file_id.get("product")) or file_id.get("product_name")
    return (
        file_id.get("type") == "activity"
        and file_id.get("manufacturer") is not None
        and product is not None
    )


def names_virtual_device(file_id: dict[str, Any]) -> bool:
    manufacturer = str(file_id.get("manufacturer") or "").lower()
    return manufacturer in VIRTUAL_MANUFACTURERS or names_virtual_world(
        str(file_id.get("product_name") or "")
    )


def file_utc_offset_s(activity: dict[str, Any]) -> int | None:
    """Local offset from the activity message: local_timestamp - timestamp, to 15 minutes."""
    local, utc = activity.get("local_timestamp"), activity.get("timestamp")
    if not isinstance(local, datetime) or not isinstance(utc, datetime):
        return None
    offset = round((local - utc).total_seconds() / 900) * 900
    return offset if abs(offset) <= _MAX_OFFSET_S else None


def from_session(session: dict[str, Any], context: FitContext, skipped: int) -> ParsedActivity:
    started_at, duration, timer_s, repair = _session_times(session, context)
    names = sport_names(session)
    if names == (None, None):
        names = context.file_sport
    virtual = names[1] in FIT_VIRTUAL_SUB_SPORTS or context.virtual_device
    start = fit_position(session.get("start_position_lat"), session.get("start_position_long"))
    distance = fit_number(session.get("total_distance")) or 0.0
    records: Records | None = None
    if (start is None and not virtual) or distance <= 0:
        end = started_at.timestamp() + duration if context.several else None
        records = context.records().window(started_at.timestamp(), end)
        if start is None:
            start = records.first_fix()
        if distance <= 0:
            distance = records.distance_m(from_zero=not context.several)
    sport, source = _resolve_sport(
        names,
        Evidence(
            distance_m=distance,
            moving_s=timer_s,
            has_positions=start is not None,
            bike_sensor=context.bike_sensor,
        ),
    )
    start = None if virtual else start
    return ParsedActivity(
        sport=sport,
        sub_sport=_sub_sport(names[1]),
        started_at=started_at,
        utc_offset_s=context.offset,
        distance_m=distance,
        duration_s=duration,
        moving_s=timer_s,
        ascent_m=fit_number(session.get("total_ascent")),
        descent_m=fit_number(session.get("total_descent")),
        avg_hr_bpm=fit_number(session.get("avg_heart_rate")),
        avg_cadence_spm=_cadence_spm(session, sport),
        device=context.device,
        source_format=SourceFormat.FIT,
        start_lat=start[0] if start else None,
        start_lon=start[1] if start else None,
        skipped_records=skipped,
        sport_source=source,
        is_device_file=context.is_device_file,
        has_samples=context.has_samples,
        is_virtual=virtual,
        effort_rpe=_effort_rpe(session),
        repairs=(repair,) if repair else (),
    )


def _session_times(
    session: dict[str, Any], context: FitContext
) -> tuple[datetime, float, float, str | None]:
    """A session's start (UTC), elapsed and timer seconds, and what was repaired.

    A timer above the elapsed time (issue #26: a Garmin Edge's virtual ride said 2,760 s of
    timer in 1,632 s) is repaired, not refused: when the file's records span no more than the
    elapsed time, they confirm it and the timer is cut to it; otherwise the elapsed time is
    raised to the timer's.
    """
    filename = context.filename
    started_at = as_utc(session.get("start_time")) or as_utc(session.get("timestamp"))
    if started_at is None:
        raise EmptyActivityError(
            f"{filename!r} has no absolute start time (the device clock was not set); "
            "it cannot be placed in the run log"
        )
    elapsed = _duration(session.get("total_elapsed_time"))
    timer = _duration(session.get("total_timer_time"))
    duration = elapsed if elapsed is not None else (timer or 0.0)
    timer = timer if timer is not None else duration
    timer_s, lifted, repair = reconciled_s(
        timer, duration, kept="the timer's", covered="the session's elapsed time says"
    )
    if repair is None:
        return started_at, lifted, timer_s, None
    start = started_at.timestamp()
    seconds = context.records().window(start, start + timer).seconds
    span = float(seconds[-1] - seconds[0]) if seconds.size > 1 else None
    if span is not None and span <= duration + ROUNDING_S:
        return (
            started_at,
            duration,
            duration,
            f"kept: the elapsed {duration:,.0f} s its records cover; the session's timer says "
            f"{timer:,.0f} s",
        )
    return started_at, lifted, timer_s, repair


def _duration(value: Any) -> float | None:
    number = fit_number(value)
    return number if number is not None and number >= 0 else None


def _resolve_sport(
    names: tuple[str | None, str | None], evidence: Evidence
) -> tuple[Sport, SportSource]:
    """The declared sport; for `generic` (or none), the evidence.

    A file that declares `generic` said it is not one of the sports the profile names: when
    the evidence does not decide, it stays UNKNOWN as DECLARED, so no default turns it into a
    run. A file that names no sport at all is UNKNOWN as INFERRED.
    """
    declared = fit_sport(*names)
    if declared is not None:
        return declared, SportSource.DECLARED
    inferred = infer_sport(evidence)
    if inferred is not Sport.UNKNOWN:
        return inferred, SportSource.INFERRED
    if names[0] is not None:
        return Sport.UNKNOWN, SportSource.DECLARED
    return Sport.UNKNOWN, SportSource.INFERRED


def _effort_rpe(session: dict[str, Any]) -> float | None:
    """The athlete's perceived effort from the watch: `workout_rpe` (FIT profile field 193).

    Garmin stores RPE 1-10 as 10-100; the result is 0-10. `workout_feel` (field 192: how the
    athlete felt, weak to strong) is not an effort rating and is not read.
    """
    value = fit_number(session.get("workout_rpe", session.get("unknown_193")))
    if value is None or not 0 <= value <= 100:
        return None
    return value / 10.0


def _sub_sport(value: str | None) -> str | None:
    if value is None or value == "generic":
        return None
    return value


def _semicircles(value: Any) -> float | None:
    number = fit_number(value, limit=2.0**31)
    return None if number is None else number * (180.0 / 2**31)


def fit_position(lat_value: Any, lon_value: Any) -> tuple[float, float] | None:
    """Latitude and longitude in degrees, or None when either is absent, NaN or out of range.

    A damaged file can hold any 32-bit value (up to 180 degrees of latitude) or a float field;
    such a position is treated as absent rather than sent to the time-zone lookup. (0, 0) is
    what some devices write before their first fix: absent too.
    """
    lat, lon = _semicircles(lat_value), _semicircles(lon_value)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        return None
    return lat, lon


def from_records(context: FitContext) -> ParsedActivity:
    """Derive totals from record messages when a file has no session summary."""
    records = context.records()
    filename = context.filename
    repairs: tuple[str, ...] = ()
    glitched = glitches(records.seconds)
    if glitched.any():
        repairs = (glitch_note(records.seconds[glitched], records.seconds[~glitched], "record"),)
        records = records.keep(~glitched)
    if records.seconds.size < 2:
        raise EmptyActivityError(
            f"{filename!r} has no session summary and fewer than two timed records; "
            "there is no activity to import"
        )
    started_at = datetime.fromtimestamp(float(records.seconds[0]), tz=UTC)
    duration = float(records.seconds[-1] - records.seconds[0])
    distance = records.distance_m(from_zero=True)
    moving, duration, _ = reconciled_s(records.moving_s(), duration)
    virtual = context.file_sport[1] in FIT_VIRTUAL_SUB_SPORTS or context.virtual_device
    start = None if virtual else records.first_fix()
    sport, source = _resolve_sport(
        context.file_sport,
        Evidence(
            distance_m=distance,
            moving_s=moving,
            has_positions=records.first_fix() is not None,
            bike_sensor=context.bike_sensor,
        ),
    )
    altitudes = records.altitude[~np.isnan(records.altitude)]
    ascent, descent = ascent_descent_m(altitudes.tolist())
    heart_rates = records.heart_rate[~np.isnan(records.heart_rate)]
    return ParsedActivity(
        sport=sport,
        sub_sport=_sub_sport(context.file_sport[1]),
        started_at=started_at,
        utc_offset_s=context.offset,
        distance_m=distance,
        duration_s=duration,
        moving_s=moving,
        ascent_m=ascent,
        descent_m=descent,
        avg_hr_bpm=float(heart_rates.mean()) if heart_rates.size else None,
        avg_cadence_spm=None,
        device=context.device,
        source_format=SourceFormat.FIT,
        start_lat=start[0] if start else None,
        start_lon=start[1] if start else None,
        sport_source=source,
        is_device_file=context.is_device_file,
        has_samples=records.has_streams,
        is_virtual=virtual,
        repairs=repairs,
    )
