"""Sport vocabularies of every format, and the inference for files that do not say (issue #10).

docs/importers.md lists each mapping and where it comes from. The result of every function is a
`Sport` plus a `SportSource`: DECLARED when the file's own vocabulary decided, INFERRED when the
evidence (speed, positions, pool lengths, sensors) did. `Sport.UNKNOWN` means "the evidence does
not decide": the service layer, not the importer, may then apply the athlete's default sport.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loadwatch.domain import Sport, SportSource

# ---------------------------------------------------------------- FIT (FIT SDK profile 21.x)

#: FIT `sport` enum names to our sports. None: the sport says nothing usable on its own
#: (`generic`, `multisport`, `all`): the sub-sport, then the evidence, decide.
FIT_SPORTS: dict[str, Sport | None] = {
    "generic": None,
    "multisport": None,
    "all": None,
    "running": Sport.RUN,
    "cycling": Sport.RIDE,
    "e_biking": Sport.RIDE,
    "swimming": Sport.SWIM,
    "walking": Sport.WALK,
    "hiking": Sport.HIKE,
    "mountaineering": Sport.HIKE,
    "snowshoeing": Sport.HIKE,
    "training": Sport.STRENGTH,  # refined by the sub-sport (cardio, elliptical, yoga, ...)
    "fitness_equipment": Sport.CROSS_TRAINING,
    "rowing": Sport.CROSS_TRAINING,
    "paddling": Sport.CROSS_TRAINING,
    "kayaking": Sport.CROSS_TRAINING,
    "canoeing": Sport.CROSS_TRAINING,
    "stand_up_paddleboarding": Sport.CROSS_TRAINING,
    "cross_country_skiing": Sport.CROSS_TRAINING,
    "inline_skating": Sport.CROSS_TRAINING,
    "ice_skating": Sport.CROSS_TRAINING,
    "floor_climbing": Sport.CROSS_TRAINING,
    "hiit": Sport.CROSS_TRAINING,
    "boxing": Sport.CROSS_TRAINING,
    "jump_rope": Sport.CROSS_TRAINING,
    "wheelchair_push_walk": Sport.OTHER,
    "wheelchair_push_run": Sport.OTHER,
}

#: FIT `sub_sport` names that decide the sport whatever the sport field says (a treadmill under
#: fitness_equipment is running; a strength session under training is strength).
FIT_SUB_SPORTS: dict[str, Sport] = {
    "treadmill": Sport.RUN,
    "street": Sport.RUN,
    "trail": Sport.RUN,
    "track": Sport.RUN,
    "indoor_running": Sport.RUN,
    "ultra": Sport.RUN,
    "obstacle": Sport.RUN,
    "spin": Sport.RIDE,
    "indoor_cycling": Sport.RIDE,
    "road": Sport.RIDE,
    "mountain": Sport.RIDE,
    "downhill": Sport.RIDE,
    "recumbent": Sport.RIDE,
    "cyclocross": Sport.RIDE,
    "hand_cycling": Sport.RIDE,
    "indoor_hand_cycling": Sport.RIDE,
    "track_cycling": Sport.RIDE,
    "gravel_cycling": Sport.RIDE,
    "e_bike_fitness": Sport.RIDE,
    "e_bike_mountain": Sport.RIDE,
    "e_bike_enduro": Sport.RIDE,
    "bmx": Sport.RIDE,
    "commuting": Sport.RIDE,
    "lap_swimming": Sport.SWIM,
    "open_water": Sport.SWIM,
    "indoor_walking": Sport.WALK,
    "casual_walking": Sport.WALK,
    "speed_walking": Sport.WALK,
    "strength_training": Sport.STRENGTH,
    "cardio_training": Sport.CROSS_TRAINING,
    "elliptical": Sport.CROSS_TRAINING,
    "stair_climbing": Sport.CROSS_TRAINING,
    "indoor_rowing": Sport.CROSS_TRAINING,
    "indoor_skiing": Sport.CROSS_TRAINING,
    "hiit": Sport.CROSS_TRAINING,
    "amrap": Sport.CROSS_TRAINING,
    "emom": Sport.CROSS_TRAINING,
    "tabata": Sport.CROSS_TRAINING,
    "flexibility_training": Sport.OTHER,
    "yoga": Sport.OTHER,
    "pilates": Sport.OTHER,
    "breathing": Sport.OTHER,
}
#: Sub-sports that only refine the sport the file gives (running + virtual_activity is a
#: virtual run, cycling + virtual_activity a virtual ride): never a sport on their own.
FIT_VIRTUAL_SUB_SPORTS = frozenset({"virtual_activity"})
#: Sub-sports that look like running words but belong to another sport's vocabulary.
_SUB_SPORT_ONLY_WITH: dict[str, frozenset[str]] = {
    "track": frozenset({"running", "generic"}),  # track_cycling is its own sub-sport
    "street": frozenset({"running", "generic"}),
    "trail": frozenset({"running", "generic"}),
    "road": frozenset({"cycling", "e_biking", "generic"}),
    "mountain": frozenset({"cycling", "e_biking", "generic"}),
    "downhill": frozenset({"cycling", "e_biking", "generic"}),  # alpine skiing also uses it
    "elliptical": frozenset({"fitness_equipment", "training", "generic"}),
}

#: FIT enum values by number, for the values fitparse 1.2.0's older profile does not name.
FIT_SPORT_CODES: dict[int, str] = {
    0: "generic", 1: "running", 2: "cycling", 3: "transition", 4: "fitness_equipment",
    5: "swimming", 10: "training", 11: "walking", 15: "rowing", 17: "hiking", 18: "multisport",
    19: "paddling", 21: "e_biking", 62: "hiit", 65: "wheelchair_push_walk",
    66: "wheelchair_push_run", 84: "jump_rope", 88: "canoeing",
}  # fmt: skip
FIT_SUB_SPORT_CODES: dict[int, str] = {
    43: "yoga", 44: "pilates", 45: "indoor_running", 46: "gravel_cycling",
    47: "e_bike_mountain", 48: "commuting", 58: "virtual_activity", 59: "obstacle",
    62: "breathing", 67: "ultra", 70: "hiit", 73: "amrap", 74: "emom", 75: "tabata",
    88: "indoor_hand_cycling", 127: "e_bike_enduro",
}  # fmt: skip

#: FIT manufacturers whose activity files are virtual-world rides and runs.
VIRTUAL_MANUFACTURERS = frozenset({"zwift", "virtualtraining", "rouvy", "bkool", "fulgaz"})
#: Words in a product or creator name that mean a virtual world (Zwift, Rouvy, ...).
VIRTUAL_NAMES = ("zwift", "rouvy", "fulgaz", "bkool", "mywhoosh", "wahoo systm", "indievelo")


def fit_sport(sport: str | None, sub_sport: str | None) -> Sport | None:
    """Our sport for a FIT sport/sub-sport pair, or None when the pair does not decide.

    A sport outside the tables (golf, sailing, driving, ...) is `Sport.OTHER`: the file says
    what it is, and it is not a run.
    """
    sub = FIT_SUB_SPORTS.get(sub_sport or "")
    allowed = _SUB_SPORT_ONLY_WITH.get(sub_sport or "")
    if sub is not None and (allowed is None or (sport or "generic") in allowed):
        return sub
    if sport is None:
        return None
    if sport in FIT_SPORTS:
        return FIT_SPORTS[sport]
    return Sport.OTHER


# ---------------------------------------------------------------- GPX <type>

#: GPX `<type>` words (compared lower-cased, with spaces, dashes and underscores removed).
#: Garmin Connect writes its activity type keys, Strava its activity type names (newer exports)
#: or numbers (older exports); docs/importers.md gives the source of each group.
_GPX_WORDS: dict[Sport, tuple[str, ...]] = {
    Sport.RUN: (
        # Garmin Connect activity type keys
        "running",
        "trail_running",
        "treadmill_running",
        "track_running",
        "street_running",
        "indoor_running",
        "virtual_run",
        "ultra_run",
        "obstacle_run",
        # Strava activity types
        "Run",
        "TrailRun",
        "VirtualRun",
        # other exporters (OpenTracks, Komoot, GPSBabel users, ...)
        "run",
        "jogging",
        "trailrun",
    ),
    Sport.RIDE: (
        "cycling",
        "road_biking",
        "mountain_biking",
        "gravel_cycling",
        "indoor_cycling",
        "virtual_ride",
        "cyclocross",
        "track_cycling",
        "bmx",
        "recumbent_cycling",
        "e_bike_fitness",
        "e_bike_mountain",
        "hand_cycling",
        "commuting",
        "Ride",
        "VirtualRide",
        "MountainBikeRide",
        "GravelRide",
        "EBikeRide",
        "EMountainBikeRide",
        "Handcycle",
        "Velomobile",
        "biking",
        "bike",
        "road_cycling",
        "mountainbiking",
        "bicycle",
        "mtb",
    ),
    Sport.SWIM: ("swimming", "lap_swimming", "open_water_swimming", "Swim", "swim"),
    Sport.WALK: (
        "walking",
        "casual_walking",
        "speed_walking",
        "indoor_walking",
        "Walk",
        "walk",
        "nordic_walking",
    ),
    Sport.HIKE: ("hiking", "mountaineering", "Hike", "hike", "Snowshoe", "snowshoeing"),
    Sport.STRENGTH: ("strength_training", "WeightTraining", "weight_training", "strength"),
    Sport.CROSS_TRAINING: (
        "cardio",
        "cardio_training",
        "elliptical",
        "indoor_rowing",
        "rowing",
        "stair_climbing",
        "fitness_equipment",
        "hiit",
        "Elliptical",
        "StairStepper",
        "Rowing",
        "Crossfit",
        "Workout",
        "NordicSki",
        "cross_country_skiing",
        "Kayaking",
        "Canoeing",
        "paddling",
        "InlineSkate",
        "inline_skating",
    ),
    Sport.OTHER: ("other", "Yoga", "yoga", "pilates", "Golf", "golf", "Sail", "sailing"),
}
#: Numeric `<type>` codes (observed in exports: see docs/importers.md).
GPX_NUMERIC_TYPES: dict[str, Sport] = {"1": Sport.RIDE, "9": Sport.RUN}
GPX_VIRTUAL_TYPES = frozenset({"virtualride", "virtualrun"})


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch not in " -_")


GPX_TYPES: dict[str, Sport] = {
    _key(word): sport for sport, words in _GPX_WORDS.items() for word in words
} | GPX_NUMERIC_TYPES


def gpx_sport(text: str | None) -> Sport | None:
    """Our sport for a GPX `<type>`, or None when absent or not in our vocabulary."""
    if not text or not text.strip():
        return None
    return GPX_TYPES.get(_key(text.strip()))


def gpx_type_is_virtual(text: str | None) -> bool:
    return text is not None and _key(text) in GPX_VIRTUAL_TYPES


def names_virtual_world(name: str | None) -> bool:
    """True when a creator or product name is a virtual-world program (Zwift, Rouvy, ...)."""
    lowered = (name or "").lower()
    return any(word in lowered for word in VIRTUAL_NAMES)


# ---------------------------------------------------------------- TCX Sport attribute

#: TCX `Sport` is an enumeration of three values in the TrainingCenterDatabase v2 schema.
TCX_SPORTS: dict[str, Sport] = {"running": Sport.RUN, "biking": Sport.RIDE, "other": Sport.OTHER}


# ---------------------------------------------------------------- inference

POOL_LENGTHS_M = (25.0, 50.0)  # short-course and long-course pools; 33 1/3 m pools are rare
_POOL_TOLERANCE_M = 0.5
MAX_SWIM_SPEED_M_PER_S = 2.5  # faster than any swimmer (world records are near 2.1 m/s)
RIDE_SPEED_M_PER_S = 6.5  # 23.4 km/h moving average: above any runner over 5 km
RIDE_MIN_DISTANCE_M = 5000.0
MAX_RIDE_SPEED_M_PER_S = 20.0  # 72 km/h moving average: a vehicle, not a ride
WALK_SPEED_M_PER_S = 1.9  # 6.8 km/h: a walk (a run is rarely slower over a whole activity)
WALK_MIN_DISTANCE_M = 500.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a file shows about its sport when it does not say it."""

    distance_m: float
    moving_s: float
    has_positions: bool
    lap_distances_m: Sequence[float] = ()
    bike_sensor: bool = False


