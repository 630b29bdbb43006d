"""Strength queries (issue #22): sessions and their sets, programmes, self-tests. Take a session,
never commit; the policy (targets, progression, access) is in services/strength.py and rules/."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loadwatch.db.models import StrengthProgramme, StrengthSession, StrengthSet, StrengthTest


def strength_dates_for(session: Session, athlete_ids: Sequence[int]) -> dict[int, list[date]]:
    """Each athlete's local days with a logged session (with at least one exercise), oldest
    first, in one query."""
    query = (
        select(StrengthSession.athlete_id, StrengthSession.session_date)
        .where(
            StrengthSession.athlete_id.in_(athlete_ids),
            StrengthSession.id.in_(select(StrengthSet.session_id)),
        )
        .order_by(StrengthSession.session_date)
    )
    found: dict[int, list[date]] = {i: [] for i in athlete_ids}
    for athlete_id, day in session.execute(query):
        found[athlete_id].append(day)
    return found


def programmes_for(session: Session, athlete_ids: Sequence[int]) -> dict[int, StrengthProgramme]:
    query = select(StrengthProgramme).where(StrengthProgramme.athlete_id.in_(athlete_ids))
    return {p.athlete_id: p for p in session.scalars(query)}


def session_on(session: Session, athlete_id: int, day: date) -> StrengthSession | None:
    return session.scalar(
        select(StrengthSession).where(
            StrengthSession.athlete_id == athlete_id, StrengthSession.session_date == day
        )
    )


def sessions(
    session: Session, athlete_id: int, since: date | None = None
) -> list[tuple[StrengthSession, list[StrengthSet]]]:
    """The athlete's sessions from `since` (all when None), oldest first, with their sets in
    the order logged."""
    query = select(StrengthSession).where(StrengthSession.athlete_id == athlete_id)
    if since is not None:
        query = query.where(StrengthSession.session_date >= since)
    rows = list(session.scalars(query.order_by(StrengthSession.session_date)))
    sets: dict[int, list[StrengthSet]] = {r.id: [] for r in rows}
    if rows:
        for item in session.scalars(
            select(StrengthSet)
            .where(StrengthSet.session_id.in_(list(sets)))
            .order_by(StrengthSet.id)
        ):
            sets[item.session_id].append(item)
    return [(r, sets[r.id]) for r in rows]


def tests(session: Session, athlete_id: int) -> list[StrengthTest]:
    """The athlete's self-tests, oldest first."""
    return list(
        session.scalars(
            select(StrengthTest)
            .where(StrengthTest.athlete_id == athlete_id)
            .order_by(StrengthTest.test_date, StrengthTest.leg)
        )
    )


def strength_inputs_for(
    session: Session, athlete_ids: Sequence[int]
) -> dict[int, tuple[list[date], int | None]]:
    """What a RuleContext needs from the strength log, per athlete: the local days with a
    logged session, and the programme's sessions a week (None: no programme, the thresholds'
    default)."""
    dates = strength_dates_for(session, athlete_ids)
    programmes = programmes_for(session, athlete_ids)
    return {
        i: (dates[i], programmes[i].sessions_per_week if i in programmes else None)
        for i in athlete_ids
    }
