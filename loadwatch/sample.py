"""The demo squad: seeded, reproducible runners whose season makes every rule fire for someone.

Sessions are planned first (who runs how far on which local day), the stories are applied to the
days just before `today`, and then every session is written as real FIT, GPX or TCX bytes
(loadwatch.synth) and loaded through the real import path, so the demo exercises the same code a
user's upload does. Shoes and pain entries go in through the same services as the CLI's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from loadwatch.synth import fit_bytes, gpx_bytes, make_track, tcx_bytes

DEMO_WEEKS = 26
COACH = "Coach Kim"


@dataclass(frozen=True, slots=True)
class DemoRunner:
    name: str
    weekly_km: float
    run_weekdays: tuple[int, ...]
    weekly_growth: float
    fmt: str
    story: str
    pace_s_per_km: float = 330.0
    utc_offset_s: int = 3600
    home: tuple[float, float] = (47.3769, 8.5417)
    cross_training: tuple[str, ...] = ()
    break_days: int = 0  # days without running before the last week (returning after a break)


@dataclass(frozen=True, slots=True)
class DemoSession:
    athlete: str
    day: date
    sport: str
    distance_km: float
    fmt: str
    hour: int


@dataclass(frozen=True, slots=True)
class DemoShoe:
    """A pair in service from `since_days_ago` until `retired_days_ago` (None: still in use).

    Runs in that period go to it; where two pairs overlap, this one takes every
    `share_every`-th run (rotation).
    """

    athlete: str
    name: str
    brand_model: str
    starting_mi: float
    since_days_ago: int
    retired_days_ago: int | None = None
    share_every: int = 1


@dataclass(frozen=True, slots=True)
class DemoPain:
    """Pain logged after one of the athlete's own runs (issue #24: never on a day without one).

    `runs_ago`: 1 is the athlete's last run before the demo's today, 2 the one before, ...
    `morning_before` / `morning_after`: the morning check-in on the run's day / the next day
    (left out when that day is after today)."""

    athlete: str
    runs_ago: int
    during: int | None = None
    after: int | None = None
    location: str | None = None
    note: str | None = None
    morning_before: int | None = None
    morning_after: int | None = None


SQUAD: tuple[DemoRunner, ...] = (
    DemoRunner(
        "Ana", 30, (1, 3, 4, 6), 0.02, "fit", "a steady, healthy build with two pairs in rotation"
    ),
    DemoRunner("Ben", 40, (1, 3, 4, 6), 0.015, "fit", "jumps his latest long run by 45%"),
    DemoRunner(
        "Chloe", 24, (1, 3, 5, 6), 0.015, "gpx", "weekly distance up 35% after a steady block"
    ),
    DemoRunner("Dev", 32, (0, 2, 4, 6), 0.015, "tcx", "knee-front pain that does not settle"),
    DemoRunner("Eli", 45, (0, 1, 3, 4, 6), 0.005, "fit", "one pair of shoes past 500 miles"),
    DemoRunner(
        "Fatima",
        20,
        (1, 3, 6),
        0.02,
        "fit",
        "back after five weeks off, cycling and swimming meanwhile",
        cross_training=("ride", "swim"),
        break_days=35,
    ),
    DemoRunner("Gus", 42, (0, 1, 2, 3, 4, 5, 6), 0.0, "fit", "the same 6 km every single day"),
)

SHOES: tuple[DemoShoe, ...] = (
    DemoShoe("Ana", "Pegasus grey", "Nike Pegasus 39", 150, 190, retired_days_ago=100),
    DemoShoe("Ana", "Pegasus blue", "Nike Pegasus 40", 0, 100),
    DemoShoe("Ana", "Trail grip", "Salomon Speedcross 6", 20, 100, share_every=3),
    DemoShoe("Ben", "Clifton 8", "Hoka Clifton 8", 200, 190, retired_days_ago=60),
    DemoShoe("Ben", "Clifton 9", "Hoka Clifton 9", 0, 60),
    DemoShoe("Ben", "Race flats", "Saucony Endorphin Pro", 40, 60, share_every=5),
    DemoShoe("Chloe", "Ghost", "Brooks Ghost 15", 0, 190),
    DemoShoe("Chloe", "Spare Ghost", "Brooks Ghost 15", 10, 190, share_every=4),
    DemoShoe("Dev", "Kayano 29", "Asics Gel-Kayano 29", 120, 190, retired_days_ago=120),
    DemoShoe("Dev", "Kayano 30", "Asics Gel-Kayano 30", 0, 120),
    DemoShoe("Dev", "Novablast", "Asics Novablast 4", 50, 120, share_every=3),
    DemoShoe("Eli", "Vomero 16", "Nike Vomero 16", 250, 190, retired_days_ago=130),
    DemoShoe("Eli", "Old faithful", "Nike Vomero 17", 100, 130),
    DemoShoe("Fatima", "Free RN", "Nike Free RN", 120, 190),
    DemoShoe("Fatima", "Kinvara", "Saucony Kinvara 14", 30, 190, share_every=2),
    DemoShoe("Gus", "Adizero old", "Adidas Adizero SL", 80, 190, retired_days_ago=90),
    DemoShoe("Gus", "Daily trainer", "Adidas Adizero SL 2", 0, 90),
    DemoShoe("Gus", "Backup", "Adidas Supernova", 100, 90, share_every=4),
)


def shoe_for_run(athlete: str, days_ago: int, run_index: int) -> DemoShoe | None:
    """The pair a demo run was done in: the rotating pair on its turn, else the main pair."""
    active = [
        s
        for s in SHOES
        if s.athlete == athlete
        and s.since_days_ago >= days_ago
        and (s.retired_days_ago is None or days_ago > s.retired_days_ago)
    ]
    for shoe in active:
        if shoe.share_every > 1 and run_index % shoe.share_every == 0:
            return shoe
    return next((s for s in active if s.share_every == 1), None)


PAIN: tuple[DemoPain, ...] = (
    # Dev: knee-front pain after his runs that does not settle overnight, twice red in 7 days.
    DemoPain("Dev", 4, 3, 4, "knee front", "stairs felt sore", morning_before=1, morning_after=2),
    DemoPain("Dev", 3, 4, 6, "knee front", "worse downhill", morning_after=3),
    DemoPain("Dev", 2, 5, 6, "knee front", morning_after=4),
    DemoPain("Dev", 1, 5, 6, "knee front", "had to walk the last km"),
    # Ana: the odd niggle that settles: amber at worst, green mornings.
    DemoPain("Ana", 3, 1, 2, "achilles", morning_after=0),
    DemoPain("Ana", 1, 2, 3, "achilles", morning_after=0),
)


def plan_sessions(today: date, seed: int = 42) -> list[DemoSession]:
    """Every demo session up to `today` (local days), with the stories applied."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data
    first = today - timedelta(weeks=DEMO_WEEKS)
    sessions: list[DemoSession] = []
    for runner in SQUAD:
        mine: list[DemoSession] = []
        for offset in range((today - first).days + 1):
            day = first + timedelta(days=offset)
            weekday = day.weekday()
            weeks_in = offset / 7
            weekly_km = runner.weekly_km * (1 + runner.weekly_growth) ** weeks_in
            in_break = 7 <= (today - day).days < 7 + runner.break_days
            if weekday in runner.run_weekdays and not in_break:
                long_day = runner.run_weekdays[-1]
                shares = len(runner.run_weekdays) - 1 + (1.0 if runner.name == "Gus" else 1.6)
                share = (1.6 if weekday == long_day and runner.name != "Gus" else 1.0) / shares
                jitter = 1.0 if runner.name == "Gus" else rng.uniform(0.93, 1.07)
                mine.append(
                    DemoSession(
                        runner.name,
                        day,
                        "run",
                        weekly_km * share * jitter,
                        runner.fmt,
                        6 + rng.randint(0, 12),
                    )
                )
            for index, sport in enumerate(runner.cross_training):
                if weekday == 2 + 2 * index:
                    km = 25.0 if sport == "ride" else 1.5
                    mine.append(DemoSession(runner.name, day, sport, km, "fit", 18))
        sessions.extend(_story(runner, mine, today))
    return sessions


