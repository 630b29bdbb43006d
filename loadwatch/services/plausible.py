"""The check step of an import (issue #26): what a parsed activity may claim. Sanity limits per
sport (absurd values refuse the file; they never judge a performance), values a sensor got wrong
dropped (`sanitize`), an export's hints applied (`apply_hints`: its sport, gear, title, effort;
the athlete's default sport only when the file's evidence fits it). Pure: no database, no files;
runs in the import's worker processes."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import NoReturn

from loadwatch.domain import ParsedActivity, SourceHints, Sport, SportSource
from loadwatch.errors import ImplausibleValueError
from loadwatch.services._checks import file_text

EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)  # FIT's epoch is 1989-12-31
MAX_RUN_SPEED_M_PER_S = 12.5  # faster than the 100 m world record pace, sustained: a bad file
_DAY_S = 86400.0


@dataclass(frozen=True, slots=True)
class SportLimits:
    """What one recorded activity of a sport cannot exceed (FitTrackee-style sanity limits):
    beyond them a file is damaged (GPS hops, a clock reset), not a record. They sit above the
    longest real events on purpose (issue #26: a 318 km ultra was refused at 300 km, and real
    races pass 330 km): they catch absurd values, they do not judge performances. `reason`
    says what real event each limit clears (loadwatch defaults; check before quoting)."""

    max_speed_m_per_s: float  # average over the moving (else elapsed) time
    max_distance_m: float
    max_duration_s: float  # elapsed
    reason: str


# The registry of sanity limits per sport; a sport not listed takes OTHER's.
SANITY: dict[Sport, SportLimits] = {
    Sport.RUN: SportLimits(
        MAX_RUN_SPEED_M_PER_S,
        1_100_000.0,
        8 * _DAY_S,
        "six-day races pass 1,000 km; Tor des Glaciers (450 km) allows 190 hours",
    ),
    Sport.WALK: SportLimits(
        5.0, 1_100_000.0, 8 * _DAY_S, "race walking is under 4.5 m/s; six-day races on foot"
    ),
    Sport.HIKE: SportLimits(
        5.0, 1_100_000.0, 8 * _DAY_S, "multi-day mountain races recorded in one file"
    ),
    Sport.RIDE: SportLimits(
        30.0,
        5_000_000.0,
        12 * _DAY_S,
        "Race Across America: about 4,800 km within a 12-day limit; 108 km/h on average is not "
        "a ride",
    ),
    Sport.SWIM: SportLimits(
        3.0, 250_000.0, 4 * _DAY_S, "the longest open-water swims: about 225 km in two days"
    ),
    Sport.STRENGTH: SportLimits(30.0, 1_500_000.0, 7 * _DAY_S, "no session lasts a week"),
    Sport.CROSS_TRAINING: SportLimits(30.0, 1_500_000.0, 7 * _DAY_S, "no session lasts a week"),
    Sport.OTHER: SportLimits(
        70.0, 5_000_000.0, 12 * _DAY_S, "anything on wheels or water, not an aeroplane"
    ),
}
MAX_DURATION_S = max(limit.max_duration_s for limit in SANITY.values())
MIN_SPEED_CHECK_M = 1_000.0  # below a kilometre, an average speed says little
HEART_RATE_BPM = (20.0, 250.0)  # outside: a sensor fault, dropped
MAX_CADENCE_SPM = 300.0
MAX_ASCENT_M = 12_000.0  # more than any single-day climb: altimeter spikes, dropped
TIME_TOLERANCE_S = 1.0  # moving may exceed elapsed by rounding, not more
TEXT_MAX_LENGTH = 200  # activities.name, activities.device, original_files.name_hint
SUB_SPORT_MAX_LENGTH = 64


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def sanitize(parsed: ParsedActivity) -> ParsedActivity:
    """Drop optional values no sensor can produce (they are not worth rejecting a file for):
    non-finite or out-of-range heart rate, cadence, ascent and descent, start coordinates; and
    make the file's own text storable on every database (no control characters, cut to the
    column's length)."""

    def keep(value: float | None, low: float, high: float) -> float | None:
        return value if _finite(value) and low <= value <= high else None  # type: ignore[operator]

    lat, lon = parsed.start_lat, parsed.start_lon
    has_position = keep(lat, -90, 90) is not None and keep(lon, -180, 180) is not None
    return replace(
        parsed,
        device=file_text(parsed.device, TEXT_MAX_LENGTH),
        sub_sport=file_text(parsed.sub_sport, SUB_SPORT_MAX_LENGTH),
        avg_hr_bpm=keep(parsed.avg_hr_bpm, *HEART_RATE_BPM),
        avg_cadence_spm=keep(parsed.avg_cadence_spm, 0, MAX_CADENCE_SPM),
        ascent_m=keep(parsed.ascent_m, 0, MAX_ASCENT_M),
        descent_m=keep(parsed.descent_m, 0, MAX_ASCENT_M),
        start_lat=lat if has_position else None,
        start_lon=lon if has_position else None,
    )


