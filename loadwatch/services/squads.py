"""Coaches and squads: the squad table (riskiest athlete first) and squad membership."""

from __future__ import annotations

import math
import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.injuries import injury_periods_for
from loadwatch.db.models import Coach, SquadMember, User
from loadwatch.db.strength import strength_inputs_for
from loadwatch.domain import SEVERITY_RANK, Alert
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.report import SquadStatus, squad_status
from loadwatch.rules.batch import AthleteView, squad_contexts
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury import injury_state
from loadwatch.rules.injury_sites import site_name
from loadwatch.services._checks import athlete_name, check_day, coach_name
from loadwatch.services._common import _today
from loadwatch.services.athletes import settings_view
from loadwatch.units import DistanceUnit


@dataclass(frozen=True, slots=True)
class SquadRow:
    """One athlete on the coach's squad table; `risk` sorts the table (higher first)."""

    athlete: str
    this_week_m: float
    last_week_to_date_m: float  # last week up to the same weekday (R2: like with like)
    growth_ratio: float | None  # this week to date against last_week_to_date_m
    largest_spike_ratio: float | None
    pain_zone: str | None
    shoe_status: str | None
    flags: tuple[str, ...]
    top_severity: str | None
    risk: int
    last_run_date: date | None
    # Every alert, most severe first, its message in the view's units (issue #12: the squad
    # page's "why" is the top alert's message, not a rule id).
    alerts: tuple[Alert, ...] = ()
    # Issue #14: an ongoing injury period (its days so far and site), or the return ladder's step.
    injured_days: int | None = None
    injury_site: str | None = None
    return_step: tuple[int, int] | None = None  # (step, of steps) while returning


def squad_overview(
    engine: Engine,
    as_of: date | None = None,
    athletes: Sequence[str] | None = None,
    today: date | None = None,
    coach: str | None = None,
    *,
    actor: Actor = LOCAL,
    units: DistanceUnit | None = None,
) -> list[SquadRow]:
    """Every athlete's week at a glance, riskiest first (pain red > warnings > cautions).

    Alert messages use `units` when given (the coach's), else each athlete's own.

    Only the athletes `actor` may read are in it (a coach: the squads they coach; a runner:
    themselves). Uses only the last 120 days of each log, loaded in one query: cost grows with
    the squad, not with years of history.
    """
    from loadwatch.report import recent_history_start

    today = today or _today()
    as_of = as_of or today
    check_day(as_of, today, "as-of date")
    coach = coach_name(coach) if coach else None
    since = datetime.combine(recent_history_start(as_of), time(), tzinfo=UTC)
    with Session(engine) as session:
        version = repository.data_version(session)  # first: the data read below is as new
        members = (
            repository.squad_athlete_ids(session, repository.get_coach(session, coach).id)
            if coach
            else None
        )
        readable = auth.readable_athlete_ids(session, actor)
        rows = [
            a
            for a in repository.athletes(session)
            if (athletes is None or a.name in athletes)
            and (members is None or a.id in members)
            and (readable is None or a.id in readable)
        ]
        ids = [a.id for a in rows]
        key = (version, as_of, tuple(ids), units)
        squad = _cached_rows(engine, key) if version is not None else None
        if squad is None:
            activities = repository.activities_frame_for_all(session, ids, since)
            shoes = repository.shoes_frame_for_all(session, ids)
            pains = repository.pain_frame_for_all(session, ids)
            injuries = injury_periods_for(session, ids)
            strength = strength_inputs_for(session, ids)
            stored = repository.settings_for(session, ids)
            settings = {a.id: settings_view(a, stored.get(a.id)) for a in rows}
    auth.audit(engine, actor, "squad-view", [a.name for a in rows], is_read=True)
    if squad is None:
        views = {
            a.id: AthleteView(
                units or settings[a.id].units, settings[a.id].week_start, settings[a.id].thresholds
            )
            for a in rows
        }
        contexts = squad_contexts(activities, shoes, pains, as_of, views, injuries, strength)
        squad = [_squad_row(squad_status(a.name, contexts[a.id])) for a in rows]
        if version is not None:
            _remember_rows(engine, key, squad)
    return sorted(squad, key=lambda r: (-r.risk, r.athlete))


