"""Issue #24 in a real headless Chromium, on a laptop (1300x1000) and a phone (390x844): every
page of the demo, then a ten-year-old log and a Strava export with a rejected file. Each page is
screenshotted (docs/screenshots with LOADWATCH_SCREENSHOT_DIR) and checked for what a new user
tripped over: an exception, a page wider than the phone, a cut-off link."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch import services
from loadwatch.synth import fit_bytes, make_track
from tests.browser.conftest import screenshot_dir
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.browser
VIEWPORTS = {"desktop": (1300, 1000), "phone": (390, 844)}
PAGES = ("", "pain", "injuries", "import", "activities", "calendar", "shoes", "squad", "settings")
LAST_RUN = date(2024, 7, 9)


def wait_idle(page) -> None:
    """conftest's wait, with room for a busy machine (a tall page at 2 cores shared)."""
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=180_000
    )
    page.wait_for_timeout(300)


def _open(browser, size: str):
    width, height = VIEWPORTS[size]
    if size == "phone":
        return browser.new_page(
            viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
        )
    return browser.new_page(viewport={"width": width, "height": height})


def _check(page, size: str) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    if size == "phone":  # nothing wider than the phone: no sideways scrolling
        overflow = page.evaluate(
            "() => document.querySelector('[data-testid=stMain]').scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, f"{page.url} is {overflow} px wider than the phone"
    for link in page.locator("[data-testid=stPageLink] p").all():  # no "Start with my own da"
        if link.is_visible():
            assert link.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), link.inner_text()


def _shot(page, path: Path, size: str) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window is made as
    tall as the page for the picture (its width, what the layout depends on, stays)."""
    width, height = VIEWPORTS[size]
    full = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(full, height), 8000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), timeout=120_000)
    page.set_viewport_size({"width": width, "height": height})


@pytest.mark.slow  # every page at one size, with a full-page picture of each
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_every_demo_page_fits_a_laptop_and_a_phone(
    demo_server: str, browser, tmp_path: Path, size: str
) -> None:
    base = demo_server
    page = _open(browser, size)
    for path in PAGES:
        page.goto(f"{base}/{path}?athlete=Ana")
        wait_idle(page)
        page.locator("h1").first.wait_for(timeout=30_000)
        _check(page, size)
        name = path or "this-week"
        _shot(page, screenshot_dir(tmp_path) / f"history-{name}-{size}.png", size)
    page.goto(f"{base}/calendar?athlete=Ana")
    wait_idle(page)
    if size == "phone":  # a week list with weekdays and units, not a column of day cards
        list_box = page.locator(".st-key-calendar_list")
        assert list_box.is_visible() and not page.locator(".st-key-calendar_grid").is_visible()
        assert list_box.get_by_text("Week from Mon 16 Nov").is_visible()
        assert (
            list_box.locator("[data-testid=stPageLink] p")
            .first.inner_text()
            .startswith(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
        )
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        assert height < 4000, f"the phone's calendar is {height} px long"
    else:
        assert page.locator(".st-key-calendar_grid").is_visible()
    page.goto(f"{base}/squad")
    wait_idle(page)
    page.get_by_text("Why, in full").wait_for(timeout=30_000)
    assert page.get_by_text("Ben's 30.8 km run on Fri 20 Nov").count() >= 1  # to the coach
    page.close()


def _old_files(tmp_path: Path) -> list[str]:
    paths = []
    days = (date(2016, 3, 6), date(2019, 5, 12), date(2024, 7, 2), date(2024, 7, 7), LAST_RUN)
    for index, day in enumerate(days):
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
        path = tmp_path / f"run-{day}.fit"
        track = make_track(start, 10_000, 330, seed=index, interval_s=10)
        path.write_bytes(fit_bytes([track], utc_offset_s=7200))
        paths.append(str(path))
    ride_day = datetime(2024, 7, 6, 8, tzinfo=UTC)
    ride = tmp_path / "ride-2024-07-06.fit"
    ride.write_bytes(
        fit_bytes([make_track(ride_day, 30_000, 126, seed=9, interval_s=10, sport="ride")])
    )
    return [*paths, str(ride)]


def _strava_export(tmp_path: Path) -> str:
    start = datetime(2024, 6, 30, 7, tzinfo=UTC)
    good = fit_bytes([make_track(start, 7000, 320, seed=11, interval_s=10)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(
            "activities.csv",
            "Activity ID,Activity Date,Activity Name,Activity Type,Filename\n"
            '1,"Jun 30, 2024, 7:00:00 AM",Sunday long run,Run,activities/1.fit.gz\n'
            '5,"Jun 29, 2024, 6:15:00 PM",Hill repeats,Run,activities/1000000005.fit\n',
        )
        out.writestr("activities/1.fit.gz", gzip.compress(good))
        out.writestr("activities/1000000005.fit", good[: len(good) // 2])
    path = tmp_path / "export_48151623.zip"
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.slow  # ten years of files imported, then the pages
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_ten_year_old_log_opens_where_the_runs_are(
    serve, browser, db_url: str, tmp_path: Path, size: str
) -> None:
    engine = services.open_database(db_url)
    services.start_athlete(
        engine,
        "Ana",
        shoe="Blue Pegasus",
        shoe_starting_m=120_000,
        shoe_first_used_on=date.fromisoformat(DEMO_TODAY),
    )
    engine.dispose()
    base = serve(db_url)
    page = _open(browser, size)
    shots = screenshot_dir(tmp_path)
    page.goto(f"{base}/import")
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(
        [*_old_files(tmp_path), _strava_export(tmp_path)]
    )
    wait_idle(page)
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Ana: 7 imported, 1 rejected.").wait_for(timeout=90_000)
    page.get_by_text("'Hill repeats' of Sat 29 Jun 2024 18:15 UTC in activities.csv").wait_for()
    wait_idle(page)
    _check(page, size)
    _shot(page, shots / f"history-import-result-{size}.png", size)
    page.get_by_role("link", name="Open the week of 09 Jul 2024").click()
    wait_idle(page)
    page.get_by_text("as of Tuesday 09 July 2024").wait_for(timeout=30_000)
    _check(page, size)
    _shot(page, shots / f"history-old-log-week-{size}.png", size)
    page.goto(f"{base}/?athlete=Ana")  # opened without a day: the last run's week
    wait_idle(page)
    page.get_by_text("Your last run was Tue 09 Jul 2024, 2 years ago: this is its week.").wait_for(
        timeout=30_000
    )
    page.goto(f"{base}/calendar?athlete=Ana")
    wait_idle(page)
    page.get_by_text("Your last activity was on Tue 09 Jul 2024").wait_for(timeout=30_000)
    _check(page, size)
    _shot(page, shots / f"history-old-log-calendar-{size}.png", size)
    page.goto(f"{base}/pain?athlete=Ana")
    wait_idle(page)
    page.get_by_text("Your latest run was on Tue 09 Jul 2024").wait_for(timeout=30_000)
    _check(page, size)
    _shot(page, shots / f"history-old-log-pain-{size}.png", size)
    page.goto(f"{base}/shoes?athlete=Ana")
    wait_idle(page)
    page.get_by_text("120 km of 805 km").wait_for(timeout=30_000)
    assert page.get_by_text("no runs yet").count() >= 1
    _check(page, size)
    _shot(page, shots / f"history-new-pair-{size}.png", size)
    page.goto(f"{base}/activities?athlete=Ana")
    wait_idle(page)
    page.get_by_role("combobox").first.wait_for(timeout=30_000)
    page.close()
