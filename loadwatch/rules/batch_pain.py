"""The squad's pain entries judged at once (issue #27): `judged_pain_days` and the morning
scores of every athlete, from the squad's pain columns read once into lists, each athlete's
share computed when its context first asks (rules/batch.py prepares them;
tests/services/test_triage_batch.py checks them against the per-athlete functions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd

from loadwatch.rules.pain import LOOKBACK_DAYS, PainDay, judge_entry
from loadwatch.rules.thresholds import Thresholds


def pain_window_start(as_of: date, thresholds: Iterable[Thresholds]) -> date:
    """The first day of the pain entries a squad's rows read (issue #27), for athletes without
    an injury period (whose return ladder reads every entry): the pain rule's last week and its
    morning trend's two calendar weeks, the screen's two weeks, and the strength rule's knee
    pain gap (the longest of `thresholds`). From before it, the squad also needs each
    athlete's first entry (the strength rule asks whether the log reaches back past its gap)
    and the older entries naming a run the window names (they order a day's entries):
    `db.frames.squad_pain_frame` reads exactly these."""
    gap = max((t.strength_gap_days for t in thresholds), default=0)
    return as_of - timedelta(days=max(2 * LOOKBACK_DAYS, gap))


def _cut_history(athlete_id: int, first: date) -> tuple[PainDay, ...]:
    raise LookupError(
        f"athlete {athlete_id}'s pain entries were read from {first} only: every judged pain "
        "day needs the whole history (squad_contexts' pain_from)"
    )


def _whole(value: object) -> int | None:
    """pain.py's reading of a score or run id: a number (not NaN) as an int, else None."""
    if isinstance(value, int | float) and not math.isnan(value):
        return int(value)
    return None


def pain_columns(pains: pd.DataFrame) -> dict[str, list[Any]]:
    """The squad's pain columns as lists, read once (scores and run ids as `_whole` reads
    them: an int or None)."""
    # scores are float64 columns (NaN: none): read each once, as `_whole` reads them
    columns: dict[str, list[Any]] = {
        c: [None if v != v else int(v) for v in pains[c].to_numpy(dtype=float).tolist()]
        for c in ("during", "after")
    }
    columns["entry_date"] = pains["entry_date"].tolist()
    columns["morning"] = pains["morning"].tolist()
    columns["location"] = pains["location"].tolist()
    columns["activity_id"] = [_whole(v) for v in pains["activity_id"].tolist()]
    return columns


def mornings_of(columns: Mapping[str, list[Any]], a: int, b: int) -> dict[date, float]:
    """`context_mornings` of rows [a, b) of the squad's pain columns."""
    entry, morning = columns["entry_date"], columns["morning"]
    return {entry[i]: float(morning[i]) for i in range(a, b) if morning[i] == morning[i]}


def judged_pain(
    columns: Mapping[str, list[Any]],
    bounds: Mapping[int, tuple[int, int]],
    thresholds: Mapping[int, Thresholds],
    as_of: date,
    since: date | None = None,
    pain_from: Mapping[int, date] | None = None,
) -> dict[int, Callable[[], tuple[PainDay, ...]]]:
    """`judged_pain_days` for every athlete (only the days after `since` if given), each
    computed when first asked for, from the squad's column lists read once (no pandas per
    athlete). `pain_from`: athletes whose entries were read from a day on only
    (`pain_window_start`): without `since`, or with one before that day, asking for their
    days raises LookupError instead of judging a cut history."""
    pain_from = pain_from or {}
    return {
        athlete_id: (
            partial(_cut_history, athlete_id, pain_from[athlete_id])
            if athlete_id in pain_from and (since is None or since < pain_from[athlete_id])
            else partial(_judge, columns, a, b, thresholds[athlete_id], as_of, since)
        )
        for athlete_id, (a, b) in bounds.items()
    }


def _judge(
    columns: Mapping[str, list[Any]],
    a: int,
    b: int,
    t: Thresholds,
    as_of: date,
    since: date | None = None,
) -> tuple[PainDay, ...]:
    """`judged_pain_days` of rows [a, b) of the squad's pain columns: the latest post-run entry
    per run (per day without a run), placed where its run was first seen, by date; only those
    after `since` when given (the whole history still decides which entry is a run's latest
    and the order of a day's entries)."""
    entry = columns["entry_date"]
    mornings = mornings_of(columns, a, b)
    latest: dict[tuple[str, object], int] = {}
    for i in range(a, b):
        if columns["during"][i] is None and columns["after"][i] is None:
            continue
        run = columns["activity_id"][i]
        latest[("run", run) if run is not None else ("day", entry[i])] = i
    days = []
    for i in sorted(latest.values(), key=lambda i: entry[i]):
        entry_date: date = entry[i]
        during, after = columns["during"][i], columns["after"][i]
        if entry_date > as_of or (since is not None and entry_date <= since):
            continue
        score = max(during or 0, after or 0)
        location = columns["location"][i]
        days.append(
            judge_entry(
                entry_date,
                score,
                mornings,
                as_of,
                t,
                location if isinstance(location, str) else None,
                columns["activity_id"][i],
            )
        )
    return tuple(days)