# The squad's rows per engine, keyed by the database's change counter (issue #27): any import,
# pain entry or other change raises it, so a hit is the answer the database gives now. A plain
# in-process memo (the CLI's one call never hits it); the dashboard's reruns and other
# coaches' visits of an unchanged squad do.
_ROWS_KEPT = 8
_rows_cache: WeakKeyDictionary[Engine, OrderedDict[Hashable, list[SquadRow]]] = WeakKeyDictionary()
_rows_lock = threading.Lock()


def _cached_rows(engine: Engine, key: Hashable) -> list[SquadRow] | None:
    with _rows_lock:
        kept = _rows_cache.get(engine)
        if kept is None or key not in kept:
            return None
        kept.move_to_end(key)
        return list(kept[key])


def _remember_rows(engine: Engine, key: Hashable, rows: list[SquadRow]) -> None:
    with _rows_lock:
        kept = _rows_cache.setdefault(engine, OrderedDict())
        kept[key] = list(rows)
        while len(kept) > _ROWS_KEPT:
            kept.popitem(last=False)


_SEVERITY_POINTS = {"warning": 100, "caution": 10, "info": 1}
_SHOE_ORDER = ["replace", "caution", "window", "ok", "retired"]


def _squad_row(status: SquadStatus) -> SquadRow:
    ctx, alerts, headline = status.ctx, status.alerts, status.headline
    recent = ctx.spikes[ctx.spikes["local_date"] > ctx.as_of - timedelta(days=7)]
    largest = float(recent["spike_ratio"].max()) if not recent.empty else float("nan")
    statuses = list(ctx.shoes["status"]) if not ctx.shoes.empty else []
    risk = sum(_SEVERITY_POINTS[a.severity.value] for a in alerts if a.rule_id != "acwr")
    if status.pain.zone == "red":
        risk += 1000
    top = max((a.severity for a in alerts), key=lambda s: SEVERITY_RANK[s], default=None)
    return SquadRow(
        athlete=status.athlete,
        this_week_m=headline.this_week_m,
        last_week_to_date_m=headline.last_week_to_date_m,
        growth_ratio=headline.growth_to_date_ratio,
        largest_spike_ratio=_finite(largest),
        pain_zone=status.pain.zone,
        shoe_status=min(statuses, key=_SHOE_ORDER.index) if statuses else None,
        flags=tuple(dict.fromkeys(a.rule_id for a in alerts if a.severity.value != "info")),
        top_severity=top.value if top else None,
        risk=risk,
        last_run_date=headline.last_run_date,
        alerts=tuple(alerts),
        **_injury_fields(ctx),
    )


def _injury_fields(ctx: RuleContext) -> dict[str, Any]:
    """SquadRow's injury fields: days so far and site while injured, the ladder's step after."""
    state = injury_state(ctx)
    if state.ongoing is not None:
        return {"injured_days": state.days_so_far, "injury_site": site_name(state.ongoing)}
    if state.ladder is not None and state.is_returning:
        return {
            "injury_site": site_name(state.ladder.injury),
            "return_step": (state.ladder.step.number, len(state.ladder.steps)),
        }
    return {}


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def list_coaches(engine: Engine, *, actor: Actor = LOCAL) -> list[str]:
    """The squads `actor` may see, by name (personal mode: every coach's squad)."""
    with Session(engine) as session:
        return [c.name for c in _visible_squads(session, actor)]


