"""Domain values shared by every layer: enums and frozen dataclasses, no behaviour beyond them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Sport(StrEnum):
    """Closed set of sports; running rules count `RUN` only, cross-training counts the rest."""

    RUN = "run"
    RIDE = "ride"
    SWIM = "swim"
    WALK = "walk"
    HIKE = "hike"
    STRENGTH = "strength"
    CROSS_TRAINING = "cross_training"  # elliptical, rowing, pool running, ...
    OTHER = "other"
    UNKNOWN = "unknown"  # the file did not say and the evidence does not tell (issue #10)


class SportSource(StrEnum):
    """How an activity's sport was known (issue #10), strongest first in a merge."""

    USER = "user"  # set by the runner: survives reimport and merges
    DECLARED = "declared"  # the file says: FIT sport/sub-sport, GPX <type>, TCX Sport
    EXPORT = "export"  # the export archive says (Strava activities.csv "Activity Type")
    INFERRED = "inferred"  # from the evidence: speed, positions, pool lengths, sensors
    DEFAULT = "default"  # the athlete's default sport, a last resort for consistent evidence


#: Sports that count as low-impact cross-training days already done (RULES.md R7).
CROSS_TRAINING_SPORTS = frozenset({Sport.RIDE, Sport.SWIM, Sport.CROSS_TRAINING})


_SPORT_TITLES = {
    "run": "Run",
    "ride": "Ride",
    "swim": "Swim",
    "walk": "Walk",
    "hike": "Hike",
    "strength": "Strength",
    "cross_training": "Workout",
}


def default_activity_name(sport: str, local_hour: int) -> str:
    """'Morning Run', 'Lunch Ride', ...: what Strava and Garmin Connect call an unnamed activity.

    The 2026_11_21 "activity names" migration back-fills existing activities with the same rule.
    """
    if 5 <= local_hour < 11:
        part = "Morning"
    elif 11 <= local_hour < 14:
        part = "Lunch"
    elif 14 <= local_hour < 18:
        part = "Afternoon"
    elif 18 <= local_hour < 22:
        part = "Evening"
    else:
        part = "Night"
    return f"{part} {_SPORT_TITLES.get(sport, 'Activity')}"


class SourceFormat(StrEnum):
    FIT = "fit"
    GPX = "gpx"
    TCX = "tcx"


@dataclass(frozen=True, slots=True)
class ParsedActivity:
    """One activity as every importer returns it; SI units and UTC throughout.

    `utc_offset_s` is None when the file carries no local time (GPX, TCX); the service then
    derives it from `start_lat`/`start_lon` or the athlete's home time zone.
    """

    sport: Sport
    sub_sport: str | None
    started_at: datetime
    utc_offset_s: int | None
    distance_m: float
    duration_s: float
    moving_s: float
    ascent_m: float | None
    descent_m: float | None
    avg_hr_bpm: float | None
    avg_cadence_spm: float | None
    device: str | None
    source_format: SourceFormat
    start_lat: float | None = None
    start_lon: float | None = None
    skipped_records: int = 0
    # issue #10: provenance and evidence for merging records of one activity field by field
    sport_source: SportSource = SportSource.DECLARED
    is_device_file: bool = False  # the recording device's own file (a watch FIT), not an export
    has_samples: bool = False  # per-second records behind HR/cadence, not only a summary
    is_virtual: bool = False  # a virtual ride/run (Zwift...): its coordinates are not on Earth
    effort_rpe: float | None = None  # the watch's or the export's own effort rating, 0-10
    # issue #26: what the importer repaired rather than refused, one sentence each
    # ("kept: the lap's 1,800 s; its points cover 1,782 s"); shown with the import's result
    repairs: tuple[str, ...] = ()

    @property
    def has_sport(self) -> bool:
        """True when the file itself declared its sport (not an export, an inference or a
        default): derived from `sport_source`, never stored beside it."""
        return self.sport_source is SportSource.DECLARED


