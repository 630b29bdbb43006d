"""The rule registry: each rule's id, title and thresholds, evaluated in RULES.md's order.

Rules are pure functions RuleContext -> Alerts. The 7-day plan (`rules/plan.py`) is
computed from the same context and is checked against these rules by property tests.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from loadwatch.domain import SEVERITY_RANK, Alert
from loadwatch.rules import injury, mileage, monotony, pain, shoes, strength
from loadwatch.rules.context import RuleContext
from loadwatch.rules.thresholds import THRESHOLDS

Rule = Callable[[RuleContext], Iterable[Alert]]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule: its stable id, its title on screen, and the function that checks it."""

    rule_id: str
    title: str
    check: Rule

    @property
    def thresholds(self) -> tuple[str, ...]:
        """Names of the thresholds (rules/thresholds.py) this rule reads."""
        return tuple(t.name for t in THRESHOLDS if t.rule_id == self.rule_id)


# RULES.md "Order of warnings": pain, spikes, weekly growth, shoes, monotony; ACWR as context;
# strength (R9) last.
# An injury period (issue #14) comes first: while injured or returning it frames everything else.
RULE_SPECS: tuple[RuleSpec, ...] = (
    RuleSpec("injury", "Injury and return", injury.injury),
    RuleSpec("pain", "Pain", pain.pain),
    RuleSpec("run-spike", "Single-run spike", mileage.run_spike),
    RuleSpec("weekly-growth", "Weekly growth", mileage.weekly_growth),
    RuleSpec("two-week-growth", "Progression over 30% (novices)", mileage.two_week_growth),
    RuleSpec("shoe-mileage", "Shoe mileage", shoes.shoe_mileage),
    RuleSpec("shoe-rotation", "Shoe rotation", shoes.shoe_rotation),
    RuleSpec("monotony", "Monotony", monotony.monotony),
    RuleSpec("acwr", "Acute:chronic ratio (contested)", monotony.acwr),
    # R9 (issue #22): strength shapes the plan, never the order of warnings: last.
    RuleSpec("strength", "Strength work (knee pain)", strength.strength),
)
RULES: tuple[Rule, ...] = tuple(spec.check for spec in RULE_SPECS)
RULE_IDS: tuple[str, ...] = tuple(spec.rule_id for spec in RULE_SPECS)
RULE_TITLES: dict[str, str] = {spec.rule_id: spec.title for spec in RULE_SPECS}


def evaluate(ctx: RuleContext, skip: Collection[str] = ()) -> list[Alert]:
    """Every rule's alerts: in rule order, then most severe first, then newest first.

    `skip` names rules known to say nothing for `ctx` (the squad's screen, rules/batch.py,
    issue #27): leaving them out saves their cost and changes nothing."""
    alerts = [alert for spec in RULE_SPECS if spec.rule_id not in skip for alert in spec.check(ctx)]
    return sorted(
        alerts,
        key=lambda a: (RULE_IDS.index(a.rule_id), -SEVERITY_RANK[a.severity], -a.date.toordinal()),
    )
