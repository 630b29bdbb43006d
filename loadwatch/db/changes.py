"""The database's change counter (issue #27): every committed transaction that changed data the
views read raises `data_version.version` by one, in the same transaction, so a cache keyed by
`data_version(session)` is never stale, on SQLite and PostgreSQL alike.

Counted from the ORM's own events, so no service can forget it: a flush of any model but the
untracked ones, and an ORM `insert`/`update`/`delete` statement. The bump is the transaction's
last statement: on PostgreSQL its row lock is held only while the transaction commits, so two
concurrent writers queue there briefly and never deadlock on it.
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from loadwatch.db.models import AuditEntry, CoachVisit, DataVersion, LoginSession

# Who read what, login timers and the coach's last look change no view's answer.
_UNTRACKED = frozenset(m.__tablename__ for m in (AuditEntry, LoginSession, CoachVisit, DataVersion))
_CHANGED = "loadwatch.data_changed"


def data_version(session: Session) -> int | None:
    """The change counter; None on a database without it (then nothing may be cached)."""
    return session.scalar(select(DataVersion.version).where(DataVersion.id == 1))


def _is_tracked(instance: object) -> bool:
    return getattr(instance, "__tablename__", None) not in _UNTRACKED


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, context: UOWTransaction) -> None:
    del context
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_is_tracked(o) for o in changed):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in _UNTRACKED:
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT: the outer transaction bumps once, when it commits
    session.flush()
    if session.info.pop(_CHANGED, False):
        session.execute(update(DataVersion).values(version=DataVersion.version + 1))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost: committed (bumped) or rolled back
        session.info.pop(_CHANGED, None)
