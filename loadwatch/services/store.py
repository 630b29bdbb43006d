"""The store step of an import (issue #10): a parsed file's original and each of its sessions
written as a source of the activity it is another recording of (`attach`, matched by
`merge.same_activity` among the candidates db/sources.py fetches), or of a new activity; the
activity's fields then merged again from all its sources (`recompute`, `merge.merge_sources`).
A batch is one transaction, a file one SAVEPOINT: a file lands whole or not at all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from loadwatch.db import repository
from loadwatch.db.models import Activity, ActivitySource, Athlete, PainEntry, Shoe
from loadwatch.domain import (
    ImportResult,
    ImportStatus,
    ParsedActivity,
    SourceFormat,
    SourceHints,
    Sport,
    SportSource,
    default_activity_name,
)
from loadwatch.services._checks import file_text
from loadwatch.services.merge import (
    MergedActivity,
    SourceRecord,
    candidate_window,
    merge_sources,
    same_activity,
)
from loadwatch.services.parse_pool import ParsedFile, log, unexpected_error
from loadwatch.services.shoes import shoe_window_m

Progress = Callable[[ImportResult], None]


def record_of(source: ActivitySource, filename: str, name_hint: str | None) -> SourceRecord:
    return SourceRecord(
        sha256=source.sha256,
        session_index=source.session_index,
        filename=filename,
        sport=Sport(source.sport),
        sport_source=SportSource(source.sport_source),
        sub_sport=source.sub_sport,
        started_at=source.started_at,
        utc_offset_s=source.utc_offset_s,
        resolved_offset_s=source.resolved_offset_s,
        distance_m=source.distance_m,
        duration_s=source.duration_s,
        moving_s=source.moving_s,
        ascent_m=source.ascent_m,
        descent_m=source.descent_m,
        avg_hr_bpm=source.avg_hr_bpm,
        avg_cadence_spm=source.avg_cadence_spm,
        device=source.device,
        source_format=SourceFormat(source.source_format),
        is_device_file=source.is_device_file,
        has_samples=source.has_samples,
        is_virtual=source.is_virtual,
        effort_rpe=source.effort_rpe,
        name_hint=name_hint,
    )


def user_sport(activity: Activity) -> Sport | None:
    return Sport(activity.sport) if activity.sport_source == SportSource.USER.value else None


def apply_merged(activity: Activity, merged: MergedActivity) -> None:
    activity.sport = merged.sport.value
    activity.sport_source = merged.sport_source.value
    activity.sub_sport = merged.sub_sport
    activity.name = merged.name
    activity.started_at = merged.started_at
    activity.utc_offset_s = merged.utc_offset_s
    activity.duration_s = merged.duration_s
    activity.moving_s = merged.moving_s
    activity.distance_m = merged.distance_m
    activity.ascent_m = merged.ascent_m
    activity.descent_m = merged.descent_m
    activity.avg_hr_bpm = merged.avg_hr_bpm
    activity.avg_cadence_spm = merged.avg_cadence_spm
    activity.device = merged.device
    activity.effort_rpe = merged.effort_rpe
    activity.source_format = merged.primary.source_format.value
    activity.source_file = merged.primary.filename
    activity.source_sha256 = merged.primary.sha256
    activity.session_index = merged.primary.session_index


def recompute(session: Session, activity: Activity) -> MergedActivity:
    """Re-derive a stored activity's fields from all its stored sources; a name the runner
    gave (`_user_name`) is kept."""
    session.flush()
    records = [record_of(*row) for row in repository.sources_of(session, [activity.id])]
    merged = merge_sources(records, user_sport(activity))
    user_name = _user_name(activity, records)
    apply_merged(activity, merged)
    if user_name is not None:
        activity.name = user_name
    session.flush()
    return merged


_DEFAULT_NAMES = frozenset(
    default_activity_name(sport.value, hour) for sport in Sport for hour in range(24)
)


def _user_name(activity: Activity, records: Sequence[SourceRecord]) -> str | None:
    """The activity's name when the runner gave it (issue #12): one no source's title and no
    default ("Morning Run") makes. No column records who named it, so this is inferred."""
    name = activity.name
    if not name or name in _DEFAULT_NAMES:
        return None
    if any(r.name_hint and name == r.name_hint[:200] for r in records):
        return None
    return name


def absorb(session: Session, keep: Activity, others: Sequence[Activity]) -> None:
    """Make `others` part of `keep`: their sources and pain entries move, they are deleted."""
    if not others:
        return
    ids = [other.id for other in others]
    if user_sport(keep) is None:
        corrected = [other for other in others if user_sport(other) is not None]
        if corrected:
            keep.sport, keep.sport_source = corrected[0].sport, SportSource.USER.value
    if keep.shoe_id is None:
        keep.shoe_id = next((o.shoe_id for o in others if o.shoe_id is not None), None)
    session.flush()
    session.execute(
        update(ActivitySource)
        .where(ActivitySource.activity_id.in_(ids))
        .values(activity_id=keep.id)
    )
    session.execute(
        update(PainEntry).where(PainEntry.activity_id.in_(ids)).values(activity_id=keep.id)
    )
    session.execute(delete(Activity).where(Activity.id.in_(ids)))
    session.expire_all()


def attach(
    session: Session, athlete_id: int, source: ActivitySource, filename: str, name_hint: str | None
) -> tuple[Activity, str | None]:
    """Store a new source: merged into the activity it overlaps (never one holding another
    session of the same file), or a new activity.

    Returns:
        The activity, and the primary file it had before (None for a new activity). A source
        that overlaps several activities joins the lowest id only: joining them all could put
        two sessions of one file into one activity.
    """
    earliest, latest = candidate_window(source.started_at, source.duration_s)
    candidates = repository.activities_starting_between(session, athlete_id, earliest, latest)
    # Two sessions of one file are two activities: the file says so (a chained or multisport
    # FIT whose sessions share a start).
    siblings = set(repository.activity_ids_for_hash(session, source.sha256))
    same = same_activity(
        source.started_at,
        source.duration_s,
        SourceFormat(source.source_format),
        source.resolved_offset_s,
        candidates,
        siblings,
    )
    if same:
        keep = same[0]
        previous = keep.source_file
        source.activity_id = keep.id
        session.add(source)
        recompute(session, keep)
        return keep, previous
    activity = Activity(athlete_id=athlete_id, imported_at=repository.now_utc())
    apply_merged(activity, merge_sources([record_of(source, filename, name_hint)]))
    session.add(activity)
    session.flush()
    source.activity_id = activity.id
    session.add(source)
    session.flush()
    return activity, None


def duplicate_result(name: str, activity_ids: list[int]) -> ImportResult:
    where = f" as activity {', '.join(f'#{i}' for i in activity_ids)}" if activity_ids else ""
    return ImportResult(
        name,
        ImportStatus.DUPLICATE,
        f"{name!r} was imported before{where}; skipped",
        activity_id=activity_ids[0] if activity_ids else None,
    )


def stored_name(name: str) -> str:
    """A file's name as stored (500 characters, the end kept: the file, not the folders)."""
    return file_text(name[-500:], 500) or "unnamed file"


