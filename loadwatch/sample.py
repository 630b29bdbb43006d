"""The demo squad: seeded, reproducible runners whose season makes every rule fire for someone.

Files are written as real FIT, GPX and TCX bytes (loadwatch.synth) and loaded through the real
import path, so the demo exercises the same code a user's upload does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from loadwatch.synth import fit_bytes, gpx_bytes, make_track, tcx_bytes

DEMO_WEEKS = 26


@dataclass(frozen=True, slots=True)
class DemoFile:
    athlete: str
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class DemoRunner:
    """How one demo runner trains: weekly km, runs per week, growth, and the story at the end."""

    name: str
    weekly_km: float
    runs_per_week: int
    weekly_growth: float = 0.03
    fmt: str = "fit"
    pace_s_per_km: float = 330.0
    home: tuple[float, float] = (47.3769, 8.5417)
    utc_offset_s: int = 3600
    last_week_factor: float = 1.0  # multiply the final week (a mileage jump)
    long_run_jump: float = 1.0  # multiply the final long run (a spike)
    break_weeks: int = 0  # weeks off before the final week (returning after a break)
    same_every_day: bool = False  # monotonous training
    cross_training: tuple[str, ...] = ()
    story: str = ""
    extra: dict[str, object] = field(default_factory=dict)


SQUAD: tuple[DemoRunner, ...] = (
    DemoRunner("Ana", 30, 4, 0.03, story="a steady, healthy build with two pairs in rotation"),
    DemoRunner("Ben", 40, 4, 0.02, long_run_jump=1.45, story="jumps his long run by 45%"),
    DemoRunner("Chloe", 25, 4, 0.02, fmt="gpx", last_week_factor=1.40, story="weekly km +40%"),
    DemoRunner("Dev", 35, 4, 0.02, fmt="tcx", story="knee-front pain that does not settle"),
    DemoRunner("Eli", 45, 5, 0.01, story="one pair of shoes past 500 miles"),
    DemoRunner(
        "Fatima",
        20,
        3,
        0.02,
        break_weeks=6,
        cross_training=("ride", "swim"),
        story="back after six weeks off, cycling and swimming meanwhile",
    ),
    DemoRunner("Gus", 42, 7, 0.0, same_every_day=True, story="the same 6 km every single day"),
)


def _week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def demo_files(today: date, seed: int = 42) -> Iterator[DemoFile]:
    """Every activity file of the demo squad, the last week ending on `today`."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data
    last_monday = _week_start(today)
    first_monday = last_monday - timedelta(weeks=DEMO_WEEKS - 1)
    for runner in SQUAD:
        for week in range(DEMO_WEEKS):
            monday = first_monday + timedelta(weeks=week)
            is_last = week == DEMO_WEEKS - 1
            if not is_last and week >= DEMO_WEEKS - 1 - runner.break_weeks:
                yield from _cross_training(runner, monday, today, rng, week)
                continue
            weekly_km = runner.weekly_km * (1 + runner.weekly_growth) ** week
            if is_last:
                weekly_km *= runner.last_week_factor
            yield from _runner_week(runner, monday, weekly_km, today, rng, is_last)
            yield from _cross_training(runner, monday, today, rng, week)


def _run_days(runner: DemoRunner) -> list[int]:
    if runner.same_every_day:
        return list(range(7))
    return {3: [1, 3, 6], 4: [1, 3, 4, 6], 5: [0, 1, 3, 4, 6]}.get(runner.runs_per_week, [1, 3, 6])


def _runner_week(
    runner: DemoRunner,
    monday: date,
    weekly_km: float,
    today: date,
    rng: random.Random,
    is_last: bool,
) -> Iterator[DemoFile]:
    days = _run_days(runner)
    if runner.same_every_day:
        shares = [1.0 / len(days)] * len(days)
    else:
        shares = [1.0] * (len(days) - 1) + [1.6]  # the last run of the week is the long run
        total = sum(shares)
        shares = [s / total for s in shares]
    for day, share in zip(days, shares, strict=True):
        when = monday + timedelta(days=day)
        if when > today:
            continue
        distance_km = weekly_km * share
        if is_last and day == days[-1] and runner.long_run_jump != 1.0:
            distance_km *= runner.long_run_jump
        hour = 6 + rng.randint(0, 12)
        local = datetime.combine(when, time(hour, rng.randint(0, 59)))
        started = (local - timedelta(seconds=runner.utc_offset_s)).replace(tzinfo=UTC)
        track = make_track(
            started,
            distance_km * 1000,
            runner.pace_s_per_km + rng.uniform(-15, 15),
            seed=rng.randint(0, 10**9),
            lat0=runner.home[0],
            lon0=runner.home[1],
            interval_s=10,
        )
        name = f"{runner.name.lower()}-{when.isoformat()}-run.{runner.fmt}"
        if runner.fmt == "gpx":
            data = gpx_bytes(track)
        elif runner.fmt == "tcx":
            data = tcx_bytes(track)
        else:
            data = fit_bytes(
                [track], utc_offset_s=runner.utc_offset_s, serial=rng.randint(1, 10**6)
            )
        yield DemoFile(runner.name, name, data)


def _cross_training(
    runner: DemoRunner, monday: date, today: date, rng: random.Random, week: int
) -> Iterator[DemoFile]:
    for index, sport in enumerate(runner.cross_training):
        when = monday + timedelta(days=2 + 2 * index)
        if when > today:
            continue
        local = datetime.combine(when, time(18, 0))
        started = (local - timedelta(seconds=runner.utc_offset_s)).replace(tzinfo=UTC)
        distance_m, pace = (25000.0, 120.0) if sport == "ride" else (1500.0, 1200.0)
        track = make_track(
            started,
            distance_m,
            pace,
            seed=rng.randint(0, 10**9),
            sport=sport,
            lat0=runner.home[0],
            lon0=runner.home[1],
            interval_s=10,
        )
        name = f"{runner.name.lower()}-{when.isoformat()}-{sport}.fit"
        yield DemoFile(runner.name, name, fit_bytes([track], utc_offset_s=runner.utc_offset_s))