def check_plausible(parsed: ParsedActivity, filename: str, today: date) -> None:
    """Reject totals no real recording has, for every sport (FitTrackee-style limits).

    Checks, in this order (the first failure is reported): finite numbers; distance and
    durations not negative; elapsed within the sport's `SANITY` limit; moving <= elapsed; a
    duration when there is a distance; distance and average speed within the sport's `SANITY`
    limits; a start from 1990 up to tomorrow.

    Raises:
        ImplausibleValueError: with the field, the value, the limit and a sentence naming the file.
    """
    _check_numbers(parsed, filename)
    _check_times(parsed, filename)
    _check_sport_limits(parsed, filename)
    _check_start(parsed, filename, today)


def _fail(filename: str, field: str, value: float, limit: float, why: str) -> NoReturn:
    raise ImplausibleValueError(f"{filename!r} {why}", field=field, value=value, limit=limit)


def _check_numbers(parsed: ParsedActivity, filename: str) -> None:
    """Distance, elapsed and moving time are finite and not negative."""
    for field, value in (
        ("distance_m", parsed.distance_m),
        ("duration_s", parsed.duration_s),
        ("moving_s", parsed.moving_s),
    ):
        if not math.isfinite(value):
            _fail(filename, field, 0.0, 0.0, f"has no valid {field.split('_')[0]} (not a number)")
        if value < 0:
            unit = "m" if field.endswith("_m") else "s"
            why = f"has a negative {field.split('_')[0]} ({value:.0f} {unit})"
            _fail(filename, field, value, 0, why)


def _check_times(parsed: ParsedActivity, filename: str) -> None:
    """Elapsed within the sport's limit, moving within elapsed, and some time when there is a
    distance."""
    limit = SANITY.get(parsed.sport, SANITY[Sport.OTHER]).max_duration_s
    if parsed.duration_s > limit:
        _fail(
            filename,
            "duration_s",
            parsed.duration_s,
            limit,
            f"lasts {parsed.duration_s / _DAY_S:,.1f} days, more than the {limit / _DAY_S:.0f} "
            f"days any {parsed.sport.value} recording lasts; the file is probably damaged",
        )
    if parsed.moving_s > parsed.duration_s + TIME_TOLERANCE_S:
        _fail(
            filename,
            "moving_s",
            parsed.moving_s,
            parsed.duration_s,
            f"has a moving time ({parsed.moving_s:.0f} s) longer than its elapsed time "
            f"({parsed.duration_s:.0f} s); the file is probably damaged",
        )
    if parsed.distance_m > 0 and parsed.duration_s <= 0:
        _fail(
            filename,
            "duration_s",
            parsed.duration_s,
            0,
            f"covers {parsed.distance_m / 1000:.1f} km in no time; the file is probably damaged",
        )


def _check_sport_limits(parsed: ParsedActivity, filename: str) -> None:
    """Distance and average speed within the sport's `SANITY` limits."""
    limits = SANITY.get(parsed.sport, SANITY[Sport.OTHER])
    max_speed, max_distance = limits.max_speed_m_per_s, limits.max_distance_m
    if parsed.distance_m > max_distance:
        _fail(
            filename,
            "distance_m",
            parsed.distance_m,
            max_distance,
            f"is a {parsed.distance_m / 1000:,.0f} km {parsed.sport.value}, over the "
            f"{max_distance / 1000:,.0f} km sanity limit ({limits.reason}); the file is "
            "probably damaged",
        )
    moving = parsed.moving_s if parsed.moving_s > 0 else parsed.duration_s
    if parsed.distance_m > MIN_SPEED_CHECK_M and moving > 0:
        speed = parsed.distance_m / moving
        if speed > max_speed:
            _fail(
                filename,
                "speed_m_per_s",
                speed,
                max_speed,
                f"moves at {speed:.1f} m/s on average, faster than any {parsed.sport.value}; "
                "the file is probably damaged",
            )


