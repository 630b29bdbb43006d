"""Injury scenarios through the command line (issue #14), on real FIT files and a SQLite file:
an injury period empties the plan of runs; the return ladder steps up after pain-free runs and
back after a red day; the lead-up page lists the spike and the shoe that were there."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.synth import fit_bytes, make_track

TODAY = date(2026, 3, 31)


@pytest.fixture
def run(db_url: str):
    runner = CliRunner()

    def invoke(*args: str, today: date = TODAY):
        result = runner.invoke(
            cli,
            ["--db", db_url, *args],
            catch_exceptions=False,
            env={"LOADWATCH_TODAY": today.isoformat()},
        )
        return result

    return invoke


def _fit(folder: Path, day: date, km: float, seed: int) -> Path:
    started = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
    path = folder / f"{day.isoformat()}-{km}.fit"
    path.write_bytes(fit_bytes([make_track(started, km * 1000, 330, seed=seed, interval_s=30)]))
    return path


@pytest.fixture
def ana(run, tmp_path: Path):
    """Ana: 8 km every other day through March, in Pegasus (700 km on it already), then 12 km
    on 21 March (1.5x the longest run of the 30 days before) and a left knee-front injury."""
    assert (
        run(
            "shoes",
            "add",
            "Pegasus",
            "--athlete",
            "ana",
            "--starting-distance",
            "700km",
            "--first-used",  # the pair covers runs from this day on (issue #24)
            "2026-03-01",
            "--default",
        ).exit_code
        == 0
    )
    files = [_fit(tmp_path, date(2026, 3, 1) + timedelta(days=d), 8, d) for d in range(0, 20, 2)]
    files.append(_fit(tmp_path, date(2026, 3, 21), 12, 99))
    result = run("import", *map(str, files), "--athlete", "ana")
    assert result.exit_code == 0, result.output
    added = run(
        "injuries",
        "add",
        "--athlete",
        "ana",
        "--start",
        "2026-03-21",
        "--location",
        "knee-front",
        "--side",
        "left",
        "--note",
        "physio: patellofemoral pain",
    )
    assert added.exit_code == 0, added.output
    assert "Added injury 1: left knee front from 2026-03-21 (ongoing" in added.output
    return run


def _plan_runs(run, as_of: str) -> list[dict]:
    report = run("report", "--athlete", "ana", "--as-of", as_of, "--json")
    assert report.exit_code == 0, report.output
    return [p for p in json.loads(report.output)["plan"] if p["kind"] == "run" and not p["done"]]


def test_an_injury_period_empties_the_plan_of_runs(run, tmp_path: Path) -> None:
    files = [_fit(tmp_path, date(2026, 3, 1) + timedelta(days=d), 8, d) for d in range(0, 20, 2)]
    assert run("import", *map(str, files), "--athlete", "ana").exit_code == 0
    assert _plan_runs(run, "2026-03-25")  # a healthy runner's week has runs
    added = run(
        "injuries", "add", "--athlete", "ana", "--start", "2026-03-21", "--location", "shin"
    )
    assert added.exit_code == 0, added.output
    assert _plan_runs(run, "2026-03-25") == []
    report = json.loads(run("report", "--athlete", "ana", "--as-of", "2026-03-25", "--json").output)
    assert report["injury"]["ongoing"]["days_so_far"] == 5
    injured = [p for p in report["plan"] if p["caused_by"] == "injury"]
    assert injured and all("deep-water running" in p["sport"] for p in injured)
    assert report["alerts"][0]["rule_id"] == "injury"
    listed = json.loads(run("injuries", "list", "--athlete", "ana", "--json").output)
    assert listed == [
        {
            "id": 1,
            "start": "2026-03-21",
            "end": None,
            "location": "shin",
            "side": None,
            "note": None,
            "ongoing": True,
            "days": 11,
            "days_without_running": 11,
            "pain_entry_id": None,
        }
    ]


def test_the_return_ladder_steps_up_after_pain_free_runs_and_back_after_a_red_day(
    ana, tmp_path: Path
) -> None:
    run = ana
    ended = run("injuries", "end", "1", "--athlete", "ana", "--date", "2026-03-25")
    assert ended.exit_code == 0, ended.output
    assert "Return ladder: step 1 of 7, walk-run: run 1 min, walk 2 min" in ended.output
    assert "up to 2.4 km" in ended.output

    def step(as_of: str) -> int:
        out = run("injuries", "status", "--athlete", "ana", "--as-of", as_of, "--json")
        assert out.exit_code == 0, out.output
        return int(json.loads(out.output)["return"]["step"])

    def back(day: str, km: float, after: int, morning: int | None) -> None:
        path = _fit(tmp_path, date.fromisoformat(day), km, int(km * 10))
        assert run("import", str(path), "--athlete", "ana").exit_code == 0
        logged = run("pain", "log", "--athlete", "ana", "--date", day, "--after", str(after))
        assert logged.exit_code == 0, logged.output
        if morning is not None:
            next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            assert (
                run(
                    "pain", "morning", str(morning), "--athlete", "ana", "--date", next_day
                ).exit_code
                == 0
            )

    assert step("2026-03-25") == 1
    first = _plan_runs(run, "2026-03-25")[0]
    assert first["max_distance_m"] == pytest.approx(2400, abs=1)
    assert "return ladder step 1 of 7" in first["reason"]
    back("2026-03-25", 2.4, after=1, morning=0)
    assert step("2026-03-26") == 2
    back("2026-03-27", 2.8, after=2, morning=1)  # step 2 is 3.0 km: 85 % of it reached
    assert step("2026-03-28") == 3
    caps = [p["max_distance_m"] for p in _plan_runs(run, "2026-03-28")]
    assert caps and max(caps) <= 2400 * 1.25 * 1.25 + 1
    back("2026-03-29", 2.9, after=6, morning=None)
    assert step("2026-03-29") == 2
    status = run("injuries", "status", "--athlete", "ana", "--as-of", "2026-03-29")
    assert "2026-03-29 2.8 km at step 3: pain 6/10, stepped back" in status.output
    report = json.loads(run("report", "--athlete", "ana", "--as-of", "2026-03-29", "--json").output)
    assert report["alerts"][0]["rule_id"] == "injury"
    assert "step 2 of 7" in report["alerts"][0]["message"]
    assert not any("Returning after" in a["message"] for a in report["alerts"])


def test_the_lead_up_page_lists_the_spike_and_the_shoe_that_were_there(ana, tmp_path: Path) -> None:
    run = ana
    page = tmp_path / "lead-up.html"
    written = run("injuries", "lead-up", "1", "--athlete", "ana", "--html", str(page))
    assert written.exit_code == 0, written.output
    html = page.read_text(encoding="utf-8")
    assert "What came before: left knee front injury from 21 Mar 2026" in html
    assert 'Sat 21 Mar 2026</td><td class="num">12.0 km</td><td class="num">1.50x' in html
    assert "moderate spike" in html
    assert "<td>Pegasus</td>" in html and "792 km" in html and "caution" in html
    assert "physio: patellofemoral pain" in html
    text = run("injuries", "lead-up", "1", "--athlete", "ana")
    assert "spike 2026-03-21: 12.0 km, 1.50x (moderate spike)" in text.output
    assert "shoe Pegasus: 792 km (caution)" in text.output
    data = json.loads(run("injuries", "lead-up", "1", "--athlete", "ana", "--json").output)
    assert data["windows"][1]["days"] == 30 and data["shoes"][0]["name"] == "Pegasus"


def test_errors_are_one_line_and_exit_one(ana) -> None:
    run = ana
    late = run("injuries", "end", "1", "--athlete", "ana", "--date", "2026-03-20")
    assert late.exit_code == 1
    assert "Error: injury end date 2026-03-20 must be after its start 2026-03-21" in late.output
    missing = run("injuries", "lead-up", "7", "--athlete", "ana")
    assert missing.exit_code == 1 and "Error: ana has no injury 7" in missing.output
    pattern = run("injuries", "pattern", "--athlete", "ana")
    assert "1 episode(s)" in pattern.output and "shown from 3" in pattern.output


def test_the_command_is_named_injuries_and_the_old_name_still_runs(run, tmp_path: Path) -> None:
    """One name per use case (issue #19): the service, the page and the command say
    `injuries`; `injury`, the name before, still runs but is not listed."""
    first = run("import", str(_fit(tmp_path, date(2026, 3, 1), 8, 1)), "--athlete", "ana")
    assert first.exit_code == 0, first.output
    assert "  injuries " in run("--help").output
    assert "  injury " not in run("--help").output
    added = run("injury", "add", "--athlete", "ana", "--start", "2026-03-10", "--location", "shin")
    assert added.exit_code == 0, added.output
    listed = json.loads(run("injuries", "list", "--athlete", "ana", "--json").output)
    assert [p["location"] for p in listed] == ["shin"]
