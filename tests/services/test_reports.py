"""One athlete's report through the services on a real database."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError
from loadwatch.report import report_json
from tests.conftest import CORPUS
from tests.services.conftest import TODAY, import_runs


def test_report_json_contract(engine: Engine) -> None:
    import_runs(engine, [8, 8, 8, 12])
    data = report_json(services.report(engine, "ana", date(2026, 3, 8), today=TODAY))
    assert {"as_of", "units", "weeks", "alerts", "shoes", "pain", "plan"} <= set(data)
    assert data["as_of"] == "2026-03-08" and data["units"] == "km"
    assert {"week_start", "run_distance_m", "growth_ratio"} <= set(data["weeks"][0])
    assert data["weeks"][0]["growth_ratio"] is None
    assert len(data["plan"]) == 7
    assert {p["kind"] for p in data["plan"]} <= {"run", "cross-training", "strength", "rest"}
    spike = next(
        a for a in data["alerts"] if a["rule_id"] == "run-spike" and a["severity"] != "info"
    )
    assert spike["activity_id"] is not None and spike["evidence"]["spike_ratio"] == pytest.approx(
        1.5, abs=0.01
    )
    json.dumps(data)


def test_as_of_in_the_future_is_refused(engine: Engine) -> None:
    import_runs(engine, [8])
    with pytest.raises(InputError, match="in the future"):
        services.report(engine, "ana", TODAY + timedelta(days=1), today=TODAY)


@pytest.mark.corpus
def test_runpandas_season_weekly_totals_equal_the_sum_of_runs(
    engine: Engine, corpus: object
) -> None:
    folder = CORPUS / "corriporai__runpandas/docs/source/user_guide/session"
    results = services.import_paths(engine, [folder], athlete="runner", today=date(2026, 11, 21))
    assert sum(r.status.value == "imported" for r in results) == 68
    rows = services.list_activities(engine, "runner")
    last = max((r.started_at + timedelta(seconds=r.utc_offset_s)).date() for r in rows)
    report = services.report(engine, "runner", last, today=date(2026, 11, 21))
    runs = [r for r in rows if r.sport.value == "run"]
    # One file (22 km at 9.3 m/s) is too fast to take the default sport, run (issue #10).
    assert len(runs) == len(rows) - 1
    assert report.weekly["run_distance_m"].sum() == pytest.approx(sum(r.distance_m for r in runs))
    assert sum(r.distance_m for r in rows) == pytest.approx(490_000, rel=0.05)
    # Offsets come from each start point: Sao Paulo time (UTC-3), except one run on
    # Fernando de Noronha (UTC-2) on 7 October 2020.
    offsets = {r.utc_offset_s for r in rows}
    assert offsets == {-3 * 3600, -2 * 3600}
    assert sum(r.utc_offset_s == -2 * 3600 for r in rows) == 1
