"""Use cases shared by the CLI and the dashboard (docs/architecture.md lists the modules).

Every name callers use is re-exported here, so they keep writing `services.x(...)`. The
re-exports are lazy (PEP 562): `from loadwatch import services` costs nothing, and
`services.x` imports only the module that defines `x`, the first time it is read. So
`loadwatch --help` never imports pandas or SQLAlchemy (issue #13). `EXPORTS` says where each
name lives; `__init__.pyi` gives the same imports to mypy (tests/test_lazy_imports.py checks
that they agree and that every name resolves). Add a name to both.
"""

from __future__ import annotations

import importlib
from typing import Any

# module -> the names it gives to `services`
EXPORTS: dict[str, tuple[str, ...]] = {
    "loadwatch.auth": (
        "LOCAL",
        "Actor",
        "Role",
    ),
    "loadwatch.db.admin": ("DeletedCounts",),
    "loadwatch.domain": (
        "DEFAULT_ATHLETE",
        "PAIN_LOCATIONS",
        "PAIN_LOCATION_SLUGS",
        "WEEKDAYS",
    ),
    "loadwatch.report": (
        "Headline",
        "Report",
        "report_json",
    ),
    "loadwatch.rules.thresholds": (
        "ThresholdSpec",
        "Thresholds",
    ),
    "loadwatch.services._checks": ("email_address",),
    "loadwatch.services._common": (
        "configure_logging",
        "today",
    ),
    "loadwatch.services._localtime": (
        "default_home_tz",
        "local_day",
    ),
    "loadwatch.services.account_data": (
        "AuditView",
        "audit_entries",
        "delete_account",
        "export_data",
    ),
    "loadwatch.services.accounts": (
        "UserView",
        "add_user",
        "change_password",
        "disable_user",
        "list_users",
        "own_athlete",
        "reset_password",
    ),
    "loadwatch.services.activities": (
        "ActivityDetail",
        "SourceView",
        "activity_detail",
        "activity_pain",
        "delete_activity",
        "move_activity",
        "rename_activity",
        "set_activity_shoe",
        "set_sport",
        "split_source",
    ),
    "loadwatch.services.activity_list": (
        "ActivityPage",
        "activity_page",
        "activity_table",
    ),
    "loadwatch.services.athletes": (
        "AthleteSettings",
        "AthleteSummary",
        "athlete_data",
        "athlete_settings",
        "delete_athlete",
        "list_activities",
        "list_athletes",
        "rename_athlete",
        "update_settings",
    ),
    "loadwatch.services.calendar": (
        "CalendarActivity",
        "CalendarDay",
        "CalendarMonth",
        "calendar_month",
    ),
    "loadwatch.services.changes": ("data_version",),
    "loadwatch.services.coach_notes": (
        "FlagNote",
        "LastVisit",
        "note_flag",
        "set_squad_units",
    ),
    "loadwatch.services.demo": (
        "database_path",
        "demo_database_url",
        "is_demo_database",
        "load_demo",
        "own_database_url",
    ),
    "loadwatch.services.digest": (
        "Digest",
        "coach_digest",
    ),
    "loadwatch.services.digest_send": (
        "DigestError",
        "SentLine",
        "SmtpSettings",
        "account_email",
        "digest_recipients",
        "digests_about",
        "record_sent",
        "send_digests",
        "set_email",
        "smtp_settings",
    ),
    "loadwatch.services.first_run": ("start_athlete",),
    "loadwatch.services.imports": (
        "PARALLEL_MIN_FILES",
        "count_summary",
        "import_paths",
        "import_uploads",
    ),
    "loadwatch.services.injuries": (
        "INJURY_SIDES",
        "InjuryView",
        "add_injury",
        "delete_injury",
        "end_injury",
        "injury_from_pain",
        "injury_status",
        "list_injuries",
    ),
    "loadwatch.services.lead_up": (
        "LeadUpView",
        "injury_lead_up",
        "injury_pattern",
    ),
    "loadwatch.services.limits": (
        "ImportLimits",
        "import_limits",
    ),
    "loadwatch.services.logins": (
        "IDLE_TIMEOUT",
        "LoginResult",
        "external_login",
        "login",
        "logout",
        "session_actor",
    ),
    "loadwatch.services.maintenance": (
        "DoctorCheck",
        "backup_database",
        "busy_timeout_s",
        "check_database",
        "doctor",
        "on_database_wait",
        "open_database",
        "storage_fault",
    ),
    "loadwatch.services.membership": (
        "SquadView",
        "add_to_squad",
        "create_squad",
        "join_squad",
        "leave_squad",
        "list_coaches",
        "list_squads",
        "squad_invite",
    ),
    "loadwatch.services.pain": (
        "PainEntryView",
        "delete_pain",
        "edit_pain",
        "list_pain",
        "log_morning_pain",
        "log_pain",
        "pain_location",
    ),
    "loadwatch.services.parse_pool": (
        "stop_pool_helpers",
        "utc_offset_s",
    ),
    "loadwatch.services.plan_calendar": (
        "plan_ical",
        "plan_ics",
    ),
    "loadwatch.services.plausible": ("check_plausible",),
    "loadwatch.services.programme": (
        "Programme",
        "ProgrammeItem",
        "StrengthOverview",
        "log_strength_as_planned",
        "set_strength_programme",
        "strength_overview",
        "strength_programme",
    ),
    "loadwatch.services.reimporting": (
        "ReimportSummary",
        "reimport",
    ),
    "loadwatch.services.reports": (
        "citation",
        "report",
        "rule_title",
        "threshold_specs",
    ),
    "loadwatch.services.season": (
        "GoalView",
        "clear_goal",
        "run_weekdays",
        "set_goal",
        "set_run_days",
        "show_goal",
    ),
    "loadwatch.services.self_tests": (
        "LEGS",
        "TEST_RESULTS",
        "SelfTestView",
        "list_self_tests",
        "log_self_test",
    ),
    "loadwatch.services.shoes": (
        "ShoeView",
        "add_shoe",
        "assign_shoe",
        "assign_shoes",
        "list_shoes",
        "retire_shoe",
        "set_default_shoe",
        "unretire_shoe",
    ),
    "loadwatch.services.squads": (
        "SquadRow",
        "squad_overview",
    ),
    "loadwatch.services.store": ("Progress",),
    "loadwatch.services.strength": (
        "MAX_STRENGTH_HOLD_S",
        "MAX_STRENGTH_LOAD_KG",
        "MAX_STRENGTH_REPS",
        "MAX_STRENGTH_SETS",
        "StrengthEntry",
        "StrengthSessionView",
        "StrengthSetView",
        "delete_strength_exercise",
        "delete_strength_session",
        "list_strength",
        "log_strength",
        "log_strength_session",
        "strength_exercise",
        "strength_exercises",
    ),
    "loadwatch.services.tracks": (
        "ActivityTrack",
        "activity_track",
    ),
    "loadwatch.services.triage": (
        "Triage",
        "TriageRow",
        "coach_wording",
        "record_squad_visit",
        "squad_triage",
    ),
    "loadwatch.services.watch": ("watch_folder",),
}
_ORIGIN = {name: module for module, names in EXPORTS.items() for name in names}
__all__ = sorted(_ORIGIN)


def __getattr__(name: str) -> Any:
    module = _ORIGIN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later reads skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
