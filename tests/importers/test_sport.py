"""Sport vocabularies and inference (issue #10): every format's words, and the evidence rules."""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest

from loadwatch.domain import ParsedActivity, Sport, SportSource
from loadwatch.errors import LoadwatchError
from loadwatch.importers import parse_activity
from loadwatch.importers._sport import Evidence, fit_sport, gpx_sport, infer_sport
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    ("sport", "sub_sport", "expected"),
    [
        ("running", "treadmill", Sport.RUN),
        ("running", "virtual_activity", Sport.RUN),
        ("fitness_equipment", "treadmill", Sport.RUN),
        ("fitness_equipment", "elliptical", Sport.CROSS_TRAINING),
        ("fitness_equipment", "indoor_rowing", Sport.CROSS_TRAINING),
        ("fitness_equipment", "stair_climbing", Sport.CROSS_TRAINING),
        ("training", "strength_training", Sport.STRENGTH),
        ("training", "cardio_training", Sport.CROSS_TRAINING),
        ("training", "yoga", Sport.OTHER),
        ("cycling", "spin", Sport.RIDE),
        ("cycling", "virtual_activity", Sport.RIDE),
        ("cycling", "track_cycling", Sport.RIDE),
        ("cycling", "track", Sport.RIDE),  # 'track' is a running sub-sport: cycling decides
        ("swimming", "open_water", Sport.SWIM),
        ("rowing", "indoor_rowing", Sport.CROSS_TRAINING),
        ("hiking", None, Sport.HIKE),
        ("golf", None, Sport.OTHER),  # a sport we do not count, never a run
        ("generic", None, None),  # the evidence decides
        ("generic", "treadmill", Sport.RUN),
        (None, None, None),
    ],
)
def test_fit_sport_and_sub_sport_map_onto_our_sports(
    sport: str | None, sub_sport: str | None, expected: Sport | None
) -> None:
    assert fit_sport(sport, sub_sport) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("running", Sport.RUN),
        ("Run", Sport.RUN),
        ("trail_running", Sport.RUN),
        ("9", Sport.RUN),
        ("1", Sport.RIDE),
        ("road_biking", Sport.RIDE),
        ("Ride", Sport.RIDE),
        ("VirtualRide", Sport.RIDE),
        ("mountain_biking", Sport.RIDE),
        ("lap_swimming", Sport.SWIM),
        ("Walk", Sport.WALK),
        ("hiking", Sport.HIKE),
        ("WeightTraining", Sport.STRENGTH),
        ("indoor_rowing", Sport.CROSS_TRAINING),
        ("  Trail Running ", Sport.RUN),
        ("kitesurfing", None),
        ("", None),
        (None, None),
    ],
)
def test_gpx_type_words_and_codes(text: str | None, expected: Sport | None) -> None:
    assert gpx_sport(text) is expected


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (Evidence(1500, 1800, has_positions=False, lap_distances_m=[100] * 15), Sport.SWIM),
        (Evidence(1500, 1800, has_positions=True, lap_distances_m=[100] * 15), Sport.WALK),
        # treadmill laps of whole kilometres at running speed are not a swim
        (Evidence(5000, 1500, has_positions=False, lap_distances_m=[1000] * 5), Sport.UNKNOWN),
        (Evidence(30000, 3600, has_positions=True), Sport.RIDE),
        (Evidence(4000, 3600, has_positions=True), Sport.WALK),  # 1.1 m/s over 4 km
        (Evidence(300, 600, has_positions=True), Sport.UNKNOWN),  # too short to tell
        (Evidence(10000, 2400, has_positions=True), Sport.UNKNOWN),  # a 4:00/km run or a ride
        (Evidence(200000, 3600, has_positions=True), Sport.UNKNOWN),  # 55 m/s: a vehicle
        (Evidence(10000, 2400, has_positions=True, bike_sensor=True), Sport.RIDE),
        (Evidence(0, 0, has_positions=False), Sport.UNKNOWN),
    ],
    ids=[
        "pool",
        "slow-with-gps",
        "treadmill-km-laps",
        "ride",
        "walk",
        "short",
        "run",
        "car",
        "sensor",
        "0",
    ],
)
def test_inference_from_the_evidence(evidence: Evidence, expected: Sport) -> None:
    assert infer_sport(evidence) is expected


@pytest.mark.corpus
def test_the_whole_corpus_parses_or_is_refused_with_our_error(corpus: object) -> None:
    """Every corpus file: activities with consistent totals and provenance, or our error."""
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in {".fit", ".gpx", ".tcx"}:
            continue
        with contextlib.suppress(LoadwatchError):
            for activity in parse_activity(path.read_bytes(), path.name):
                _assert_consistent(activity)
                found[(activity.sport.value, activity.sport_source.value)] += 1
    assert found  # the corpus holds activities of several sports
    assert {sport for sport, _ in found} >= {"run", "ride", "swim"}


def _assert_consistent(activity: ParsedActivity) -> None:
    assert 0 <= activity.moving_s <= activity.duration_s
    assert activity.distance_m >= 0
    assert activity.has_sport is (activity.sport_source is SportSource.DECLARED)
    if activity.is_virtual:
        assert activity.start_lat is None and activity.start_lon is None
    if activity.effort_rpe is not None:
        assert 0 <= activity.effort_rpe <= 10
