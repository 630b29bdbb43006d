"""Issue #12 part B in a real headless Chromium: the coach snoozes a flag with a note and finds
it kept after a reload."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.browser.conftest import screenshot_dir, wait_idle

pytestmark = pytest.mark.browser
NOTE = "spoke to Dev, easy week"


def test_coach_snoozes_a_flag_with_a_note_and_it_is_kept_after_a_reload(
    serve, browser, sample_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "squad.db"
    shutil.copy(str(make_url(sample_url).database), copy)
    base = serve(f"sqlite:///{copy}")
    page = browser.new_page(viewport={"width": 1400, "height": 1500})
    page.goto(f"{base}/squad")
    wait_idle(page)
    page.get_by_text("7 athletes").wait_for(timeout=30_000)
    page.get_by_label("Note (kept, shown only to you)").fill(NOTE)  # Dev: first row, chosen
    page.get_by_text("Snooze 7 days").click()
    page.get_by_role("button", name="Save note").click()
    wait_idle(page)
    page.reload()
    wait_idle(page)
    page.get_by_text("7 athletes").wait_for(timeout=30_000)
    page.locator("[data-testid=stSelectbox]").filter(has_text="Athlete").last.click()
    page.get_by_role("option", name="Dev", exact=True).click()
    wait_idle(page)
    page.get_by_text(f"Coach Kim: {NOTE}").wait_for(timeout=30_000)  # the note, kept
    assert page.get_by_text("Pain snoozed until Sat 28 Nov").count() >= 1
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(screenshot_dir(tmp_path) / "squad-triage.png"), full_page=True)
    page.close()
