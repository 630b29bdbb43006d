"""Issue #22 through AppTest: This week's strength card ("Done as planned" in one tap, the
sessions against the target and the adherence) and the Strength page's session form with the
programme's targets filled in, adjusted per exercise, for another day; the self-test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loadwatch import services
from loadwatch.synth import fit_bytes, make_track
from tests.conftest import DEMO_TODAY
from tests.ui.apptest import open_page, texts

TODAY = date.fromisoformat(DEMO_TODAY)  # Saturday 21 November 2026


@pytest.fixture
def runner(db_url: str) -> str:
    """Ana: 8 km every other day for three weeks up to yesterday, nothing else logged."""
    engine = services.open_database(db_url)
    files = []
    for back in range(1, 22, 2):
        day = TODAY - timedelta(days=back)
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
        track = make_track(start, 8000, 330, seed=back, interval_s=30)
        files.append((f"run-{day}.fit", fit_bytes([track])))
    services.import_uploads(engine, files, athlete="ana", today=TODAY)
    engine.dispose()
    return db_url


def _report(db_url: str) -> dict:
    engine = services.open_database(db_url)
    try:
        return services.report_json(services.report(engine, "ana", today=TODAY))
    finally:
        engine.dispose()


def test_done_as_planned_on_this_week_logs_the_targets_and_the_plan_shows_it_done(
    runner: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", runner)
    at = open_page("this_week")
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Strength this week"] == "0 of 2"
    assert metrics["Last 4 weeks"] == "0%"
    assert "Clamshell 3 x 10 reps" in at.text[0].value
    assert _report(runner)["strength"]["sessions_this_week"] == 0
    at.button(key="strength_card.done").click().run()
    assert not at.exception, at.exception
    assert "Saved today's session: 4 exercises at their targets." in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Strength this week"] == "1 of 2"
    assert metrics["Last 4 weeks"] == "12%"  # 1 of 4 x 2
    assert "strength_card.done" not in [b.key for b in at.button]
    data = _report(runner)
    assert data["strength"]["sessions_this_week"] == 1
    assert data["strength"]["last_session_date"] == DEMO_TODAY
    today = next(p for p in data["plan"] if p["date"] == DEMO_TODAY)
    assert (today["kind"], today["done"]) == ("strength", True)


def test_the_session_form_opens_with_the_targets_and_saves_adjustments_for_another_day(
    runner: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", runner)
    at = open_page("strength")
    assert not at.exception, at.exception
    assert at.title[0].value == "Strength"
    assert "the default runner's-knee programme" in at.caption[0].value
    assert at.number_input(key=f"strength_page.{TODAY}.squat.amount").value == 10
    assert at.number_input(key=f"strength_page.{TODAY}.squat.sets").value == 3
    yesterday = TODAY - timedelta(days=1)
    at.date_input(key="strength_page.day").set_value(yesterday).run()
    at.number_input(key=f"strength_page.{yesterday}.squat.amount").set_value(12)
    at.number_input(key=f"strength_page.{yesterday}.squat.load").set_value(5.0)
    at.slider(key=f"strength_page.{yesterday}.squat.pain").set_value(3)
    at.checkbox(key=f"strength_page.{yesterday}.step-up.done").uncheck()
    at.button[0].click().run()  # the form's "Save session"
    assert not at.exception, at.exception
    assert "Saved the session of Fri 20 Nov." in texts(at)
    engine = services.open_database(runner)
    (session,) = services.list_strength(engine, "ana")
    engine.dispose()
    assert session.session_date == yesterday
    squat = next(s for s in session.sets if s.exercise == "squat")
    assert (squat.sets, squat.reps, squat.load_kg, squat.pain) == (3, 12, 5.0, 3)
    assert "step-up" not in {s.exercise for s in session.sets}
    # the saved day opens with its own values: an edit
    assert at.number_input(key=f"strength_page.{yesterday}.squat.amount").value == 12


def test_a_self_test_is_saved_and_shown_as_a_trend(runner: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", runner)
    at = open_page("strength")
    at.radio(key="strength_page.leg").set_value("right")
    at.radio(key="strength_page.result").set_value("inward")
    next(b for b in at.button if b.label == "Save test").click().run()
    assert not at.exception, at.exception
    assert "Saved: right leg, the knee moved inward." in texts(at)
    tables = [d.value for d in at.dataframe]
    (trend,) = [t for t in tables if list(t.columns) == ["date", "left", "right"]]
    assert trend[["left", "right"]].values.tolist() == [["", "inward"]]
