"""Pain, shoes, settings and report through the services on a real database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError, NotFoundError
from loadwatch.report import report_json
from loadwatch.synth import fit_bytes, make_track
from tests.conftest import CORPUS

TODAY = date(2026, 3, 20)


def _runs(engine: Engine, kms: list[float], athlete: str = "ana") -> None:
    files = []
    for i, km in enumerate(kms):
        started = datetime(2026, 3, 1 + 2 * i, 7, tzinfo=UTC)
        track = make_track(
            started, km * 1000, 330, seed=sum(map(ord, athlete)) * 100 + i, interval_s=30
        )
        files.append((f"{i}.fit", fit_bytes([track])))
    services.import_uploads(engine, files, athlete=athlete, today=TODAY)


def test_report_json_contract(engine: Engine) -> None:
    _runs(engine, [8, 8, 8, 12])
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
    _runs(engine, [8])
    with pytest.raises(InputError, match="in the future"):
        services.report(engine, "ana", TODAY + timedelta(days=1), today=TODAY)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"during": 11, "after": 2}, "during pain must be an integer 0-10, got 11"),
        ({"during": -1, "after": 2}, "during pain must be an integer 0-10"),
        ({"during": None, "after": None}, "at least one of pain during or pain after"),
        ({"during": 2, "after": 3, "location": "elbow"}, "location must be one of"),
        ({"during": 2, "after": 3, "on_date": TODAY + timedelta(days=2)}, "in the future"),
    ],
    ids=["11", "negative", "no score", "unknown location", "future date"],
)
def test_bad_pain_values_are_refused_and_change_nothing(
    engine: Engine, kwargs: dict, match: str
) -> None:
    _runs(engine, [8])
    with pytest.raises(InputError, match=match):
        services.log_pain(engine, "ana", today=TODAY, **kwargs)
    assert services.list_pain(engine, "ana") == []


def test_pain_links_the_latest_run_and_morning_check_in(engine: Engine) -> None:
    _runs(engine, [8, 9])
    entry = services.log_pain(engine, "ana", during=2, after=6, location="knee front", today=TODAY)
    latest = services.list_activities(engine, "ana")[-1]
    assert entry.activity_id == latest.id and entry.entry_date == date(2026, 3, 3)
    services.log_morning_pain(engine, "ana", 3, date(2026, 3, 4), today=TODAY)
    services.log_morning_pain(engine, "ana", 2, date(2026, 3, 4), today=TODAY)  # replaces
    entries = services.list_pain(engine, "ana")
    assert [(e.entry_date, e.after, e.morning) for e in entries] == [
        (date(2026, 3, 3), 6, None),
        (date(2026, 3, 4), None, 2),
    ]
    report = services.report(engine, "ana", date(2026, 3, 4), today=TODAY)
    assert report.pain.zone == "red"


def test_unknown_run_or_another_athletes_run_is_refused(engine: Engine) -> None:
    _runs(engine, [8])
    _runs(engine, [5], athlete="bo")
    bo_run = services.list_activities(engine, "bo")[0].id
    with pytest.raises(NotFoundError, match="is not one of ana's runs"):
        services.log_pain(engine, "ana", during=1, after=1, run_id=bo_run, today=TODAY)
    with pytest.raises(NotFoundError, match="no activity with id 999"):
        services.log_pain(engine, "ana", during=1, after=1, run_id=999, today=TODAY)


def test_shoe_lifecycle_default_assignment_retire_and_errors(engine: Engine) -> None:
    first = services.add_shoe(engine, "ana", "Pegasus", starting_distance_m=100_000)
    assert first.is_default  # the first pair is the default
    _runs(engine, [10, 12])
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
    _runs(engine, [8])
    assert services.list_activities(engine, "ana")[0].shoe == "Daily"


def test_settings_change_units_week_start_thresholds_and_refuse_nonsense(engine: Engine) -> None:
    _runs(engine, [8])
    result = services.update_settings(
        engine, "ana", units="mi", week_start="sunday", thresholds={"weekly_growth_ratio": 0.15}
    )
    assert (result.units.value, result.week_start, result.thresholds.weekly_growth_ratio) == (
        "mi",
        6,
        0.15,
    )
    assert report_json(services.report(engine, "ana", TODAY, today=TODAY))["week_start"] == "sunday"
    for kwargs, match in [
        ({"units": "furlongs"}, "units must be"),
        ({"week_start": "someday"}, "weekday"),
        ({"thresholds": {"nope": 1.0}}, "unknown threshold"),
        ({"thresholds": {"low_base_m": -3}}, "positive number"),
        ({"home_tz": "Mars/Olympus"}, "unknown time zone"),
    ]:
        with pytest.raises(InputError, match=match):
            services.update_settings(engine, "ana", **kwargs)
    assert services.athlete_settings(engine, "ana").units.value == "mi"  # unchanged by the failures


def test_squad_is_sorted_riskiest_first(engine: Engine) -> None:
    _runs(engine, [8, 8, 8, 8], athlete="calm")
    _runs(engine, [8, 8, 8, 20], athlete="spiky")
    rows = services.squad_overview(engine, date(2026, 3, 8), today=TODAY)
    assert [r.athlete for r in rows] == ["spiky", "calm"]
    assert rows[0].largest_spike_ratio == pytest.approx(2.5, abs=0.01)
    assert "run-spike" in rows[0].flags and rows[0].risk > rows[1].risk


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
    assert report.weekly["run_distance_m"].sum() == pytest.approx(sum(r.distance_m for r in rows))
    assert sum(r.distance_m for r in rows) == pytest.approx(490_000, rel=0.05)
    # Offsets come from each start point: Sao Paulo time (UTC-3), except one run on
    # Fernando de Noronha (UTC-2) on 7 October 2020.
    offsets = {r.utc_offset_s for r in rows}
    assert offsets == {-3 * 3600, -2 * 3600}
    assert sum(r.utc_offset_s == -2 * 3600 for r in rows) == 1


def test_a_coach_sees_only_their_squad_and_unknown_names_are_clear_errors(engine: Engine) -> None:
    _runs(engine, [8, 8], athlete="ana")
    _runs(engine, [9, 9], athlete="bo")
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