@dataclass(frozen=True, slots=True)
class SourceHints:
    """What an export archive says about a file beside the file itself (Strava activities.csv)."""

    sport: Sport | None = None
    gear: str | None = None
    name: str | None = None
    effort_rpe: float | None = None  # Strava's "Perceived Exertion", 1-10
    started: str | None = None  # Strava's "Activity Date" as written (UTC), to name a file (#24)

    def describe(self) -> str:
        """How the export names the activity ("'Lunch Run' of Sun 06 Dec 2026 in
        activities.csv"); "" when it names nothing."""
        parts = [repr(self.name) if self.name else "", f"of {self.started}" if self.started else ""]
        named = " ".join(p for p in parts if p)
        return f"{named} in activities.csv" if named else ""


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    MERGED = "merged"  # the same activity from another source; the richer record kept
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Outcome of importing one file; `message` says why for anything but IMPORTED, and for an
    IMPORTED file what the importer repaired (issue #26), if anything."""

    filename: str
    status: ImportStatus
    message: str = ""
    activity_id: int | None = None
    sport: Sport | None = None
    started_at: datetime | None = None
    distance_m: float | None = None


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """An activity as the run log stores it (the `loadwatch activities --json` contract)."""

    id: int
    athlete: str
    sport: Sport
    sub_sport: str | None
    started_at: datetime
    utc_offset_s: int
    distance_m: float
    duration_s: float
    moving_s: float
    ascent_m: float | None
    descent_m: float | None
    avg_hr_bpm: float | None
    avg_cadence_spm: float | None
    device: str | None
    source_format: SourceFormat
    source_file: str
    shoe: str | None = None
    name: str | None = None
    sport_source: SportSource = SportSource.DECLARED  # how the sport was known (issue #10)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_ATHLETE = "me"  # whose data a command reads when none is named


class Severity(StrEnum):
    """Alert severity, in increasing order of urgency."""

    INFO = "info"
    CAUTION = "caution"
    WARNING = "warning"


SEVERITY_RANK: Mapping[Severity, int] = {Severity.INFO: 0, Severity.CAUTION: 1, Severity.WARNING: 2}


@dataclass(frozen=True, slots=True)
class Alert:
    """One warning: its rule, the numbers that fired it and its sources."""

    rule_id: str
    severity: Severity
    message: str
    evidence: Mapping[str, float]
    citations: tuple[str, ...]
    date: date
    activity_id: int | None = None
    advice: tuple[str, ...] = field(default=())


class PlanKind(StrEnum):
    RUN = "run"
    CROSS_TRAINING = "cross-training"
    STRENGTH = "strength"
    REST = "rest"


@dataclass(frozen=True, slots=True)
class PlanDay:
    """One day of the suggested 7-day plan and the warning (rule id) that caused it."""

    date: date
    kind: PlanKind
    reason: str
    max_distance_m: float | None = None
    sport: str | None = None
    caused_by: str | None = None
    done: bool = False
    strength: bool = False  # a strength session on this day (a STRENGTH day, or with a run)
    duration_s: float | None = None  # a cross-training session's suggested length (issue #20)


class GoalKind(StrEnum):
    WEEKLY = "weekly"  # a weekly distance to build to and hold
    RACE = "race"  # a race: date and distance, with a taper before it


@dataclass(frozen=True, slots=True)
class Goal:
    """The runner's season goal (issue #20): a weekly distance, or a race (metres, local day)."""

    kind: GoalKind
    weekly_m: float | None = None
    race_date: date | None = None
    race_m: float | None = None


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """What the runner chose for the plan (issue #20): run weekdays (0 = Monday; empty: the
    habit), runs a week (None: as many as the weekdays, else the habit) and the goal."""

    run_weekdays: tuple[int, ...] = ()
    runs_per_week: int | None = None
    goal: Goal | None = None


class PainLocation(StrEnum):
    KNEE_FRONT = "knee front"
    KNEE_SIDE = "knee side"
    SHIN = "shin"
    ACHILLES = "achilles"
    FOOT = "foot"
    HIP = "hip"
    OTHER = "other"


PAIN_LOCATIONS = tuple(p.value for p in PainLocation)
PAIN_LOCATION_SLUGS = tuple(p.replace(" ", "-") for p in PAIN_LOCATIONS)  # "knee-front"


class InjurySide(StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class InjuryPeriod:
    """An injury period as the rules read it (issue #14), in local days: from `start_date` up to
    but not including `end_date`, the first day back (None while ongoing); `location` is one
    of `PainLocation`'s values, `side` one of `InjurySide`'s."""

    id: int
    start_date: date
    end_date: date | None
    location: str
    side: str | None = None
    note: str | None = None

    def is_ongoing_on(self, day: date) -> bool:
        """True when `day` lies in the period: from its start, before its end (or open)."""
        return self.start_date <= day and (self.end_date is None or day < self.end_date)
