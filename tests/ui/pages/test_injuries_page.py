"""The Injuries page and the pain page's one tap (issue #14) through AppTest."""

from __future__ import annotations

from datetime import date, timedelta

from loadwatch import services
from tests.conftest import DEMO_TODAY
from tests.ui.apptest import open_page, texts

TODAY = date.fromisoformat(DEMO_TODAY)


def test_the_page_says_what_to_do_with_an_empty_database(db_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", db_url)
    at = open_page("injuries")
    assert not at.exception, at.exception
    assert at.title[0].value == "Injuries"
    assert "import your runs" in texts(at)


def test_an_ongoing_injury_its_end_and_the_return_ladder(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    engine = services.open_database(demo_copy)
    services.add_injury(
        engine,
        "Ana",
        start=TODAY - timedelta(days=6),
        location="shin",
        side="left",
        note="physio: shin splints, two weeks",
        today=TODAY,
    )
    at = open_page("injuries", athlete="Ana")
    assert not at.exception, at.exception
    (warning,) = at.warning
    assert warning.value.startswith("**Injured** since Sun 15 Nov (left shin): day 7")
    assert "physio: shin splints" in texts(at)
    assert [b.label for b in at.get("download_button")] == ["Download the printable page (HTML)"]
    assert "your own pattern" in texts(at).lower()
    submit = next(b for b in at.button if b.label.startswith("End the injury period"))
    submit.click().run()
    assert not at.exception, at.exception
    assert "Injury period ended: the return ladder starts." in texts(at)
    assert any(i.value.startswith("**Return to running**") for i in at.info)
    assert "step 1 of" in texts(at)
    report = services.report(engine, "Ana", today=TODAY)
    assert report.injury is not None and report.injury.is_returning


def test_a_red_pain_day_becomes_an_injury_in_one_tap(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    at = open_page("pain", athlete="Ana")
    at.slider(key="pain_page.during").set_value(5)
    at.slider(key="pain_page.after").set_value(7)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    assert any("Pain zone: **red**" in e.value for e in at.error)
    at.button(key="pain_page.to_injury").click().run()
    assert not at.exception, at.exception
    assert any("Injury period recorded" in s.value for s in at.success)
    engine = services.open_database(demo_copy)
    (injury,) = services.list_injuries(engine, "Ana", today=TODAY)
    assert injury.is_ongoing and injury.pain_entry_id is not None
    plan = services.report(engine, "Ana", today=TODAY).plan
    assert not [p for p in plan if p.kind.value == "run" and not p.done]


def test_a_red_entry_in_the_list_becomes_an_injury_in_one_tap(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    engine = services.open_database(demo_copy)
    entry = services.log_pain(engine, "Ana", during=6, after=8, location="achilles", today=TODAY)
    at = open_page("pain", athlete="Ana")
    at.button(key=f"pain_page.injury.{entry.id}").click().run()
    assert not at.exception, at.exception
    assert any("Injury period recorded: achilles" in s.value for s in at.success)
    (injury,) = services.list_injuries(engine, "Ana", today=TODAY)
    assert injury.pain_entry_id == entry.id
