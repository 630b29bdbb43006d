"""The rule registry: pure functions RuleContext -> Alerts, evaluated in RULES.md's order."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from loadwatch.domain import SEVERITY_RANK, Alert
from loadwatch.rules import mileage, monotony, pain, shoes
from loadwatch.rules.context import RuleContext

Rule = Callable[[RuleContext], Iterable[Alert]]

# RULES.md "Order of warnings": pain, spikes, weekly growth, shoes, monotony; ACWR as context.
RULES: tuple[Rule, ...] = (
    pain.pain,
    mileage.run_spike,
    mileage.weekly_growth,
    mileage.two_week_growth,
    shoes.shoe_mileage,
    shoes.shoe_rotation,
    monotony.monotony,
    monotony.acwr,
)
RULE_IDS = (
    "pain",
    "run-spike",
    "weekly-growth",
    "two-week-growth",
    "shoe-mileage",
    "shoe-rotation",
    "monotony",
    "acwr",
)


def evaluate(ctx: RuleContext) -> list[Alert]:
    """Every rule's alerts: in rule order, then most severe first, then newest first."""
    alerts = [alert for rule in RULES for alert in rule(ctx)]
    return sorted(
        alerts,
        key=lambda a: (RULE_IDS.index(a.rule_id), -SEVERITY_RANK[a.severity], -a.date.toordinal()),
    )
