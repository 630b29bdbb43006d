"""Issue #12 part A in a real headless Chromium: an old log's "your last run was" link opens
that week; an activity opened from the list shows its route and curves; the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.synth import fit_bytes, make_track
from tests.browser.conftest import screenshot_dir, wait_idle

pytestmark = pytest.mark.browser
OLD_DAYS = (date(2015, 11, 20), date(2015, 11, 24), date(2015, 11, 27))


@pytest.mark.slow  # a history of old runs imported first
def test_old_runs_say_when_the_last_run_was_and_the_link_opens_that_week(
    serve, browser, db_url: str, tmp_path: Path
) -> None:
    base = serve(db_url)
    paths = []
    for index, day in enumerate(OLD_DAYS):
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
        path = tmp_path / f"old-{day}.fit"
        track = make_track(start, 8000 + 2000 * index, 330, seed=index, interval_s=5)
        path.write_bytes(fit_bytes([track], utc_offset_s=3600))
        paths.append(str(path))
    page = browser.new_page(viewport={"width": 1300, "height": 1600})
    page.goto(f"{base}/import")
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(paths)
    wait_idle(page)
    page.get_by_role("button", name="Import").click()
    page.get_by_text("3 imported").wait_for(timeout=60_000)
    page.goto(base)
    wait_idle(page)
    # opened without a day after a long break: the last run's week (issue #24)
    page.get_by_text("as of Friday 27 November 2015").wait_for(timeout=30_000)
    page.get_by_text("Your last run was Fri 27 Nov 2015, 10 years ago").wait_for(timeout=30_000)
    assert page.locator("[data-testid=stMetricValue]").first.inner_text() == "22.0 km"
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(screenshot_dir(tmp_path) / "this-week-old-log.png"))
    page.get_by_role("button", name="Back to today").click()
    wait_idle(page)
    page.get_by_text("as of Saturday 21 November 2026").wait_for(timeout=30_000)
    assert "as_of" not in page.url
    page.get_by_role("link", name="Open the week of Fri 27 Nov 2015").click()
    wait_idle(page)
    page.get_by_text("as of Friday 27 November 2015").wait_for(timeout=30_000)
    page.screenshot(path=str(screenshot_dir(tmp_path) / "this-week-any-week.png"))
    # any week is a link of its own: ?as_of= opens it
    page.goto(f"{base}/?as_of=2015-11-24")
    wait_idle(page)
    page.get_by_text("as of Tuesday 24 November 2015").wait_for(timeout=30_000)
    page.close()


def test_an_activity_opened_from_the_list_shows_its_route_and_curves(
    demo_server: str, browser, tmp_path: Path
) -> None:
    base = demo_server
    page = browser.new_page(viewport={"width": 1300, "height": 2000})
    page.goto(f"{base}/activities")
    wait_idle(page)
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('activity=')", timeout=30_000)
    first = page.url  # the newest activity is open: ?activity=ID
    box = grid.bounding_box()
    assert box is not None
    # The third row's selection cell (the header and each row are 35 px high).
    page.mouse.click(box["x"] + 15, box["y"] + 35 * 3 + 17)
    wait_idle(page)
    page.wait_for_function("first => location.href !== first", arg=first, timeout=30_000)
    wait_idle(page)  # the address changes first; the run that draws the activity may follow
    assert "activity=" in page.url
    charts = page.locator("[data-testid=stPlotlyChart]")
    assert charts.count() == 2
    for index in range(2):
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).locator(".main-svg").first.wait_for(timeout=30_000)
    outline = charts.nth(0)
    assert outline.get_by_text("Route").count() >= 1
    assert outline.locator("path.js-line").count() >= 1  # the route is drawn
    curves = charts.nth(1)
    assert curves.get_by_text("heart rate (bpm)").count() == 1
    assert page.locator("[data-testid=stException]").count() == 0
    outline.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir(tmp_path) / "activity.png"), full_page=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "activities-list.png"))
    page.close()


def test_the_calendar_opens_an_activity(demo_server: str, browser, tmp_path: Path) -> None:
    base = demo_server
    page = browser.new_page(viewport={"width": 1400, "height": 1500})
    page.goto(f"{base}/calendar")
    wait_idle(page)
    page.get_by_text("November 2026").first.wait_for(timeout=30_000)
    assert page.get_by_text("plan ≤").count() >= 1
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(screenshot_dir(tmp_path) / "calendar.png"), full_page=True)
    links = page.locator("[data-testid=stPageLink] a[href*='activity=']")
    href = links.first.get_attribute("href") or ""
    links.first.click()
    wait_idle(page)
    page.get_by_text("Sources").first.wait_for(timeout=30_000)
    assert href.split("activity=")[-1] in page.url
    page.close()
