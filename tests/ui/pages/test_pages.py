"""Every page through AppTest: demo data, empty database, key elements and numbers."""

from __future__ import annotations

import pytest

from loadwatch import services
from tests.conftest import DATA
from tests.ui.apptest import PAGES, chart_specs, open_page, texts

TITLES = {
    "this_week": "This week",
    "pain": "Log pain",
    "import": "Import",
    "activities": "Activities",
    "calendar": "Calendar",
    "shoes": "Shoes",
    "squad": "Squad",
    "settings": "Settings",
}


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_an_empty_database_and_says_what_to_do(
    page: str, db_url: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", db_url)
    at = open_page(page)
    assert not at.exception, at.exception
    assert at.title[0].value == TITLES[page]
    if page != "import":
        assert "import" in texts(at).lower()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_the_demo_squad(page: str, sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page(page, athlete="Dev")
    assert not at.exception, at.exception
    assert at.title[0].value == TITLES[page]


def test_overview_shows_warnings_in_order_with_sources_and_the_chart_guidelines(
    sample_url: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("this_week", athlete="Dev")
    assert [e.value.split(" · ")[0] for e in at.error][:1] == ["**Pain**"]
    assert any("physiotherapist" in e.value for e in at.error)
    assert "Source: Thomee 1997" in texts(at)
    assert "not medical advice" in texts(at)
    weekly = chart_specs(at)[0]
    names = [trace.get("name") for trace in weekly["data"]]
    assert names == ["running distance", "+10% guideline", "+30% progression"]  # issue #9
    assert len(weekly["data"][0]["y"]) == 14  # the 3-month range: Mon 17 Aug to Mon 16 Nov


def test_overview_marks_bens_spike_on_the_runs_chart(sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("this_week", athlete="Ben")
    runs = chart_specs(at)[1]
    spike = next(t for t in runs["data"] if t["name"].startswith("spike"))
    assert spike["text"][-1] == "1.45x"
    assert any("Moderate spike" in e.value for e in at.error)


def test_same_numbers_in_the_dashboard_and_report_json_for_every_demo_athlete(
    sample_url: str, app_env
) -> None:
    from click.testing import CliRunner

    from loadwatch.cli import cli
    from loadwatch.units import DistanceUnit, format_distance

    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    engine = services.open_database(sample_url)
    for athlete in [a.name for a in services.list_athletes(engine)]:
        result = CliRunner().invoke(
            cli,
            ["--db", sample_url, "report", "--athlete", athlete, "--as-of", "2026-11-21", "--json"],
        )
        import json

        data = json.loads(result.output)
        at = open_page("this_week", athlete=athlete)
        assert at.metric[0].value == format_distance(
            data["weeks"][-1]["run_distance_m"], DistanceUnit.KM
        )
        shown = [e.value for e in (*at.error, *at.warning, *at.info)]
        for alert in data["alerts"]:
            assert any(alert["message"] in text for text in shown), (athlete, alert["message"])
        assert len(shown) == len(data["alerts"])


def test_import_page_uploads_files_and_reports_each(db_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", db_url)
    at = open_page("import")
    at.file_uploader[0].set_value(
        [
            ("run.fit", (DATA / "fit/run-5k-session.fit").read_bytes(), "application/octet-stream"),
            ("hilly.gpx", (DATA / "gpx/run-10k-hilly.gpx").read_bytes(), "application/gpx+xml"),
            (
                "broken.fit",
                (DATA / "invalid/truncated-eof.fit").read_bytes(),
                "application/octet-stream",
            ),
        ]
    )
    at.run()
    at.button(key="import_page.go").click().run()
    assert not at.exception, at.exception
    assert "me: 2 imported, 1 rejected" in at.success[0].value
    assert any("'broken.fit' is truncated" in e.value for e in at.error)
    assert len(services.list_activities(services.open_database(db_url))) == 2


def test_pain_page_saves_a_red_score_and_suggests_cross_training(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    at = open_page("pain", athlete="Ana")
    at.slider(key="pain_page.during").set_value(4)
    at.slider(key="pain_page.after").set_value(6)
    at.pills(key="pain_page.location").set_value("knee front")
    at.button[0].click().run()  # the form's Save button
    assert not at.exception, at.exception
    assert "Pain zone: **red**" in at.error[0].value
    assert any(
        "Suggested cross-training" in i.value and "swimming or pool running" in i.value
        for i in at.info
    )
    at.segmented_control(key="pain_page.morning").set_value(2).run()
    # the demo's Ana checked in this morning already (after Friday's run): saving updates it
    assert any("Morning pain 2/10 updated for Sat 21 Nov" in s.value for s in at.success)


def test_pain_page_shows_bad_input_as_a_message(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    at = open_page("pain", athlete="Ana")
    at.button[0].click().run()  # save with both sliders at 0: a valid green entry
    assert not at.exception
    assert "Pain zone: **green**" in at.success[0].value


def test_shoes_page_adds_a_pair_and_refuses_an_empty_name(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    at = open_page("shoes", athlete="Eli")
    assert any("Old faithful" in m.value for m in at.markdown)  # issue #12: coloured bars
    at.button(key="FormSubmitter:shoes_page.add-Add pair").click().run()
    assert at.error[0].value == "shoe name must not be empty"
    at.text_input(key="shoes_page.name").set_value("New Vomero")
    at.button(key="FormSubmitter:shoes_page.add-Add pair").click().run()
    assert not at.exception
    assert at.success[0].value == "Added New Vomero."  # confirmed (issue #12)
    assert any("New Vomero" in m.value for m in at.markdown)


def test_squad_sorts_riskiest_first_and_opens_an_athlete(sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("squad")
    table = at.dataframe[0].value
    assert next(iter(table["athlete"])) == "Dev"
    assert table["pain"].iloc[0] == "🔴 red"
    at.selectbox(key="squad_page.open_choice").set_value("Ben")
    at.button(key="squad_page.open").click().run()
    assert not at.exception
    assert at.title[0].value == "This week"
    assert "Ben · as of" in at.caption[0].value


def test_squad_filter_by_flag(sample_url: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("squad")
    at.multiselect(key="squad_page.flags").set_value(["shoe-mileage"]).run()
    assert list(at.dataframe[0].value["athlete"]) == ["Eli"]


def test_settings_switch_to_miles_shows_miles(demo_copy: str, app_env) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    at = open_page("settings", athlete="Ana")
    assert "default 10 %" in texts(at)  # the weekly growth guideline, as a percentage
    at.radio(key="settings_page.units").set_value("mi")
    at.button[0].click().run()
    assert at.success[0].value == "Saved."
    at.switch_page("loadwatch/ui/pages/this_week_page.py").run()
    assert at.metric[0].value.endswith(" mi")


def test_squad_page_and_squad_show_json_agree(sample_url: str, app_env) -> None:
    import json

    from click.testing import CliRunner

    from loadwatch.cli import cli

    app_env.setenv("LOADWATCH_DB_URL", sample_url)
    at = open_page("squad")
    assert at.sidebar.selectbox(key="squad_page.coach").value == "Coach Kim"
    args = [
        "--db",
        sample_url,
        "squad",
        "show",
        "--coach",
        "Coach Kim",
        "--as-of",
        "2026-11-21",
        "--json",
    ]
    rows = json.loads(CliRunner().invoke(cli, args).output)
    table = at.dataframe[0].value
    assert list(table["athlete"]) == [r["athlete"] for r in rows]
    assert list(table["this week (km)"]) == [round(r["this_week_m"] / 1000, 1) for r in rows]


def test_activities_page_shows_sources_corrects_a_sport_and_splits_a_merge(
    db_url: str, app_env
) -> None:
    """Issue #10: the same run as a watch FIT and a Strava GPX is one activity with two sources;
    the runner can correct its sport (kept as "set by you") and split a source back out."""
    from datetime import UTC, datetime

    from loadwatch.synth import fit_bytes, gpx_bytes, make_track

    app_env.setenv("LOADWATCH_DB_URL", db_url)
    engine = services.open_database(db_url)
    track = make_track(datetime(2026, 3, 1, 7, tzinfo=UTC), 8000, 320, seed=3, interval_s=5)
    services.import_uploads(
        engine, [("watch.fit", fit_bytes([track])), ("strava.gpx", gpx_bytes(track))]
    )
    (row,) = services.list_activities(engine)
    at = open_page("activities")
    assert not at.exception, at.exception
    assert "Sources** (2)" in texts(at)
    at.selectbox(key="activities_page.sport").set_value("walk")
    at.button[-1].click().run()  # Save sport
    assert not at.exception, at.exception
    assert services.activity_detail(engine, row.id).activity.sport.value == "walk"
    assert services.activity_detail(engine, row.id).activity.sport_source.value == "user"
    split = [b for b in at.button if b.key and b.key.startswith("activities_page.split.")]
    split[-1].click().run()
    assert not at.exception, at.exception
    assert len(services.list_activities(engine)) == 2
