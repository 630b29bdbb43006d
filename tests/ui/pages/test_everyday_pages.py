"""Issue #12 part A through AppTest: any week, the activity list and one activity, the calendar,
and charts that share one date range, with an empty log, an old log, the demo and miles."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from loadwatch import services
from loadwatch.cli import cli
from loadwatch.synth import fit_bytes, gpx_bytes, make_track, tcx_bytes
from loadwatch.units import DistanceUnit, format_distance
from tests.ui.apptest import chart_specs, open_page, texts

LAST_OLD_RUN = date(2015, 11, 27)  # a Friday


@pytest.fixture
def old_log(db_url: str) -> str:
    """Three runs from November 2015 and nothing since: the new user of issue #12."""
    engine = services.open_database(db_url)
    files = []
    for index, day in enumerate((date(2015, 11, 20), date(2015, 11, 24), LAST_OLD_RUN)):
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
        track = make_track(start, 8000 + 2000 * index, 330, seed=index, interval_s=5)
        files.append((f"old-{day}.fit", fit_bytes([track], utc_offset_s=3600)))
    services.import_uploads(engine, files, today=date(2026, 11, 21))
    engine.dispose()
    return db_url


def _page_links(at) -> list:
    return [e.proto for e in at.get("page_link")]


def test_an_old_log_opens_the_week_of_the_last_run_and_back_to_today_stays(
    old_log: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("this_week")
    assert not at.exception, at.exception
    # opened without a day: the week of the last run (issue #24, as the README says)
    assert "as of Friday 27 November 2015" in at.caption[0].value
    assert "Your last run was Fri 27 Nov 2015, 10 years ago: this is its week." in texts(at)
    assert at.metric[0].value == "22.0 km"  # Tue 24 Nov 10 km + Fri 27 Nov 12 km
    assert not at.button(key="week_picker.today").disabled
    at.button(key="week_picker.today").click().run()
    assert "as of Saturday 21 November 2026" in at.caption[0].value
    assert "Your last run was Fri 27 Nov 2015" in texts(at)
    (link,) = [p for p in _page_links(at) if "Open the week of" in p.label]
    assert link.label == "Open the week of Fri 27 Nov 2015"
    assert "as_of=2015-11-27" in link.query_string


def test_the_page_and_the_cli_agree_on_any_day(old_log: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("this_week")
    at.date_input(key="as_of").set_value(LAST_OLD_RUN).run()
    result = CliRunner().invoke(
        cli, ["--db", old_log, "report", "--as-of", LAST_OLD_RUN.isoformat(), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == LAST_OLD_RUN.isoformat()
    context = data["context"]
    assert at.metric[0].value == format_distance(context["this_week_m"], DistanceUnit.KM)
    assert context["last_run_date"] == LAST_OLD_RUN.isoformat()
    titles = [e.value.split(" · ")[0] for e in (*at.error, *at.warning, *at.info)]
    for alert in data["alerts"]:
        assert any(services.rule_title(alert["rule_id"]) in t for t in titles)


def test_charts_share_one_range_and_never_tick_below_a_day(old_log: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("this_week")  # opens on the last run's week (issue #24); today's is asked for
    at.button(key="week_picker.today").click().run()
    weekly, runs, pain = chart_specs(at)
    for spec in (weekly, runs, pain):
        axis = spec["layout"]["xaxis"]
        assert axis["type"] == "date"
        assert axis["range"][1] == "2026-11-21 12:00"  # ends with the day viewed
        assert {s["value"] for s in axis["tickformatstops"]} == {"%d %b", "%b %Y", "%Y"}
    # 3 months after a 2015 log: the empty charts say why they are empty
    assert "No running between" in weekly["layout"]["annotations"][0]["text"]
    assert "No runs between" in runs["layout"]["annotations"][0]["text"]
    assert "No pain logged yet" in pain["layout"]["annotations"][0]["text"]
    at.segmented_control(key="date_range.span").set_value("All").run()
    assert not at.exception, at.exception
    ranges = {spec["layout"]["xaxis"]["range"][0][:10] for spec in chart_specs(at)[:2]}
    assert ranges == {"2015-11-15"}  # both start with the first run's week (Mon 16 Nov)
    runs = chart_specs(at)[1]
    assert sum(len(t["x"]) for t in runs["data"]) == 3


def test_a_single_run_gives_a_chart_of_at_least_two_weeks(db_url: str, app_env) -> None:
    engine = services.open_database(db_url)
    start = datetime(2026, 11, 20, 7, tzinfo=UTC)
    services.import_uploads(engine, [("one.gpx", gpx_bytes(make_track(start, 5000)))])
    app_env.setenv("LOADWATCH_DB_URL", db_url)
    at = open_page("this_week")
    at.segmented_control(key="date_range.span").set_value("All").run()
    first, last = chart_specs(at)[1]["layout"]["xaxis"]["range"]
    span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
    assert span >= timedelta(days=14)


def test_demo_activities_list_opens_an_activity_with_route_and_curves(
    sample_url: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("activities", athlete="Dev")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "date",
        "name",
        "sport",
        "how known",
        "distance (km)",
        "time",
        "pace (/km)",
        "speed (km/h)",
        "shoe",
        "pain",
    ]
    assert table["date"].is_monotonic_decreasing  # newest first
    assert table["pain"].iloc[0] == 6  # Dev's knee: 5 during, 6 after
    outline, curves = chart_specs(at)
    route = outline["data"][0]
    assert route["name"] == "route" and len(route["x"]) > 100
    assert outline["layout"]["xaxis"]["scaleanchor"] == "y"
    assert 0.6 < outline["layout"]["xaxis"]["scaleratio"] < 0.7  # cos(47.4 degrees)
    names = [t["name"] for t in curves["data"]]
    assert names == ["pace (min/km)", "heart rate (bpm)", "elevation (m)"]
    assert "no cadence in this file" in json.dumps(curves["layout"]["annotations"])
    assert "knee front" in texts(at)
    assert "Sources** (1)" in texts(at)


def test_activities_filter_by_sport_and_dates(sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("activities", athlete="Ben")
    everything = len(at.dataframe[0].value)
    sports = at.multiselect(key="activities_page.sports")
    sports.set_value(["run"]).run()
    runs = at.dataframe[0].value
    assert set(runs["sport"]) == {"run"} and len(runs) <= everything
    at.date_input(key="activities_page.dates").set_value(
        (date(2026, 11, 1), date(2026, 11, 20))
    ).run()
    assert all(d.date() >= date(2026, 11, 1) for d in at.dataframe[0].value["date"])


def test_activity_name_and_shoe_are_edited_and_the_name_survives_a_merge(
    db_url: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", db_url)
    engine = services.open_database(db_url)
    track = make_track(datetime(2026, 11, 20, 7, tzinfo=UTC), 8000, 320, seed=3, interval_s=5)
    services.import_uploads(engine, [("watch.fit", fit_bytes([track]))])
    services.add_shoe(engine, "me", "Pegasus")
    (row,) = services.list_activities(engine)
    at = open_page("activities")
    at.text_input(key="activities_page.name").set_value("Parkrun with Sam")
    at.selectbox(key="activities_page.shoe").set_value("Pegasus")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception, at.exception
    assert "named 'Parkrun with Sam'" in at.success[0].value
    (after,) = services.list_activities(engine)
    assert (after.name, after.shoe) == ("Parkrun with Sam", "Pegasus")
    # the same run from Strava: merged into it, and the runner's name stays
    services.import_uploads(engine, [("strava.tcx", tcx_bytes(track))])
    (merged,) = services.list_activities(engine)
    assert merged.id == row.id and merged.name == "Parkrun with Sam"


def test_calendar_shows_runs_pain_by_zone_and_the_plan_ahead(sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("calendar", athlete="Dev")
    assert not at.exception, at.exception
    markdown = [m.value for m in at.markdown]
    assert "### November 2026" in markdown
    assert ":red[●] pain 6/10" in markdown
    assert ":blue-background[**21 today**]" in markdown
    assert any(m.startswith(":violet[") and "plan" in m for m in markdown)
    links = [p for p in _page_links(at) if "activity=" in p.query_string]
    assert links and all(p.help.endswith(" km: open it") for p in links)
    at.button(key="cal.prev").click().run()
    assert "### October 2026" in [m.value for m in at.markdown]
    assert not any(m.value.startswith(":violet[") for m in at.markdown)  # the plan: ahead only


def test_calendar_of_an_empty_month_says_so(old_log: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("calendar")  # opens on the last run's month (issue #24)
    assert "Your last activity was on Fri 27 Nov 2015" in texts(at)
    at.button(key="cal.today").click().run()
    assert "Nothing logged in November 2026" in texts(at)


def test_miles_everywhere_on_the_everyday_pages(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    services.update_settings(services.open_database(demo_copy), "Ana", units="mi")
    at = open_page("this_week", athlete="Ana")
    weekly, runs = chart_specs(at)[:2]
    assert weekly["layout"]["yaxis"]["title"]["text"] == "mi"
    assert runs["layout"]["yaxis"]["title"]["text"] == "mi"
    at.switch_page("loadwatch/ui/pages/activities_page.py").run()
    assert not at.exception, at.exception
    assert "distance (mi)" in at.dataframe[0].value.columns
    assert "pace (/mi)" in at.dataframe[0].value.columns
    assert (at.metric[0].label, at.metric[2].label) == ("Distance (mi)", "Pace (/mi)")
    curves = chart_specs(at)[1]
    assert curves["data"][0]["name"] == "pace (min/mi)"
    at.switch_page("loadwatch/ui/pages/calendar_page.py").run()
    assert not at.exception, at.exception
    assert "**Week** (mi)" in [m.value for m in at.markdown]


def test_this_week_says_why_the_plan_changed_since_yesterday_morning(old_log: str, app_env) -> None:
    """Issue #20 item 7: a run added on Tue 24 Nov, not in Tuesday morning's plan, changes
    Wednesday's plan; the page names it, as `report --json`'s `plan_changes` does."""
    app_env.setenv("LOADWATCH_DB_URL", old_log)
    at = open_page("this_week")
    day = date(2015, 11, 25)
    at.date_input(key="as_of").set_value(day).run()
    assert not at.exception, at.exception
    result = CliRunner().invoke(cli, ["--db", old_log, "plan", "--json"], env={})
    data = json.loads(
        CliRunner()
        .invoke(cli, ["--db", old_log, "report", "--as-of", day.isoformat(), "--json"])
        .output
    )
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output)["plan_changes"], list)  # `plan --json` too
    changes = data["plan_changes"]
    assert (
        changes
        and "a run was added on Tue 24 Nov (10.0 km), not in the plan" in (changes[0]["reasons"])
    )
    shown = [c.value for c in at.caption if c.value.startswith("Changed since yesterday")]
    assert len(shown) == len(changes)
    assert "Wed 25 Nov: rest -> cross-training + strength, because a run was added" in shown[0]