DEADLOCK_RETRIES = 3  # PostgreSQL may pick a batch as a deadlock victim; it is run again
RECONNECT_RETRIES = 1  # a batch whose connection was lost (a server restart) is tried once more


def store_batch(
    engine: Engine, athlete_id: int, parsed_files: list[ParsedFile], report: Progress
) -> None:
    """Write a batch: one transaction, one SAVEPOINT per file: a file lands whole or not at all.

    The athlete's rows are locked for the batch (PostgreSQL advisory lock; SQLite has one writer)
    so that two imports of the same activity from two formats cannot both miss each other; a
    batch chosen as a deadlock victim is run again from the start.
    """
    deadlocks = reconnects = 0
    while True:
        try:
            outcomes = store_batch_once(engine, athlete_id, parsed_files)
            break
        except DBAPIError as exc:
            # Safe to run again: the batch's transaction was rolled back with the connection,
            # and a file whose commit did land is found by its hash (a duplicate, never twice).
            if exc.connection_invalidated and reconnects < RECONNECT_RETRIES:
                reconnects += 1
                log.warning("connection lost storing a batch for athlete %s; retrying", athlete_id)
                continue
            deadlocks += 1
            is_deadlock = isinstance(exc, OperationalError) and repository.is_deadlock(exc)
            if not is_deadlock or deadlocks >= DEADLOCK_RETRIES:
                raise
            log.warning("deadlock storing a batch for athlete %s; retrying", athlete_id)
    for outcome in outcomes:  # reported only once the batch is committed
        report(outcome)


def store_batch_once(
    engine: Engine, athlete_id: int, parsed_files: list[ParsedFile]
) -> list[ImportResult]:
    outcomes: list[ImportResult] = []
    with Session(engine) as session, session.begin():
        repository.lock_athlete(session, athlete_id)
        default_shoe = repository.default_shoe(session, athlete_id)
        gear_shoes: dict[str, int] = {}  # the batch's shoes by gear name, looked up once
        for parsed in parsed_files:
            if parsed.error is not None:
                if parsed.traceback:
                    log.error("unexpected error importing %r\n%s", parsed.name, parsed.traceback)
                described = parsed.hints.describe()  # issue #24: the export's name and date
                text = f"{described}: {parsed.error}" if described else str(parsed.error)
                outcomes.append(ImportResult(parsed.name, ImportStatus.REJECTED, text))
                continue
            try:
                with session.begin_nested():
                    outcomes.extend(
                        store_file(session, athlete_id, default_shoe, parsed, gear_shoes)
                    )
            except IntegrityError:
                # Another import stored the same file between our check and our write.
                gear_shoes.clear()  # a shoe made in the rolled-back savepoint went with it
                ids = repository.activity_ids_for_hash(session, parsed.sha256)
                outcomes.append(duplicate_result(parsed.name, ids))
            except OperationalError:
                raise  # a deadlock or a lost connection: the whole batch, not this file
            except SQLAlchemyError as exc:
                # A value the database refuses (PostgreSQL: a NUL, a too-long text): this file
                # is rejected, the savepoint rolled back, the batch goes on.
                gear_shoes.clear()
                error = unexpected_error(parsed.name, exc)
                outcomes.append(ImportResult(parsed.name, ImportStatus.REJECTED, str(error)))
    return outcomes


