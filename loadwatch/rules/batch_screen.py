"""The squad's screen (issue #27): which rules cannot say anything for an athlete, read from
measures computed for the whole squad at once (`rules.batch`), so the triage runs only the rules
that may.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from loadwatch.load.frames import require_columns
from loadwatch.rules.batch import ATHLETE_ID
from loadwatch.rules.context import RuleContext
from loadwatch.rules.monotony import context_acwr, week_monotony
from loadwatch.rules.pain import LOOKBACK_DAYS as PAIN_LOOKBACK_DAYS
from loadwatch.rules.strength import KNEE_LOCATIONS

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# A screen is conservative: it names a rule quiet only when the rule's own test fails (monotony
# and ACWR: on the rule's own measures), and a rule it is unsure of runs as usual; so the alerts
# are the per-athlete rules' own (tests/services/test_triage_batch.py, on random squads).
_TREND_DAYS = 2 * PAIN_LOOKBACK_DAYS  # the pain trend compares this week's mornings with last


def quiet_rules(
    contexts: Mapping[int, RuleContext], shoes: pd.DataFrame, pain: pd.DataFrame
) -> dict[int, frozenset[str]]:
    """Per athlete, the rules that give no alert for its context (a subset of the quiet ones).

    Args:
        contexts: `squad_contexts` output (one as_of for all).
        shoes, pain: the frames `squad_contexts` was given (with `athlete_id`).

    Returns:
        Athlete id -> rule ids to skip: "pain" (no entry in the two weeks the pain rule reads),
        "strength" (no knee entry in the strength gap), "shoe-rotation" (not exactly one active
        pair), "monotony" and "acwr" (the measure is clearly inside the quiet band).
    """
    require_columns(shoes, {ATHLETE_ID, "retired"})
    require_columns(pain, {ATHLETE_ID, "entry_date", "location"})
    quiet: dict[int, set[str]] = {a: set() for a in contexts}
    if not contexts:
        return {}
    as_of = next(iter(contexts.values())).as_of
    as_of_day = as_of.toordinal() - _EPOCH_ORDINAL
    # pain and strength: the entries in each rule's window
    owners = pain[ATHLETE_ID].to_numpy(dtype=np.int64)
    # days since 1970 from the ordinals (NumPy's date-object conversion is ~50x slower)
    days = np.fromiter(
        (d.toordinal() for d in pain["entry_date"].tolist()), dtype=np.int64, count=len(pain)
    )
    days -= _EPOCH_ORDINAL
    upto = days <= as_of_day
    with_pain = set(owners[upto & (days > as_of_day - _TREND_DAYS)].tolist())
    knee = upto & pain["location"].isin(KNEE_LOCATIONS).to_numpy()
    knee_days: dict[int, int] = {}
    for owner, day in zip(owners[knee].tolist(), days[knee].tolist(), strict=True):
        knee_days[owner] = max(day, knee_days.get(owner, day))
    # shoe rotation: the active pairs
    active = (~shoes["retired"].astype(bool)).astype("int64")
    pairs = active.groupby(shoes[ATHLETE_ID].to_numpy()).sum().to_dict()
    for athlete_id, ctx in contexts.items():
        t, kept = ctx.thresholds, quiet[athlete_id]
        if athlete_id not in with_pain:
            kept.add("pain")
        if knee_days.get(athlete_id, -(10**9)) <= as_of_day - t.strength_gap_days:
            kept.add("strength")
        if pairs.get(athlete_id, 0) != 1:
            kept.add("shoe-rotation")
        # the rules' own measures (prepared for the squad, rules/batch_measures.py)
        if week_monotony(ctx).monotony < t.monotony_info:
            kept.add("monotony")
        value = context_acwr(ctx)
        if value is None or t.acwr_low <= value < t.acwr_high:
            kept.add("acwr")
    return {a: frozenset(q) for a, q in quiet.items()}