def add_to_squad(
    engine: Engine, coach: str, athletes: Sequence[str], *, actor: Actor = LOCAL
) -> list[str]:
    """Add athletes to a coach's squad (the coach is created on first use). Personal mode and
    admins only: in club mode runners join a squad themselves, with its invite code.

    Raises:
        InputError: a blank or overlong coach or athlete name, or one with control characters.
        NotFoundError: an unknown athlete (nothing is added).
        NotAllowedError: a club account that is not an admin.
    """
    coach = coach_name(coach)
    names = [athlete_name(name) for name in athletes]
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "adding athletes to a squad without their consent")
        row = repository.get_or_create_coach(session, coach)
        for name in names:
            repository.add_squad_member(session, row.id, repository.get_athlete(session, name).id)
        members = repository.squad_athlete_ids(session, row.id)
        return sorted(a.name for a in repository.athletes(session) if a.id in members)


# Club mode (issue #11): squads a coach account owns, joined by runners with an invite code.

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud without doubt
_CODE_CHARS = 8  # 30**8 ~ 6.6e11 codes; joining needs a login, so guessing is not cheap


@dataclass(frozen=True, slots=True)
class SquadView:
    name: str
    coach: str | None  # the coach account, None in personal mode
    invite_code: str | None  # shown to its coach and admins only
    members: tuple[str, ...]


def _new_code() -> str:
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_CHARS))
    return f"{code[:4]}-{code[4:]}"


def _normal_code(value: str) -> str:
    code = "".join(ch for ch in str(value).upper() if ch.isalnum())
    return f"{code[:4]}-{code[4:]}"


def _visible_squads(session: Session, actor: Actor) -> list[Coach]:
    squads = list(repository.coaches(session))
    user = auth.account(session, actor)
    if user is None or actor.role == Role.ADMIN:
        return squads
    if actor.role == Role.COACH:
        return [s for s in squads if s.coach_user_id == user.id]
    member_of = repository.squads_of(session, user.athlete_id) if user.athlete_id else set()
    return [s for s in squads if s.id in member_of]


def _squad_view(session: Session, squad: Coach, actor: Actor) -> SquadView:
    user = auth.account(session, actor)
    coach_user = session.get(User, squad.coach_user_id) if squad.coach_user_id else None
    sees_code = user is None or actor.role == Role.ADMIN or squad.coach_user_id == user.id
    members = repository.squad_athlete_ids(session, squad.id)
    return SquadView(
        squad.name,
        coach_user.name if coach_user else None,
        squad.invite_code if sees_code else None,
        tuple(sorted(a.name for a in repository.athletes(session) if a.id in members)),
    )


def create_squad(engine: Engine, name: str, coach: str, *, actor: Actor = LOCAL) -> SquadView:
    """A squad coached by the coach account `coach`, with a new invite code.

    Raises:
        NotAllowedError: not an admin, and not that coach creating their own squad.
        NotFoundError: no user `coach`. InputError: not a coach account; the name is taken.
    """
    name, coach = coach_name(name), coach_name(coach)
    with Session(writer(engine)) as session, session.begin():
        user = auth.account(session, actor)
        if not (user is None or actor.role == Role.ADMIN or user.name == coach):
            raise NotAllowedError("not allowed: a coach creates squads for themselves only")
        coach_user = session.scalar(select(User).where(User.name == coach))
        if coach_user is None:
            raise NotFoundError(f"no user named {coach!r} (see `loadwatch user list`)")
        if coach_user.role not in (Role.COACH.value, Role.ADMIN.value):
            raise InputError(f"{coach!r} is a {coach_user.role} account, not a coach")
        if session.scalar(select(Coach).where(Coach.name == name)) is not None:
            raise InputError(f"there is already a squad named {name!r}")
        squad = Coach(
            name=name,
            created_at=repository.now_utc(),
            coach_user_id=coach_user.id,
            invite_code=_new_code(),
        )
        session.add(squad)
        session.flush()
        view = _squad_view(session, squad, actor)
    auth.audit(engine, actor, "squad-create", [None], f"{name} (coach {coach})")
    return view


def _own_squad(session: Session, actor: Actor, name: str) -> Coach:
    squad = session.scalar(select(Coach).where(Coach.name == coach_name(name)))
    user = auth.account(session, actor)
    allowed = user is None or actor.role == Role.ADMIN
    if squad is not None and user is not None and squad.coach_user_id == user.id:
        allowed = True
    if not allowed:
        raise NotAllowedError("not allowed: only the squad's coach or an admin may do this")
    if squad is None:
        raise NotFoundError(f"no squad named {name!r}")
    return squad


