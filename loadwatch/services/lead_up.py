"""What came before an injury (issue #14): the lead-up of one injury period (`injury_lead_up`, for
the printable page in loadwatch/documents/lead_up.py) and the runner's own pattern over all of
them (`injury_pattern`). They inform and cite; they never say what caused an injury.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db.injuries import period
from loadwatch.domain import InjuryPeriod
from loadwatch.rules.lead_up import LeadUp, lead_up
from loadwatch.rules.own_pattern import OwnPattern, own_pattern
from loadwatch.services._checks import (
    athlete_name,
)
from loadwatch.services._common import today as local_today
from loadwatch.services.injuries import injury_context, own_injury
from loadwatch.units import DistanceUnit


@dataclass(frozen=True, slots=True)
class LeadUpView:
    """What came before one injury, for its page: the analysis, the athlete's units, the day it
    was made, and the runner's own pattern across the log (shown from three episodes)."""

    athlete: str
    units: DistanceUnit
    made_on: date
    lead_up: LeadUp
    pattern: OwnPattern

    @property
    def injury(self) -> InjuryPeriod:
        return self.lead_up.injury


def injury_lead_up(
    engine: Engine,
    athlete: str,
    injury_id: int,
    *,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> LeadUpView:
    """The 14 and 30 days before an injury: spikes with their ratios, weekly growth, the shoes
    and their distance, pain entries and their trend, descent, cadence, cross-training and
    strength (`rules.lead_up.lead_up`), with the runner's own pattern.

    Raises:
        NotFoundError: unknown athlete or injury (or another athlete's).
        NotAllowedError: `actor` may not read the athlete's data.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        name = row.name
        injury = period(own_injury(session, row, injury_id))
        ctx = injury_context(session, row, today)
    auth.audit(engine, actor, "injury-lead-up", [name], is_read=True)
    return LeadUpView(name, ctx.units, today, lead_up(ctx, injury), own_pattern(ctx))


def injury_pattern(
    engine: Engine, athlete: str, *, today: date | None = None, actor: Actor = LOCAL
) -> OwnPattern:
    """Across the log's injuries and red pain days: how often a spike over 1.3x, a week over
    +30 % or a shoe past its window came within the 14 days before, against how often each
    occurred at all. Counts in the runner's own log, never a risk score.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read its data.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        name = row.name
        ctx = injury_context(session, row, today)
    auth.audit(engine, actor, "injury-pattern", [name], is_read=True)
    return own_pattern(ctx)
