"""db/admin.py: athletes by name."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from loadwatch.db import admin
from loadwatch.db.engine import writer
from loadwatch.db.models import Athlete


def test_a_name_created_meanwhile_by_another_import_is_taken_not_a_traceback(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first imports for a new name at once: the second one's lookup ran before the first
    committed, so its insert meets the unique name; it takes the athlete the first created
    (seen on PostgreSQL as a UniqueViolation traceback from `loadwatch import`; issue #19)."""
    with Session(writer(engine)) as session, session.begin():
        first_id = admin.get_or_create_athlete(session, "ana").id
    real = admin.find_athlete
    lookups: list[str] = []

    def find_before_the_other_commit(session: Session, name: str) -> Athlete | None:
        lookups.append(name)
        return None if len(lookups) == 1 else real(session, name)

    monkeypatch.setattr(admin, "find_athlete", find_before_the_other_commit)
    with Session(writer(engine)) as session, session.begin():
        second = admin.get_or_create_athlete(session, "ana", home_tz="Europe/Paris")
        assert second.id == first_id and second.home_tz == "UTC"
        session.add(
            Athlete(name="ben", home_tz="UTC", default_sport="run", created_at=second.created_at)
        )  # the transaction goes on
    assert lookups == ["ana", "ana"]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Athlete)) == 2
