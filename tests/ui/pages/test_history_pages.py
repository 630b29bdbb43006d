"""Issue #24 through AppTest: a ten-year-old log, a new pair, a ride, a Monday, and a Strava
export with a rejected file, as a new user meets them."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest

from loadwatch import services
from loadwatch.synth import fit_bytes, make_track
from tests.ui.apptest import open_page, texts

TODAY = "2026-12-07"  # a Monday
LAST_RUN = date(2024, 7, 9)  # a Tuesday, nearly two and a half years before TODAY
OLD_DAYS = (date(2016, 3, 6), date(2019, 5, 12), date(2024, 7, 2), date(2024, 7, 7), LAST_RUN)


def _run(day: date, metres: float, seed: int, pace_s: float = 330, sport: str = "run") -> bytes:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
    track = make_track(start, metres, pace_s, seed=seed, interval_s=10, sport=sport)
    return fit_bytes([track], utc_offset_s=7200)


@pytest.fixture
def today(app_env):
    app_env.setenv("LOADWATCH_TODAY", TODAY)
    return app_env


@pytest.fixture
def old_log(db_url: str) -> str:
    """Runs from 2016 to Tue 09 Jul 2024 and nothing since: ten years of files."""
    engine = services.open_database(db_url)
    files = [(f"{d}.fit", _run(d, 10_000, seed=i)) for i, d in enumerate(OLD_DAYS)]
    services.import_uploads(engine, files, athlete="Ana", today=date.fromisoformat(TODAY))
    engine.dispose()
    return db_url


def test_this_week_opens_the_week_of_the_last_run_after_a_long_break(old_log: str, today) -> None:
    today.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("this_week", athlete="Ana")
    assert not at.exception, at.exception
    assert "as of Tuesday 09 July 2024" in at.caption[0].value
    assert "Your last run was Tue 09 Jul 2024, 2 years ago: this is its week." in texts(at)
    assert at.metric[0].value == "10.0 km"  # Sun 07 Jul is last week; Tue 09 Jul this week
    at.button(key="week_picker.today").click().run()
    assert not at.exception, at.exception
    assert "as of Monday 07 December 2026" in at.caption[0].value  # stays: no jump back
    assert "Your last run was Tue 09 Jul 2024, 2 years before Mon 07 Dec 2026" in texts(at)


def test_the_calendar_opens_on_the_month_of_the_last_activity(old_log: str, today) -> None:
    today.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("calendar", athlete="Ana")
    assert not at.exception, at.exception
    assert any(m.value == "### July 2024" for m in at.markdown)
    assert "Your last activity was on Tue 09 Jul 2024: this is its month." in texts(at)
    assert at.query_params["month"] in ("2024-07", ["2024-07"])
    links = [e.proto.label for e in at.get("page_link")]
    assert "Tue 09 · run 10.0 km" in links  # the phone's week list: weekday and unit
    assert "10.0" in links  # the grid's cell


def test_log_pain_asks_for_an_old_run_and_shows_its_year(old_log: str, today) -> None:
    today.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("pain", athlete="Ana")
    assert not at.exception, at.exception
    run = at.selectbox(key="pain_page.run")
    assert run.value is None  # nothing preselected: the latest run is two years old
    assert "Your latest run was on Tue 09 Jul 2024" in texts(at)
    assert run.options[0] == "Tue 09 Jul 2024 · 10.0 km"
    at.slider(key="pain_page.after").set_value(4)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Pick the run this pain is for" in at.error[0].value
    assert services.list_pain(services.open_database(old_log), "Ana") == []


def test_import_says_where_the_old_runs_are(db_url: str, today) -> None:
    today.setenv("LOADWATCH_DB_URL", db_url)
    at = open_page("import")
    at.file_uploader[0].set_value(
        [
            (f"{d}.fit", _run(d, 10_000, seed=i), "application/octet-stream")
            for i, d in enumerate(OLD_DAYS)
        ]
    )
    at.run()
    at.button(key="import_page.go").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "me: 5 imported."
    links = {e.proto.label: e.proto.query_string for e in at.get("page_link")}
    assert "as_of=2024-07-09" in links["Open the week of 09 Jul 2024"]
    assert "month=2024-07" in links["Open July 2024 in the calendar"]
    assert "This week page" not in texts(at)


def test_a_new_pair_from_the_first_run_form_takes_no_old_runs(db_url: str, today) -> None:
    today.setenv("LOADWATCH_DB_URL", db_url)
    at = open_page("settings")
    assert at.date_input(key="settings_page.first_shoe_since").value == date(2026, 12, 7)
    at.text_input(key="settings_page.first_name").input("Ana")
    at.text_input(key="settings_page.first_shoe").input("Blue Pegasus")
    at.number_input(key="settings_page.first_shoe_start").set_value(120.0)
    at.button[0].click().run()
    assert not at.exception, at.exception
    engine = services.open_database(db_url)
    files = [(f"{d}.fit", _run(d, 10_000, seed=i)) for i, d in enumerate(OLD_DAYS)]
    services.import_uploads(engine, files, athlete="Ana", today=date.fromisoformat(TODAY))
    at = open_page("shoes", athlete="Ana")
    assert not at.exception, at.exception
    line = next(m.value for m in at.markdown if m.value.startswith("**Blue Pegasus**"))
    assert "120 km of 805 km · no runs yet" in line and "from 07 Dec 2026" in line
    assert "start (483 km), caution (644 km), replace (805 km)" in texts(at)  # km, not miles
    assert at.number_input(key="shoes_page.high").value == 805.0
    assert not [w for w in at.info if "replacement window" in w.value]


def test_a_ride_is_told_in_speed_and_rpm_and_runs_in_m_ss(db_url: str, today) -> None:
    today.setenv("LOADWATCH_DB_URL", db_url)
    engine = services.open_database(db_url)
    services.import_uploads(
        engine,
        [
            ("run.fit", _run(date(2026, 12, 5), 10_000, seed=1, pace_s=330)),
            ("ride.fit", _run(date(2026, 12, 6), 30_000, seed=2, pace_s=126, sport="ride")),
        ],
        athlete="Ana",
        today=date.fromisoformat(TODAY),
    )
    at = open_page("activities", athlete="Ana")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["pace (/km)"]) == ["", "5:30"]  # newest first: the ride has no pace
    assert list(table["speed (km/h)"]) == ["28.6", ""]
    assert [m.label for m in at.metric][2:] == [
        "Speed (km/h)",
        "Climb (m)",
        "Heart rate (bpm)",
        "Cadence (rpm)",
    ]
    assert at.metric[2].value == "28.6"
    assert "#" not in at.selectbox(key="activities_page.chosen").format_func(
        at.selectbox(key="activities_page.chosen").value
    )


def test_monday_compares_like_with_like_and_the_pain_zone_agrees(sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    app_env.setenv("LOADWATCH_TODAY", "2026-11-23")  # the Monday after the demo's day
    at = open_page("this_week", athlete="Ana")
    assert not at.exception, at.exception
    metrics = {m.label: m for m in at.metric}
    this_week, mean, pain = (metrics[k] for k in ("This week so far", "4-week mean", "Pain zone"))
    assert this_week.value == "0.0 km"
    assert "-100" not in (mean.delta or "")  # Ana never runs on Mondays: nothing to compare
    assert pain.value == "Amber"
    assert pain.delta == "settled: acceptable"  # as the pain warning says
    assert any("settled by the next morning" in i.value for i in at.info)


def test_a_rejected_file_of_a_strava_export_is_named_by_its_activity(db_url: str, today) -> None:
    today.setenv("LOADWATCH_DB_URL", db_url)
    good = _run(date(2026, 12, 6), 7000, seed=3)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(
            "activities.csv",
            "Activity ID,Activity Date,Activity Name,Activity Type,Filename\n"
            '1,"Dec 6, 2026, 7:02:11 AM",Sunday long run,Run,activities/1.fit.gz\n'
            '5,"Dec 5, 2026, 6:15:00 PM",Hill repeats,Run,activities/1000000005.fit\n',
        )
        out.writestr("activities/1.fit.gz", gzip.compress(good))
        out.writestr("activities/1000000005.fit", good[: len(good) // 2])
    at = open_page("import")
    at.file_uploader[0].set_value([("export_48151623.zip", buffer.getvalue(), "application/zip")])
    at.run()
    at.button(key="import_page.go").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "me: 1 imported, 1 rejected."
    (error,) = [e.value for e in at.error]
    assert "not imported: 'Hill repeats' of Sat 05 Dec 2026 18:15 UTC in activities.csv" in error
