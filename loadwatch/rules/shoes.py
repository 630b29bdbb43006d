"""R4 shoe mileage against each pair's window, and the rotation nudge (Malisoux 2015)."""

from __future__ import annotations

from collections.abc import Iterator

from loadwatch.domain import Alert, Severity
from loadwatch.load.shoes import CAUTION, OK, REPLACE, RETIRED
from loadwatch.rules.context import RuleContext


def shoe_mileage(ctx: RuleContext) -> Iterator[Alert]:
    # column lists, not `iterrows`: a squad runs this for every athlete (issue #27)
    shoes = ctx.shoes
    for status_value, name_value, distance_value, start, end_value in zip(
        shoes["status"].tolist(),
        shoes["name"].tolist(),
        shoes["distance_m"].tolist(),
        shoes["window_start_m"].tolist(),
        shoes["window_end_m"].tolist(),
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
    if ctx.shoes.empty:
        return
    # column lists, not a filtered frame: a squad runs this for every athlete (issue #27)
    active = [
        name
        for name, retired in zip(
            ctx.shoes["name"].tolist(), ctx.shoes["retired"].tolist(), strict=True
        )
        if not bool(retired)
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
