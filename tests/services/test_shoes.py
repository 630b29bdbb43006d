"""Shoes through the services on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError, NotFoundError
from tests.services.conftest import TODAY, import_runs


def test_shoe_lifecycle_default_assignment_retire_and_errors(engine: Engine) -> None:
    first = services.add_shoe(engine, "ana", "Pegasus", starting_distance_m=100_000)
    assert first.is_default  # the first pair is the default
    import_runs(engine, [10, 12])
    assert services.list_shoes(engine, "ana")[0].distance_m == pytest.approx(122_000, abs=50)
    services.add_shoe(engine, "ana", "Clifton", window_m=(400_000, 600_000), is_default=True)
    run_id = services.list_activities(engine, "ana")[0].id
    services.assign_shoe(engine, run_id, "Clifton")
    by_name = {s.name: s for s in services.list_shoes(engine, "ana")}
    assert by_name["Clifton"].runs == 1 and by_name["Clifton"].is_default
    assert not by_name["Pegasus"].is_default
    retired = services.retire_shoe(engine, "ana", "Pegasus", today=TODAY)
    assert retired.status == "retired" and retired.distance_m > 100_000  # history kept
    with pytest.raises(NotFoundError, match="no shoe named 'Nope'; known shoes: Pegasus, Clifton"):
        services.assign_shoe(engine, run_id, "Nope")
    with pytest.raises(InputError, match="already has a shoe named 'Clifton'"):
        services.add_shoe(engine, "ana", "Clifton")
    with pytest.raises(InputError, match="must not be negative"):
        services.add_shoe(engine, "ana", "Neg", starting_distance_m=-5)
    with pytest.raises(InputError, match="retired"):
        services.set_default_shoe(engine, "ana", "Pegasus")


def test_new_runs_go_on_the_default_pair(engine: Engine) -> None:
    services.add_shoe(engine, "ana", "Daily", is_default=True)
    import_runs(engine, [8])
    assert services.list_activities(engine, "ana")[0].shoe == "Daily"


@pytest.mark.parametrize("assign", ["assign_shoe", "set_activity_shoe"])
def test_both_ways_to_assign_a_pair_follow_one_policy(engine: Engine, assign: str) -> None:
    """The CLI's `shoes assign` and the Activities page's pair picker are one assignment
    (issue #19): a retired pair is refused by both, with the way back, and nothing changes."""
    services.add_shoe(engine, "ana", "Old")
    services.add_shoe(engine, "ana", "New", is_default=True)
    import_runs(engine, [8])
    run_id = services.list_activities(engine, "ana")[0].id
    services.retire_shoe(engine, "ana", "Old", today=TODAY)
    with pytest.raises(InputError, match=r"'Old' is retired; bring it back first .*unretire"):
        getattr(services, assign)(engine, run_id, "Old")
    assert services.list_activities(engine, "ana")[0].shoe == "New"
    services.unretire_shoe(engine, "ana", "Old")
    getattr(services, assign)(engine, run_id, "Old")
    assert services.list_activities(engine, "ana")[0].shoe == "Old"


def test_a_run_taken_off_every_pair_counts_for_none(engine: Engine) -> None:
    services.add_shoe(engine, "ana", "Daily", is_default=True)
    import_runs(engine, [8])
    run_id = services.list_activities(engine, "ana")[0].id
    row = services.set_activity_shoe(engine, run_id, None)
    assert row.shoe is None
    assert services.list_shoes(engine, "ana")[0].runs == 0
