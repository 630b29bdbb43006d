"""Issue #27 through AppTest: the Activities page shows a log longer than a page one page at a
time (50 rows, newest first), with the totals of every activity its filters keep."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loadwatch import services
from loadwatch.synth import fit_bytes, make_track
from loadwatch.units import DistanceUnit, format_distance
from tests.ui.apptest import open_page

TODAY = "2026-12-07"
DAYS = 120  # one activity a day: three pages


@pytest.fixture
def long_log(db_url: str, app_env) -> str:
    """120 days of activities through the real import: runs of 4 to 9.9 km, a ride every
    seventh day."""
    app_env.setenv("LOADWATCH_TODAY", TODAY)
    app_env.setenv("LOADWATCH_DB_URL", db_url)
    first = date.fromisoformat(TODAY) - timedelta(days=DAYS)
    files = []
    for i in range(DAYS):
        day = first + timedelta(days=i)
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
        sport = "ride" if i % 7 == 3 else "run"
        pace = 126 if sport == "ride" else 330
        metres = 4000 + (i * 317) % 6000
        track = make_track(start, metres, pace, seed=i, interval_s=60, sport=sport)
        files.append((f"{i}.fit", fit_bytes([track], utc_offset_s=3600)))
    engine = services.open_database(db_url)
    services.import_uploads(engine, files, athlete="Ana", today=date.fromisoformat(TODAY))
    engine.dispose()
    return db_url


def _caption(at) -> str:  # type: ignore[no-untyped-def]
    return next(c.value for c in at.caption if " moving · page " in c.value)


def test_page_one_then_a_later_page_show_their_rows_and_the_logs_totals(long_log: str) -> None:
    table = services.activity_table(services.open_database(long_log), "Ana")
    assert len(table) == DAYS
    at = open_page("activities", athlete="Ana")
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert list(shown["date"]) == list(table["local_start"][:50])  # the 50 newest
    total = format_distance(float(table["distance_m"].sum()), DistanceUnit.KM)
    assert _caption(at).startswith(f"{DAYS} of {DAYS} activities · {total} · ")
    assert "page 1 of 3" in _caption(at)
    picker = at.selectbox(key="activities_page.chosen")
    assert list(picker.options) == [picker.format_func(i) for i in table["activity_id"][:50]]

    at.number_input(key="activities_page.page").set_value(3).run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["date"]) == list(table["local_start"][100:])
    assert "page 3 of 3" in _caption(at)
    assert int(at.selectbox(key="activities_page.chosen").value) == int(table["activity_id"][100])

    at.multiselect(key="activities_page.sports").set_value(["ride"]).run()
    rides = table[table["sport"] == "ride"]
    assert list(at.dataframe[0].value["date"]) == list(rides["local_start"])
    ride_total = format_distance(float(rides["distance_m"].sum()), DistanceUnit.KM)
    assert _caption(at).startswith(f"{len(rides)} of {DAYS} activities · {ride_total} · ")
    assert "page 1 of 1" in _caption(at)  # the page past the filtered log's last: its last


def test_a_link_to_an_old_activity_opens_the_page_that_holds_it(long_log: str) -> None:
    table = services.activity_table(services.open_database(long_log), "Ana")
    old = int(table["activity_id"][77])
    at = open_page("activities", athlete="Ana")
    at.query_params["activity"] = str(old)
    at.run()
    assert not at.exception, at.exception
    assert int(at.selectbox(key="activities_page.chosen").value) == old
    assert at.number_input(key="activities_page.page").value == 2
    assert list(at.dataframe[0].value["date"]) == list(table["local_start"][50:100])


def test_an_activity_picked_in_the_list_stays_open(long_log: str) -> None:
    table = services.activity_table(services.open_database(long_log), "Ana")
    at = open_page("activities", athlete="Ana")
    at.number_input(key="activities_page.page").set_value(2).run()
    picked = int(table["activity_id"][63])
    at.selectbox(key="activities_page.chosen").set_value(picked).run()
    assert not at.exception, at.exception
    assert int(at.selectbox(key="activities_page.chosen").value) == picked
    assert at.query_params["activity"] in ([str(picked)], str(picked))
    at.run()  # a rerun (a click elsewhere) keeps it
    assert int(at.selectbox(key="activities_page.chosen").value) == picked
    assert at.number_input(key="activities_page.page").value == 2
