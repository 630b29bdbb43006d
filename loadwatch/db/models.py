"""SQLAlchemy 2 typed models: SI units in column names, UTC timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Rejects naive datetimes, stores naive UTC, returns aware UTC (FitTrackee's TZDateTime)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Athlete(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    home_tz: Mapped[str] = mapped_column(String(64), default="UTC")
    default_sport: Mapped[str] = mapped_column(String(32), default="run")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    """A club-mode account (issue #11). A runner owns the athlete of the same name."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # runner | coach | admin
    password_hash: Mapped[str] = mapped_column(String(200))  # Argon2id, PHC string
    athlete_id: Mapped[int | None] = mapped_column(ForeignKey("athletes.id", ondelete="SET NULL"))
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    email: Mapped[str | None] = mapped_column(String(254))  # the coach's digest (issue #25)
    # Set for a password typed at the server (`user add`, `user reset-password`): the first
    # login asks for a new one (issue #21).
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )


class LoginThrottle(Base):
    """Failed logins counted per (name, client address) and per client address (issue #21):
    counted before the password is checked, in one atomic UPDATE, so parallel guesses cannot
    race the lock. The name need not be an account's: unknown names lock the same way."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(250), unique=True)  # "name\naddress" or "\naddress"
    name: Mapped[str | None] = mapped_column(String(120), index=True)
    source: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginSession(Base):
    """A logged-in browser: only the token's SHA-256 is stored; ended on log out, a password
    change or a disabled account, and expired after the idle time (docs/club.md)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """Who read or changed whose data, and when (club mode; kept `AUDIT_KEEP_DAYS`)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    athlete: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(64))  # client address of a login event


class Coach(Base):
    """A squad. Its name is the squad's name: in personal mode the coach's name, as `squad add
    --coach` has always taken it; in club mode a coach account owns it (`coach_user_id`) and
    runners join it with its invite code (issue #11)."""

    __tablename__ = "coaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    coach_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invite_code: Mapped[str | None] = mapped_column(String(32), unique=True)


class SquadMember(Base):
    """Which athletes a squad holds; a runner who leaves is deleted from it (consent)."""

    __tablename__ = "squad_members"

    coach_id: Mapped[int] = mapped_column(
        ForeignKey("coaches.id", ondelete="CASCADE"), primary_key=True
    )
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OriginalFile(Base):
    """Every imported file, content-addressed and zlib-compressed, so the log can be rebuilt."""

    __tablename__ = "original_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    sport_hint: Mapped[str | None] = mapped_column(String(32))
    gear_hint: Mapped[str | None] = mapped_column(String(120))
    name_hint: Mapped[str | None] = mapped_column(String(200))
    effort_hint: Mapped[float | None] = mapped_column(Float)  # Strava's "Perceived Exertion"
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Shoe(Base):
    __tablename__ = "shoes"
    __table_args__ = (UniqueConstraint("athlete_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    brand_model: Mapped[str | None] = mapped_column(String(120))
    starting_distance_m: Mapped[float] = mapped_column(Float, default=0.0)
    window_start_m: Mapped[float] = mapped_column(Float)
    window_end_m: Mapped[float] = mapped_column(Float)
    retired_on: Mapped[date | None] = mapped_column(Date)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # The default pair takes new runs from this local day on (issue #24): a pair added today
    # does not take a ten-year-old file imported tomorrow. NULL (pairs from before): every run.
    first_used_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Activity(Base):
    """One real activity: its fields are merged from its `ActivitySource` rows (issue #10).

    `source_sha256`, `session_index`, `source_file` and `source_format` name the primary source
    (see services/activities.py); every source is in `activity_sources`.
    """

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_athlete_started", "athlete_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    sport: Mapped[str] = mapped_column(String(32))
    sport_source: Mapped[str] = mapped_column(String(16), server_default="declared")
    sub_sport: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    utc_offset_s: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float] = mapped_column(Float)
    moving_s: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    descent_m: Mapped[float | None] = mapped_column(Float)
    avg_hr_bpm: Mapped[float | None] = mapped_column(Float)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str | None] = mapped_column(String(200))
    source_format: Mapped[str] = mapped_column(String(8))
    source_file: Mapped[str] = mapped_column(String(500))
    source_sha256: Mapped[str] = mapped_column(ForeignKey("original_files.sha256"))
    session_index: Mapped[int] = mapped_column(Integer, default=0)
    shoe_id: Mapped[int | None] = mapped_column(ForeignKey("shoes.id", ondelete="SET NULL"))
    effort_rpe: Mapped[float | None] = mapped_column(Float)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ActivitySource(Base):
    """One file session that makes up an activity, with what that file said (issue #10).

    Every activity has one or more; the activity's own fields are recomputed from all of them.
    `utc_offset_s` is the file's own local offset (None when it has none), `resolved_offset_s`
    the offset the import derived for it (file, position or home zone).
    """

    __tablename__ = "activity_sources"
    __table_args__ = (UniqueConstraint("sha256", "session_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(ForeignKey("original_files.sha256", ondelete="CASCADE"))
    session_index: Mapped[int] = mapped_column(Integer)
    sport: Mapped[str] = mapped_column(String(32))
    sport_source: Mapped[str] = mapped_column(String(16))
    sub_sport: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    utc_offset_s: Mapped[int | None] = mapped_column(Integer)
    resolved_offset_s: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    moving_s: Mapped[float] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    descent_m: Mapped[float | None] = mapped_column(Float)
    avg_hr_bpm: Mapped[float | None] = mapped_column(Float)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str | None] = mapped_column(String(200))
    source_format: Mapped[str] = mapped_column(String(8))
    is_device_file: Mapped[bool] = mapped_column(Boolean)
    has_samples: Mapped[bool] = mapped_column(Boolean)
    is_virtual: Mapped[bool] = mapped_column(Boolean)
    effort_rpe: Mapped[float | None] = mapped_column(Float)


class PainEntry(Base):
    """A post-run entry (during/after) or a next-morning check-in (morning); scores 0-10."""

    __tablename__ = "pain_entries"
    __table_args__ = (
        Index("ix_pain_entries_athlete_date", "athlete_id", "entry_date"),
        # the squad's window of entries looks up older entries of the same run (issue #27)
        Index("ix_pain_entries_activity", "activity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    entry_date: Mapped[date] = mapped_column(Date)
    during: Mapped[int | None] = mapped_column(Integer)
    after: Mapped[int | None] = mapped_column(Integer)
    morning: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Setting(Base):
    """Per-athlete display settings; storage stays SI whatever is chosen here."""

    __tablename__ = "settings"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    units: Mapped[str] = mapped_column(String(2), default="km")
    week_start: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday ... 6 = Sunday
    thresholds_json: Mapped[str | None] = mapped_column(Text)


class PlanSetting(Base):
    """An athlete's plan choices (issue #20): run weekdays and the season goal.

    `run_weekdays` is a comma-separated list of weekdays (0 = Monday), None: the habit.
    `goal_kind` is "weekly" (`goal_weekly_m`) or "race" (`goal_race_date`, `goal_race_m`).
    """

    __tablename__ = "plan_settings"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    run_weekdays: Mapped[str | None] = mapped_column(String(20))
    runs_per_week: Mapped[int | None] = mapped_column(Integer)
    goal_kind: Mapped[str | None] = mapped_column(String(8))
    goal_weekly_m: Mapped[float | None] = mapped_column(Float)
    goal_race_date: Mapped[date | None] = mapped_column(Date)
    goal_race_m: Mapped[float | None] = mapped_column(Float)


class CoachNote(Base):
    """A coach's acknowledgement or snooze of an athlete's flag, with a note (issue #12).

    Kept per coach: the coach account in club mode (`user_id`), the squad in personal mode
    (`squad_id`); exactly one is set. Notes are kept; the newest one per flag is in force.
    """

    __tablename__ = "coach_notes"
    __table_args__ = (Index("ix_coach_notes_athlete_rule", "athlete_id", "rule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # acknowledged | snoozed
    severity: Mapped[str] = mapped_column(String(16))  # the flag's, when noted: worse is new
    noted_on: Mapped[date] = mapped_column(Date)  # the coach's local day
    quiet_until: Mapped[date] = mapped_column(Date)  # the last local day it covers
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoachVisit(Base):
    """A coach's last look at the squad page: when, the flags then, and the units they chose
    (issue #12: "new since your last visit"). Keyed like `CoachNote`."""

    __tablename__ = "coach_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    squad_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaches.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_flags_json: Mapped[str] = mapped_column(Text, default="[]")  # ["athlete_id:rule_id"]
    units: Mapped[str | None] = mapped_column(String(2))


class DigestEntry(Base):
    """One line of a digest that was sent (issue #25): to whom, about which athlete and flag.
    `--since-last` compares with the recipient's last digest; a runner can read what was sent
    about them."""

    __tablename__ = "digest_entries"
    __table_args__ = (Index("ix_digest_entries_recipient_sent", "recipient", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(120))  # a coach account, or a squad's name
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), index=True
    )
    rule_id: Mapped[str] = mapped_column(String(64))  # a rule id, or "quiet" / "ok"
    severity: Mapped[str] = mapped_column(String(16))
    line: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DigestState(Base):
    """The flags in force at a recipient's last digest, as "athlete_id:rule_id:severity"
    (issue #25: `--since-last` sends only what is not among them)."""

    __tablename__ = "digest_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(120), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    flags_json: Mapped[str] = mapped_column(Text, default="[]")


class DatabaseInfo(Base):
    """Facts about the database itself, such as `purpose` = `demo` for the demo database (the
    dashboard's "Demo data" banner; the demo never loads into a database of real data)."""

    __tablename__ = "database_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class Injury(Base):
    """An injury period (issue #14): local days from `start_date` up to, not including,
    `end_date` (the first day back; NULL while ongoing); `pain_entry_id` is the red pain day it
    was made from, if any."""

    __tablename__ = "injuries"
    __table_args__ = (Index("ix_injuries_athlete_start", "athlete_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(32))
    side: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    pain_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("pain_entries.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StrengthSession(Base):
    """A strength session on a local day (issue #22): every exercise logged on that day is in
    it (`strength_sets`); one session per athlete and day."""

    __tablename__ = "strength_sessions"
    __table_args__ = (UniqueConstraint("athlete_id", "session_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    session_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StrengthSet(Base):
    """One exercise in a session: `sets` of `reps` (or holds of `hold_s` seconds), with load in
    kg or a band, and pain during it (0-10, NULL: not given). One row per exercise a session."""

    __tablename__ = "strength_sets"
    __table_args__ = (UniqueConstraint("session_id", "exercise"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("strength_sessions.id", ondelete="CASCADE"), index=True
    )
    exercise: Mapped[str] = mapped_column(String(64))  # a slug of rules/exercises.py
    sets: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_s: Mapped[int | None] = mapped_column(Integer)
    load_kg: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(32))
    pain: Mapped[int | None] = mapped_column(Integer)


class StrengthProgramme(Base):
    """An athlete's strength programme (issue #22): sessions a week and the exercises with
    their starting targets (JSON), and who set it: the runner, or a coach in club mode."""

    __tablename__ = "strength_programmes"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    sessions_per_week: Mapped[int] = mapped_column(Integer)
    exercises_json: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(120))
    set_by_role: Mapped[str] = mapped_column(String(16))  # runner | coach | admin | local
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StrengthTest(Base):
    """The single-leg half-squat self-test (issue #22): per leg, the knee stays over the foot
    (centred), wobbles, or moves inward. Informs; never a diagnosis. One per leg and day."""

    __tablename__ = "strength_tests"
    __table_args__ = (UniqueConstraint("athlete_id", "test_date", "leg"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    test_date: Mapped[date] = mapped_column(Date)
    leg: Mapped[str] = mapped_column(String(8))  # left | right
    result: Mapped[str] = mapped_column(String(16))  # centred | wobbles | inward
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DataVersion(Base):
    """The database's change counter (issue #27): one row whose `version` every committed
    change of the data the views read raises (db/changes.py), so a cache keyed by it is never
    stale. Audit entries, login sessions and the coach's last visit do not count."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
