"""Pain entries you can trust (issue #9, item 4), through the services on a real database.

One post-run entry per run (saving again updates it and says so), one morning entry per day,
`on_date` without a run links to that day's run, entries can be edited and deleted by their
athlete only, and locations are accepted as written or as a slug.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import NotFoundError
from tests.services.conftest import TODAY, import_runs

# import_runs puts one run every other day from 1 March 2026: runs on 1, 3 and 5 March.
MAR_1, MAR_3, MAR_5 = date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 5)


def _run_ids(engine: Engine, athlete: str = "ana") -> list[int]:
    return [a.id for a in services.list_activities(engine, athlete)]


def test_the_same_post_run_pain_saved_twice_is_one_entry_and_an_update(engine: Engine) -> None:
    import_runs(engine, [8, 9])
    first = services.log_pain(engine, "ana", during=3, after=6, today=TODAY)
    second = services.log_pain(engine, "ana", during=3, after=6, today=TODAY)
    assert first.is_update is False and second.is_update is True
    assert second.id == first.id
    (entry,) = services.list_pain(engine, "ana")
    assert (entry.during, entry.after, entry.activity_id) == (3, 6, _run_ids(engine)[-1])
    # A correction saved the same way replaces the scores (the latest saved wins).
    corrected = services.log_pain(engine, "ana", during=1, after=2, today=TODAY)
    assert corrected.is_update and corrected.id == first.id
    assert [(e.during, e.after) for e in services.list_pain(engine, "ana")] == [(1, 2)]


def test_the_same_pain_saved_twice_does_not_make_two_red_days(engine: Engine) -> None:
    # issue #9: "red-zone pain on 2 days within 7 days (Fri 20 Nov, Fri 20 Nov)"
    import_runs(engine, [8, 9])
    for _ in range(2):
        services.log_pain(engine, "ana", during=3, after=6, today=TODAY)
    report = services.report(engine, "ana", MAR_3, today=TODAY)
    messages = [a.message for a in report.alerts if a.rule_id == "pain"]
    assert not any("Red-zone pain on" in m for m in messages)
    assert len(messages) == 1 and messages[0].startswith("Pain 6/10")


def test_a_date_without_a_run_links_to_that_days_run_not_the_latest(engine: Engine) -> None:
    import_runs(engine, [8, 9, 10])
    first, second, latest = _run_ids(engine)
    entry = services.log_pain(engine, "ana", during=2, after=4, on_date=MAR_3, today=TODAY)
    assert entry.activity_id == second != latest
    assert entry.entry_date == MAR_3
    # A day without a run: the entry names no run, on that day.
    rest = services.log_pain(
        engine, "ana", during=0, after=3, on_date=date(2026, 3, 4), today=TODAY
    )
    assert rest.activity_id is None and rest.entry_date == date(2026, 3, 4)
    # Pain for another day's run is another entry, not an update.
    other = services.log_pain(engine, "ana", during=1, after=1, on_date=MAR_1, today=TODAY)
    assert other.activity_id == first and not other.is_update
    assert len(services.list_pain(engine, "ana")) == 3


def test_pain_saved_by_date_and_by_run_id_is_the_same_entry(engine: Engine) -> None:
    import_runs(engine, [8, 9])
    _, second = _run_ids(engine)
    by_date = services.log_pain(engine, "ana", during=2, after=4, on_date=MAR_3, today=TODAY)
    by_run = services.log_pain(engine, "ana", during=2, after=5, run_id=second, today=TODAY)
    assert by_run.is_update and by_run.id == by_date.id
    assert [(e.after, e.activity_id) for e in services.list_pain(engine, "ana")] == [(5, second)]


def test_edit_changes_only_the_named_fields(engine: Engine) -> None:
    import_runs(engine, [8])
    entry = services.log_pain(
        engine, "ana", during=4, after=6, location="shin", note="hill reps", today=TODAY
    )
    edited = services.edit_pain(engine, "ana", entry.id, after=3, location="knee-front")
    assert edited.id == entry.id and edited.is_update
    (stored,) = services.list_pain(engine, "ana")
    assert (stored.during, stored.after, stored.location, stored.note) == (
        4,
        3,
        "knee front",
        "hill reps",
    )
    assert stored.activity_id == entry.activity_id and stored.entry_date == entry.entry_date


def test_delete_removes_the_entry_and_its_effect_on_the_report(engine: Engine) -> None:
    import_runs(engine, [8])
    entry = services.log_pain(engine, "ana", during=5, after=8, today=TODAY)
    assert services.report(engine, "ana", MAR_1, today=TODAY).pain.zone == "red"
    services.delete_pain(engine, "ana", entry.id)
    assert services.list_pain(engine, "ana") == []
    report = services.report(engine, "ana", MAR_1, today=TODAY)
    assert report.pain.zone is None
    assert [a for a in report.alerts if a.rule_id == "pain"] == []
    with pytest.raises(NotFoundError, match=f"ana has no pain entry {entry.id}"):
        services.delete_pain(engine, "ana", entry.id)


def test_another_athletes_entry_cannot_be_edited_or_deleted(engine: Engine) -> None:
    import_runs(engine, [8])
    import_runs(engine, [5], athlete="bo")
    bos = services.log_pain(engine, "bo", during=2, after=3, today=TODAY)
    with pytest.raises(NotFoundError, match=f"ana has no pain entry {bos.id}"):
        services.edit_pain(engine, "ana", bos.id, after=9)
    with pytest.raises(NotFoundError, match=f"ana has no pain entry {bos.id}"):
        services.delete_pain(engine, "ana", bos.id)
    with pytest.raises(NotFoundError):
        services.edit_pain(engine, "ana", 999_999, after=1)
    (untouched,) = services.list_pain(engine, "bo")
    assert (untouched.id, untouched.after) == (bos.id, 3)


@pytest.mark.parametrize("written", ["knee-front", "knee front", "Knee Front", "knee_front"])
def test_a_location_is_stored_as_written_whatever_the_spelling(
    engine: Engine, written: str
) -> None:
    import_runs(engine, [8])
    entry = services.log_pain(engine, "ana", during=1, after=4, location=written, today=TODAY)
    assert entry.location == "knee front"
    assert services.list_pain(engine, "ana")[0].location == "knee front"


def test_morning_pain_twice_on_a_day_is_one_entry(engine: Engine) -> None:
    import_runs(engine, [8, 9])
    first = services.log_morning_pain(engine, "ana", 3, MAR_5, today=TODAY)
    again = services.log_morning_pain(engine, "ana", 1, MAR_5, today=TODAY)
    assert not first.is_update and again.is_update and again.id == first.id
    assert [(e.entry_date, e.morning) for e in services.list_pain(engine, "ana")] == [(MAR_5, 1)]
    # Another day's morning is its own entry.
    services.log_morning_pain(engine, "ana", 2, date(2026, 3, 6), today=TODAY)
    assert len(services.list_pain(engine, "ana")) == 2


def test_a_morning_score_and_post_run_pain_on_one_day_stay_apart(engine: Engine) -> None:
    # The pre-run morning score of 3 March and the pain after that day's run are two entries;
    # saving the morning again updates the morning one only.
    import_runs(engine, [8, 9])
    services.log_morning_pain(engine, "ana", 1, MAR_3, today=TODAY)
    services.log_pain(engine, "ana", during=2, after=4, on_date=MAR_3, today=TODAY)
    services.log_morning_pain(engine, "ana", 2, MAR_3, today=TODAY)
    rows = [(e.after, e.morning) for e in services.list_pain(engine, "ana")]
    assert sorted(rows, key=str) == sorted([(None, 2), (4, None)], key=str)
