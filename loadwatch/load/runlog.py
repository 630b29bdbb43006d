"""Running distance per local day with O(log n) sums over day ranges (R1, R2 and the plan)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from loadwatch.load.frames import DISTANCE_M, LOCAL_DATE


@dataclass(frozen=True)
class RunLog:
    """Running distance (metres) per local day, with O(log n) sums over day ranges.

    `with_run` returns a copy with one more planned run: the plan simulates its own days.
    """

    ordinals: tuple[int, ...]
    prefix: tuple[float, ...]  # prefix[i] = sum of the first i days' distances
    extra: Mapping[date, float] = field(default_factory=dict)

    @classmethod
    def from_spikes(cls, spikes: pd.DataFrame, until: date) -> RunLog:
        return cls.from_columns(spikes[LOCAL_DATE].tolist(), spikes[DISTANCE_M].tolist(), until)

    @classmethod
    def from_columns(cls, days: Sequence[date], distances: Sequence[float], until: date) -> RunLog:
        """From the runs' local days and distances (metres), as `from_spikes` reads them."""
        totals: dict[int, float] = {}
        for day, distance in zip(days, distances, strict=True):
            if day <= until:
                totals[day.toordinal()] = totals.get(day.toordinal(), 0.0) + float(distance)
        ordinals = tuple(sorted(totals))
        prefix = [0.0]
        for ordinal in ordinals:
            prefix.append(prefix[-1] + totals[ordinal])
        return cls(ordinals, tuple(prefix))

    def total(self, first: date, last: date) -> float:
        """Metres run from `first` to `last`, both included."""
        lo = bisect_left(self.ordinals, first.toordinal())
        hi = bisect_right(self.ordinals, last.toordinal())
        planned = sum(m for d, m in self.extra.items() if first <= d <= last) if self.extra else 0
        return self.prefix[hi] - self.prefix[lo] + planned

    def run_days(self, first: date, last: date) -> list[date]:
        """The days from `first` to `last` (both included) that hold a run, oldest first."""
        lo = bisect_left(self.ordinals, first.toordinal())
        hi = bisect_right(self.ordinals, last.toordinal())
        days = {date.fromordinal(o) for o in self.ordinals[lo:hi]}
        days.update(d for d, m in self.extra.items() if first <= d <= last and m > 0)
        return sorted(days)

    def last_run_before(self, day: date) -> date | None:
        """The latest day before `day` that holds a run (None if there is none)."""
        i = bisect_left(self.ordinals, day.toordinal())
        recorded = date.fromordinal(self.ordinals[i - 1]) if i > 0 else None
        planned = [d for d, m in self.extra.items() if d < day and m > 0]
        return max([*planned, *([recorded] if recorded else [])], default=None)

    def with_run(self, day: date, distance_m: float) -> RunLog:
        extra = dict(self.extra)
        extra[day] = extra.get(day, 0.0) + distance_m
        return RunLog(self.ordinals, self.prefix, extra)
