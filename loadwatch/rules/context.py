"""RuleContext: everything a rule may look at, computed once by the service layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit, format_distance


@dataclass(frozen=True)
class RuleContext:
    """Inputs of every rule. Frames follow load/frames.py; `as_of` is the local day evaluated.

    activities: `with_local_time` output (all sports) up to as_of.
    weekly: `weekly_distance` plus `growth_ratio`, `vs_two_weeks_ago_ratio`,
        `vs_two_week_mean_ratio`, `four_week_mean_m`.
    spikes: `run_spikes` output with local columns.
    shoes: `shoe_mileage` output. pain: pain entries (load/frames.py PAIN_COLUMNS).
    daily: daily session load indexed by date, ending at as_of.
    """

    as_of: date
    units: DistanceUnit
    week_start: int
    thresholds: Thresholds
    activities: pd.DataFrame
    weekly: pd.DataFrame
    spikes: pd.DataFrame
    shoes: pd.DataFrame
    pain: pd.DataFrame
    daily: pd.Series

    def distance(self, metres: float, digits: int = 1) -> str:
        return format_distance(metres, self.units, digits)
