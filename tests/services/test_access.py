"""Access in one place (issue #11): every public service function checks the acting user.

For each function: a runner asking for another athlete, and a coach asking for an athlete
outside their squads, get NotAllowedError and the database is unchanged (every table but the
audit trail and the login sessions, row by row). A coach inside the squad may read, never
change. Listing functions leave out what the actor may not see. A new public service function
fails `test_every_public_service_function_is_covered` until it is added here.

Runs on SQLite, and on PostgreSQL when LOADWATCH_TEST_PG_URL is set (the `engine` fixture).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy import inspect as db_inspect

from loadwatch import services
from loadwatch.db.models import PainEntry
from loadwatch.errors import InputError, NotAllowedError
from loadwatch.services import Actor
from tests.conftest import DATA

TODAY = date(2026, 3, 10)
RUN_FILE = DATA / "fit/run-5k-session.fit"
GPX_FILE = DATA / "gpx/run-10k-hilly.gpx"


@dataclass(frozen=True)
class Club:
    engine: Engine
    ana: Actor  # runner, member of Kim's squad
    ben: Actor  # runner, in no squad: the target
    kim: Actor  # coach of "Tuesday group" (ana)
    root: Actor  # admin
    ben_activity: int
    ana_activity: int
    ben_pain: int
    ana_pain: int


def _actor(engine: Engine, name: str, password: str) -> Actor:
    return services.login(engine, name, password).actor


def _build_club(engine: Engine) -> Club:
    for name, role in (("root", "admin"), ("kim", "coach"), ("ana", "runner"), ("ben", "runner")):
        services.add_user(engine, name, role, f"{name}-password")
    services.import_paths(engine, [RUN_FILE], athlete="ana", today=TODAY)
    services.import_paths(engine, [GPX_FILE], athlete="ben", today=TODAY)
    for athlete in ("ana", "ben"):
        services.add_shoe(engine, athlete, "Daily")
    ana_run = services.list_activities(engine, "ana")[0].id
    ben_run = next(r.id for r in services.list_activities(engine, "ben"))
    ana_pain = services.log_pain(engine, "ana", during=2, after=3, run_id=ana_run, today=TODAY).id
    ben_pain = services.log_pain(engine, "ben", during=1, after=4, run_id=ben_run, today=TODAY).id
    for athlete in ("ana", "ben"):  # an injury period each (issue #14)
        services.add_injury(
            engine, athlete, start=TODAY - timedelta(days=3), location="shin", today=TODAY
        )
    for athlete in ("ben", "ana"):  # a strength session each (issue #22): ben's is id 1
        services.log_strength(
            engine, athlete, services.StrengthEntry("squat", 3, reps=10), today=TODAY
        )
    squad = services.create_squad(engine, "Tuesday group", "kim")
    assert squad.invite_code
    services.join_squad(engine, squad.invite_code, "ana")
    return Club(
        engine,
        _actor(engine, "ana", "ana-password"),
        _actor(engine, "ben", "ben-password"),
        _actor(engine, "kim", "kim-password"),
        _actor(engine, "root", "root-password"),
        ben_run,
        ana_run,
        ben_pain,
        ana_pain,
    )


@pytest.fixture
def club(seeded: Callable[..., tuple[Engine, Club]]) -> Club:
    """The club, built once per test session through the services; each test writes to its own
    copy (the rows, ids and accounts are the same in every copy)."""
    engine, built = seeded("access-club", _build_club)
    return replace(built, engine=engine)


# Each case calls one service function as `actor` on athlete `who` ("ben" or "ana"), with that
# athlete's activity and pain entry ids.
Call = Callable[[Club, Actor, str, int, int], Any]


def _stopped() -> Any:
    import threading

    event = threading.Event()
    event.set()  # watch_folder returns at once after the files already there
    return event


def _triage_names(c: Club, a: Actor) -> set[str]:
    try:
        triage = _f("squad_triage")(c.engine, "Tuesday group", today=TODAY, actor=a)
    except NotAllowedError:
        return set()  # a runner is not the squad's coach
    return {r.row.athlete for r in triage.rows}


def _f(name: str) -> Callable[..., Any]:
    return getattr(services, name)  # type: ignore[no-any-return]


def _injury(c: Club, who: str) -> int:
    """The athlete's injury period (read as the local user: no change, no audit line)."""
    return int(services.list_injuries(c.engine, who, today=TODAY)[0].id)


