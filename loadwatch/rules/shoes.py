"""R4 shoe mileage against each pair's window, and the rotation nudge (Malisoux 2015)."""

from __future__ import annotations

from collections.abc import Iterator

from loadwatch.domain import Alert, Severity
from loadwatch.load.shoes import CAUTION, OK, REPLACE, RETIRED
from loadwatch.rules.context import RuleContext


def shoe_mileage(ctx: RuleContext) -> Iterator[Alert]:
    for _, row in ctx.shoes.iterrows():
        status = str(row["status"])
        if status in (OK, RETIRED):
            continue
        distance, end = float(row["distance_m"]), float(row["window_end_m"])
        name = str(row["name"])
        evidence = {
            "distance_m": distance,
            "window_start_m": float(row["window_start_m"]),
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
    if ctx.shoes.empty:
        return
    active = ctx.shoes[~ctx.shoes["retired"].astype(bool)]
    if len(active) == 1:
        yield Alert(
            "shoe-rotation",
            Severity.INFO,
            f"You run in one pair ('{active['name'].iloc[0]}'); runners who rotated more than one "
            "pair had fewer injuries (hazard ratio 0.61).",
            {"active_pairs": 1.0, "hazard_ratio": 0.614},
            ("malisoux2015",),
            ctx.as_of,
        )
