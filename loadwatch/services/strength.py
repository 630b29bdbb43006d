"""Strength (issue #22): log sessions in seconds, the programme and each exercise's next target,
the single-leg squat self-test, and what the other use cases read (`strength_inputs_for`).

A session is one local day: every exercise logged on that day is in it, and logging an exercise
again that day updates it. A strength activity from a watch file counts as a session too. The
runner changes their own programme; a coach may prescribe it for a squad member in club mode
(the programme says who set it, and the change is audited), and changes nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db import strength as store
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    Athlete,
    StrengthProgramme,
    StrengthSession,
    StrengthSet,
    StrengthTest,
)
from loadwatch.domain import Sport
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.rules.exercises import (
    BY_SLUG,
    DEFAULT_PROGRAMME,
    EXERCISES,
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
    check_id,
    id_in_range,
    optional_text,
)
from loadwatch.services._common import today as clock
from loadwatch.services.athletes import (
    athlete_context,
    athlete_settings,
    default_home_tz,
    local_day,
)

MAX_STRENGTH_SETS = 20
MAX_STRENGTH_REPS = 100
MAX_STRENGTH_HOLD_S = 600
MAX_STRENGTH_LOAD_KG = 500.0
MAX_SESSIONS_PER_WEEK = 7
BAND_MAX_LENGTH = 32  # StrengthSet.band (String(32))
LEGS = ("left", "right")
TEST_RESULTS = ("centred", "wobbles", "inward")
TEST_MEANING = {
    "centred": "the knee stayed over the foot",
    "wobbles": "the knee wobbled",
    "inward": "the knee moved inward",
}
DEFAULT_SET_BY = "loadwatch default"


def strength_exercises() -> tuple[Exercise, ...]:
    """The exercise library (rules/exercises.py), in its order."""
    return EXERCISES


def strength_exercise(slug: str) -> Exercise:
    """One exercise by slug.

    Raises:
        InputError: an unknown slug, naming the closest ones.
    """
    return exercise(slug)


@dataclass(frozen=True, slots=True)
class StrengthEntry:
    """One exercise as the runner logs it: `sets` of `reps`, or of holds of `hold_s` seconds;
    load in kg or a band; pain during it (0-10, None: not given)."""

    exercise: str
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    load_kg: float | None = None
    band: str | None = None
    pain: int | None = None


@dataclass(frozen=True, slots=True)
class StrengthSetView:
    id: int | None
    exercise: str
    name: str
    sets: int
    reps: int | None
    hold_s: int | None
    load_kg: float | None
    band: str | None
    pain: int | None


@dataclass(frozen=True, slots=True)
class StrengthSessionView:
    """A session: logged (`id`), or a strength activity from a watch file (`activity_id`)."""

    id: int | None
    session_date: date
    sets: tuple[StrengthSetView, ...]
    activity_id: int | None = None
    is_update: bool = False  # the day already had a session

    @property
    def source(self) -> str:
        return "log" if self.id is not None else "watch file"


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
class SelfTestView:
    id: int
    test_date: date
    leg: str
    result: str
    is_update: bool = False

    @property
    def meaning(self) -> str:
        return TEST_MEANING[self.result]


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


# Checks: one clear line each, before anything is stored.


def _whole(value: object, what: str, low: int, high: int, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{what} must be a whole number {low}-{high}{unit}, got {value!r}")
    return value


def _check_entry(entry: StrengthEntry) -> tuple[Exercise, StrengthEntry]:
    ex = exercise(entry.exercise)
    sets = _whole(entry.sets, "sets", 1, MAX_STRENGTH_SETS)
    reps, hold = entry.reps, entry.hold_s
    if reps is not None and hold is not None:
        raise InputError(f"give reps or a hold in seconds for {ex.slug}, not both")
    if ex.measure is Measure.HOLD_S and reps is not None:
        raise InputError(
            f"{ex.slug} is measured as a hold in seconds; give --hold-s S instead of --reps"
        )
    if ex.measure is Measure.REPS and hold is not None:
        raise InputError(f"{ex.slug} is measured in reps; give --reps N instead of --hold-s")
    if ex.measure is Measure.REPS:
        if reps is None:
            raise InputError(f"give the reps per set for {ex.slug} (--reps N)")
        reps = _whole(reps, "reps", 1, MAX_STRENGTH_REPS)
    else:
        if hold is None:
            raise InputError(f"give the hold in seconds for {ex.slug} (--hold-s S)")
        hold = _whole(hold, "hold", 1, MAX_STRENGTH_HOLD_S, " seconds")
    load = entry.load_kg
    if load is not None:
        if isinstance(load, bool) or not isinstance(load, int | float) or load != load:
            raise InputError(f"load must be a number of kg, got {load!r}")
        if load < 0:
            raise InputError(f"load must be 0 kg or more, got {load:g} kg")
        if load > MAX_STRENGTH_LOAD_KG:
            raise InputError(f"load must be at most {MAX_STRENGTH_LOAD_KG:g} kg, got {load:g} kg")
        load = float(load) or None
    pain = entry.pain
    if pain is not None:
        pain = _whole(pain, "pain", 0, 10)
    band = optional_text(entry.band, "band", BAND_MAX_LENGTH)
    return ex, StrengthEntry(ex.slug, sets, reps, hold, load, band, pain)


def _writable_athlete(session: Session, actor: Actor, athlete: str) -> Athlete:
    """The athlete to log for: the local user's is created on first use (as a first pair of
    shoes is: strength work may come before any run); a club account needs write access."""
    if actor.is_local:
        return repository.get_or_create_athlete(session, athlete, home_tz=default_home_tz())
    return auth.athlete_for(session, actor, athlete, write=True)


def log_strength(
    engine: Engine,
    athlete: str,
    entry: StrengthEntry,
    *,
    on_date: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> StrengthSessionView:
    """Log one exercise into the session of `on_date` (default today); calls on one date form
    one session, and the same exercise again that day updates it. In personal mode a new
    athlete is created on first use (as with a first pair of shoes).

    Raises:
        InputError: an unknown slug (naming the closest), sets outside 1-20, reps outside
            1-100, a hold over 600 s, a negative load, pain outside 0-10, reps for a hold
            exercise (or the reverse), a date in the future or before 1990.
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not change it.
    """
    return log_strength_session(engine, athlete, [entry], on_date=on_date, today=today, actor=actor)


def log_strength_session(
    engine: Engine,
    athlete: str,
    entries: Sequence[StrengthEntry],
    *,
    on_date: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> StrengthSessionView:
    """Log several exercises into the session of `on_date` in one transaction (the page's
    form); each replaces that exercise's entry of the day. Nothing is stored if one is bad.

    Raises:
        InputError: as `log_strength`; or no exercise.
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not change it.
    """
    today = today or clock()
    athlete = athlete_name(athlete)
    day = on_date or today
    check_day(day, today, "strength session date")
    checked = [_check_entry(e)[1] for e in entries]
    if not checked:
        raise InputError("give at least one exercise")
    if len({e.exercise for e in checked}) != len(checked):
        raise InputError("each exercise once per session; log it again to change it")
    with Session(writer(engine)) as session, session.begin():
        row = _writable_athlete(session, actor, athlete)
        auth.record(session, actor, "strength-log", row.name, day.isoformat())
        stored = store.session_on(session, row.id, day)
        is_update = stored is not None
        if stored is None:
            stored = StrengthSession(
                athlete_id=row.id, session_date=day, created_at=repository.now_utc()
            )
            session.add(stored)
            session.flush()
        existing = {s.exercise: s for s in _sets_of(session, stored.id)}
        for e in checked:
            item = existing.get(e.exercise)
            if item is None:
                item = StrengthSet(session_id=stored.id, exercise=e.exercise)
                session.add(item)
            item.sets, item.reps, item.hold_s = e.sets, e.reps, e.hold_s
            item.load_kg, item.band, item.pain = e.load_kg, e.band, e.pain
        session.flush()
        return _session_view(stored, _sets_of(session, stored.id), is_update=is_update)


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
            _writable_athlete(session, actor, athlete_name(athlete))
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


def delete_strength_session(
    engine: Engine, athlete: str, session_id: int, *, actor: Actor = LOCAL
) -> None:
    """Delete one of `athlete`'s sessions with its exercises.

    Raises:
        NotFoundError: unknown athlete or session. NotAllowedError: `actor` may not change it.
    """
    athlete = athlete_name(athlete)
    check_id(session_id, "strength session")
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        stored = session.get(StrengthSession, session_id) if id_in_range(session_id) else None
        if stored is None or stored.athlete_id != row.id:
            raise NotFoundError(
                f"{row.name} has no strength session {session_id}; "
                "`loadwatch strength list` shows them"
            )
        session.execute(delete(StrengthSet).where(StrengthSet.session_id == stored.id))
        session.delete(stored)
        auth.record(session, actor, "strength-delete", row.name, str(session_id))


def delete_strength_exercise(
    engine: Engine, athlete: str, session_id: int, slug: str, *, actor: Actor = LOCAL
) -> None:
    """Take one exercise out of a session (the session goes when it is left empty).

    Raises:
        NotFoundError: unknown athlete, session or exercise in it.
    """
    athlete = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        stored = session.get(StrengthSession, session_id) if id_in_range(session_id) else None
        items = _sets_of(session, stored.id) if stored and stored.athlete_id == row.id else []
        found = [i for i in items if i.exercise == slug]
        if stored is None or not found:
            raise NotFoundError(f"{row.name}'s session {session_id} has no exercise {slug!r}")
        session.delete(found[0])
        session.flush()
        if len(items) == 1:
            session.delete(stored)
        auth.record(session, actor, "strength-delete", row.name, f"{session_id} {slug}")


def _sets_of(session: Session, session_id: int) -> list[StrengthSet]:
    return list(
        session.scalars(
            select(StrengthSet).where(StrengthSet.session_id == session_id).order_by(StrengthSet.id)
        )
    )


def _set_view(item: StrengthSet) -> StrengthSetView:
    return StrengthSetView(
        item.id,
        item.exercise,
        BY_SLUG[item.exercise].name if item.exercise in BY_SLUG else item.exercise,
        item.sets,
        item.reps,
        item.hold_s,
        item.load_kg,
        item.band,
        item.pain,
    )


def _session_view(
    stored: StrengthSession, items: Sequence[StrengthSet], *, is_update: bool = False
) -> StrengthSessionView:
    return StrengthSessionView(
        stored.id, stored.session_date, tuple(_set_view(i) for i in items), is_update=is_update
    )


def list_strength(
    engine: Engine, athlete: str, since: date | None = None, *, actor: Actor = LOCAL
) -> list[StrengthSessionView]:
    """The athlete's sessions from `since`, oldest first: logged ones, and strength activities
    from watch files (on days without a logged session).

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read it.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        logged = [_session_view(s, items) for s, items in store.sessions(session, row.id, since)]
        files = [
            a for a in repository.activity_rows(session, row.id) if a.sport == Sport.STRENGTH.value
        ]
    auth.audit(engine, actor, "strength-view", [row.name], is_read=True)
    days = {s.session_date for s in logged}
    for a in files:
        day = local_day(a.started_at, a.utc_offset_s)
        if day not in days and (since is None or day >= since):
            days.add(day)
            logged.append(StrengthSessionView(None, day, (), activity_id=a.id))
    return sorted(logged, key=lambda s: s.session_date)