READS: dict[str, Call] = {
    # A coach's note or snooze on a squad member's flag is the coach's own data: allowed on
    # the squad, refused outside it and to runners.
    "note_flag": lambda c, a, who, act, pain: _f("note_flag")(
        c.engine,
        "Tuesday group",
        who,
        "run-spike",
        severity="warning",
        note="ok",
        today=TODAY,
        actor=a,
    ),
    "activity_detail": lambda c, a, who, act, pain: _f("activity_detail")(c.engine, act, actor=a),
    "activity_table": lambda c, a, who, act, pain: _f("activity_table")(c.engine, who, actor=a),
    "activity_page": lambda c, a, who, act, pain: _f("activity_page")(c.engine, who, actor=a),
    "activity_track": lambda c, a, who, act, pain: _f("activity_track")(c.engine, act, actor=a),
    "activity_pain": lambda c, a, who, act, pain: _f("activity_pain")(c.engine, act, actor=a),
    "calendar_month": lambda c, a, who, act, pain: _f("calendar_month")(
        c.engine, who, TODAY, today=TODAY, actor=a
    ),
    "athlete_settings": lambda c, a, who, act, pain: _f("athlete_settings")(c.engine, who, actor=a),
    "list_activities": lambda c, a, who, act, pain: _f("list_activities")(c.engine, who, actor=a),
    "list_pain": lambda c, a, who, act, pain: _f("list_pain")(c.engine, who, actor=a),
    "list_shoes": lambda c, a, who, act, pain: _f("list_shoes")(c.engine, who, actor=a),
    "report": lambda c, a, who, act, pain: _f("report")(c.engine, who, today=TODAY, actor=a),
    "list_injuries": lambda c, a, who, act, pain: _f("list_injuries")(
        c.engine, who, today=TODAY, actor=a
    ),
    "injury_status": lambda c, a, who, act, pain: _f("injury_status")(
        c.engine, who, today=TODAY, actor=a
    ),
    "injury_lead_up": lambda c, a, who, act, pain: _f("injury_lead_up")(
        c.engine, who, _injury(c, who), today=TODAY, actor=a
    ),
    "injury_pattern": lambda c, a, who, act, pain: _f("injury_pattern")(
        c.engine, who, today=TODAY, actor=a
    ),
    # Strength (issue #22): a coach may also prescribe a squad member's programme.
    "list_strength": lambda c, a, who, act, pain: _f("list_strength")(c.engine, who, actor=a),
    "list_self_tests": lambda c, a, who, act, pain: _f("list_self_tests")(c.engine, who, actor=a),
    "strength_programme": lambda c, a, who, act, pain: _f("strength_programme")(
        c.engine, who, today=TODAY, actor=a
    ),
    "strength_overview": lambda c, a, who, act, pain: _f("strength_overview")(
        c.engine, who, today=TODAY, actor=a
    ),
    "set_strength_programme": lambda c, a, who, act, pain: _f("set_strength_programme")(
        c.engine, who, ["bridge", "lunge"], sessions_per_week=3, today=TODAY, actor=a
    ),
    # The season (issue #20) and the plan as a calendar file and the digests sent (issue #25).
    "show_goal": lambda c, a, who, act, pain: _f("show_goal")(c.engine, who, actor=a),
    "plan_ics": lambda c, a, who, act, pain: _f("plan_ics")(c.engine, who, today=TODAY, actor=a),
    "digests_about": lambda c, a, who, act, pain: _f("digests_about")(c.engine, who, actor=a),
}

