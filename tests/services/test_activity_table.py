"""The activity table from one query of columns (issue #27): every activity, newest first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.services.activity_list import TABLE_COLUMNS
from tests.services.conftest import TODAY, import_runs


def test_the_table_lists_every_activity_newest_first_with_pace_and_pain(engine: Engine) -> None:
    import_runs(engine, [5, 8, 10], athlete="ana")
    entry = services.log_pain(
        engine, "ana", during=3, after=6, on_date=date(2026, 3, 3), today=TODAY
    )
    table = services.activity_table(engine, "ana")
    detail = [services.activity_detail(engine, int(i)).activity for i in table["activity_id"]]
    assert [a.started_at for a in detail] == sorted((a.started_at for a in detail), reverse=True)
    for (_, row), activity in zip(table.iterrows(), detail, strict=True):
        local = activity.started_at + timedelta(seconds=activity.utc_offset_s)
        assert row["local_start"] == local.replace(tzinfo=None)
        assert row["distance_m"] == pytest.approx(activity.distance_m)
        seconds = activity.moving_s or activity.duration_s
        assert row["pace_s_per_km"] == pytest.approx(seconds / (activity.distance_m / 1000))
    pains = dict(zip(table["activity_id"], table["pain_max"], strict=True))
    assert pains[entry.activity_id] == 6
    assert sum(p == p for p in pains.values()) == 1  # NaN for the runs without pain


def test_an_empty_log_is_an_empty_table_with_the_columns(engine: Engine) -> None:
    services.start_athlete(engine, "bo")
    table = services.activity_table(engine, "bo")
    assert table.empty
    assert tuple(table.columns) == TABLE_COLUMNS
