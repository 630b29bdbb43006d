"""A runner's strength programme (issue #22): each exercise's next target replayed from the log
(`strength_programme`), who may change it (`set_strength_programme`: the runner, or a coach for
a squad member in club mode; the programme says who set it, and the change is audited), and
`log_strength_as_planned` (today's targets in one tap), and `strength_overview`, what the pages
show.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db import strength as store
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    StrengthProgramme,
    StrengthSession,
    StrengthSet,
)
from loadwatch.errors import InputError, NotAllowedError
from loadwatch.rules.exercises import (
    BY_SLUG,
    DEFAULT_PROGRAMME,
    MAX_PROGRAMME_EXERCISES,
    PROGRAMME_CITATIONS,
    Exercise,
    Measure,
    exercise,
)
from loadwatch.rules.strength import (
    Performed,
    Progress,
    StrengthCount,
    Target,
    morning_rises,
    progress,
    self_test_due,
    start_target,
    strength_count,
)
from loadwatch.services._checks import (
    NAME_MAX_LENGTH,
    athlete_name,
    check_day,
)
from loadwatch.services._common import today as clock
from loadwatch.services.athletes import (
    athlete_context,
    athlete_settings,
)
from loadwatch.services.self_tests import SelfTestView, list_self_tests
from loadwatch.services.strength import (
    DEFAULT_SET_BY,
    MAX_SESSIONS_PER_WEEK,
    StrengthEntry,
    StrengthSessionView,
    list_strength,
    log_strength_session,
    whole_number,
    writable_athlete,
)


@dataclass(frozen=True, slots=True)
class ProgrammeItem:
    """One exercise of the programme: its starting target and, replayed from the log, the next
    target with the change the last session made and why."""

    slug: str
    start: Target
    next: Target
    change: str  # start | up | hold | back
    reason: str
    sessions: int

    @property
    def exercise(self) -> Exercise:
        return BY_SLUG[self.next.slug]


@dataclass(frozen=True, slots=True)
class Programme:
    athlete: str
    sessions_per_week: int
    items: tuple[ProgrammeItem, ...]
    set_by: str
    set_by_role: str  # runner | coach | admin | local | default
    set_at: datetime | None
    citations: tuple[str, ...] = PROGRAMME_CITATIONS

    @property
    def is_default(self) -> bool:
        return self.set_at is None


@dataclass(frozen=True, slots=True)
class StrengthOverview:
    """What the pages show: the programme with next targets, the counts, the self-tests and
    whether the self-test is suggested now, the sessions of the last weeks."""

    programme: Programme
    count: StrengthCount
    tests: tuple[SelfTestView, ...]
    is_self_test_due: bool
    sessions: tuple[StrengthSessionView, ...] = field(default=())
    done_today: bool = False


def log_strength_as_planned(
    engine: Engine,
    athlete: str,
    *,
    on_date: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> StrengthSessionView:
    """ "Done as planned": every programme exercise at its next target (sets, reps or hold,
    load), pain not given, into the session of `on_date` (default today).

    Raises:
        InputError: a date in the future or before 1990.
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not change it.
    """
    today = today or clock()
    day = on_date or today
    check_day(day, today, "strength session date")
    if actor.is_local:  # created on first use, as `log_strength` does
        with Session(writer(engine)) as session, session.begin():
            writable_athlete(session, actor, athlete_name(athlete))
    plan = strength_programme(engine, athlete, today=day, actor=actor, before=day)
    entries = [
        StrengthEntry(
            item.next.slug,
            item.next.sets,
            reps=item.next.amount if item.exercise.measure is Measure.REPS else None,
            hold_s=item.next.amount if item.exercise.measure is Measure.HOLD_S else None,
            load_kg=item.next.load_kg,
        )
        for item in plan.items
    ]
    return log_strength_session(engine, athlete, entries, on_date=day, today=today, actor=actor)


def _stored_items(programme: StrengthProgramme | None) -> list[dict[str, Any]]:
    if programme is None:
        return [
            {"slug": slug, **_target_json(start_target(BY_SLUG[slug])), "since": None}
            for slug in DEFAULT_PROGRAMME
        ]
    items: list[dict[str, Any]] = json.loads(programme.exercises_json)
    return items


def _target_json(target: Target) -> dict[str, Any]:
    return {"sets": target.sets, "amount": target.amount, "load_kg": target.load_kg}


def performed_history(
    history: Sequence[tuple[StrengthSession, list[StrengthSet]]],
) -> list[Performed]:
    return [
        Performed(
            s.session_date,
            i.exercise,
            i.sets,
            i.reps if i.reps is not None else (i.hold_s or 0),
            i.load_kg,
            i.pain,
        )
        for s, items in history
        for i in items
    ]


def strength_programme(
    engine: Engine,
    athlete: str,
    *,
    today: date | None = None,
    actor: Actor = LOCAL,
    before: date | None = None,
) -> Programme:
    """The athlete's programme with each exercise's next target (the default runner's-knee
    programme until one is set): the log replayed through the pain-gated progression.

    Args:
        before: count only sessions before this day (what "as planned" logs on that day).

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read it.
    """
    today = today or clock()
    athlete = athlete_name(athlete)
    thresholds = athlete_settings(engine, athlete, actor=actor).thresholds
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        stored = session.get(StrengthProgramme, row.id)
        history = store.sessions(session, row.id)
        pain = repository.pain_frame(session, row.id)
    auth.audit(engine, actor, "strength-view", [row.name], is_read=True)
    performed = [
        p
        for p in performed_history(history)
        if p.session_date <= today and (not before or p.session_date < before)
    ]
    rises = morning_rises(pain, sorted({p.session_date for p in performed}), thresholds)
    items = []
    for raw in _stored_items(stored):
        start = Target(raw["slug"], int(raw["sets"]), int(raw["amount"]), raw.get("load_kg"))
        since = date.fromisoformat(raw["since"]) if raw.get("since") else None
        mine = [p for p in performed if since is None or p.session_date >= since]
        result: Progress = progress(start, mine, rises, thresholds)
        items.append(
            ProgrammeItem(
                raw["slug"], start, result.target, result.change, result.reason, result.sessions
            )
        )
    if stored is None:
        return Programme(
            row.name, thresholds.strength_sessions, tuple(items), DEFAULT_SET_BY, "default", None
        )
    return Programme(
        row.name,
        stored.sessions_per_week,
        tuple(items),
        stored.set_by,
        stored.set_by_role,
        stored.set_at,
    )


def set_strength_programme(
    engine: Engine,
    athlete: str,
    exercises: Sequence[str],
    *,
    sessions_per_week: int | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> Programme:
    """Set the athlete's programme: the exercises (slugs, 1-8, each once) and sessions a week
    (1-7; default the current). An exercise already in it keeps its progression; a new one
    starts at its default dose today. The runner sets their own; in club mode a coach may set
    it for an athlete in a squad they coach (and change nothing else); the programme records
    who set it, and the change is audited.

    Raises:
        InputError: an unknown slug (naming the closest), none or too many, a repeat, or
            sessions a week outside 1-7.
        NotFoundError: unknown athlete. NotAllowedError: neither the runner, their coach, nor
            an admin.
    """
    today = today or clock()
    athlete = athlete_name(athlete)
    slugs = [exercise(s).slug for s in exercises]
    if not 1 <= len(slugs) <= MAX_PROGRAMME_EXERCISES:
        raise InputError(
            f"a programme holds 1-{MAX_PROGRAMME_EXERCISES} exercises, got {len(slugs)}"
        )
    if len(set(slugs)) != len(slugs):
        raise InputError("each exercise once in a programme")
    if sessions_per_week is not None:
        whole_number(sessions_per_week, "sessions a week", 1, MAX_SESSIONS_PER_WEEK)
    defaults = athlete_settings(engine, athlete, actor=actor).thresholds
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete)
        role = _setter_role(session, actor, row.id)
        stored = session.get(StrengthProgramme, row.id)
        old = {i["slug"]: i for i in _stored_items(stored)}
        items = [
            old.get(slug)
            or {"slug": slug, **_target_json(start_target(BY_SLUG[slug])), "since": str(today)}
            for slug in slugs
        ]
        per_week = sessions_per_week or (
            stored.sessions_per_week if stored else defaults.strength_sessions
        )
        if stored is None:
            stored = StrengthProgramme(athlete_id=row.id)
            session.add(stored)
        stored.sessions_per_week = per_week
        stored.exercises_json = json.dumps(items)
        stored.set_by = actor.name[:NAME_MAX_LENGTH]
        stored.set_by_role = role
        stored.set_at = repository.now_utc()
        auth.record(
            session, actor, "strength-programme", row.name, f"{per_week}/week: {', '.join(slugs)}"
        )
    return strength_programme(engine, athlete, today=today, actor=actor)


def _setter_role(session: Session, actor: Actor, athlete_id: int) -> str:
    """Who may set a programme: the runner (or LOCAL, an admin), or a coach of the athlete."""
    if auth.can_write(session, actor, athlete_id):
        return actor.role.value if actor.role else "local"
    user = auth.account(session, actor)
    if (
        actor.role == Role.COACH
        and user is not None
        and athlete_id in auth.coached_athlete_ids(session, user.id)
    ):
        return Role.COACH.value
    raise NotAllowedError(f"not allowed: {actor.name} may not set this athlete's programme")


def strength_overview(
    engine: Engine,
    athlete: str,
    as_of: date | None = None,
    *,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> StrengthOverview:
    """The programme and next targets, sessions this week against the target and the 4-week
    adherence, the self-tests and whether one is suggested, as of a local day.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read it.
        InputError: `as_of` in the future or before 1990.
    """
    today = today or clock()
    as_of = as_of or today
    check_day(as_of, today, "as-of date")
    athlete = athlete_name(athlete)
    plan = strength_programme(engine, athlete, today=as_of, actor=actor)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        ctx = athlete_context(session, row, as_of)
    sessions = [s for s in list_strength(engine, athlete, actor=actor) if s.session_date <= as_of]
    tests = tuple(t for t in list_self_tests(engine, athlete, actor=actor) if t.test_date <= as_of)
    last_test = max((t.test_date for t in tests), default=None)
    return StrengthOverview(
        programme=plan,
        count=strength_count(ctx),
        tests=tests,
        is_self_test_due=self_test_due(ctx, last_test),
        sessions=tuple(sessions),
        done_today=any(s.session_date == as_of for s in sessions),
    )