WRITES: dict[str, Call] = {
    "set_goal": lambda c, a, who, act, pain: _f("set_goal")(
        c.engine, who, weekly_m=20_000, today=TODAY, actor=a
    ),
    "clear_goal": lambda c, a, who, act, pain: _f("clear_goal")(c.engine, who, actor=a),
    "set_run_days": lambda c, a, who, act, pain: _f("set_run_days")(
        c.engine, who, weekdays=(1, 3, 5), actor=a
    ),
    "unretire_shoe": lambda c, a, who, act, pain: _f("unretire_shoe")(
        c.engine, who, "Daily", actor=a
    ),
    "watch_folder": lambda c, a, who, act, pain: _f("watch_folder")(
        c.engine, RUN_FILE.parent, who, on_result=lambda r: None, stop=_stopped(), actor=a
    ),
    "add_shoe": lambda c, a, who, act, pain: _f("add_shoe")(c.engine, who, "New", actor=a),
    "set_default_shoe": lambda c, a, who, act, pain: _f("set_default_shoe")(
        c.engine, who, "Daily", actor=a
    ),
    "retire_shoe": lambda c, a, who, act, pain: _f("retire_shoe")(
        c.engine, who, "Daily", TODAY, actor=a
    ),
    "assign_shoe": lambda c, a, who, act, pain: _f("assign_shoe")(c.engine, act, "Daily", actor=a),
    "assign_shoes": lambda c, a, who, act, pain: _f("assign_shoes")(
        c.engine, {act: "Daily"}, actor=a
    ),
    "log_pain": lambda c, a, who, act, pain: _f("log_pain")(
        c.engine, who, during=9, after=9, run_id=act, today=TODAY, actor=a
    ),
    "log_morning_pain": lambda c, a, who, act, pain: _f("log_morning_pain")(
        c.engine, who, 8, TODAY, TODAY, actor=a
    ),
    "edit_pain": lambda c, a, who, act, pain: _f("edit_pain")(
        c.engine, who, pain, during=0, actor=a
    ),
    "delete_pain": lambda c, a, who, act, pain: _f("delete_pain")(c.engine, who, pain, actor=a),
    "update_settings": lambda c, a, who, act, pain: _f("update_settings")(
        c.engine, who, units="mi", actor=a
    ),
    "set_sport": lambda c, a, who, act, pain: _f("set_sport")(c.engine, act, "ride", actor=a),
    "rename_activity": lambda c, a, who, act, pain: _f("rename_activity")(
        c.engine, act, "Renamed", actor=a
    ),
    "set_activity_shoe": lambda c, a, who, act, pain: _f("set_activity_shoe")(
        c.engine, act, "Daily", actor=a
    ),
    "delete_activity": lambda c, a, who, act, pain: _f("delete_activity")(c.engine, act, actor=a),
    "split_source": lambda c, a, who, act, pain: _f("split_source")(c.engine, act, "x", actor=a),
    "move_activity": lambda c, a, who, act, pain: _f("move_activity")(
        c.engine, act, "root", actor=a
    ),
    "import_uploads": lambda c, a, who, act, pain: _f("import_uploads")(
        c.engine, [("run.fit", RUN_FILE.read_bytes())], who, today=TODAY, actor=a
    ),
    "import_paths": lambda c, a, who, act, pain: _f("import_paths")(
        c.engine, [RUN_FILE], who, today=TODAY, actor=a
    ),
    "export_data": lambda c, a, who, act, pain: _f("export_data")(c.engine, who, actor=a),
    "athlete_data": lambda c, a, who, act, pain: _f("athlete_data")(c.engine, who, actor=a),
    "add_injury": lambda c, a, who, act, pain: _f("add_injury")(
        c.engine, who, start=TODAY, location="hip", today=TODAY, actor=a
    ),
    "end_injury": lambda c, a, who, act, pain: _f("end_injury")(
        c.engine, who, _injury(c, who), today=TODAY, actor=a
    ),
    "delete_injury": lambda c, a, who, act, pain: _f("delete_injury")(
        c.engine, who, _injury(c, who), actor=a
    ),
    "injury_from_pain": lambda c, a, who, act, pain: _f("injury_from_pain")(
        c.engine, who, pain, today=TODAY, actor=a
    ),
    "log_strength": lambda c, a, who, act, pain: _f("log_strength")(
        c.engine, who, services.StrengthEntry("squat", 3, reps=10), today=TODAY, actor=a
    ),
    "log_strength_session": lambda c, a, who, act, pain: _f("log_strength_session")(
        c.engine, who, [services.StrengthEntry("bridge", 3, reps=10)], today=TODAY, actor=a
    ),
    "log_strength_as_planned": lambda c, a, who, act, pain: _f("log_strength_as_planned")(
        c.engine, who, today=TODAY, actor=a
    ),
    "delete_strength_session": lambda c, a, who, act, pain: _f("delete_strength_session")(
        c.engine, who, 1, actor=a
    ),
    "delete_strength_exercise": lambda c, a, who, act, pain: _f("delete_strength_exercise")(
        c.engine, who, 1, "squat", actor=a
    ),
    "log_self_test": lambda c, a, who, act, pain: _f("log_self_test")(
        c.engine, who, "left", "inward", today=TODAY, actor=a
    ),
}

