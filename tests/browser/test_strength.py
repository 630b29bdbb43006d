"""Issue #22 in a real headless Chromium at phone size (390x844) against a real Streamlit server:
"Done as planned" from This week in one tap, the plan's strength day done, the adherence on This
week and the session form with the targets filled in (docs/screenshots/strength-*.png)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch import services
from loadwatch.synth import fit_bytes, make_track
from tests.browser.conftest import screenshot_dir, wait_idle
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.browser
TODAY = date.fromisoformat(DEMO_TODAY)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def runner(db_url: str) -> str:
    """Ana: 8 km every other day for three weeks up to yesterday; a strength session 6 days
    ago, so the adherence is not zero."""
    engine = services.open_database(db_url)
    files = []
    for back in range(1, 22, 2):
        day = TODAY - timedelta(days=back)
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
        files.append((f"run-{day}.fit", fit_bytes([make_track(start, 8000, 330, seed=back)])))
    services.import_uploads(engine, files, athlete="ana", today=TODAY)
    services.log_strength_as_planned(engine, "ana", on_date=TODAY - timedelta(days=6), today=TODAY)
    engine.dispose()
    return db_url


def test_done_as_planned_from_this_week_on_a_phone(
    serve, browser, runner: str, tmp_path: Path
) -> None:
    base = serve(runner)
    shots = screenshot_dir(tmp_path)
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(base)  # This week
    wait_idle(page)
    card = page.locator(".st-key-strength_card")
    card.wait_for(timeout=60_000)
    card.scroll_into_view_if_needed()
    assert "0 of 2" in card.inner_text()  # the session 6 days ago was last week
    card.screenshot(path=str(shots / "strength-this-week-before.png"))
    taps = 0
    page.get_by_role("button", name="Done as planned").tap()
    taps += 1
    wait_idle(page)
    page.get_by_text("Saved today's session: 4 exercises at their targets.").wait_for(
        timeout=30_000
    )
    assert taps <= 3
    card = page.locator(".st-key-strength_card")
    card.scroll_into_view_if_needed()
    text = card.inner_text()
    assert "1 of 2" in text
    assert "25%" in text  # 2 sessions in the last 28 days of 4 x 2
    # the run that saved it may still be finishing: Streamlit removes the stale button at its end
    page.get_by_role("button", name="Done as planned").wait_for(state="detached", timeout=30_000)
    assert page.get_by_text("strength (done)").count() == 1  # the plan's day card
    assert page.locator("[data-testid=stException]").count() == 0
    card.screenshot(path=str(shots / "strength-adherence.png"))

    # The session form: the programme's targets filled in (today's session as logged).
    page.get_by_role("link", name="Adjust or log another day").tap()
    wait_idle(page)
    page.get_by_role("heading", name="Strength").first.wait_for(timeout=30_000)
    form = page.locator("[data-testid=stForm]").first
    form.wait_for(timeout=30_000)
    page.get_by_text("Pain during it (0-10)").last.wait_for(timeout=30_000)
    wait_idle(page)
    assert "Clamshell · target 3 x 10 reps" in form.inner_text()  # the day's own targets
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(shots / "strength-session-form.png"))
    page.close()