# The programme


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


def _performed(history: Sequence[tuple[StrengthSession, list[StrengthSet]]]) -> list[Performed]:
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
        for p in _performed(history)
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
        _whole(sessions_per_week, "sessions a week", 1, MAX_SESSIONS_PER_WEEK)
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


# The self-test


def log_self_test(
    engine: Engine,
    athlete: str,
    leg: str,
    result: str,
    *,
    on_date: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> SelfTestView:
    """Log the single-leg half-squat self-test for one leg (5 half squats: the knee stays over
    the foot, wobbles, or moves inward); the same leg again that day updates it. It informs; it
    does not diagnose.

    Raises:
        InputError: a leg other than left/right, a result other than centred/wobbles/inward, a
            date in the future or before 1990.
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not change it.
    """
    today = today or clock()
    athlete = athlete_name(athlete)
    leg = str(leg).strip().lower()
    result = str(result).strip().lower()
    if leg not in LEGS:
        raise InputError(f"leg must be left or right, got {leg!r}")
    if result not in TEST_RESULTS:
        raise InputError(f"result must be one of {', '.join(TEST_RESULTS)}, got {result!r}")
    day = on_date or today
    check_day(day, today, "self-test date")
    with Session(writer(engine)) as session, session.begin():
        row = _writable_athlete(session, actor, athlete)
        auth.record(session, actor, "strength-test", row.name, f"{day} {leg} {result}")
        stored = session.scalar(
            select(StrengthTest).where(
                StrengthTest.athlete_id == row.id,
                StrengthTest.test_date == day,
                StrengthTest.leg == leg,
            )
        )
        is_update = stored is not None
        if stored is None:
            stored = StrengthTest(
                athlete_id=row.id, test_date=day, leg=leg, created_at=repository.now_utc()
            )
            session.add(stored)
        stored.result = result
        session.flush()
        return SelfTestView(stored.id, day, leg, result, is_update)


def list_self_tests(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> list[SelfTestView]:
    """The athlete's self-tests, oldest first.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read it.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        found = [
            SelfTestView(t.id, t.test_date, t.leg, t.result) for t in store.tests(session, row.id)
        ]
    auth.audit(engine, actor, "strength-view", [row.name], is_read=True)
    return found


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