# Admin-only: nobody but an admin (or the local user) may call them, whoever they name.
ADMIN_ONLY: dict[str, Call] = {
    "start_athlete": lambda c, a, who, act, pain: _f("start_athlete")(
        c.engine, "newcomer", actor=a
    ),
    "rename_athlete": lambda c, a, who, act, pain: _f("rename_athlete")(
        c.engine, who, "someone", actor=a
    ),
    "delete_athlete": lambda c, a, who, act, pain: _f("delete_athlete")(c.engine, who, actor=a),
    "add_to_squad": lambda c, a, who, act, pain: _f("add_to_squad")(
        c.engine, "Tuesday group", [who], actor=a
    ),
    "reimport": lambda c, a, who, act, pain: _f("reimport")(c.engine, TODAY, actor=a),
    "load_demo": lambda c, a, who, act, pain: _f("load_demo")(c.engine, TODAY, actor=a),
    "add_user": lambda c, a, who, act, pain: _f("add_user")(
        c.engine, "eve", "admin", "eve-password", actor=a
    ),
    "list_users": lambda c, a, who, act, pain: _f("list_users")(c.engine, actor=a),
    "reset_password": lambda c, a, who, act, pain: _f("reset_password")(
        c.engine, who, "new-password", actor=a
    ),
    "disable_user": lambda c, a, who, act, pain: _f("disable_user")(c.engine, who, actor=a),
    "audit_entries": lambda c, a, who, act, pain: _f("audit_entries")(c.engine, actor=a),
}

# Listing functions: they never refuse; they leave out what the actor may not see.
LISTS: dict[str, Callable[[Club, Actor], set[str]]] = {
    "list_athletes": lambda c, a: {s.name for s in _f("list_athletes")(c.engine, actor=a)},
    "squad_overview": lambda c, a: {
        r.athlete for r in _f("squad_overview")(c.engine, today=TODAY, actor=a)
    },
    "list_activities (all)": lambda c, a: {
        r.athlete for r in _f("list_activities")(c.engine, actor=a)
    },
    "list_squads": lambda c, a: {
        m for s in _f("list_squads")(c.engine, actor=a) for m in s.members
    },
    "list_coaches": lambda c, a: set(_f("list_coaches")(c.engine, actor=a)),
    "squad_triage": lambda c, a: _triage_names(c, a),
}

