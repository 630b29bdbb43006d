"""R4 shoe mileage against each pair's window, and the rotation nudge (Malisoux 2015)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from loadwatch.domain import Alert, Severity
from loadwatch.load.shoes import CAUTION, OK, REPLACE, RETIRED
from loadwatch.rules.context import RuleContext

SHOE_LISTS_MEMO = "shoe_lists"
SHOE_LIST_COLUMNS = ("name", "retired", "status", "distance_m", "window_start_m", "window_end_m")


@dataclass(frozen=True, slots=True)
class ShoeLists:
    """`ctx.shoes` as column lists (SHOE_LIST_COLUMNS: metres, the `shoe_status` of each pair),
    in its order: what the shoe rules and the squad row walk through pair by pair."""

    name: list[Any]
    retired: list[Any]
    status: list[Any]
    distance_m: list[float]
    window_start_m: list[float]
    window_end_m: list[float]

    @classmethod
    def of(cls, shoes: pd.DataFrame) -> ShoeLists:
        return cls(*(shoes[c].tolist() for c in SHOE_LIST_COLUMNS))


def shoe_lists(ctx: RuleContext) -> ShoeLists:
    """`ctx.shoes` as column lists, read once per context (issue #27: a squad runs the shoe
    rules for every athlete; it prepares these from its own lists)."""
    return ctx.memo(SHOE_LISTS_MEMO, lambda: ShoeLists.of(ctx.shoes))


def shoe_mileage(ctx: RuleContext) -> Iterator[Alert]:
    shoes = shoe_lists(ctx)
    for status_value, name_value, distance_value, start, end_value in zip(
        shoes.status,
        shoes.name,
        shoes.distance_m,
        shoes.window_start_m,
        shoes.window_end_m,
        strict=True,
    ):
        status = str(status_value)
        if status in (OK, RETIRED):
            continue
        distance, end = float(distance_value), float(end_value)
        name = str(name_value)
        evidence = {
            "distance_m": distance,
            "window_start_m": float(start),
            "window_end_m": end,
        }
        if status == REPLACE:
            severity = Severity.WARNING
            text = (
                f"is at {ctx.distance(distance, 0)}, past the {ctx.distance(end, 0)} end of its "
                "window: time to replace it"
            )
        elif status == CAUTION:
            severity = Severity.CAUTION
            text = (
                f"is at {ctx.distance(distance, 0)}, past the middle of its replacement window; "
                "plan a new pair"
            )
        else:
            severity = Severity.INFO
            text = f"is at {ctx.distance(distance, 0)}, entering its replacement window"
        yield Alert(
            "shoe-mileage",
            severity,
            f"Shoe '{name}' {text} (the 300-500 mile window is a convention, not a trial result).",
            evidence,
            ("convention",),
            ctx.as_of,
        )


def shoe_rotation(ctx: RuleContext) -> Iterator[Alert]:
    shoes = shoe_lists(ctx)
    if not shoes.name:
        return
    active = [
        name for name, retired in zip(shoes.name, shoes.retired, strict=True) if not bool(retired)
    ]
    if len(active) == 1:
        yield Alert(
            "shoe-rotation",
            Severity.INFO,
            f"You run in one pair ('{active[0]}'); runners who rotated more than one "
            "pair had fewer injuries (hazard ratio 0.61).",
            {"active_pairs": 1.0, "hazard_ratio": 0.614},
            ("malisoux2015",),
            ctx.as_of,
        )
