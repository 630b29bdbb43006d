"""The one registry of thresholds: each with its default, unit, rule and source.

The rules, the charts' guide lines, the Settings page, the CLI help and docs/rules.md all read
`THRESHOLDS` (datasette's `SETTINGS` is the model); a threshold literal anywhere else is a bug
(`tests/rules/test_thresholds.py` looks for them). `Thresholds` is one athlete's values: the
defaults below, overridden per athlete or by a coach.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from loadwatch.errors import InputError

LOADWATCH_DEFAULT = "loadwatch default"


@dataclass(frozen=True, slots=True)
class ThresholdSpec:
    """One threshold: `unit` is "x" (a multiple), "fraction" (0.10 = 10 %), "m", "score" (0-10)
    or "count"; `source` is the sentence shown beside it, `citation` its key (or None)."""

    name: str
    default: float
    unit: str
    rule_id: str
    source: str
    citation: str | None = None

    @property
    def is_integer(self) -> bool:
        return self.unit in ("score", "count")


THRESHOLDS: tuple[ThresholdSpec, ...] = (
    # R1 spikes [frandsen2025]: HR 1.64 (>1.10-1.30), 1.52 (>1.30-2.00), 2.28 (>2.00)
    ThresholdSpec(
        "small_spike_ratio",
        1.10,
        "x",
        "run-spike",
        "Frandsen et al. 2025: runs over 1.1x the longest run of the 30 days before, HR 1.64",
        "frandsen2025",
    ),
    ThresholdSpec(
        "moderate_spike_ratio",
        1.30,
        "x",
        "run-spike",
        "Frandsen et al. 2025: over 1.3x, HR 1.52 (its CI overlaps the small band's)",
        "frandsen2025",
    ),
    ThresholdSpec(
        "large_spike_ratio",
        2.00,
        "x",
        "run-spike",
        "Frandsen et al. 2025: over 2x, HR 2.28",
        "frandsen2025",
    ),
    ThresholdSpec(
        "weekly_growth_ratio",
        0.10,
        "fraction",
        "weekly-growth",
        "the 10% rule: a convention; the GRONORUN trial found it did not prevent injuries "
        "(Buist et al. 2008)",
        "buist2008",
    ),
    ThresholdSpec(
        "two_week_growth_ratio",
        0.30,
        "fraction",
        "two-week-growth",
        "Nielsen et al. 2014: novices progressing over 30% (7 days against the 7 before) had more "
        "distance-related injuries, HR 1.59 (95% CI 0.96-2.66, not significant)",
        "nielsen2014",
    ),
    ThresholdSpec(
        "low_base_m",
        10_000.0,
        "m",
        "weekly-growth",
        f"{LOADWATCH_DEFAULT}: below this base, report the change in distance, not a percentage",
    ),
    ThresholdSpec(
        "pain_safe_max",
        2,
        "score",
        "pain",
        "pain-monitoring model: 0-2 safe (Thomee 1997)",
        "thomee1997",
    ),
    ThresholdSpec(
        "pain_acceptable_max",
        5,
        "score",
        "pain",
        "pain-monitoring model: 3-5 acceptable if it settles (Thomee 1997; Silbernagel 2007)",
        "silbernagel2007",
    ),
    ThresholdSpec(
        "pain_stop_score",
        7,
        "score",
        "pain",
        f"{LOADWATCH_DEFAULT}: pain this high advises stopping running and seeing a "
        "physiotherapist or sports doctor at once",
    ),
    ThresholdSpec(
        "red_pain_run_fraction",
        0.80,
        "fraction",
        "pain",
        f"{LOADWATCH_DEFAULT}: while pain is red, planned runs stay under this fraction of the "
        "run that hurt",
    ),
    ThresholdSpec(
        "step_rate_cue_min",
        0.05,
        "fraction",
        "pain",
        "Willson et al. 2014: a 5-10% higher step rate may help with knee-front pain (a "
        "laboratory study), from the runner's own cadence",
        "willson2014",
    ),
    ThresholdSpec(
        "step_rate_cue_max",
        0.10,
        "fraction",
        "pain",
        "Willson et al. 2014 (the top of the 5-10% cue)",
        "willson2014",
    ),
    ThresholdSpec(
        "monotony_info",
        1.5,
        "x",
        "monotony",
        "Foster 1998; Runalyze's constant",
        "runalyze",
    ),
    ThresholdSpec(
        "monotony_caution",
        2.0,
        "x",
        "monotony",
        "Foster 1998; Runalyze's constant",
        "runalyze",
    ),
    ThresholdSpec("acwr_low", 0.8, "x", "acwr", "Gabbett 2016 (contested)", "gabbett2016"),
    ThresholdSpec("acwr_high", 1.3, "x", "acwr", "Gabbett 2016 (contested)", "gabbett2016"),
    ThresholdSpec("acwr_danger", 1.5, "x", "acwr", "Gabbett 2016 (contested)", "gabbett2016"),
    ThresholdSpec(
        "return_fraction_month",
        0.50,
        "fraction",
        "run-spike",
        f"{LOADWATCH_DEFAULT}: first run back after 31-60 days off, as a fraction of the "
        "longest run before the break",
    ),
    ThresholdSpec(
        "return_fraction_quarter",
        0.35,
        "fraction",
        "run-spike",
        f"{LOADWATCH_DEFAULT}: first run back after 61-180 days off",
    ),
    ThresholdSpec(
        "return_fraction_long",
        0.25,
        "fraction",
        "run-spike",
        f"{LOADWATCH_DEFAULT}: first run back after more than 180 days off",
    ),
    ThresholdSpec(
        "min_planned_run_m",
        2_000.0,
        "m",
        "plan",
        f"{LOADWATCH_DEFAULT}: the plan suggests no run shorter than this",
    ),
    ThresholdSpec(
        "cross_training_days",
        2,
        "count",
        "plan",
        f"{LOADWATCH_DEFAULT}: low-impact (cross-training) days a week where the runner's week "
        "has room (R8; the seeds say 2-3); the plan says why a week has fewer",
    ),
    ThresholdSpec(
        "strength_sessions",
        2,
        "count",
        "plan",
        f"{LOADWATCH_DEFAULT}: strength sessions in 7 days (the seeds say 2-3)",
    ),
    ThresholdSpec(
        "lighter_week_cut",
        0.25,
        "fraction",
        "plan",
        "convention (coaching practice, no trial): a lighter week 20-30 % below the week "
        "before it, at least every fourth week of growth (R8)",
    ),
    ThresholdSpec(
        "lighter_week_every",
        4,
        "count",
        "plan",
        "convention (coaching practice, no trial): at most this many weeks of growth in a row, "
        "the last of them a lighter week (R8)",
    ),
    ThresholdSpec(
        "return_first_week_fraction",
        0.5,
        "fraction",
        "plan",
        f"{LOADWATCH_DEFAULT}: the first week back after 4+ weeks off, at most this fraction of "
        "the week before the break (coaching return tables, e.g. Daniels' Running Formula, "
        "start at a third to a half; not checked against the book)",
    ),
    ThresholdSpec(
        "return_week_step",
        0.05,
        "fraction",
        "weekly-growth",
        f"{LOADWATCH_DEFAULT}: each week after the first back from 4+ weeks off may return this "
        "much more of the week before the break (to 100 % by week 11), a return, not growth",
    ),
    ThresholdSpec(
        "break_days",
        28,
        "count",
        "plan",
        f"{LOADWATCH_DEFAULT}: days without running that make a break the plan rebuilds from (R8: "
        "4+ weeks off)",
    ),
    ThresholdSpec(
        "taper_cut",
        0.3,
        "fraction",
        "plan",
        "convention (coaching practice): the week before a race runs this much below the peak "
        "week, the race week twice as much",
    ),
    ThresholdSpec(
        "race_peak_multiple",
        2.0,
        "x",
        "plan",
        f"{LOADWATCH_DEFAULT}: with a race goal the season builds (within the growth rules) to "
        "a week of this multiple of the race distance, or holds a higher usual week",
    ),
    ThresholdSpec(
        "injury_step_reached_fraction",
        0.85,
        "fraction",
        "injury",
        f"{LOADWATCH_DEFAULT}: a return-ladder run reaches its step when it covers this "
        "fraction of the step; a shorter run holds the step (issue #20)",
    ),
    ThresholdSpec(
        "injury_return_start_fraction",
        0.30,
        "fraction",
        "injury",
        f"{LOADWATCH_DEFAULT}: the return ladder's first walk-run step after an injury, as a "
        "fraction of the longest pain-free run of the 30 days before it (walk-run returns start "
        "well below the usual distance: Warden et al. 2021)",
        "warden2021",
    ),
    ThresholdSpec(
        "injury_ladder_step_ratio",
        1.25,
        "x",
        "injury",
        f"{LOADWATCH_DEFAULT}: each return-ladder step after an injury is at most this multiple "
        "of the step before (graded return: Warden et al. 2021 give the order, not the step "
        "size); a planned run also stays within R1's 1.1x of the longest run of its 30 days",
        "warden2021",
    ),
    ThresholdSpec(
        "injury_return_reference_weeks",
        6,
        "count",
        "weekly-growth",
        f"{LOADWATCH_DEFAULT}: for this many weeks after an injury period ends, a week (or 7 "
        "days) that does not exceed the best complete week of the four before the injury is a "
        "return to an established level, not growth (R2's four-week reference, carried over "
        "the injury's weeks)",
    ),
    ThresholdSpec(
        "injury_return_max_days",
        90,
        "count",
        "injury",
        f"{LOADWATCH_DEFAULT}: days after an injury ends when the return ladder stops capping "
        "runs even if it was not climbed step by step (pain scores not logged); the other rules "
        "still apply",
    ),
    ThresholdSpec(
        "injury_pattern_min_episodes",
        3,
        "count",
        "injury",
        f"{LOADWATCH_DEFAULT}: your own pattern (what came before injuries and red pain days) "
        "is shown only from this many episodes: n is small, and it is never a risk score",
    ),
    ThresholdSpec(
        "shoe_window_start_m",
        482_803.2,
        "m",
        "shoe-mileage",
        "convention (podiatry and coaching advice), not a trial result: 300 miles",
    ),
    ThresholdSpec(
        "shoe_window_end_m",
        804_672.0,
        "m",
        "shoe-mileage",
        "convention (podiatry and coaching advice), not a trial result: 500 miles",
    ),
    # R9 strength (issue #22): loadwatch defaults (RULES.md R9: no checked source sets them)
    ThresholdSpec(
        "strength_pain_up_max",
        2,
        "score",
        "strength",
        f"{LOADWATCH_DEFAULT}: pain during an exercise at or under this (0-2) lets its target "
        "step up",
    ),
    ThresholdSpec(
        "strength_pain_hold_max",
        5,
        "score",
        "strength",
        f"{LOADWATCH_DEFAULT}: pain during an exercise up to this (3-5) holds its target; above "
        "it the target steps back",
    ),
    ThresholdSpec(
        "strength_step_up_sessions",
        2,
        "count",
        "strength",
        f"{LOADWATCH_DEFAULT}: sessions in a row at the target with pain 0-2 before it steps up",
    ),
    ThresholdSpec(
        "strength_reps_step",
        2,
        "count",
        "strength",
        f"{LOADWATCH_DEFAULT}: reps added (or taken off) when a target steps",
    ),
    ThresholdSpec(
        "strength_hold_step_s",
        10.0,
        "s",
        "strength",
        f"{LOADWATCH_DEFAULT}: seconds added (or taken off) a hold when its target steps",
    ),
    ThresholdSpec(
        "strength_load_step_kg",
        2.5,
        "kg",
        "strength",
        f"{LOADWATCH_DEFAULT}: load added at the top of the range (the seeds: add load once "
        "comfortable)",
    ),
    ThresholdSpec(
        "strength_gap_days",
        14,
        "count",
        "strength",
        f"{LOADWATCH_DEFAULT}: knee pain logged and no strength session for this many days "
        "flags the runner",
    ),
    ThresholdSpec(
        "strength_self_test_days",
        14,
        "count",
        "strength",
        f"{LOADWATCH_DEFAULT}: the single-leg squat self-test is suggested this long after the "
        "last one while knee pain is logged (the seeds: every 2-4 weeks)",
    ),
)

SPECS: dict[str, ThresholdSpec] = {spec.name: spec for spec in THRESHOLDS}
# Thresholds that earlier versions stored and that no rule reads any more: ignored when read.
RETIRED = frozenset({"returning_run_cap_m"})  # replaced by the return ladder (issue #9)


def _default(name: str) -> Any:
    spec = SPECS[name]
    return int(spec.default) if spec.is_integer else float(spec.default)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """One athlete's thresholds; every default comes from `THRESHOLDS`."""

    small_spike_ratio: float = _default("small_spike_ratio")
    moderate_spike_ratio: float = _default("moderate_spike_ratio")
    large_spike_ratio: float = _default("large_spike_ratio")
    weekly_growth_ratio: float = _default("weekly_growth_ratio")
    two_week_growth_ratio: float = _default("two_week_growth_ratio")
    low_base_m: float = _default("low_base_m")
    pain_safe_max: int = _default("pain_safe_max")
    pain_acceptable_max: int = _default("pain_acceptable_max")
    pain_stop_score: int = _default("pain_stop_score")
    red_pain_run_fraction: float = _default("red_pain_run_fraction")
    step_rate_cue_min: float = _default("step_rate_cue_min")
    step_rate_cue_max: float = _default("step_rate_cue_max")
    monotony_info: float = _default("monotony_info")
    monotony_caution: float = _default("monotony_caution")
    acwr_low: float = _default("acwr_low")
    acwr_high: float = _default("acwr_high")
    acwr_danger: float = _default("acwr_danger")
    return_fraction_month: float = _default("return_fraction_month")
    return_fraction_quarter: float = _default("return_fraction_quarter")
    return_fraction_long: float = _default("return_fraction_long")
    min_planned_run_m: float = _default("min_planned_run_m")
    cross_training_days: int = _default("cross_training_days")
    strength_sessions: int = _default("strength_sessions")
    lighter_week_cut: float = _default("lighter_week_cut")
    lighter_week_every: int = _default("lighter_week_every")
    return_first_week_fraction: float = _default("return_first_week_fraction")
    return_week_step: float = _default("return_week_step")
    break_days: int = _default("break_days")
    taper_cut: float = _default("taper_cut")
    race_peak_multiple: float = _default("race_peak_multiple")
    injury_step_reached_fraction: float = _default("injury_step_reached_fraction")
    injury_return_start_fraction: float = _default("injury_return_start_fraction")
    injury_ladder_step_ratio: float = _default("injury_ladder_step_ratio")
    injury_return_reference_weeks: int = _default("injury_return_reference_weeks")
    injury_return_max_days: int = _default("injury_return_max_days")
    injury_pattern_min_episodes: int = _default("injury_pattern_min_episodes")
    shoe_window_start_m: float = _default("shoe_window_start_m")
    shoe_window_end_m: float = _default("shoe_window_end_m")
    strength_pain_up_max: int = _default("strength_pain_up_max")
    strength_pain_hold_max: int = _default("strength_pain_hold_max")
    strength_step_up_sessions: int = _default("strength_step_up_sessions")
    strength_reps_step: int = _default("strength_reps_step")
    strength_hold_step_s: float = _default("strength_hold_step_s")
    strength_load_step_kg: float = _default("strength_load_step_kg")
    strength_gap_days: int = _default("strength_gap_days")
    strength_self_test_days: int = _default("strength_self_test_days")

    def to_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Thresholds:
        """Defaults overridden by `data`.

        Raises:
            InputError: an unknown key, a value that is not a finite positive number, or
                bounds out of order (spike bands, pain zones, shoe window).
        """
        data = {k: v for k, v in (data or {}).items() if k not in RETIRED}
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown threshold(s) {unknown}; known: {sorted(known)}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise InputError(f"threshold {key} must be a positive number, got {value!r}")
            values[key] = int(value) if SPECS[key].is_integer else float(value)
        result = replace(cls(), **values)
        if not result.small_spike_ratio < result.moderate_spike_ratio < result.large_spike_ratio:
            raise InputError("spike thresholds must increase: small < moderate < large")
        if not result.pain_safe_max < result.pain_acceptable_max < result.pain_stop_score <= 10:
            raise InputError("pain thresholds must increase: safe < acceptable < stop <= 10")
        if not result.strength_pain_up_max < result.strength_pain_hold_max <= 10:
            raise InputError("strength pain limits must increase: step up < hold <= 10")
        if not result.shoe_window_start_m < result.shoe_window_end_m:
            raise InputError("the shoe window must start before it ends")
        for key in (
            "red_pain_run_fraction",
            "return_fraction_month",
            "return_fraction_quarter",
            "injury_return_start_fraction",
            "lighter_week_cut",
            "return_first_week_fraction",
            "taper_cut",
            "injury_step_reached_fraction",
        ):
            if getattr(result, key) > 1:
                raise InputError(f"threshold {key} is a fraction and must be at most 1")
        return result