# Functions that act only on the acting user's own account or squad, tested on their own below,
# and those that take no athlete (pure lookups, the login itself).
OWN_ACCOUNT = {
    "set_email",  # the account's own address, or an admin's change (test_digest)
    "account_email",
    "set_squad_units",  # the coach's own display units for a squad they coach (test_triage)
    "record_squad_visit",  # the coach's own "last visit" (test_triage)
    "external_login",
    "create_squad",
    "change_password",
    "delete_account",
    "own_athlete",
    "join_squad",
    "leave_squad",
    "squad_invite",
    "login",
    "logout",
    "session_actor",
}
# The operator at the server's shell (a cron job, a health check, a backup): they act as the
# local user, who holds the database file anyway; no page calls them (tested below).
SERVER_SHELL = {
    "coach_digest",
    "send_digests",
    "record_sent",
    "digest_recipients",
    "backup_database",
    "check_database",
    "doctor",
}
NO_ATHLETE_DATA = {
    "run_weekdays",  # parses "mon,wed" into weekdays
    "coach_wording",  # rewords a message for a coach
    "email_address",  # checks an address's spelling
    "smtp_settings",  # reads the config's [smtp] table
    "plan_ical",  # formats a plan its caller already read with an actor
    "busy_timeout_s",  # the configured wait for a busy database
    "on_database_wait",  # registers a callback for that wait
    "storage_fault",  # classifies an exception
    "data_version",  # the change counter: a number, no athlete's data
    "database_path",  # where the engine's database is (the demo banner, `loadwatch demo`)
    "demo_database_url",
    "own_database_url",
    "is_demo_database",
    "import_limits",  # the configured upload and expansion limits
    "stop_pool_helpers",  # the parse pool's processes
    "open_database",  # opens the database; the calls made with it are checked
    "count_summary",  # counts results already returned
    "check_plausible",
    "configure_logging",
    "default_home_tz",
    "local_day",
    "pain_location",
    "citation",
    "rule_title",
    "threshold_specs",
    "today",
    "utc_offset_s",
    "report_json",
    "strength_exercises",  # the exercise library (issue #22)
    "strength_exercise",
}


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit trail and the login sessions, as the database
    holds them (`SELECT *`: a table or a column a call added would show too). Issue #19: the
    tables are named by one catalog query, not reflected; reflecting them twice per test was
    85 % of this module's time."""
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect() as connection:
        names = db_inspect(connection).get_table_names()
        return {
            name: sorted(
                map(tuple, connection.exec_driver_sql(f"SELECT * FROM {quote(name)}").all()),
                key=repr,
            )
            for name in names
            if name not in {"audit_log", "login_sessions", "alembic_version"}
        }


def _public_functions() -> list[str]:
    return sorted(
        name
        for name in services.__all__
        if inspect.isfunction(getattr(services, name)) and not name[0].isupper()
    )


def test_every_public_service_function_is_covered() -> None:
    covered = {*READS, *WRITES, *ADMIN_ONLY, *(n.split(" ")[0] for n in LISTS)}
    missing = [
        n
        for n in _public_functions()
        if n not in covered | OWN_ACCOUNT | NO_ATHLETE_DATA | SERVER_SHELL
    ]
    assert not missing, f"add these to tests/services/test_access.py: {missing}"


def test_every_function_that_touches_athlete_data_takes_the_actor() -> None:
    for name in _public_functions():
        if (
            name in NO_ATHLETE_DATA
            or name in SERVER_SHELL
            or name
            in {
                "login",
                "logout",
                "session_actor",
                "external_login",
            }
        ):
            continue
        params = inspect.signature(getattr(services, name)).parameters
        assert "actor" in params, f"services.{name} takes no actor"
        assert params["actor"].kind is inspect.Parameter.KEYWORD_ONLY, name


