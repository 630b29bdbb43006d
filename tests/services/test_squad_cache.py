"""The squad triage's cache and the database's change counter (issue #27): an unchanged
database answers from the cache, and a pain entry, an import or a coach's note changes the
answer at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db.engine import writer
from loadwatch.db.models import Athlete, PainEntry
from loadwatch.services import squads
from loadwatch.synth import fit_bytes, make_track
from tests.services.conftest import TODAY, import_runs

AS_OF = date(2026, 3, 8)


def _status(engine: Engine) -> dict[str, tuple[str, str | None]]:
    triage = services.squad_triage(engine, None, as_of=AS_OF, today=TODAY)
    return {t.row.athlete: (t.status, t.row.pain_zone) for t in triage.rows}


def _no_recompute(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the squad was recomputed for an unchanged database")

    monkeypatch.setattr(squads, "squad_contexts", refuse)


def test_an_unchanged_database_answers_from_the_cache(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_runs(engine, [8, 8, 8, 8], athlete="ana")
    first = services.squad_triage(engine, None, as_of=AS_OF, today=TODAY)
    with monkeypatch.context() as patched:
        _no_recompute(patched)
        again = services.squad_triage(engine, None, as_of=AS_OF, today=TODAY)
    assert again.rows == first.rows
    # another day is another answer
    other = services.squad_triage(engine, None, as_of=date(2026, 3, 3), today=TODAY)
    assert other.rows[0].row.this_week_m != first.rows[0].row.this_week_m


def test_a_pain_entry_changes_the_cached_triage_at_once(engine: Engine) -> None:
    import_runs(engine, [8, 8, 8, 8], athlete="ana")
    import_runs(engine, [8, 8, 8, 8], athlete="bo")
    assert _status(engine) == {"ana": ("ok", None), "bo": ("ok", None)}
    services.log_pain(engine, "ana", during=8, after=8, on_date=date(2026, 3, 7), today=TODAY)
    after = _status(engine)
    assert after["ana"] == ("warning", "red")
    assert after["bo"] == ("ok", None)


def test_an_import_changes_the_cached_triage_at_once(engine: Engine) -> None:
    import_runs(engine, [8, 8, 8, 8], athlete="ana")
    assert _status(engine)["ana"][0] == "ok"
    track = make_track(datetime(2026, 3, 8, 7, tzinfo=UTC), 24_000, 330, seed=5, interval_s=30)
    services.import_uploads(engine, [("long.fit", fit_bytes([track]))], athlete="ana", today=TODAY)
    triage = services.squad_triage(engine, None, as_of=AS_OF, today=TODAY)
    assert triage.rows[0].status == "warning"
    assert "run-spike" in triage.rows[0].row.flags


def test_every_committed_change_raises_the_counter_and_reads_do_not(engine: Engine) -> None:
    import_runs(engine, [8, 8], athlete="ana")
    start = services.data_version(engine)
    assert start is not None
    services.squad_triage(engine, None, as_of=AS_OF, today=TODAY)
    services.report(engine, "ana", AS_OF, today=TODAY)
    assert services.data_version(engine) == start  # reads change nothing
    services.log_morning_pain(engine, "ana", 2, on_date=AS_OF, today=TODAY)
    assert services.data_version(engine) == start + 1  # one transaction, one step
    with Session(writer(engine)) as session, session.begin():  # a bulk statement counts too
        session.execute(update(PainEntry).values(morning=3))
    assert services.data_version(engine) == start + 2
    with Session(writer(engine)) as session:  # rolled back: nothing changed
        session.begin()
        session.get_one(Athlete, session.scalar(select(Athlete.id))).home_tz = "Europe/Oslo"
        session.flush()
        session.rollback()
    assert services.data_version(engine) == start + 2


def test_a_coach_note_changes_the_triage_and_a_visit_does_not_count(engine: Engine) -> None:
    import_runs(engine, [8, 8, 8, 20], athlete="ana")
    services.add_to_squad(engine, "Kim", ["ana"])
    triage = services.squad_triage(engine, "Kim", as_of=AS_OF, today=TODAY)
    assert triage.rows[0].status == "warning"
    before = services.data_version(engine)
    services.record_squad_visit(engine, triage)
    assert services.data_version(engine) == before  # the coach's last look is not data
    rule = triage.rows[0].open_flags[0]
    services.note_flag(
        engine, "Kim", "ana", rule.rule_id, severity=rule.severity, snooze_days=3, today=AS_OF
    )
    assert services.data_version(engine) == before + 1
    again = services.squad_triage(engine, "Kim", as_of=AS_OF, today=TODAY)
    assert [n.rule_id for n in again.rows[0].snoozed] == [rule.rule_id]
