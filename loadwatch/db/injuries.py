"""Queries on injury periods (issue #14): take a session, return domain values, never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from loadwatch.db.models import Injury
from loadwatch.domain import InjuryPeriod


def injury_rows(session: Session, athlete_id: int) -> Sequence[Injury]:
    """The athlete's injury rows, oldest start first."""
    query = select(Injury).where(Injury.athlete_id == athlete_id)
    return session.scalars(query.order_by(Injury.start_date, Injury.id)).all()


def period(row: Injury) -> InjuryPeriod:
    return InjuryPeriod(row.id, row.start_date, row.end_date, row.location, row.side, row.note)


def injury_periods(session: Session, athlete_id: int) -> tuple[InjuryPeriod, ...]:
    """The athlete's injury periods as the rules read them, oldest start first."""
    return tuple(period(row) for row in injury_rows(session, athlete_id))


def injury_periods_for(
    session: Session, athlete_ids: Sequence[int]
) -> dict[int, tuple[InjuryPeriod, ...]]:
    """Injury periods of several athletes in one query (the squad view): id -> periods."""
    found: dict[int, list[InjuryPeriod]] = {a: [] for a in athlete_ids}
    if not athlete_ids:
        return {}
    query = select(Injury).where(Injury.athlete_id.in_(list(athlete_ids)))
    for row in session.scalars(query.order_by(Injury.start_date, Injury.id)):
        found[row.athlete_id].append(period(row))
    return {a: tuple(p) for a, p in found.items()}