def _check_start(parsed: ParsedActivity, filename: str, today: date) -> None:
    """A start from 1990 up to tomorrow."""
    if parsed.started_at < EARLIEST_START:
        _fail(
            filename,
            "started_at",
            parsed.started_at.timestamp(),
            EARLIEST_START.timestamp(),
            "starts before 1990 (the device clock was not set)",
        )
    if parsed.started_at.date() > today + timedelta(days=1):
        _fail(
            filename,
            "started_at",
            parsed.started_at.timestamp(),
            0,
            f"starts in the future ({parsed.started_at:%Y-%m-%d})",
        )


def clean_hints(hints: SourceHints) -> SourceHints:
    """An export's title and gear made storable (a NUL in a Strava title must not cost the run)."""
    return replace(
        hints, name=file_text(hints.name, TEXT_MAX_LENGTH), gear=file_text(hints.gear, 120)
    )


# Average moving speeds (m/s) a silent file needs before it takes the athlete's default sport
# (issue #10): what someone doing that sport can average, generously. A default sport without a
# range (strength, cross-training, other) is taken only by a file that moved no distance.
DEFAULT_SPORT_SPEED_M_PER_S: dict[Sport, tuple[float, float]] = {
    # A walk-run shuffle to 18 km/h (3:20 per km over the whole file, a sub-2:21 marathon's
    # pace). A silent file faster than that is more likely a ride than anyone's run; it is kept
    # as `unknown` and the import says so (issue #24), the runner sets its sport.
    Sport.RUN: (1.5, 5.0),
    Sport.WALK: (0.2, 4.5),  # a stroll to race walking (under 4.5 m/s, as in SANITY)
    Sport.HIKE: (0.05, 3.0),  # steep climbs to a fast descent
    Sport.RIDE: (2.0, 25.0),
    Sport.SWIM: (0.2, 2.5),  # faster than any swimmer over distance
}


def apply_hints(parsed: ParsedActivity, hints: SourceHints, default_sport: Sport) -> ParsedActivity:
    """Apply an export's activity type (sport source EXPORT); a file that does not say its sport
    (or says one we do not know) takes the athlete's default sport (DEFAULT) only when its
    evidence is consistent with it, else stays UNKNOWN: stored, never counted as a run."""
    if parsed.effort_rpe is None and hints.effort_rpe is not None:
        parsed = replace(parsed, effort_rpe=hints.effort_rpe)  # the watch's own rating wins
    if hints.sport is not None and hints.sport is not Sport.UNKNOWN:
        return replace(parsed, sport=hints.sport, sport_source=SportSource.EXPORT)
    # Only a file whose sport is unknown from its own evidence may take the default: an inferred
    # ride stays a ride, and a declared non-run (FIT "generic") is never defaulted to a run.
    silent = parsed.sport is Sport.UNKNOWN and parsed.sport_source is not SportSource.DECLARED
    if not silent:
        return parsed
    if _consistent_with(default_sport, parsed):
        return replace(parsed, sport=default_sport, sport_source=SportSource.DEFAULT)
    return replace(parsed, sport=Sport.UNKNOWN, sport_source=SportSource.INFERRED)


def _consistent_with(sport: Sport, parsed: ParsedActivity) -> bool:
    moving_s = parsed.moving_s or parsed.duration_s
    if sport not in DEFAULT_SPORT_SPEED_M_PER_S:
        return parsed.distance_m <= 0
    if parsed.distance_m <= 0 or moving_s <= 0:
        return False
    low, high = DEFAULT_SPORT_SPEED_M_PER_S[sport]
    return low <= parsed.distance_m / moving_s <= high
