"""Before the first import (issue #12): an athlete with settings and a first pair; shoes a
runner brings back or does not want as the default."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError
from loadwatch.units import DistanceUnit


def test_start_athlete_saves_units_week_start_zone_and_a_default_first_pair(
    engine: Engine,
) -> None:
    made = services.start_athlete(
        engine,
        "Ana",
        units="mi",
        week_start="sunday",
        home_tz="America/New_York",
        shoe="Blue Pegasus",
        shoe_starting_m=160_934.4,
    )
    assert (made.athlete, made.units, made.week_start, made.home_tz) == (
        "Ana",
        DistanceUnit.MI,
        6,
        "America/New_York",
    )
    (pair,) = services.list_shoes(engine, "Ana")
    assert pair.name == "Blue Pegasus" and pair.is_default
    assert pair.distance_m == pytest.approx(160_934.4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"home_tz": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"units": "furlongs"}, "units must be 'km' or 'mi'"),
        ({"week_start": "someday"}, "week start must be a weekday"),
    ],
)
def test_start_athlete_refuses_bad_settings_and_creates_nothing(
    engine: Engine, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        services.start_athlete(engine, "Ana", **kwargs)  # type: ignore[arg-type]
    assert services.list_athletes(engine) == []


def test_start_athlete_refuses_a_name_taken_ignoring_case(engine: Engine) -> None:
    services.start_athlete(engine, "Ana")
    with pytest.raises(InputError, match="already an athlete named 'Ana'"):
        services.start_athlete(engine, "ana")


def test_a_pair_is_the_default_only_when_asked_and_a_retired_pair_comes_back(
    engine: Engine,
) -> None:
    services.start_athlete(engine, "Ana")
    assert not services.add_shoe(engine, "Ana", "Spare", is_default=False).is_default
    assert services.add_shoe(engine, "Ana", "Daily", is_default=True).is_default
    services.retire_shoe(engine, "Ana", "Spare")
    back = services.unretire_shoe(engine, "Ana", "Spare")
    assert back.retired_on is None and back.status != "retired" and not back.is_default


def test_import_limits_state_the_archive_budget() -> None:
    limits = services.import_limits()
    assert limits.max_file_bytes == 64 * 1024 * 1024
    assert limits.max_expanded_bytes > limits.max_file_bytes
