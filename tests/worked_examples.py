"""The worked examples of docs/rules.md: each builds a report whose alert text the doc quotes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from loadwatch.domain import InjuryPeriod
from loadwatch.report import Report
from tests.factories import at, report_for

MON = date(2026, 3, 2)
MILE = 1609.344


def weekly_growth() -> Report:
    return report_for([(at(MON), 20), (at(MON + timedelta(days=7)), 24)], MON + timedelta(days=7))


def two_week_growth() -> Report:
    runs = [(at(MON), 20), (at(MON + timedelta(days=7)), 20), (at(MON + timedelta(days=14)), 27)]
    return report_for(runs, MON + timedelta(days=14))


def run_spike() -> Report:
    runs = [(at(MON - timedelta(days=10)), 10), (at(MON + timedelta(days=3)), 14.5)]
    return report_for(runs, MON + timedelta(days=3))


def pain() -> Report:
    runs = [(at(MON + timedelta(days=d)), 8) for d in (0, 2, 4)]
    entries = [
        {"entry_date": MON, "after": 6, "location": "knee front"},
        {"entry_date": MON + timedelta(days=4), "during": 5, "after": 6, "location": "knee front"},
    ]
    return report_for(runs, MON + timedelta(days=4), pain=entries)


def shoe_mileage() -> Report:
    runs = [(at(MON), 12, 0, "run", 1)]
    shoes = [{"name": "Clifton 9", "start_m": 500 * MILE - 2_000}, {"name": "Spare"}]
    return report_for(runs, MON, shoes=shoes)


def shoe_rotation() -> Report:
    return report_for([(at(MON), 8, 0, "run", 1)], MON, shoes=[{"name": "Pegasus 40"}])


def monotony() -> Report:
    return report_for([(at(MON - timedelta(days=i)), 6) for i in range(7)], MON)


def acwr() -> Report:
    runs = [(at(MON - timedelta(days=i)), 5) for i in range(30, 60, 2)]
    runs += [(at(MON - timedelta(days=i)), 12) for i in range(7)]
    return report_for(runs, MON)


def injury() -> Report:
    """A month of 10 km every other day; a left shin injury from day 30 to day 44; back: 3 km
    at pain 1 that settled (step 1 passed), then 3.3 km at pain 6 (red: a step back)."""
    runs = [(at(MON + timedelta(days=d)), 10) for d in range(0, 30, 2)]
    runs += [(at(MON + timedelta(days=44)), 3), (at(MON + timedelta(days=46)), 3.3)]
    pain = [
        {"entry_date": MON + timedelta(days=44), "after": 1},
        {"entry_date": MON + timedelta(days=45), "morning": 0},
        {"entry_date": MON + timedelta(days=46), "during": 4, "after": 6, "location": "shin"},
    ]
    period = InjuryPeriod(1, MON + timedelta(days=30), MON + timedelta(days=44), "shin", "left")
    return report_for(runs, MON + timedelta(days=46), pain=pain, injuries=[period])


def strength() -> Report:
    """8 km every other day for three weeks; knee-front pain after two of the runs in the last
    14 days; no strength session logged (issue #22)."""
    runs = [(at(MON - timedelta(days=d)), 8) for d in range(0, 21, 2)]
    entries = [
        {"entry_date": MON - timedelta(days=6), "after": 3, "location": "knee front"},
        {"entry_date": MON - timedelta(days=2), "during": 2, "after": 4, "location": "knee front"},
    ]
    return report_for(runs, MON, pain=entries)


EXAMPLES: dict[str, Callable[[], Report]] = {
    "injury": injury,
    "weekly-growth": weekly_growth,
    "two-week-growth": two_week_growth,
    "run-spike": run_spike,
    "pain": pain,
    "shoe-mileage": shoe_mileage,
    "shoe-rotation": shoe_rotation,
    "monotony": monotony,
    "acwr": acwr,
    "strength": strength,
}
