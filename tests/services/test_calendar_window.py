"""A past month read through its own window shows what the whole log shows (issue #27)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from loadwatch import services
from loadwatch.synth import fit_bytes, make_track
from tests.conftest import DEMO_TODAY

TODAY = date(2026, 4, 20)
# (UTC start, local offset hours): runs near midnight on month edges, east and west of UTC
RUNS = [
    (datetime(2026, 2, 28, 23, 30, tzinfo=UTC), 1),  # Sunday 1 March, 00:30 local
    (datetime(2026, 3, 1, 3, 0, tzinfo=UTC), -5),  # Saturday 28 February, 22:00 local
    (
        datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        -5,
    ),  # Sunday 1 March local: after February's grid in UTC
    (datetime(2026, 3, 15, 7, 0, tzinfo=UTC), 0),
    (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 2),  # 1 April, 00:30 local
    (datetime(2026, 4, 1, 1, 0, tzinfo=UTC), -4),  # 31 March, 21:00 local
]


def _import(engine: Engine) -> None:
    files = []
    for i, (started, offset_h) in enumerate(RUNS):
        track = make_track(started, 8000 + 500 * i, 330, seed=i, interval_s=30)
        files.append((f"{i}.fit", fit_bytes([track], utc_offset_s=offset_h * 3600)))
    services.import_uploads(engine, files, athlete="ana", today=TODAY)


def test_a_past_month_shows_every_activity_of_its_local_days(engine: Engine) -> None:
    _import(engine)
    services.log_pain(engine, "ana", during=6, after=7, on_date=date(2026, 3, 15), today=TODAY)
    services.log_morning_pain(engine, "ana", 4, on_date=date(2026, 3, 16), today=TODAY)
    table = services.activity_table(engine, "ana")
    by_day: dict[date, set[int]] = {}
    for activity_id, start in zip(table["activity_id"], table["local_start"], strict=True):
        by_day.setdefault(start.date(), set()).add(int(activity_id))
    for month in (date(2026, 2, 1), date(2026, 3, 1)):
        view = services.calendar_month(engine, "ana", month, today=TODAY)
        for week in view.weeks:
            for day in week:
                assert {a.id for a in day.activities} == by_day.get(day.date, set()), day.date
                assert day.plan is None  # the month is over: no plan
    march = services.calendar_month(engine, "ana", date(2026, 3, 1), today=TODAY)
    days = {d.date: d for week in march.weeks for d in week}
    assert (days[date(2026, 3, 15)].pain_score, days[date(2026, 3, 15)].pain_zone) == (7, "red")
    assert days[date(2026, 3, 16)].pain_score == 4
    # the month holding today reads the whole log for the plan, and shows the same days
    april = services.calendar_month(engine, "ana", date(2026, 4, 1), today=TODAY)
    first_april = next(d for week in april.weeks for d in week if d.date == date(2026, 4, 1))
    assert {a.id for a in first_april.activities} == by_day[date(2026, 4, 1)]
    assert any(d.plan is not None for week in april.weeks for d in week)


def test_the_current_month_shows_the_reports_plan_on_the_demo(sample_url: str) -> None:
    """The calendar computes the plan alone (report.build_plan, issue #27): the same days as
    This week's report, for every demo athlete, on several days."""
    engine = services.open_database(sample_url)
    try:
        names = [a.name for a in services.list_athletes(engine)]
        assert names
        for today in (
            date.fromisoformat(DEMO_TODAY),
            date.fromisoformat(DEMO_TODAY) - timedelta(days=9),
        ):
            for name in names:
                month = services.calendar_month(engine, name, today, today=today)
                shown = {d.date: d.plan for week in month.weeks for d in week if d.plan}
                report = services.report(engine, name, today, today=today)
                first, last = month.weeks[0][0].date, month.weeks[-1][-1].date
                wanted = {
                    p.date: p for p in report.plan if today <= p.date <= last and p.date >= first
                }
                assert shown == wanted, (name, today)
                assert shown, (name, today)
    finally:
        engine.dispose()