def squad_invite(engine: Engine, name: str, *, actor: Actor = LOCAL, renew: bool = False) -> str:
    """The squad's invite code (a new one with `renew`: the old code stops working).

    Raises:
        NotAllowedError: not the squad's coach nor an admin. NotFoundError: no such squad.
    """
    with Session(writer(engine)) as session, session.begin():
        squad = _own_squad(session, actor, name)
        if renew or not squad.invite_code:
            squad.invite_code = _new_code()
        return squad.invite_code


def _runner_account(session: Session, actor: Actor, user: str | None, verb: str) -> User:
    """The account a join or leave is for: a runner's own (naming another is refused); the one
    the local user or an admin names with `user`.

    Raises:
        NotAllowedError: a runner naming another account. InputError: no `user` where one is
            needed. NotFoundError: no such account.
    """
    me = auth.account(session, actor)
    if me is not None and actor.role != Role.ADMIN:
        if user is not None and user != me.name:
            raise NotAllowedError(f"not allowed: runners {verb} squads for themselves only")
        return me
    if user is None:
        raise InputError(f"say which runner {verb}s (--user NAME)")
    runner = session.scalar(select(User).where(User.name == user))
    if runner is None:
        raise NotFoundError(f"no user named {user!r} (see `loadwatch user list`)")
    return runner


def join_squad(
    engine: Engine, code: str, user: str | None = None, *, actor: Actor = LOCAL
) -> SquadView:
    """A runner joins the squad whose invite code is `code`; from now on its coach sees their
    runs, shoes, pain and report (read only). `user` names the runner account when the local
    user or an admin acts for them; a runner joins for themselves.

    Raises:
        InputError: no squad has this code; the account is not a runner.
        NotAllowedError: a runner naming another account.
    """
    with Session(writer(engine)) as session, session.begin():
        runner = _runner_account(session, actor, user, "join")
        if runner.athlete_id is None:
            raise InputError(f"{runner.name!r} is not a runner account; only runners join squads")
        squad = session.scalar(select(Coach).where(Coach.invite_code == _normal_code(code)))
        if squad is None or not code.strip():
            raise InputError("no squad has this invite code; check it with your coach")
        if session.get(SquadMember, (squad.id, runner.athlete_id)) is None:
            session.add(
                SquadMember(
                    coach_id=squad.id,
                    athlete_id=runner.athlete_id,
                    joined_at=repository.now_utc(),
                )
            )
            session.flush()
        view = _squad_view(session, squad, actor)
        joined = auth.athlete_name_of(session, runner.athlete_id)
    auth.audit(engine, actor, "squad-join", [joined], view.name)
    return view


def leave_squad(
    engine: Engine, name: str, user: str | None = None, *, actor: Actor = LOCAL
) -> None:
    """The runner leaves a squad: its coach's access to their data ends at once.

    Raises:
        NotFoundError: no such squad, or the runner is not in it.
        NotAllowedError: a runner naming another account.
    """
    with Session(writer(engine)) as session, session.begin():
        athlete_id = _runner_account(session, actor, user, "leave").athlete_id
        squad = session.scalar(select(Coach).where(Coach.name == coach_name(name)))
        member = (
            session.get(SquadMember, (squad.id, athlete_id))
            if squad is not None and athlete_id is not None
            else None
        )
        if member is None:
            raise NotFoundError(f"not a member of a squad named {name!r}")
        session.delete(member)
        left = auth.athlete_name_of(session, athlete_id) if athlete_id is not None else None
    auth.audit(engine, actor, "squad-leave", [left], name)


def list_squads(engine: Engine, *, actor: Actor = LOCAL) -> list[SquadView]:
    """The squads `actor` coaches, belongs to, or (admin, local) all of them."""
    with Session(engine) as session:
        return [_squad_view(session, s, actor) for s in _visible_squads(session, actor)]
