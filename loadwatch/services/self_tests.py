"""The single-leg squat self-test (issue #22): logged per leg, listed, and when it is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db import strength as store
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    StrengthTest,
)
from loadwatch.errors import InputError
from loadwatch.services._checks import (
    athlete_name,
    check_day,
)
from loadwatch.services._common import today as clock
from loadwatch.services.strength import writable_athlete

LEGS = ("left", "right")


TEST_RESULTS = ("centred", "wobbles", "inward")


TEST_MEANING = {
    "centred": "the knee stayed over the foot",
    "wobbles": "the knee wobbled",
    "inward": "the knee moved inward",
}


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
        row = writable_athlete(session, actor, athlete)
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
