"""Issue #14 in a real headless Chromium against a real Streamlit server: log a red pain day,
turn it into an injury in one tap, see the plan change and the squad mark the athlete, and
print the lead-up page (the screenshot docs/screenshots/injury-lead-up.png)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loadwatch import services
from tests.browser.conftest import screenshot_dir, wait_idle
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.browser
TODAY = date.fromisoformat(DEMO_TODAY)


def test_a_red_pain_day_becomes_an_injury_the_plan_and_squad_follow_and_the_lead_up_prints(
    serve, browser, demo_copy: str, tmp_path: Path
) -> None:
    base = serve(demo_copy)
    shots = screenshot_dir(tmp_path)
    page = browser.new_page(viewport={"width": 1300, "height": 1400}, accept_downloads=True)

    # 1. Log a red pain day (during 5, after 7) and turn it into an injury in one tap.
    page.goto(f"{base}/pain")
    wait_idle(page)
    sliders = page.get_by_role("slider")
    sliders.nth(0).focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    sliders.nth(1).focus()
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    page.locator("button", has_text="shin").first.click()
    page.get_by_role("button", name="Save").click()
    wait_idle(page)
    page.get_by_text("Pain zone: red").wait_for(timeout=30_000)
    page.get_by_role("button", name="Record an injury from this red day").click()
    wait_idle(page)
    page.get_by_text("Injury period recorded").wait_for(timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
    engine = services.open_database(demo_copy)
    (athlete,) = [  # the athlete the picker showed: the one with an injury now
        a.name
        for a in services.list_athletes(engine)
        if services.list_injuries(engine, a.name, today=TODAY)
    ]
    (injury,) = services.list_injuries(engine, athlete, today=TODAY)
    assert injury.is_ongoing and injury.location == "shin"

    # 2. The plan changes: no runs, cross-training that spares the shin.
    page.goto(base)
    wait_idle(page)
    page.get_by_text("Injury period since").first.wait_for(timeout=30_000)
    assert page.get_by_text("deep-water running").count() >= 1
    plan = services.report(engine, athlete, today=TODAY).plan
    assert not [p for p in plan if p.kind.value == "run" and not p.done]
    assert page.locator("[data-testid=stException]").count() == 0

    # 3. The squad marks the athlete as injured, with the days so far.
    page.goto(f"{base}/squad")
    wait_idle(page)
    page.get_by_text(f"{athlete} (day {injury.days}, shin)").wait_for(timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0

    # 4. The Injuries page, and its printable lead-up page printed.
    page.goto(f"{base}/injuries")
    wait_idle(page)
    page.get_by_text("Injured", exact=False).first.wait_for(timeout=30_000)
    frame = page.frame_locator("iframe").first
    frame.get_by_text("What came before: shin injury").wait_for(timeout=30_000)
    page.screenshot(path=str(shots / "injuries.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the printable page (HTML)").click()
    saved = tmp_path / "lead-up.html"
    download.value.save_as(saved)
    printed = browser.new_page(viewport={"width": 900, "height": 1270})
    printed.goto(saved.as_uri())
    printed.emulate_media(media="print")
    assert printed.get_by_text("Print this page").is_hidden()  # no buttons on paper
    assert printed.get_by_text("not medical advice", exact=False).count() == 1
    printed.screenshot(path=str(shots / "injury-lead-up.png"), full_page=True)
    pdf = printed.pdf(format="A4")  # the browser's own print to PDF
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    printed.close()
    page.close()
