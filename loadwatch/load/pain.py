"""The pain-monitoring model's inputs: per-day scores and weekly morning means (RULES.md R3)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from loadwatch.errors import FrameSchemaError

PAIN_COLUMNS = ("entry_date", "during", "after", "morning", "location", "activity_id")


def weekly_morning_mean(pain: pd.DataFrame, week_start: date) -> tuple[float | None, float | None]:
    """Mean morning pain (0-10) of the week starting `week_start` and of the week before.

    Returns:
        (this week, last week); None where the week has no morning score.
    """
    _require(pain)
    mornings = pain.dropna(subset=["morning"])

    def mean(start: date) -> float | None:
        days = mornings[
            (mornings["entry_date"] >= start) & (mornings["entry_date"] < start + timedelta(7))
        ]
        return None if days.empty else float(days["morning"].mean())

    return mean(week_start), mean(week_start - timedelta(days=7))


def morning_on(pain: pd.DataFrame, day: date) -> float | None:
    """The morning score logged for `day`, or None."""
    _require(pain)
    rows = pain[(pain["entry_date"] == day) & pain["morning"].notna()]
    return None if rows.empty else float(rows["morning"].iloc[-1])


def _require(pain: pd.DataFrame) -> None:
    missing = set(PAIN_COLUMNS) - set(pain.columns)
    if missing:
        raise FrameSchemaError(f"pain frame is missing {sorted(missing)}")


def empty_pain() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PAIN_COLUMNS})