def _pool_like(distances: Sequence[float]) -> bool:
    """Every lap a whole number of pool lengths, and not all whole kilometres (treadmill laps)."""
    laps = [d for d in distances if d > 0]
    if not laps:
        return False
    for length in POOL_LENGTHS_M:
        if all(abs(d - round(d / length) * length) <= _POOL_TOLERANCE_M for d in laps):
            return not all(abs(d - round(d / 1000) * 1000) <= _POOL_TOLERANCE_M for d in laps)
    return False


def infer_sport(evidence: Evidence) -> Sport:
    """The sport the evidence shows, or `Sport.UNKNOWN` when it does not decide.

    In this order: a bike speed, cadence or power sensor is a ride; no positions, pool-length
    laps and a swimmer's speed is a swim; a moving average above `RIDE_SPEED_M_PER_S` over more
    than `RIDE_MIN_DISTANCE_M` (and below a vehicle's) is a ride; a moving average below
    `WALK_SPEED_M_PER_S` over more than `WALK_MIN_DISTANCE_M` is a walk. Never a run: running
    speeds are shared by too many sports, and the athlete's default sport is the service's call.
    """
    if evidence.bike_sensor:
        return Sport.RIDE
    speed = evidence.distance_m / evidence.moving_s if evidence.moving_s > 0 else 0.0
    if (
        not evidence.has_positions
        and _pool_like(evidence.lap_distances_m or (evidence.distance_m,))
        and 0 < speed <= MAX_SWIM_SPEED_M_PER_S
    ):
        return Sport.SWIM
    if evidence.moving_s <= 0:
        return Sport.UNKNOWN
    if (
        evidence.distance_m > RIDE_MIN_DISTANCE_M
        and RIDE_SPEED_M_PER_S < speed <= MAX_RIDE_SPEED_M_PER_S
    ):
        return Sport.RIDE
    if evidence.distance_m > WALK_MIN_DISTANCE_M and 0 < speed < WALK_SPEED_M_PER_S:
        return Sport.WALK
    return Sport.UNKNOWN


def declared_or_inferred(declared: Sport | None, evidence: Evidence) -> tuple[Sport, SportSource]:
    """The declared sport when there is one, else the inferred sport (UNKNOWN if undecided)."""
    if declared is not None:
        return declared, SportSource.DECLARED
    return infer_sport(evidence), SportSource.INFERRED
