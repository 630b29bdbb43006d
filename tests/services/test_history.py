"""Issue #24 in the services: a runner with years of files and a coach reading the squad."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.domain import ImportStatus, Sport
from loadwatch.errors import InputError
from loadwatch.report import report_json
from loadwatch.synth import fit_bytes, gpx_bytes, make_track

TODAY = date(2026, 12, 7)  # a Monday


def _run(day: date, metres: float, pace_s: float = 330, seed: int = 1) -> bytes:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
    return fit_bytes([make_track(start, metres, pace_s, seed=seed, interval_s=10)])


def test_a_new_pair_takes_no_run_from_before_its_first_day(engine: Engine) -> None:
    services.start_athlete(
        engine, "Ana", shoe="Blue Pegasus", shoe_starting_m=120_000, shoe_first_used_on=TODAY
    )
    old = [(f"old-{y}.fit", _run(date(y, 7, 9), 10_000, seed=y)) for y in range(2016, 2025)]
    new = [("today.fit", _run(TODAY, 8_000, seed=99))]
    services.import_uploads(engine, [*old, *new], athlete="Ana", today=TODAY)
    (pair,) = services.list_shoes(engine, "Ana")
    assert pair.runs == 1
    assert pair.distance_m == pytest.approx(128_000, abs=200)
    assert pair.first_used_on == TODAY
    assert pair.status == "ok"  # not "entering its replacement window" from old runs
    report = services.report(engine, "Ana", as_of=date(2024, 7, 9), today=TODAY)
    assert not [a for a in report.alerts if a.rule_id == "shoes"]


def test_a_pair_without_a_first_day_takes_every_run_as_before(engine: Engine) -> None:
    services.add_shoe(engine, "Ana", "Old pair")
    services.import_uploads(engine, [("old.fit", _run(date(2016, 7, 9), 10_000))], athlete="Ana")
    assert services.list_shoes(engine, "Ana")[0].runs == 1


def test_a_first_day_in_the_future_is_refused(engine: Engine) -> None:
    with pytest.raises(InputError, match=r"first day of use .* is in the future"):
        services.add_shoe(engine, "Ana", "Pair", first_used_on=date(2999, 1, 1))


def _silent_gpx(metres: float, pace_s: float) -> bytes:
    start = datetime(2026, 11, 30, 7, tzinfo=UTC)
    return gpx_bytes(make_track(start, metres, pace_s, seed=3, interval_s=5), activity_type=None)


def test_a_silent_file_too_fast_for_running_is_stored_as_unknown_and_says_so(
    engine: Engine,
) -> None:
    # 8.55 km in 27.6 min: 18.6 km/h, the GPX without a type
    (result,) = services.import_uploads(
        engine, [("morning.gpx", _silent_gpx(8550, 27.6 * 60 / 8.55))], athlete="Ana", today=TODAY
    )
    assert result.status is ImportStatus.IMPORTED
    assert result.sport is Sport.UNKNOWN
    assert "does not say its sport" in result.message
    assert "18.6 km/h" in result.message
    assert "stored as unknown" in result.message


def test_a_silent_file_at_running_speed_takes_the_default_sport_quietly(engine: Engine) -> None:
    (result,) = services.import_uploads(
        engine, [("easy.gpx", _silent_gpx(8000, 330))], athlete="Ana", today=TODAY
    )
    assert result.sport is Sport.RUN
    assert result.message == ""


def test_a_rejected_file_in_a_strava_export_is_named_by_activities_csv(engine: Engine) -> None:
    good = _run(date(2026, 12, 6), 7000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(
            "activities.csv",
            "Activity ID,Activity Date,Activity Name,Activity Type,Filename\n"
            '1,"Dec 6, 2026, 7:02:11 AM",Sunday long run,Run,activities/1.fit.gz\n'
            '5,"Dec 5, 2026, 6:15:00 PM",Hill repeats,Run,activities/1000000005.fit\n',
        )
        out.writestr("activities/1.fit.gz", gzip.compress(good))
        out.writestr("activities/1000000005.fit", good[: len(good) // 2])  # truncated
    results = services.import_uploads(
        engine, [("export_48151623.zip", buffer.getvalue())], athlete="Ana", today=TODAY
    )
    (rejected,) = [r for r in results if r.status is ImportStatus.REJECTED]
    assert rejected.message.startswith(
        "'Hill repeats' of Sat 05 Dec 2026 18:15 UTC in activities.csv: "
    )
    assert "1000000005.fit" in rejected.message


def test_merge_notes_name_files_not_ids_or_commands(engine: Engine) -> None:
    start = datetime(2026, 12, 6, 7, tzinfo=UTC)
    track = make_track(start, 7000, 320, seed=5, interval_s=5)
    services.import_uploads(engine, [("watch.fit", fit_bytes([track]))], athlete="Ana")
    (merged,) = services.import_uploads(engine, [("strava.gpx", gpx_bytes(track))], athlete="Ana")
    assert merged.status is ImportStatus.MERGED
    assert "'watch.fit'" in merged.message
    assert "#" not in merged.message and "loadwatch" not in merged.message


def test_monday_compares_this_week_with_the_four_weeks_to_monday(engine: Engine) -> None:
    days = [
        TODAY - timedelta(days=d)
        for d in range(1, 29)
        if (TODAY - timedelta(days=d)).weekday() in (1, 3, 6)
    ]
    files = [(f"{d}.fit", _run(d, 8000, seed=i)) for i, d in enumerate(days)]
    services.import_uploads(engine, files, athlete="Ana", today=TODAY)
    report = services.report(engine, "Ana", as_of=TODAY, today=TODAY)
    context = report_json(report)["context"]
    assert context["this_week_m"] == 0
    assert context["four_week_mean_m"] > 20_000  # whole weeks
    assert context["four_week_mean_to_date_m"] == 0  # no Monday runs: like with like
    assert context["this_week_vs_four_week_mean_to_date_ratio"] is None


@pytest.mark.slow  # the whole demo squad imported (issue #19: scheduled first)
def test_the_demo_logs_pain_only_against_real_runs(engine: Engine) -> None:
    services.load_demo(engine, today=TODAY)
    for athlete in ("Ana", "Dev"):
        runs = {r.id: r for r in services.list_activities(engine, athlete)}
        entries = services.list_pain(engine, athlete)
        post_run = [e for e in entries if e.during is not None or e.after is not None]
        assert post_run, athlete
        for entry in post_run:
            run = runs[entry.activity_id]  # linked to a run: never on a rest day
            assert services.local_day(run.started_at, run.utc_offset_s) == entry.entry_date
    ana = services.report(engine, "Ana", today=TODAY)
    assert ana.pain.zone == "amber" and ana.pain.settled is True
    (pain_alert,) = [a for a in ana.alerts if a.rule_id == "pain"]
    assert "settled" in pain_alert.message


def test_squad_wording_speaks_about_the_runner() -> None:
    text = "Pain 3/10 with your run on Sun 06 Dec settled; You run in one pair; you are cleared"
    assert services.coach_wording(text, "Ana") == (
        "Pain 3/10 with Ana's run on Sun 06 Dec settled; Ana runs in one pair; Ana is cleared"
    )
