"""One athlete's report (weeks, alerts, shoes, pain, plan), the sources its alerts cite, and
the rule and threshold registries for the views (ui/ and cli never import rules/ directly)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.errors import InputError
from loadwatch.report import Report, build_report
from loadwatch.rules import RULE_TITLES
from loadwatch.rules.citations import CITATIONS, Citation
from loadwatch.rules.season import SEASON_WEEKS
from loadwatch.rules.thresholds import THRESHOLDS, ThresholdSpec
from loadwatch.services._checks import athlete_name, check_day
from loadwatch.services._common import today as local_today
from loadwatch.services.athletes import athlete_context

MAX_SEASON_WEEKS = 26  # the season shown ahead: half a year at most


def citation(key: str) -> Citation:
    """The source behind a citation key used in an Alert."""
    return CITATIONS[key]


def rule_title(rule_id: str) -> str:
    """A rule's title on screen, from the rule registry."""
    return RULE_TITLES.get(rule_id, rule_id)


def threshold_specs() -> tuple[ThresholdSpec, ...]:
    """Every threshold with its default, unit, rule and source (rules/thresholds.py)."""
    return THRESHOLDS


def report(
    engine: Engine,
    athlete: str,
    as_of: date | None = None,
    today: date | None = None,
    *,
    actor: Actor = LOCAL,
    weeks: int = SEASON_WEEKS,
) -> Report:
    """One athlete's status: weeks, alerts in order, shoes, pain, the 7-day plan and the season
    for `weeks` weeks (the current one included).

    Raises:
        NotFoundError: unknown athlete. InputError: `as_of` in the future or before 1990, a
            blank or overlong athlete name, or `weeks` outside 1-26.
    """
    if not 1 <= weeks <= MAX_SEASON_WEEKS:
        raise InputError(f"weeks must be 1-{MAX_SEASON_WEEKS}, got {weeks}")
    today = today or local_today()
    as_of = as_of or today
    check_day(as_of, today, "as-of date")
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        ctx = athlete_context(session, row, as_of)
    auth.audit(engine, actor, "report", [row.name], is_read=True)
    return build_report(row.name, ctx, weeks)  # as stored: "Ana", however it was typed (#24)
