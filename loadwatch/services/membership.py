"""Squads and who is in them (issue #11): a coach creates a squad (`create_squad`) and shares
its invite code (`squad_invite`); a runner joins with the code and may leave at any time
(`join_squad`, `leave_squad`: consent); `add_to_squad` at the server's shell; `list_squads`,
`list_coaches`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Coach, SquadMember, User
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.services._checks import athlete_name, coach_name

if TYPE_CHECKING:
    pass


def list_coaches(engine: Engine, *, actor: Actor = LOCAL) -> list[str]:
    """The squads `actor` may see, by name (personal mode: every coach's squad)."""
    with Session(engine) as session:
        return [c.name for c in visible_squads(session, actor)]


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


_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud without doubt


_CODE_CHARS = 8  # 30**8 ~ 6.6e11 codes; joining needs a login, so guessing is not cheap


@dataclass(frozen=True, slots=True)
class SquadView:
    name: str
    coach: str | None  # the coach account, None in personal mode
    invite_code: str | None  # shown to its coach and admins only
    members: tuple[str, ...]


def new_code() -> str:
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_CHARS))
    return f"{code[:4]}-{code[4:]}"


def normal_code(value: str) -> str:
    code = "".join(ch for ch in str(value).upper() if ch.isalnum())
    return f"{code[:4]}-{code[4:]}"


def visible_squads(session: Session, actor: Actor) -> list[Coach]:
    squads = list(repository.coaches(session))
    user = auth.account(session, actor)
    if user is None or actor.role == Role.ADMIN:
        return squads
    if actor.role == Role.COACH:
        return [s for s in squads if s.coach_user_id == user.id]
    member_of = repository.squads_of(session, user.athlete_id) if user.athlete_id else set()
    return [s for s in squads if s.id in member_of]


def squad_view(session: Session, squad: Coach, actor: Actor) -> SquadView:
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
            invite_code=new_code(),
        )
        session.add(squad)
        session.flush()
        view = squad_view(session, squad, actor)
    auth.audit(engine, actor, "squad-create", [None], f"{name} (coach {coach})")
    return view


def own_squad(session: Session, actor: Actor, name: str) -> Coach:
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
        squad = own_squad(session, actor, name)
        if renew or not squad.invite_code:
            squad.invite_code = new_code()
        return squad.invite_code


def runner_account(session: Session, actor: Actor, user: str | None, verb: str) -> User:
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
        runner = runner_account(session, actor, user, "join")
        if runner.athlete_id is None:
            raise InputError(f"{runner.name!r} is not a runner account; only runners join squads")
        squad = session.scalar(select(Coach).where(Coach.invite_code == normal_code(code)))
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
        view = squad_view(session, squad, actor)
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
        athlete_id = runner_account(session, actor, user, "leave").athlete_id
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
        return [squad_view(session, s, actor) for s in visible_squads(session, actor)]
