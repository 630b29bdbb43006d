"""Squads and coaches through the services on a real database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import NotFoundError
from tests.services.conftest import TODAY, import_runs


def test_squad_is_sorted_riskiest_first(engine: Engine) -> None:
    import_runs(engine, [8, 8, 8, 8], athlete="calm")
    import_runs(engine, [8, 8, 8, 20], athlete="spiky")
    rows = services.squad_overview(engine, date(2026, 3, 8), today=TODAY)
    assert [r.athlete for r in rows] == ["spiky", "calm"]
    assert rows[0].largest_spike_ratio == pytest.approx(2.5, abs=0.01)
    assert "run-spike" in rows[0].flags and rows[0].risk > rows[1].risk


def test_a_coach_sees_only_their_squad_and_unknown_names_are_clear_errors(engine: Engine) -> None:
    import_runs(engine, [8, 8], athlete="ana")
    import_runs(engine, [9, 9], athlete="bo")
    assert services.add_to_squad(engine, "Kim", ["ana"]) == ["ana"]
    assert [
        r.athlete for r in services.squad_overview(engine, TODAY, today=TODAY, coach="Kim")
    ] == ["ana"]
    assert len(services.squad_overview(engine, TODAY, today=TODAY)) == 2
    with pytest.raises(NotFoundError, match="no coach named 'Lee'; known coaches: Kim"):
        services.squad_overview(engine, TODAY, today=TODAY, coach="Lee")
    with pytest.raises(NotFoundError, match="no athlete named 'zed'"):
        services.add_to_squad(engine, "Kim", ["bo", "zed"])
    assert services.add_to_squad(engine, "Kim", []) == ["ana"]  # nothing half-added
