"""Issue #25: the digest's HTML part in a real headless Chromium at phone width (390x844)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from loadwatch import services
from tests.browser.conftest import screenshot_dir
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.browser


def test_the_digest_reads_on_a_phone_without_sideways_scrolling(
    browser, sample_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "squad.db"
    shutil.copy(str(make_url(sample_url).database), copy)
    engine = services.open_database(f"sqlite:///{copy}")
    names = [a.name for a in services.list_athletes(engine)]
    services.add_to_squad(engine, "Tuesday group", names)
    from datetime import date

    digest = services.coach_digest(
        engine,
        "Tuesday group",
        today=date.fromisoformat(DEMO_TODAY),
        base_url="https://runs.club.example",
    )
    assert digest.action, "the demo squad has runners who need a word"
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_content(digest.html)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the digest is {width} px wide on a 390 px phone"
    shown = page.inner_text("body")
    for line in digest.action:
        assert line.athlete in shown
    links = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
    assert links and all(link.startswith("https://runs.club.example/?athlete=") for link in links)
    page.screenshot(path=str(screenshot_dir(tmp_path) / "digest-phone.png"), full_page=True)
    page.close()
    engine.dispose()
