"""RuleContext: everything a rule may look at, and `rule_context`, which builds it from frames."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from loadwatch.domain import InjuryPeriod, PlanSettings, Sport
from loadwatch.load.daily import daily_load
from loadwatch.load.frames import (
    ACTIVITY_ID,
    AVG_CADENCE_SPM,
    DESCENT_M,
    DISTANCE_M,
    LOCAL_DATE,
    PREVIOUS_MAX_M,
    SHOE_ID,
    SPIKE_RATIO,
    SPORT,
)
from loadwatch.load.runlog import RunLog
from loadwatch.load.shoes import shoe_mileage, shoe_status
from loadwatch.load.spikes import run_spikes
from loadwatch.load.weekly import runs_only, weekly_distance, with_local_time
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit, format_distance

NO_PLAN_SETTINGS = PlanSettings()  # the habit, no goal
_T = TypeVar("_T")


@dataclass(frozen=True)
class RuleContext:
    """Inputs of every rule. Frames follow load/frames.py; `as_of` is the local day evaluated.

    activities: `with_local_time` output (all sports) up to as_of.
    weekly: `weekly_distance` output (the report adds `growth_ratio` and `four_week_mean_m`).
    spikes: `run_spikes` output with local columns.
    shoes: `shoe_mileage` output. pain: pain entries (load/frames.py PAIN_COLUMNS).
    daily: daily session load indexed by date, ending at as_of.
    injuries: the athlete's injury periods that started by as_of, oldest first (issue #14).
    plan_settings: the runner's run days and goal (issue #20).
    strength_dates, strength_target_per_week: the logged strength programme (issue #22).
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
    injuries: tuple[InjuryPeriod, ...] = ()
    plan_settings: PlanSettings = NO_PLAN_SETTINGS  # run days and goal (issue #20)
    # local days with a logged strength session (issue #22)
    strength_dates: tuple[date, ...] = ()
    # the athlete's programme; None: thresholds default
    strength_target_per_week: int | None = None

    @cached_property
    def run_log(self) -> RunLog:
        """Running metres per local day up to `as_of`: built once, read by R2, the plan and the
        headline (a frozen dataclass without slots, so the cache can live on the instance)."""
        runs = spike_columns(self)
        return RunLog.from_columns(runs.local_date, runs.distance_m, self.as_of)

    def memo(self, name: str, compute: Callable[[], _T]) -> _T:
        """`compute()` once per context under `name` (issue #27: measures several rules read,
        such as the judged pain days, are computed once; the context is frozen, so a kept
        value stays right)."""
        kept = self.__dict__.setdefault("_memo", {})
        if name not in kept:
            prepared = self.__dict__.get("_prepared", {}).pop(name, None)
            kept[name] = (prepared or compute)()
        value: _T = kept[name]
        return value

    def prepare(self, name: str, compute: Callable[[], object]) -> None:
        """Compute `name` with `compute` when first asked for (`memo`), instead of the caller's
        way: the squad (rules/batch.py) prepares each athlete's share of a squad-wide pass, and
        an athlete whose rules never ask costs nothing."""
        self.__dict__.setdefault("_prepared", {})[name] = compute

    def distance(self, metres: float, digits: int = 1) -> str:
        return format_distance(metres, self.units, digits)

    @classmethod
    def deferred(cls, frames: Mapping[str, Callable[[], object]], **fields: Any) -> RuleContext:
        """A context whose `frames` (field name -> how to build it) are built when a rule first
        reads them (issue #27: a squad's triage reads few of an athlete's frames, and each costs
        tens of microseconds of pandas; rules/batch.py). Equal to the context built with them."""
        placeholders: dict[str, Any] = dict.fromkeys(frames)
        ctx = cls(**fields, **placeholders)
        for name in frames:  # no class default behind these fields: reads go to __getattr__
            del ctx.__dict__[name]
        ctx.__dict__[_DEFERRED] = dict(frames)
        return ctx

    if not TYPE_CHECKING:  # at run time only: mypy keeps checking every attribute read

        def __getattr__(self, name: str) -> object:
            deferred = self.__dict__.get(_DEFERRED)
            if deferred is None or name not in deferred:
                raise AttributeError(f"'RuleContext' object has no attribute '{name}'")
            value = self.__dict__[name] = deferred.pop(name)()
            return value


_DEFERRED = "_deferred"


SPIKE_COLUMNS_MEMO = "spike_columns"


@dataclass(frozen=True, slots=True)
class SpikeColumns:
    """`ctx.spikes` as column lists (local day, metres, spike ratio, previous 30 days' longest
    run in metres, activity id), in its order: what the rules walk through run by run."""

    local_date: list[date]
    distance_m: list[float]
    spike_ratio: list[float]
    previous_max_m: list[float]
    activity_id: list[int]

    @classmethod
    def of(cls, spikes: pd.DataFrame) -> SpikeColumns:
        return cls(
            spikes[LOCAL_DATE].tolist(),
            spikes[DISTANCE_M].tolist(),
            spikes[SPIKE_RATIO].tolist(),
            spikes[PREVIOUS_MAX_M].tolist(),
            spikes[ACTIVITY_ID].tolist(),
        )


def spike_columns(ctx: RuleContext) -> SpikeColumns:
    """`ctx.spikes` as column lists, read once per context (issue #27: the spike and growth
    rules, the run log and the squad row each read them; the squad prepares them)."""
    return ctx.memo(SPIKE_COLUMNS_MEMO, lambda: SpikeColumns.of(ctx.spikes))


WEEKLY_COLUMNS_MEMO = "weekly_columns"


@dataclass(frozen=True, slots=True)
class WeeklyColumns:
    """`ctx.weekly`'s running descent (metres) and mean cadence (steps/min, NaN for none) as
    lists, oldest week first: what the pain rule's knee evidence reads."""

    descent_m: list[float]
    avg_cadence_spm: list[float]

    @classmethod
    def of(cls, weekly: pd.DataFrame) -> WeeklyColumns:
        return cls(weekly[DESCENT_M].tolist(), weekly[AVG_CADENCE_SPM].tolist())


def weekly_columns(ctx: RuleContext) -> WeeklyColumns:
    """`ctx.weekly`'s descent and cadence as lists, read once per context (issue #27: the
    squad prepares them from its own weeks, without a frame per athlete)."""
    return ctx.memo(WEEKLY_COLUMNS_MEMO, lambda: WeeklyColumns.of(ctx.weekly))


ACTIVITY_DAYS_MEMO = "activity_days"


@dataclass(frozen=True, slots=True)
class ActivityDays:
    """The first local day of `ctx.activities` (None without any) and the local days of its
    strength activities, in log order: what the strength rule reads of the log."""

    first: date | None
    strength: list[date]

    @classmethod
    def of(cls, activities: pd.DataFrame) -> ActivityDays:
        if activities.empty:
            return cls(None, [])
        days = activities[LOCAL_DATE].tolist()
        sports = activities[SPORT].tolist()
        return cls(min(days), [d for d, s in zip(days, sports, strict=True) if s == Sport.STRENGTH])


def activity_days(ctx: RuleContext) -> ActivityDays:
    """`ctx.activities`' first day and strength days, read once per context (issue #27: the
    squad prepares them from its arrays, without a frame per athlete)."""
    return ctx.memo(ACTIVITY_DAYS_MEMO, lambda: ActivityDays.of(ctx.activities))


def rule_context(
    activities: pd.DataFrame,
    shoes: pd.DataFrame,
    pain: pd.DataFrame,
    as_of: date,
    units: DistanceUnit = DistanceUnit.KM,
    week_start: int = 0,
    thresholds: Thresholds | None = None,
    injuries: Sequence[InjuryPeriod] = (),
    strength_dates: Sequence[date] = (),
    strength_target_per_week: int | None = None,
    plan_settings: PlanSettings | None = None,
) -> RuleContext:
    """The frames every rule reads, for one athlete as of a local day.

    Args:
        activities: repository.activities_frame output (all sports, UTC), any history length.
        shoes: load/frames.py SHOE_COLUMNS. pain: load/frames.py PAIN_COLUMNS.
        as_of: the local day evaluated; later activities, entries and injuries are ignored
            (an injury that ends after as_of is still ongoing on as_of).
        injuries: the athlete's injury periods (issue #14).
        strength_dates: local days with a logged strength session; later days are ignored.
        strength_target_per_week: the athlete's programme's sessions a week (issue #22).
        plan_settings: the runner's run days and goal (issue #20); None: the habit, no goal.
    """
    thresholds = thresholds or Thresholds()
    local = with_local_time(activities)
    local = local[local[LOCAL_DATE] <= as_of]
    weekly = weekly_distance(local, as_of, week_start)
    spikes = run_spikes(local)
    first_day = min(local[LOCAL_DATE]) if not local.empty else as_of
    daily = daily_load(local, first_day, as_of)
    shoe_frame = shoe_mileage(runs_only(local)[[SHOE_ID, DISTANCE_M]], shoes)
    shoe_frame["status"] = [
        shoe_status(retired, distance, start, end)
        for retired, distance, start, end in zip(
            shoe_frame["retired"],
            shoe_frame["distance_m"],
            shoe_frame["window_start_m"],
            shoe_frame["window_end_m"],
            strict=True,
        )
    ]
    pain = pain[pain["entry_date"] <= as_of] if not pain.empty else pain
    periods = tuple(
        sorted(
            (
                i if i.end_date is None or i.end_date <= as_of else replace(i, end_date=None)
                for i in injuries
                if i.start_date <= as_of
            ),
            key=lambda i: (i.start_date, i.id),
        )
    )
    return RuleContext(
        as_of,
        units,
        week_start,
        thresholds,
        local,
        weekly,
        spikes,
        shoe_frame,
        pain,
        daily,
        periods,
        plan_settings or PlanSettings(),
        tuple(sorted({d for d in strength_dates if d <= as_of})),
        strength_target_per_week,
    )
