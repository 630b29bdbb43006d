"""Issue #25 in the dashboard: the plan as a calendar file on This week, the coach's digest
address and what digests said about a runner on the Account page."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from loadwatch import services
from tests.conftest import ROOT
from tests.ui.apptest import open_page, texts

PASSWORD = "Tq7vZp2-river-lamp-91"  # noqa: S105 - test accounts


def test_this_week_offers_the_plan_as_an_ics_download(sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("this_week", "Ana")
    assert not at.exception
    (button,) = [b for b in at.get("download_button") if "calendar" in b.proto.label]
    assert button.proto.label == "Add the plan to my calendar (.ics)"
    report = services.report(services.open_database(sample_url), "Ana", today=services.today())
    data = services.plan_ical("Ana", report.plan, report.units)
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [p.date for p in report.plan]


@pytest.fixture
def club(app_env: pytest.MonkeyPatch, demo_copy: str) -> Engine:
    engine = services.open_database(demo_copy)
    services.add_user(engine, "kim", "coach", PASSWORD)
    services.add_user(engine, "Ana", "runner", PASSWORD)
    code = services.create_squad(engine, "Tuesday group", "kim").invite_code
    services.join_squad(engine, code or "", "Ana")
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    app_env.setenv("LOADWATCH_CLUB", "1")
    return engine


def _logged_in(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.text_input(key="login.username").input(name)
    at.text_input(key="login.password").input(PASSWORD)
    at.button[0].click()
    at.run()
    at.switch_page("loadwatch/ui/pages/account_page.py")
    return at.run()


def test_a_coach_sets_the_digest_address_and_a_bad_one_is_one_line(club: Engine) -> None:
    at = _logged_in("kim")
    assert not at.exception
    field = next(t for t in at.text_input if t.label == "Email address")
    field.input("not-an-address")
    next(b for b in at.button if b.label == "Save the address").click()
    at.run()
    assert [e.value for e in at.error] == [
        "'not-an-address' is not an email address like ana@example.org"
    ]
    field = next(t for t in at.text_input if t.label == "Email address")
    field.input("kim@club.example")
    next(b for b in at.button if b.label == "Save the address").click()
    at.run()
    assert [s.value for s in at.success] == ["Saved."]
    assert services.coach_digest(club, "kim").to_address == "kim@club.example"


def test_a_runner_sees_what_a_digest_said_about_them(club: Engine) -> None:
    digest = services.coach_digest(club, "kim", to_address="kim@club.example")
    services.record_sent(club, digest)
    at = _logged_in("Ana")
    assert not at.exception
    assert "What coaches' digests said about you" in [h.value for h in at.subheader]
    (table,) = [d for d in at.dataframe if "what it said" in d.value.columns]
    assert list(table.value["to"]) == ["kim"]
    assert "No digest has mentioned you" not in texts(at)