def _story(runner: DemoRunner, sessions: list[DemoSession], today: date) -> list[DemoSession]:
    """Apply the runner's story to the last days before `today`."""
    runs = [s for s in sessions if s.sport == "run" and s.day < today]
    if runner.name == "Ben" and runs:
        last = runs[-1]
        window = [s.distance_km for s in runs if last.day - timedelta(days=30) <= s.day < last.day]
        jumped = replace(last, distance_km=max(window) * 1.45)
        return [jumped if s is last else s for s in sessions]
    if runner.name == "Chloe":
        this_monday = today - timedelta(days=today.weekday())
        last_monday = this_monday - timedelta(days=7)
        return [
            replace(s, distance_km=s.distance_km * 1.35)
            if s.sport == "run" and s.day >= last_monday
            else s
            for s in sessions
        ]
    return sessions


def render(session: DemoSession, runner: DemoRunner, seed: int) -> tuple[str, bytes]:
    """One session as a real activity file: (file name, bytes)."""
    local = datetime.combine(session.day, time(session.hour, 15))
    started = (local - timedelta(seconds=runner.utc_offset_s)).replace(tzinfo=UTC)
    pace = (
        runner.pace_s_per_km
        if session.sport == "run"
        else (120.0 if session.sport == "ride" else 1200.0)
    )
    track = make_track(
        started,
        session.distance_km * 1000,
        pace,
        seed=seed,
        sport=session.sport,
        lat0=runner.home[0],
        lon0=runner.home[1],
        interval_s=10,
    )
    stem = f"{runner.name.lower()}-{session.day.isoformat()}-{session.sport}"
    if session.fmt == "gpx":
        return f"{stem}.gpx", gpx_bytes(track)
    if session.fmt == "tcx":
        return f"{stem}.tcx", tcx_bytes(track)
    return f"{stem}.fit", fit_bytes(
        [track], utc_offset_s=runner.utc_offset_s, serial=seed % 10**6 + 1
    )


def demo_files(today: date, seed: int = 42) -> Iterator[tuple[str, str, bytes]]:
    """(athlete, file name, bytes) for every demo session, oldest first per athlete."""
    runners = {r.name: r for r in SQUAD}
    for index, session in enumerate(plan_sessions(today, seed)):
        name, data = render(session, runners[session.athlete], seed * 100_000 + index)
        yield session.athlete, name, data