def _refused(club: Club, call: Call, actor: Actor, who: str) -> None:
    act = club.ben_activity if who == "ben" else club.ana_activity
    pain = club.ben_pain if who == "ben" else club.ana_pain
    before = _snapshot(club.engine)
    with pytest.raises(NotAllowedError, match="not allowed"):
        call(club, actor, who, act, pain)
    assert _snapshot(club.engine) == before


@pytest.mark.parametrize("name", sorted({**READS, **WRITES}))
def test_a_runner_asking_for_another_athlete_is_refused(club: Club, name: str) -> None:
    _refused(club, {**READS, **WRITES}[name], club.ana, "ben")


@pytest.mark.parametrize("name", sorted({**READS, **WRITES}))
def test_a_coach_asking_outside_the_squad_is_refused(club: Club, name: str) -> None:
    _refused(club, {**READS, **WRITES}[name], club.kim, "ben")


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_coach_cannot_change_a_squad_member(club: Club, name: str) -> None:
    _refused(club, WRITES[name], club.kim, "ana")


@pytest.mark.parametrize("name", sorted(READS))
def test_a_coach_reads_a_squad_member(club: Club, name: str) -> None:
    READS[name](club, club.kim, "ana", club.ana_activity, club.ana_pain)


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
@pytest.mark.parametrize("who", ["ana", "kim"])
def test_admin_only_functions_refuse_runners_and_coaches(club: Club, name: str, who: str) -> None:
    _refused(club, ADMIN_ONLY[name], getattr(club, who), "ben")


@pytest.mark.parametrize("name", sorted(LISTS))
def test_lists_leave_out_what_the_actor_may_not_see(club: Club, name: str) -> None:
    seen_by_ana, seen_by_kim = LISTS[name](club, club.ana), LISTS[name](club, club.kim)
    assert "ben" not in seen_by_ana | seen_by_kim
    if name != "list_coaches":
        assert "ana" in seen_by_kim  # the coach sees the squad


def test_a_runner_changes_their_own_data_and_the_coach_sees_it_at_once(club: Club) -> None:
    services.log_pain(
        club.engine, "ana", during=7, after=8, run_id=club.ana_activity, today=TODAY, actor=club.ana
    )
    seen = services.list_pain(club.engine, "ana", actor=club.kim)
    assert any(p.after == 8 for p in seen)


def test_leaving_the_squad_ends_the_coachs_access(club: Club) -> None:
    services.report(club.engine, "ana", today=TODAY, actor=club.kim)
    services.leave_squad(club.engine, "Tuesday group", actor=club.ana)
    with pytest.raises(NotAllowedError):
        services.report(club.engine, "ana", today=TODAY, actor=club.kim)
    assert services.squad_overview(club.engine, today=TODAY, actor=club.kim) == []


def test_a_coach_creates_squads_for_themselves_only(club: Club) -> None:
    for actor, coach in ((club.ana, "kim"), (club.kim, "root")):
        before = _snapshot(club.engine)
        with pytest.raises(NotAllowedError):
            services.create_squad(club.engine, "Other squad", coach, actor=actor)
        assert _snapshot(club.engine) == before
    with pytest.raises(InputError, match="runner account, not a coach"):
        services.create_squad(club.engine, "Other squad", "ben", actor=club.ben)
    view = services.create_squad(club.engine, "Other squad", "kim", actor=club.kim)
    assert view.coach == "kim" and view.invite_code and view.members == ()


def test_a_runner_cannot_join_or_leave_for_someone_else(club: Club) -> None:
    code = services.squad_invite(club.engine, "Tuesday group", actor=club.kim)
    with pytest.raises(NotAllowedError):
        services.join_squad(club.engine, code, "ben", actor=club.ana)
    with pytest.raises(NotAllowedError):
        services.leave_squad(club.engine, "Tuesday group", "ana", actor=club.ben)
    with pytest.raises(NotAllowedError):
        services.squad_invite(club.engine, "Tuesday group", actor=club.ana)
    assert services.join_squad(club.engine, code, actor=club.ben).members == ("ana", "ben")


