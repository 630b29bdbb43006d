"""Club mode in the dashboard (issue #11), page by page with AppTest: the login gate, roles,
deep links, lockout and log out. The browser journeys are in tests/browser/test_club.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from loadwatch import services
from tests.conftest import ROOT
from tests.ui.apptest import texts

DEMO_NAMES = ("Ana", "Ben", "Dev", "Eli", "Gus")


@pytest.fixture
def club_db(app_env: pytest.MonkeyPatch, demo_copy: str) -> Iterator[Engine]:
    """The demo squad with accounts: admin root, coach kim (squad: Ana), runners Ana and Ben."""
    engine = services.open_database(demo_copy)
    for name, role in (("root", "admin"), ("kim", "coach"), ("Ana", "runner"), ("Ben", "runner")):
        services.add_user(engine, name, role, f"{name}-password")
    code = services.create_squad(engine, "Tuesday group", "kim").invite_code
    assert code
    services.join_squad(engine, code, "Ana")
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    app_env.setenv("LOADWATCH_CLUB", "1")
    yield engine
    engine.dispose()


def _app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if query:
        at.query_params.update(query)
    at.run()
    return at


def _log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login.username").input(name)
    at.text_input(key="login.password").input(password)
    at.button[0].click()  # the form's "Log in"
    return at.run()


def _everything(at: AppTest) -> str:
    widgets = [str(s.options) for s in at.selectbox] + [str(d.value) for d in at.dataframe]
    return texts(at) + "\n".join(widgets) + "\n".join(t.value for t in at.title)


def test_not_logged_in_shows_the_login_form_and_no_athlete_data(club_db: Engine) -> None:
    at = _app()
    labels = [t.label for t in at.text_input]
    assert labels == ["Username", "Password"]
    password = at.text_input(key="login.password").proto
    assert password.type == password.Type.PASSWORD  # masked, never shown as typed
    assert [b.label for b in at.button] == ["Log in"]
    shown = _everything(at)
    assert not any(name in shown for name in DEMO_NAMES), shown


def test_a_runner_sees_only_their_own_athlete(club_db: Engine) -> None:
    at = _log_in(_app(), "Ana", "Ana-password")
    assert not at.exception
    assert [s.options for s in at.sidebar.selectbox] == [["Ana"]]
    assert "Logged in as **Ana** (runner)" in texts(at)


def test_a_runner_deep_link_to_another_athlete_is_refused(club_db: Engine) -> None:
    at = _log_in(_app({"athlete": "Ben"}), "Ana", "Ana-password")
    assert [e.value for e in at.error] == ["not allowed: Ana may not see Ben's data"]
    assert "Ben" not in "\n".join(str(s.options) for s in at.selectbox)
    assert not at.metric  # nothing of anyone's week


def test_a_deep_link_survives_the_login(club_db: Engine) -> None:
    at = _log_in(_app({"athlete": "ana"}), "Ana", "Ana-password")
    assert at.sidebar.selectbox[0].value == "Ana"
    assert at.query_params["athlete"] == ["Ana"] or at.query_params["athlete"] == "Ana"


def test_the_coach_sees_the_squad_and_not_an_athlete_outside_it(club_db: Engine) -> None:
    at = _log_in(_app(), "kim", "kim-password")
    assert [s.options for s in at.sidebar.selectbox] == [["Ana"]]
    at.switch_page("loadwatch/ui/pages/squad_page.py").run()
    assert not at.exception
    shown = _everything(at)
    assert "Ana" in shown and "Ben" not in shown


def test_five_wrong_passwords_lock_the_name(club_db: Engine) -> None:
    at = _app()
    for _ in range(4):
        _log_in(at, "Ana", "wrong-password")
        assert [e.value for e in at.error] == ["wrong username or password"]
    _log_in(at, "Ana", "wrong-password")
    assert "locked for 15 more minutes" in at.error[0].value
    _log_in(at, "Ana", "Ana-password")  # the right password does not open a locked name
    assert "locked" in at.error[0].value
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_log_out_shows_the_login_form_again(club_db: Engine) -> None:
    at = _log_in(_app(), "Ana", "Ana-password")
    at.sidebar.button(key="navigation.log_out").click().run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert "You are logged out." in texts(at)


def test_a_disabled_account_is_logged_out_at_its_next_click(club_db: Engine) -> None:
    at = _log_in(_app(), "Ana", "Ana-password")
    services.disable_user(club_db, "Ana")
    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert "ended" in texts(at)


def test_a_runner_joins_a_squad_with_the_code_on_the_account_page(club_db: Engine) -> None:
    code = services.squad_invite(club_db, "Tuesday group")
    at = _log_in(_app(), "Ben", "Ben-password")
    at.switch_page("loadwatch/ui/pages/account_page.py").run()
    form_input = next(t for t in at.text_input if t.label == "Invite code from your coach")
    form_input.input(code.lower())
    next(b for b in at.button if b.label == "Join the squad").click().run()
    assert "You joined Tuesday group" in texts(at)
    kim = services.login(club_db, "kim", "kim-password").actor
    assert {r.athlete for r in services.squad_overview(club_db, actor=kim)} == {"Ana", "Ben"}


def test_personal_mode_has_no_login(app_env: pytest.MonkeyPatch, demo_copy: str) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    app_env.delenv("LOADWATCH_CLUB", raising=False)
    at = _app({"athlete": "Ben"})
    assert not at.text_input or at.text_input[0].label != "Username"
    assert at.sidebar.selectbox[0].value == "Ben"


def test_a_runner_imports_only_for_themselves_and_the_limits_are_stated(club_db: Engine) -> None:
    at = _log_in(_app(), "Ana", "Ana-password")
    at.switch_page("loadwatch/ui/pages/import_page.py").run()
    assert not at.exception
    assert at.selectbox(key="import_page.athlete").options == ["Ana"]  # no "New athlete..."
    limits = "\n".join(c.value for c in at.caption)
    assert "MB per file" in limits and "MB per import" in limits
