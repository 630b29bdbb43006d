"""Athlete administration queries: case-insensitive lookup, rename, delete with all data.

Names match case-insensitively (`ana` is `Ana`, issue #10). The comparison is Python's
`str.casefold`, not SQL `lower()`: SQLite's `lower()` folds ASCII letters only and
PostgreSQL's follows the database's locale, so `Émile` and `émile` would be one athlete on one
database and two on the other. The athletes table is small (a runner, a squad), so the scan
costs nothing; an exact match is tried first and uses the unique index.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from loadwatch.db.models import (
    Activity,
    ActivitySource,
    Athlete,
    Injury,
    OriginalFile,
    PainEntry,
    PlanSetting,
    Setting,
    Shoe,
    SquadMember,
    StrengthProgramme,
    StrengthSession,
    StrengthSet,
    StrengthTest,
)
from loadwatch.errors import InputError, NotFoundError


def name_key(name: str) -> str:
    """The form two athlete names are compared in: `name_key("Ana") == name_key("ANA")`."""
    return name.casefold()


def find_athlete(session: Session, name: str) -> Athlete | None:
    """The athlete called `name`, ignoring case; None when there is none.

    An exact match wins. Databases written before names were matched case-insensitively may
    hold both `Ana` and `ana`: asked for `ANA`, that is ambiguous.

    Raises:
        InputError: several athletes match `name` ignoring case and none exactly.
    """
    exact = session.scalar(select(Athlete).where(Athlete.name == name))
    if exact is not None:
        return exact
    key = name_key(name)
    matches = [
        a for a in session.scalars(select(Athlete).order_by(Athlete.id)) if name_key(a.name) == key
    ]
    if len(matches) > 1:
        names = ", ".join(repr(a.name) for a in matches)
        raise InputError(
            f"athlete name {name!r} matches {names}; give the exact name, or rename one of them"
        )
    return matches[0] if matches else None


def get_athlete(session: Session, name: str) -> Athlete:
    """The athlete called `name`, ignoring case.

    Raises:
        NotFoundError: no such athlete; the message lists the known names.
        InputError: `name` is ambiguous (see `find_athlete`).
    """
    athlete = find_athlete(session, name)
    if athlete is None:
        known = ", ".join(session.scalars(select(Athlete.name).order_by(Athlete.name))) or "none"
        raise NotFoundError(f"no athlete named {name!r}; known athletes: {known}")
    return athlete


def get_or_create_athlete(session: Session, name: str, home_tz: str = "UTC") -> Athlete:
    """The athlete called `name` ignoring case (creating "ana" when "Ana" exists gives Ana);
    else a new one with `home_tz` as the home time zone. Flushes, never commits."""
    athlete = find_athlete(session, name)
    if athlete is None:
        athlete = Athlete(
            name=name, home_tz=home_tz, default_sport="run", created_at=datetime.now(tz=UTC)
        )
        try:
            # Two first imports for a new name at once (two processes on PostgreSQL): the one
            # that commits second hits the unique name and takes the athlete the first created.
            with session.begin_nested():
                session.add(athlete)
        except IntegrityError:
            found = find_athlete(session, name)
            if found is None:
                raise
            athlete = found
    return athlete


def rename_athlete(session: Session, athlete: Athlete, new_name: str) -> None:
    """Give `athlete` the name `new_name` (already checked and trimmed by the caller).

    Changing only the case of the athlete's own name (`ana` to `Ana`) is allowed.

    Raises:
        InputError: another athlete already has `new_name`, ignoring case.
    """
    key = name_key(new_name)
    for other in session.scalars(select(Athlete).where(Athlete.id != athlete.id)):
        if name_key(other.name) == key:
            raise InputError(
                f"an athlete named {other.name!r} already exists; choose another name "
                "(names are matched ignoring case)"
            )
    athlete.name = new_name
    session.flush()


@dataclass(frozen=True, slots=True)
class DeletedCounts:
    """What deleting an athlete removed, row counts per kind."""

    activities: int
    originals: int
    pain_entries: int
    shoes: int
    squad_memberships: int


def athlete_data_counts(session: Session, athlete_id: int) -> DeletedCounts:
    """What `delete_athlete` would remove (for the confirmation prompt)."""

    def count(column: InstrumentedAttribute[int]) -> int:
        return session.scalar(select(func.count()).where(column == athlete_id)) or 0

    return DeletedCounts(
        activities=count(Activity.athlete_id),
        originals=count(OriginalFile.athlete_id),
        pain_entries=count(PainEntry.athlete_id),
        shoes=count(Shoe.athlete_id),
        squad_memberships=count(SquadMember.athlete_id),
    )


def delete_athlete(session: Session, athlete: Athlete) -> DeletedCounts:
    """Delete `athlete` and everything that is theirs; return what was removed.

    The deletes are explicit, children first, rather than left to the foreign keys' ON DELETE
    CASCADE: `activities.source_sha256 -> original_files.sha256` has no ON DELETE rule, so a
    cascade from `athletes` that reached `original_files` before `activities` would be refused,
    and explicit deletes do not depend on SQLite's `PRAGMA foreign_keys`. A stored file that
    another athlete's activity is also made of (one session of a multi-sport file moved to
    them) is kept and handed to that athlete, so their activity keeps its source.
    """
    counts = athlete_data_counts(session, athlete.id)
    athlete_id = athlete.id
    session.execute(delete(Injury).where(Injury.athlete_id == athlete_id))
    session.execute(delete(PainEntry).where(PainEntry.athlete_id == athlete_id))
    strength = select(StrengthSession.id).where(StrengthSession.athlete_id == athlete_id)
    session.execute(delete(StrengthSet).where(StrengthSet.session_id.in_(strength)))
    session.execute(delete(StrengthSession).where(StrengthSession.athlete_id == athlete_id))
    session.execute(delete(StrengthProgramme).where(StrengthProgramme.athlete_id == athlete_id))
    session.execute(delete(StrengthTest).where(StrengthTest.athlete_id == athlete_id))
    theirs = select(Activity.id).where(Activity.athlete_id == athlete_id)
    session.execute(delete(ActivitySource).where(ActivitySource.activity_id.in_(theirs)))
    session.execute(delete(Activity).where(Activity.athlete_id == athlete_id))
    session.execute(delete(Shoe).where(Shoe.athlete_id == athlete_id))
    owned = select(OriginalFile.sha256).where(OriginalFile.athlete_id == athlete_id)
    used_by_others = session.execute(
        select(ActivitySource.sha256, func.min(Activity.athlete_id))
        .join(Activity, Activity.id == ActivitySource.activity_id)
        .where(ActivitySource.sha256.in_(owned))
        .group_by(ActivitySource.sha256)
    ).all()
    for sha256, new_owner in used_by_others:
        session.execute(
            update(OriginalFile).where(OriginalFile.sha256 == sha256).values(athlete_id=new_owner)
        )
    removed = athlete_data_counts(session, athlete_id).originals
    session.execute(delete(OriginalFile).where(OriginalFile.athlete_id == athlete_id))
    session.execute(delete(Setting).where(Setting.athlete_id == athlete_id))
    session.execute(delete(PlanSetting).where(PlanSetting.athlete_id == athlete_id))
    session.execute(delete(SquadMember).where(SquadMember.athlete_id == athlete_id))
    session.delete(athlete)
    session.flush()
    return replace(counts, originals=removed)
