"""Use cases shared by the CLI and the dashboard, one module each (docs/architecture.md).

Every name callers use is re-exported here, so they keep writing `services.x(...)`. The
re-exports are lazy (PEP 562): `from loadwatch import services` costs nothing, and
`services.x` imports only the module that defines `x`, the first time it is read. So
`loadwatch --help` never imports pandas or SQLAlchemy (issue #13). Add a name by adding its
import to the `TYPE_CHECKING` block below (mypy reads it; `__getattr__` reads it too) and to
`__all__`.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loadwatch.auth import LOCAL, Actor, Role
    from loadwatch.db.admin import DeletedCounts
    from loadwatch.domain import (
        DEFAULT_ATHLETE,
        PAIN_LOCATION_SLUGS,
        PAIN_LOCATIONS,
        WEEKDAYS,
    )
    from loadwatch.report import Headline, Report, report_json
    from loadwatch.rules.thresholds import Thresholds, ThresholdSpec
    from loadwatch.services._common import configure_logging, today
    from loadwatch.services._worker import check_plausible, stop_pool_helpers, utc_offset_s
    from loadwatch.services.accounts import (
        IDLE_TIMEOUT,
        AuditView,
        LoginResult,
        UserView,
        add_user,
        audit_entries,
        change_password,
        delete_account,
        disable_user,
        export_data,
        external_login,
        list_users,
        login,
        logout,
        own_athlete,
        reset_password,
        session_actor,
    )
    from loadwatch.services.activities import (
        ActivityDetail,
        SourceView,
        activity_detail,
        delete_activity,
        move_activity,
        set_sport,
        split_source,
    )
    from loadwatch.services.activity_log import (
        ActivityTrack,
        activity_pain,
        activity_table,
        activity_track,
        rename_activity,
        set_activity_shoe,
    )
    from loadwatch.services.athletes import (
        AthleteSettings,
        AthleteSummary,
        athlete_data,
        athlete_settings,
        default_home_tz,
        delete_athlete,
        list_activities,
        list_athletes,
        local_day,
        open_database,
        rename_athlete,
        update_settings,
    )
    from loadwatch.services.calendar import (
        CalendarActivity,
        CalendarDay,
        CalendarMonth,
        calendar_month,
    )
    from loadwatch.services.changes import data_version
    from loadwatch.services.demo import (
        database_path,
        demo_database_url,
        is_demo_database,
        load_demo,
        own_database_url,
    )
    from loadwatch.services.digest import (
        Digest,
        DigestError,
        SentLine,
        SmtpSettings,
        account_email,
        coach_digest,
        digest_recipients,
        digests_about,
        email_address,
        record_sent,
        send_digests,
        set_email,
        smtp_settings,
    )
    from loadwatch.services.first_run import start_athlete
    from loadwatch.services.imports import (
        PARALLEL_MIN_FILES,
        Progress,
        ReimportSummary,
        count_summary,
        import_paths,
        import_uploads,
        reimport,
    )
    from loadwatch.services.injuries import (
        INJURY_SIDES,
        InjuryView,
        LeadUpView,
        add_injury,
        delete_injury,
        end_injury,
        injury_from_pain,
        injury_lead_up,
        injury_pattern,
        injury_status,
        list_injuries,
    )
    from loadwatch.services.lead_up_page import lead_up_html
    from loadwatch.services.limits import ImportLimits, import_limits
    from loadwatch.services.maintenance import (
        DoctorCheck,
        backup_database,
        busy_timeout_s,
        check_database,
        doctor,
        on_database_wait,
        storage_fault,
    )
    from loadwatch.services.pain import (
        PainEntryView,
        delete_pain,
        edit_pain,
        list_pain,
        log_morning_pain,
        log_pain,
        pain_location,
    )
    from loadwatch.services.plan_calendar import plan_ical, plan_ics
    from loadwatch.services.reports import citation, report, rule_title, threshold_specs
    from loadwatch.services.season import (
        GoalView,
        clear_goal,
        run_weekdays,
        set_goal,
        set_run_days,
        show_goal,
    )
    from loadwatch.services.shoes import (
        ShoeView,
        add_shoe,
        assign_shoe,
        assign_shoes,
        list_shoes,
        retire_shoe,
        set_default_shoe,
        unretire_shoe,
    )
    from loadwatch.services.squads import (
        SquadRow,
        SquadView,
        add_to_squad,
        create_squad,
        join_squad,
        leave_squad,
        list_coaches,
        list_squads,
        squad_invite,
        squad_overview,
    )
    from loadwatch.services.strength import (
        LEGS,
        MAX_STRENGTH_HOLD_S,
        MAX_STRENGTH_LOAD_KG,
        MAX_STRENGTH_REPS,
        MAX_STRENGTH_SETS,
        TEST_RESULTS,
        Programme,
        ProgrammeItem,
        SelfTestView,
        StrengthEntry,
        StrengthOverview,
        StrengthSessionView,
        StrengthSetView,
        delete_strength_exercise,
        delete_strength_session,
        list_self_tests,
        list_strength,
        log_self_test,
        log_strength,
        log_strength_as_planned,
        log_strength_session,
        set_strength_programme,
        strength_exercise,
        strength_exercises,
        strength_overview,
        strength_programme,
    )
    from loadwatch.services.triage import (
        FlagNote,
        LastVisit,
        Triage,
        TriageRow,
        coach_wording,
        note_flag,
        record_squad_visit,
        set_squad_units,
        squad_triage,
    )
    from loadwatch.services.watch import watch_folder

__all__ = [
    "DEFAULT_ATHLETE",
    "IDLE_TIMEOUT",
    "INJURY_SIDES",
    "LEGS",
    "LOCAL",
    "MAX_STRENGTH_HOLD_S",
    "MAX_STRENGTH_LOAD_KG",
    "MAX_STRENGTH_REPS",
    "MAX_STRENGTH_SETS",
    "PAIN_LOCATIONS",
    "PAIN_LOCATION_SLUGS",
    "PARALLEL_MIN_FILES",
    "TEST_RESULTS",
    "WEEKDAYS",
    "ActivityDetail",
    "ActivityTrack",
    "Actor",
    "AthleteSettings",
    "AthleteSummary",
    "AuditView",
    "CalendarActivity",
    "CalendarDay",
    "CalendarMonth",
    "DeletedCounts",
    "Digest",
    "DigestError",
    "DoctorCheck",
    "FlagNote",
    "GoalView",
    "Headline",
    "ImportLimits",
    "InjuryView",
    "LastVisit",
    "LeadUpView",
    "LoginResult",
    "PainEntryView",
    "Programme",
    "ProgrammeItem",
    "Progress",
    "ReimportSummary",
    "Report",
    "Role",
    "SelfTestView",
    "SentLine",
    "ShoeView",
    "SmtpSettings",
    "SourceView",
    "SquadRow",
    "SquadView",
    "StrengthEntry",
    "StrengthOverview",
    "StrengthSessionView",
    "StrengthSetView",
    "ThresholdSpec",
    "Thresholds",
    "Triage",
    "TriageRow",
    "UserView",
    "account_email",
    "activity_detail",
    "activity_pain",
    "activity_table",
    "activity_track",
    "add_injury",
    "add_shoe",
    "add_to_squad",
    "add_user",
    "assign_shoe",
    "assign_shoes",
    "athlete_data",
    "athlete_settings",
    "audit_entries",
    "backup_database",
    "busy_timeout_s",
    "calendar_month",
    "change_password",
    "check_database",
    "check_plausible",
    "citation",
    "clear_goal",
    "coach_digest",
    "coach_wording",
    "configure_logging",
    "count_summary",
    "create_squad",
    "data_version",
    "database_path",
    "default_home_tz",
    "delete_account",
    "delete_activity",
    "delete_athlete",
    "delete_injury",
    "delete_pain",
    "delete_strength_exercise",
    "delete_strength_session",
    "demo_database_url",
    "digest_recipients",
    "digests_about",
    "disable_user",
    "doctor",
    "edit_pain",
    "email_address",
    "end_injury",
    "export_data",
    "external_login",
    "import_limits",
    "import_paths",
    "import_uploads",
    "injury_from_pain",
    "injury_lead_up",
    "injury_pattern",
    "injury_status",
    "is_demo_database",
    "join_squad",
    "lead_up_html",
    "leave_squad",
    "list_activities",
    "list_athletes",
    "list_coaches",
    "list_injuries",
    "list_pain",
    "list_self_tests",
    "list_shoes",
    "list_squads",
    "list_strength",
    "list_users",
    "load_demo",
    "local_day",
    "log_morning_pain",
    "log_pain",
    "log_self_test",
    "log_strength",
    "log_strength_as_planned",
    "log_strength_session",
    "login",
    "logout",
    "move_activity",
    "note_flag",
    "on_database_wait",
    "open_database",
    "own_athlete",
    "own_database_url",
    "pain_location",
    "plan_ical",
    "plan_ics",
    "record_sent",
    "record_squad_visit",
    "reimport",
    "rename_activity",
    "rename_athlete",
    "report",
    "report_json",
    "reset_password",
    "retire_shoe",
    "rule_title",
    "run_weekdays",
    "send_digests",
    "session_actor",
    "set_activity_shoe",
    "set_default_shoe",
    "set_email",
    "set_goal",
    "set_run_days",
    "set_sport",
    "set_squad_units",
    "set_strength_programme",
    "show_goal",
    "smtp_settings",
    "split_source",
    "squad_invite",
    "squad_overview",
    "squad_triage",
    "start_athlete",
    "stop_pool_helpers",
    "storage_fault",
    "strength_exercise",
    "strength_exercises",
    "strength_overview",
    "strength_programme",
    "threshold_specs",
    "today",
    "unretire_shoe",
    "update_settings",
    "utc_offset_s",
    "watch_folder",
]


def _origins() -> dict[str, str]:
    """Each re-exported name's module, read from the `TYPE_CHECKING` block of this file.

    One list of imports serves mypy and the lazy loader alike, as in Scientific Python's SPEC 1
    (`lazy_loader.attach_stub` reads a stub file the same way).
    """
    origins: dict[str, str] = {}
    for node in ast.parse(Path(__file__).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        origins[alias.asname or alias.name] = statement.module
    return origins


_ORIGINS: dict[str, str] = {}

if not TYPE_CHECKING:  # hidden from mypy, so a misspelt `services.x` is still a type error

    def __getattr__(name: str) -> Any:
        if not _ORIGINS:
            _ORIGINS.update(_origins())
        module = _ORIGINS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later reads skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
