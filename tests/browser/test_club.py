"""Club mode in a real headless Chromium against `loadwatch dashboard --club` (issue #11)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from loadwatch import services
from tests.browser.conftest import _free_port, screenshot_dir, wait_idle, wait_until_healthy
from tests.conftest import DEMO_TODAY, ROOT

pytestmark = pytest.mark.browser


@pytest.fixture
def club_server(demo_copy: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """The demo squad with accounts, served by `loadwatch dashboard --club` on a free port."""
    engine = services.open_database(demo_copy)
    for name, role in (("root", "admin"), ("kim", "coach"), ("Ana", "runner"), ("Ben", "runner")):
        services.add_user(engine, name, role, f"{name}-password")
    code = services.create_squad(engine, "Tuesday group", "kim").invite_code
    assert code
    services.join_squad(engine, code, "Ana")
    engine.dispose()
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> str:
        port = _free_port()
        env = {**os.environ, "LOADWATCH_TODAY": DEMO_TODAY}
        log = (tmp_path / "club.log").open("wb")
        command = [sys.executable, "-m", "loadwatch", "--db", demo_copy, "dashboard", "--club"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        procs.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
        return wait_until_healthy(f"http://127.0.0.1:{port}", log.name)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=20)


def _log_in(page, name: str, password: str) -> None:
    page.get_by_role("textbox", name="Username").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    wait_idle(page)


def test_not_logged_in_the_login_form_and_no_athlete_data(club_server, browser) -> None:
    base = club_server()
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(f"{base}/pain?athlete=Ben")
    wait_idle(page)
    assert page.get_by_role("textbox", name="Username").count() == 1
    assert page.get_by_role("button", name="Log in").count() == 1
    body = page.locator("[data-testid=stApp]").inner_text()
    assert not any(name in body for name in ("Ana", "Ben", "Dev", "Eli", "Gus")), body
    page.close()


def test_a_runner_is_refused_another_athlete_and_logs_pain_for_themselves(
    club_server, browser, tmp_path: Path
) -> None:
    base = club_server()
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{base}/pain?athlete=Ben")
    wait_idle(page)
    _log_in(page, "Ana", "Ana-password")
    page.get_by_text("not allowed: Ana may not see Ben's data").wait_for(timeout=30_000)
    assert "Saving pain for" not in page.locator("[data-testid=stApp]").inner_text()
    page.goto(f"{base}/pain?athlete=Ana")  # the bookmark a runner keeps on the phone
    wait_idle(page)
    _log_in(page, "Ana", "Ana-password")  # a new browser session: log in again
    page.get_by_text("Saving pain for").wait_for(timeout=30_000)
    assert "Ana" in page.get_by_text("Saving pain for").inner_text()
    page.screenshot(path=str(screenshot_dir(tmp_path) / "club-log-pain-phone.png"))
    page.close()


def test_the_coach_sees_the_squad_and_not_an_athlete_outside_it(
    club_server, browser, tmp_path: Path
) -> None:
    base = club_server()
    page = browser.new_page(viewport={"width": 1300, "height": 1200})
    page.goto(f"{base}/squad")
    wait_idle(page)
    _log_in(page, "kim", "kim-password")
    page.get_by_text("Logged in as").wait_for(timeout=30_000)
    # The sidebar says so first; the squad table comes with the same run, once it has finished.
    # The table is drawn on a canvas; its cells are in the page as an accessible grid, hidden
    # until the canvas has laid them out, so the name is waited for in the page, not on screen.
    main = page.locator("[data-testid=stMain]")
    main.get_by_text("Ana").first.wait_for(state="attached", timeout=30_000)
    wait_idle(page)
    body = main.text_content() or ""
    assert "Ana" in body and "Ben" not in body, body
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(screenshot_dir(tmp_path) / "club-coach-squad.png"))
    page.goto(f"{base}/?athlete=Ben")
    wait_idle(page)
    _log_in(page, "kim", "kim-password")
    page.get_by_text("not allowed: kim may not see Ben's data").wait_for(timeout=30_000)
    page.close()


def test_five_wrong_passwords_lock_and_log_out_shows_the_form(club_server, browser) -> None:
    base = club_server()
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(base)
    wait_idle(page)
    for _ in range(5):
        _log_in(page, "Ben", "not-his-password")
    page.get_by_text("locked for 15 more minutes").wait_for(timeout=30_000)
    _log_in(page, "Ana", "Ana-password")
    page.get_by_role("button", name="Log out").click()
    wait_idle(page)
    page.get_by_text("You are logged out.").wait_for(timeout=30_000)
    assert page.get_by_role("textbox", name="Username").count() == 1
    page.close()