def store_file(
    session: Session,
    athlete_id: int,
    default_shoe: Shoe | None,
    parsed_file: ParsedFile,
    gear_shoes: dict[str, int] | None = None,
) -> list[ImportResult]:
    """Store one file's original, then each of its sessions as a source: of the activity it is
    another recording of (merged field by field), or of a new activity. `gear_shoes` keeps the
    shoes found or made by gear name across a batch (one query per name, not per file)."""
    hints = parsed_file.hints
    name = stored_name(parsed_file.name)
    repository.add_original(
        session,
        athlete_id,
        parsed_file.sha256,
        name,
        parsed_file.size_bytes,
        parsed_file.content_zlib,
        hints.sport.value if hints.sport else None,
        hints.gear,
        hints.name,
        hints.effort_rpe,
    )
    session.flush()
    results = []
    for index, (parsed, offset) in enumerate(parsed_file.activities):
        source = ActivitySource(sha256=parsed_file.sha256, session_index=index)
        repository.apply_parsed(source, parsed, offset)
        activity, previous = attach(session, athlete_id, source, name, hints.name)
        if activity.sport == Sport.RUN.value and activity.shoe_id is None:
            day = (activity.started_at + timedelta(seconds=activity.utc_offset_s)).date()
            activity.shoe_id = _shoe_for(session, athlete_id, hints, default_shoe, day, gear_shoes)
        session.flush()
        status, message = ImportStatus.IMPORTED, ""
        if previous is not None:
            status = ImportStatus.MERGED
            # No ids or commands here: the dashboard shows this too (issue #24); the CLI adds
            # its `loadwatch activities --id N` pointer itself.
            if activity.source_sha256 == parsed_file.sha256:
                message = (
                    f"{parsed_file.name!r} is the same activity as {previous!r}; kept this "
                    f"richer {parsed.source_format.value.upper()} record as its primary source "
                    "and merged the files field by field"
                )
            else:
                message = (
                    f"{parsed_file.name!r} is the same activity as {activity.source_file!r}, "
                    "which has as much data or more; kept that one as its primary source and "
                    "merged the files field by field"
                )
        if parsed.sport is Sport.UNKNOWN and activity.sport == Sport.UNKNOWN.value:
            message = message or unknown_sport_note(parsed_file.name, parsed)
        if parsed.repairs:  # issue #26: imported as repaired, and the result says how
            repaired = f"repaired {parsed_file.name!r}: " + "; ".join(parsed.repairs)
            message = f"{message}; {repaired}" if message else repaired
        results.append(
            ImportResult(
                parsed_file.name,
                status,
                message,
                activity.id,
                parsed.sport,
                parsed.started_at,
                parsed.distance_m,
            )
        )
    return results


def unknown_sport_note(filename: str, parsed: ParsedActivity) -> str:
    """Why a file was stored as `unknown` (issue #24): it does not say its sport, and its speed
    fits no sport it could take by default; it counts toward no running rule until set."""
    moving_s = parsed.moving_s or parsed.duration_s
    speed = (
        f" at {parsed.distance_m / moving_s * 3.6:.1f} km/h"
        if moving_s > 0 and parsed.distance_m > 0
        else ""
    )
    return (
        f"{filename!r} does not say its sport, and {parsed.distance_m / 1000:.2f} km{speed} "
        "does not fit your default sport: stored as unknown, not counted as a run; set its "
        "sport on the Activities page (or `loadwatch activities set-sport`)"
    )


def _shoe_for(
    session: Session,
    athlete_id: int,
    hints: SourceHints,
    default_shoe: Shoe | None,
    day: date,
    gear_shoes: dict[str, int] | None = None,
) -> int | None:
    """A Strava export's gear column names the pair; else the athlete's default pair, if the
    run's local `day` is not before the pair's first day of use (issue #24)."""
    if hints.gear:
        known = gear_shoes.get(hints.gear) if gear_shoes is not None else None
        if known is not None:
            return known
        shoe = repository.shoe_by_name(session, athlete_id, hints.gear)
        if shoe is None:
            athlete = session.get_one(Athlete, athlete_id)
            window = shoe_window_m(session, athlete)
            shoe = repository.create_shoe(session, athlete_id, hints.gear, None, 0.0, window)
        if gear_shoes is not None:
            gear_shoes[hints.gear] = shoe.id
        return shoe.id
    if default_shoe is None:
        return None
    if default_shoe.first_used_on is not None and day < default_shoe.first_used_on:
        return None
    return default_shoe.id
