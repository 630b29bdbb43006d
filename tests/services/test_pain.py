"""Pain log through the services on a real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError, NotFoundError
from tests.services.conftest import TODAY, import_runs


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
    import_runs(engine, [8])
    with pytest.raises(InputError, match=match):
        services.log_pain(engine, "ana", today=TODAY, **kwargs)
    assert services.list_pain(engine, "ana") == []


def test_pain_links_the_latest_run_and_morning_check_in(engine: Engine) -> None:
    import_runs(engine, [8, 9])
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
    import_runs(engine, [8])
    import_runs(engine, [5], athlete="bo")
    bo_run = services.list_activities(engine, "bo")[0].id
    with pytest.raises(NotFoundError, match="is not one of ana's runs"):
        services.log_pain(engine, "ana", during=1, after=1, run_id=bo_run, today=TODAY)
    with pytest.raises(NotFoundError, match="no activity with id 999"):
        services.log_pain(engine, "ana", during=1, after=1, run_id=999, today=TODAY)