def test_an_unknown_athlete_and_a_forbidden_one_read_the_same(club: Club) -> None:
    """A club account cannot probe which names exist."""
    messages = []
    for who in ("ben", "nobody-here"):
        with pytest.raises(NotAllowedError) as caught:
            services.report(club.engine, who, today=TODAY, actor=club.ana)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_a_disabled_account_is_refused_at_its_next_call(club: Club) -> None:
    services.report(club.engine, "ana", today=TODAY, actor=club.ana)
    services.disable_user(club.engine, "ana", actor=club.root)
    with pytest.raises(NotAllowedError, match="disabled"):
        services.report(club.engine, "ana", today=TODAY, actor=club.ana)


def test_the_audit_trail_names_who_read_whose_data(club: Club) -> None:
    services.report(club.engine, "ana", today=TODAY, actor=club.kim)
    services.report(club.engine, "ana", today=TODAY, actor=club.kim)  # within 10 min: once
    services.report(club.engine, "ana", today=TODAY, actor=club.ana)  # their own: not a line
    services.delete_pain(club.engine, "ana", club.ana_pain, actor=club.ana)
    entries = services.audit_entries(club.engine, athlete="ana", actor=club.root)
    actions = [(e.actor, e.action) for e in entries]
    assert actions.count(("kim", "report")) == 1
    assert ("ana", "report") not in actions
    assert ("ana", "pain-delete") in actions


def test_a_runner_exports_everything_of_theirs(club: Club) -> None:
    import io
    import zipfile

    data = services.export_data(club.engine, "ana", actor=club.ana)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        activities = archive.read("activities.csv").decode()
        pain = archive.read("pain.csv").decode()
        strength = archive.read("strength.csv").decode()
        originals = [n for n in names if n.startswith("originals/")]
        assert archive.read(originals[0]) == RUN_FILE.read_bytes()
    assert {"activities.csv", "pain.csv", "shoes.csv", "injuries.csv", "squads.csv"} <= set(names)
    assert {"strength.csv", "strength_tests.csv"} <= set(names)  # issue #22
    assert strength.splitlines()[1].split(",")[2:6] == ["squat", "3", "10", ""]
    assert len(activities.splitlines()) == 2 and len(pain.splitlines()) == 2
    assert all(".." not in n and not n.startswith("/") for n in names)


def test_a_runner_deletes_their_account_with_all_its_data(club: Club) -> None:
    counts = services.delete_account(club.engine, actor=club.ana)
    assert counts.activities == 1 and counts.pain_entries == 1 and counts.shoes == 1
    assert "ana" not in {a.name for a in services.list_athletes(club.engine)}
    assert "ana" not in {u.name for u in services.list_users(club.engine)}
    with club.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM original_files")).scalar_one() > 0
        left = connection.execute(select(PainEntry.id)).scalars().all()
    assert left == [club.ben_pain]
    assert services.squad_overview(club.engine, today=TODAY, actor=club.kim) == []


def test_dates_are_today_and_before(club: Club) -> None:
    """Sanity: the fixture's runs fall before TODAY, so the reads above see real data."""
    rows = services.list_activities(club.engine, "ben", actor=club.ben)
    assert rows and all(r.started_at.date() <= TODAY + timedelta(days=1) for r in rows)


def test_no_page_calls_a_server_shell_function() -> None:
    """The digest, the health check and the backup act as the local user: only the CLI at the
    server's shell may call them, never a page a club member can reach."""
    from tests.conftest import ROOT

    for path in sorted((ROOT / "loadwatch" / "ui").rglob("*.py")):
        text = path.read_text()
        called = [n for n in SERVER_SHELL if f"services.{n}(" in text]
        assert not called, f"{path.name} calls {called}"
