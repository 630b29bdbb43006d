"""The three journeys in a real headless Chromium against a real Streamlit server."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch import services
from loadwatch.synth import fit_bytes, gpx_bytes, make_track
from tests.browser.conftest import screenshot_dir, wait_idle
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.browser
TODAY = date.fromisoformat(DEMO_TODAY)


def test_runner_uploads_a_fit_and_a_gpx_and_sees_the_week_and_its_warning(
    serve, browser, db_url: str, tmp_path: Path
) -> None:
    base = serve(db_url)
    before = datetime.combine(
        TODAY - timedelta(days=9), datetime.min.time(), tzinfo=UTC
    ) + timedelta(hours=7)
    recent = datetime.combine(
        TODAY - timedelta(days=2), datetime.min.time(), tzinfo=UTC
    ) + timedelta(hours=7)
    fit_path, gpx_path = tmp_path / "easy-10k.fit", tmp_path / "long-16k.gpx"
    fit_path.write_bytes(
        fit_bytes([make_track(before, 10_000, 330, seed=1, interval_s=5)], utc_offset_s=3600)
    )
    gpx_path.write_bytes(gpx_bytes(make_track(recent, 16_000, 330, seed=2, interval_s=5)))
    page = browser.new_page(viewport={"width": 1300, "height": 1800})
    page.goto(f"{base}/import")
    wait_idle(page)
    page.locator("input[type=file]").set_input_files([str(fit_path), str(gpx_path)])
    wait_idle(page)
    page.get_by_role("button", name="Import").click()
    page.get_by_text("2 imported").wait_for(timeout=60_000)
    wait_idle(page)  # the result table and the links render after the summary line
    page.screenshot(path=str(screenshot_dir(tmp_path) / "import.png"))
    page.get_by_role("link", name=re.compile("Open the week of")).click()
    wait_idle(page)
    page.get_by_text("Moderate spike").wait_for(timeout=30_000)
    assert page.get_by_text("1.60x the longest run of the 30 days before it").count() == 1
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(screenshot_dir(tmp_path) / "this-week-after-upload.png"))
    page.close()


def test_runner_logs_knee_pain_of_6_on_a_phone_and_sees_red_and_cross_training(
    serve, browser, demo_copy: str, tmp_path: Path
) -> None:
    base = serve(demo_copy)
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{base}/pain")
    wait_idle(page)
    sliders = page.get_by_role("slider")
    sliders.nth(0).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    sliders.nth(1).focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    page.locator("button", has_text="knee front").click()
    page.get_by_role("button", name="Save").click()
    wait_idle(page)
    page.get_by_text("Pain zone: red").wait_for(timeout=30_000)
    assert page.get_by_text("Suggested cross-training").count() == 1
    assert page.get_by_text("swimming or pool running").count() >= 1
    page.screenshot(path=str(screenshot_dir(tmp_path) / "pain-phone.png"), full_page=True)
    page.close()


def test_coach_sees_the_riskiest_runner_first_and_opens_her_page(
    demo_server: str, browser, sample_url: str, tmp_path: Path
) -> None:
    base = demo_server
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(f"{base}/squad")
    wait_idle(page)
    page.get_by_text("7 athletes").wait_for(timeout=30_000)
    page.screenshot(path=str(screenshot_dir(tmp_path) / "squad.png"))
    # the athletes, in the table's order (issue #12: the triage's, worst status first)
    picker = page.locator("[data-testid=stSelectbox]").filter(has_text="Athlete").last
    picker.get_by_role("combobox").click()  # the combobox opens its list from the keyboard
    page.keyboard.press("ArrowDown")
    page.get_by_role("option").first.wait_for(timeout=30_000)  # the list opens after the click
    options = [o.inner_text().strip() for o in page.get_by_role("option").all()]
    expected = services.squad_overview(services.open_database(sample_url), TODAY, today=TODAY)
    assert options == [row.athlete for row in expected]
    assert options[0] == "Dev"  # red pain that has not settled outranks every load warning
    page.keyboard.press("Escape")
    page.get_by_test_id("stBaseButton-primary").click()
    wait_idle(page)
    page.get_by_text("Dev · as of").wait_for(timeout=30_000)
    advice = page.get_by_text("consider seeing a physiotherapist or sports doctor")
    advice.first.wait_for(timeout=30_000)  # the alerts render after the heading
    wait_idle(page)
    assert advice.count() == 1
    page.close()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("", "this-week"),
        ("pain", "pain"),
        ("import", "import-empty"),
        ("activities", "activities"),
        ("shoes", "shoes"),
        ("squad", "squad-table"),
        ("settings", "settings"),
    ],
)
def test_every_page_renders_in_a_real_browser(
    demo_server: str, browser, tmp_path: Path, path: str, name: str
) -> None:
    base = demo_server
    page = browser.new_page(viewport={"width": 1300, "height": 2200})
    page.goto(f"{base}/{path}")
    wait_idle(page)
    page.locator("h1").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
    charts = page.locator("[data-testid=stPlotlyChart]")
    for index in range(charts.count()):  # every chart draws, not just an empty frame
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).locator(".main-svg").first.wait_for(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshot_dir(tmp_path) / f"{name}.png"))
    page.close()
