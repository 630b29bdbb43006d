"""Re-deriving every activity from its stored original files (`loadwatch reimport`, after an
importer fix): the parse and check steps of an import (services/parse_pool.py) run again on each
stored file, and the store step's merge (services/store.py) on each activity touched."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.faults import storage_error
from loadwatch.db.health import require_intact
from loadwatch.db.models import Activity, ActivitySource, Athlete
from loadwatch.domain import SourceHints, Sport
from loadwatch.importers.archive import SourceFile
from loadwatch.services._common import today as local_today
from loadwatch.services.parse_pool import ParseJob, log, parse_job
from loadwatch.services.store import attach, recompute


@dataclass(frozen=True, slots=True)
class ReimportSummary:
    files: int
    updated: int
    failed: list[str]


def reimport(engine: Engine, today: date | None = None, *, actor: Actor = LOCAL) -> ReimportSummary:
    """Re-derive every activity from its stored original files (after an importer fix).

    Each source is read again from its file, then each activity touched is merged again from
    all its sources. Activities keep their ids, shoes, pain links and a sport the runner set.
    A stored file no activity is made of (the losing file of a merge made before issue #10)
    is attached as a source the way an import would.
    """
    with Session(engine) as session:
        auth.require_admin(session, actor, "re-importing every athlete's files")
    try:
        require_intact(engine)
        return _reimport(engine, today or local_today())
    except (SQLAlchemyError, OSError) as exc:
        error = storage_error(
            exc, engine.url, progress="nothing was changed (a re-import is one transaction)"
        )
        if error is None:
            raise
        log.error("reimport stopped: %s", error, exc_info=exc)
        raise error from exc


def _reimport(engine: Engine, today: date) -> ReimportSummary:
    files = 0
    touched: set[int] = set()
    failed: list[str] = []
    with Session(writer(engine)) as session, session.begin():
        for original in repository.originals(session):
            files += 1
            athlete = session.get_one(Athlete, original.athlete_id)
            hints = SourceHints(
                sport=Sport(original.sport_hint) if original.sport_hint else None,
                gear=original.gear_hint,
                name=original.name_hint,
                effort_rpe=original.effort_hint,
            )
            source = SourceFile(
                original.filename, zlib.decompress(original.content_zlib), hints=hints
            )
            job = ParseJob(
                source, athlete.home_tz, Sport(athlete.default_sport), today, original.sha256
            )
            result = parse_job(job)
            if result.error is not None:
                failed.append(str(result.error))
                continue
            rows = repository.sources_for_hash(session, original.sha256)
            if not rows:
                for index, (parsed, offset) in enumerate(result.activities):
                    row = ActivitySource(sha256=original.sha256, session_index=index)
                    repository.apply_parsed(row, parsed, offset)
                    activity, _ = attach(
                        session, original.athlete_id, row, original.filename, hints.name
                    )
                    touched.add(activity.id)
                continue
            for row in rows:
                if row.session_index < len(result.activities):
                    parsed, offset = result.activities[row.session_index]
                    repository.apply_parsed(row, parsed, offset)
                    touched.add(row.activity_id)
        for activity_id in sorted(touched):
            stored = session.get(Activity, activity_id)
            if stored is not None:  # not joined into another one meanwhile
                recompute(session, stored)
    return ReimportSummary(files, len(touched), failed)
