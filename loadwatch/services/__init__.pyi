"""Types of the lazily re-exported services (`__init__.py` loads each on first use)."""

from loadwatch.auth import (
    LOCAL as LOCAL,
)
from loadwatch.auth import (
    Actor as Actor,
)
from loadwatch.auth import (
    Role as Role,
)
from loadwatch.db.admin import (
    DeletedCounts as DeletedCounts,
)
from loadwatch.domain import (
    DEFAULT_ATHLETE as DEFAULT_ATHLETE,
)
from loadwatch.domain import (
    PAIN_LOCATION_SLUGS as PAIN_LOCATION_SLUGS,
)
from loadwatch.domain import (
    PAIN_LOCATIONS as PAIN_LOCATIONS,
)
from loadwatch.domain import (
    WEEKDAYS as WEEKDAYS,
)
from loadwatch.report import (
    Headline as Headline,
)
from loadwatch.report import (
    Report as Report,
)
from loadwatch.report import (
    report_json as report_json,
)
from loadwatch.rules.thresholds import (
    Thresholds as Thresholds,
)
from loadwatch.rules.thresholds import (
    ThresholdSpec as ThresholdSpec,
)
from loadwatch.services._checks import (
    email_address as email_address,
)
from loadwatch.services._common import (
    configure_logging as configure_logging,
)
from loadwatch.services._common import (
    today as today,
)
from loadwatch.services._localtime import (
    default_home_tz as default_home_tz,
)
from loadwatch.services._localtime import (
    local_day as local_day,
)
from loadwatch.services.account_data import (
    AuditView as AuditView,
)
from loadwatch.services.account_data import (
    audit_entries as audit_entries,
)
from loadwatch.services.account_data import (
    delete_account as delete_account,
)
from loadwatch.services.account_data import (
    export_data as export_data,
)
from loadwatch.services.accounts import (
    UserView as UserView,
)
from loadwatch.services.accounts import (
    add_user as add_user,
)
from loadwatch.services.accounts import (
    change_password as change_password,
)
from loadwatch.services.accounts import (
    disable_user as disable_user,
)
from loadwatch.services.accounts import (
    list_users as list_users,
)
from loadwatch.services.accounts import (
    own_athlete as own_athlete,
)
from loadwatch.services.accounts import (
    reset_password as reset_password,
)
from loadwatch.services.activities import (
    ActivityDetail as ActivityDetail,
)
from loadwatch.services.activities import (
    SourceView as SourceView,
)
from loadwatch.services.activities import (
    activity_detail as activity_detail,
)
from loadwatch.services.activities import (
    activity_pain as activity_pain,
)
from loadwatch.services.activities import (
    delete_activity as delete_activity,
)
from loadwatch.services.activities import (
    move_activity as move_activity,
)
from loadwatch.services.activities import (
    rename_activity as rename_activity,
)
from loadwatch.services.activities import (
    set_activity_shoe as set_activity_shoe,
)
from loadwatch.services.activities import (
    set_sport as set_sport,
)
from loadwatch.services.activities import (
    split_source as split_source,
)
from loadwatch.services.activity_list import (
    ActivityPage as ActivityPage,
)
from loadwatch.services.activity_list import (
    activity_page as activity_page,
)
from loadwatch.services.activity_list import (
    activity_table as activity_table,
)
from loadwatch.services.athletes import (
    AthleteSettings as AthleteSettings,
)
from loadwatch.services.athletes import (
    AthleteSummary as AthleteSummary,
)
from loadwatch.services.athletes import (
    athlete_data as athlete_data,
)
from loadwatch.services.athletes import (
    athlete_settings as athlete_settings,
)
from loadwatch.services.athletes import (
    delete_athlete as delete_athlete,
)
from loadwatch.services.athletes import (
    list_activities as list_activities,
)
from loadwatch.services.athletes import (
    list_athletes as list_athletes,
)
from loadwatch.services.athletes import (
    rename_athlete as rename_athlete,
)
from loadwatch.services.athletes import (
    update_settings as update_settings,
)
from loadwatch.services.calendar import (
    CalendarActivity as CalendarActivity,
)
from loadwatch.services.calendar import (
    CalendarDay as CalendarDay,
)
from loadwatch.services.calendar import (
    CalendarMonth as CalendarMonth,
)
from loadwatch.services.calendar import (
    calendar_month as calendar_month,
)
from loadwatch.services.changes import (
    data_version as data_version,
)
from loadwatch.services.coach_notes import (
    FlagNote as FlagNote,
)
from loadwatch.services.coach_notes import (
    LastVisit as LastVisit,
)
from loadwatch.services.coach_notes import (
    note_flag as note_flag,
)
from loadwatch.services.coach_notes import (
    set_squad_units as set_squad_units,
)
from loadwatch.services.demo import (
    database_path as database_path,
)
from loadwatch.services.demo import (
    demo_database_url as demo_database_url,
)
from loadwatch.services.demo import (
    is_demo_database as is_demo_database,
)
from loadwatch.services.demo import (
    load_demo as load_demo,
)
from loadwatch.services.demo import (
    own_database_url as own_database_url,
)
from loadwatch.services.digest import (
    Digest as Digest,
)
from loadwatch.services.digest import (
    coach_digest as coach_digest,
)
from loadwatch.services.digest_send import (
    DigestError as DigestError,
)
from loadwatch.services.digest_send import (
    SentLine as SentLine,
)
from loadwatch.services.digest_send import (
    SmtpSettings as SmtpSettings,
)
from loadwatch.services.digest_send import (
    account_email as account_email,
)
from loadwatch.services.digest_send import (
    digest_recipients as digest_recipients,
)
from loadwatch.services.digest_send import (
    digests_about as digests_about,
)
from loadwatch.services.digest_send import (
    record_sent as record_sent,
)
from loadwatch.services.digest_send import (
    send_digests as send_digests,
)
from loadwatch.services.digest_send import (
    set_email as set_email,
)
from loadwatch.services.digest_send import (
    smtp_settings as smtp_settings,
)
from loadwatch.services.first_run import (
    start_athlete as start_athlete,
)
from loadwatch.services.imports import (
    PARALLEL_MIN_FILES as PARALLEL_MIN_FILES,
)
from loadwatch.services.imports import (
    count_summary as count_summary,
)
from loadwatch.services.imports import (
    import_paths as import_paths,
)
from loadwatch.services.imports import (
    import_uploads as import_uploads,
)
from loadwatch.services.injuries import (
    INJURY_SIDES as INJURY_SIDES,
)
from loadwatch.services.injuries import (
    InjuryView as InjuryView,
)
from loadwatch.services.injuries import (
    add_injury as add_injury,
)
from loadwatch.services.injuries import (
    delete_injury as delete_injury,
)
from loadwatch.services.injuries import (
    end_injury as end_injury,
)
from loadwatch.services.injuries import (
    injury_from_pain as injury_from_pain,
)
from loadwatch.services.injuries import (
    injury_status as injury_status,
)
from loadwatch.services.injuries import (
    list_injuries as list_injuries,
)
from loadwatch.services.lead_up import (
    LeadUpView as LeadUpView,
)
from loadwatch.services.lead_up import (
    injury_lead_up as injury_lead_up,
)
from loadwatch.services.lead_up import (
    injury_pattern as injury_pattern,
)
from loadwatch.services.limits import (
    ImportLimits as ImportLimits,
)
from loadwatch.services.limits import (
    import_limits as import_limits,
)
from loadwatch.services.logins import (
    IDLE_TIMEOUT as IDLE_TIMEOUT,
)
from loadwatch.services.logins import (
    LoginResult as LoginResult,
)
from loadwatch.services.logins import (
    external_login as external_login,
)
from loadwatch.services.logins import (
    login as login,
)
from loadwatch.services.logins import (
    logout as logout,
)
from loadwatch.services.logins import (
    session_actor as session_actor,
)
from loadwatch.services.maintenance import (
    DoctorCheck as DoctorCheck,
)
from loadwatch.services.maintenance import (
    backup_database as backup_database,
)
from loadwatch.services.maintenance import (
    busy_timeout_s as busy_timeout_s,
)
from loadwatch.services.maintenance import (
    check_database as check_database,
)
from loadwatch.services.maintenance import (
    doctor as doctor,
)
from loadwatch.services.maintenance import (
    on_database_wait as on_database_wait,
)
from loadwatch.services.maintenance import (
    open_database as open_database,
)
from loadwatch.services.maintenance import (
    storage_fault as storage_fault,
)
from loadwatch.services.membership import (
    SquadView as SquadView,
)
from loadwatch.services.membership import (
    add_to_squad as add_to_squad,
)
from loadwatch.services.membership import (
    create_squad as create_squad,
)
from loadwatch.services.membership import (
    join_squad as join_squad,
)
from loadwatch.services.membership import (
    leave_squad as leave_squad,
)
from loadwatch.services.membership import (
    list_coaches as list_coaches,
)
from loadwatch.services.membership import (
    list_squads as list_squads,
)
from loadwatch.services.membership import (
    squad_invite as squad_invite,
)
from loadwatch.services.pain import (
    PainEntryView as PainEntryView,
)
from loadwatch.services.pain import (
    delete_pain as delete_pain,
)
from loadwatch.services.pain import (
    edit_pain as edit_pain,
)
from loadwatch.services.pain import (
    list_pain as list_pain,
)
from loadwatch.services.pain import (
    log_morning_pain as log_morning_pain,
)
from loadwatch.services.pain import (
    log_pain as log_pain,
)
from loadwatch.services.pain import (
    pain_location as pain_location,
)
from loadwatch.services.parse_pool import (
    stop_pool_helpers as stop_pool_helpers,
)
from loadwatch.services.parse_pool import (
    utc_offset_s as utc_offset_s,
)
from loadwatch.services.plan_calendar import (
    plan_ical as plan_ical,
)
from loadwatch.services.plan_calendar import (
    plan_ics as plan_ics,
)
from loadwatch.services.plausible import (
    check_plausible as check_plausible,
)
from loadwatch.services.programme import (
    Programme as Programme,
)
from loadwatch.services.programme import (
    ProgrammeItem as ProgrammeItem,
)
from loadwatch.services.programme import (
    StrengthOverview as StrengthOverview,
)
from loadwatch.services.programme import (
    log_strength_as_planned as log_strength_as_planned,
)
from loadwatch.services.programme import (
    set_strength_programme as set_strength_programme,
)
from loadwatch.services.programme import (
    strength_overview as strength_overview,
)
from loadwatch.services.programme import (
    strength_programme as strength_programme,
)
from loadwatch.services.reimporting import (
    ReimportSummary as ReimportSummary,
)
from loadwatch.services.reimporting import (
    reimport as reimport,
)
from loadwatch.services.reports import (
    citation as citation,
)
from loadwatch.services.reports import (
    report as report,
)
from loadwatch.services.reports import (
    rule_title as rule_title,
)
from loadwatch.services.reports import (
    threshold_specs as threshold_specs,
)
from loadwatch.services.season import (
    GoalView as GoalView,
)
from loadwatch.services.season import (
    clear_goal as clear_goal,
)
from loadwatch.services.season import (
    run_weekdays as run_weekdays,
)
from loadwatch.services.season import (
    set_goal as set_goal,
)
from loadwatch.services.season import (
    set_run_days as set_run_days,
)
from loadwatch.services.season import (
    show_goal as show_goal,
)
from loadwatch.services.self_tests import (
    LEGS as LEGS,
)
from loadwatch.services.self_tests import (
    TEST_RESULTS as TEST_RESULTS,
)
from loadwatch.services.self_tests import (
    SelfTestView as SelfTestView,
)
from loadwatch.services.self_tests import (
    list_self_tests as list_self_tests,
)
from loadwatch.services.self_tests import (
    log_self_test as log_self_test,
)
from loadwatch.services.shoes import (
    ShoeView as ShoeView,
)
from loadwatch.services.shoes import (
    add_shoe as add_shoe,
)
from loadwatch.services.shoes import (
    assign_shoe as assign_shoe,
)
from loadwatch.services.shoes import (
    assign_shoes as assign_shoes,
)
from loadwatch.services.shoes import (
    list_shoes as list_shoes,
)
from loadwatch.services.shoes import (
    retire_shoe as retire_shoe,
)
from loadwatch.services.shoes import (
    set_default_shoe as set_default_shoe,
)
from loadwatch.services.shoes import (
    unretire_shoe as unretire_shoe,
)
from loadwatch.services.squads import (
    SquadRow as SquadRow,
)
from loadwatch.services.squads import (
    squad_overview as squad_overview,
)
from loadwatch.services.store import (
    Progress as Progress,
)
from loadwatch.services.strength import (
    MAX_STRENGTH_HOLD_S as MAX_STRENGTH_HOLD_S,
)
from loadwatch.services.strength import (
    MAX_STRENGTH_LOAD_KG as MAX_STRENGTH_LOAD_KG,
)
from loadwatch.services.strength import (
    MAX_STRENGTH_REPS as MAX_STRENGTH_REPS,
)
from loadwatch.services.strength import (
    MAX_STRENGTH_SETS as MAX_STRENGTH_SETS,
)
from loadwatch.services.strength import (
    StrengthEntry as StrengthEntry,
)
from loadwatch.services.strength import (
    StrengthSessionView as StrengthSessionView,
)
from loadwatch.services.strength import (
    StrengthSetView as StrengthSetView,
)
from loadwatch.services.strength import (
    delete_strength_exercise as delete_strength_exercise,
)
from loadwatch.services.strength import (
    delete_strength_session as delete_strength_session,
)
from loadwatch.services.strength import (
    list_strength as list_strength,
)
from loadwatch.services.strength import (
    log_strength as log_strength,
)
from loadwatch.services.strength import (
    log_strength_session as log_strength_session,
)
from loadwatch.services.strength import (
    strength_exercise as strength_exercise,
)
from loadwatch.services.strength import (
    strength_exercises as strength_exercises,
)
from loadwatch.services.tracks import (
    ActivityTrack as ActivityTrack,
)
from loadwatch.services.tracks import (
    activity_track as activity_track,
)
from loadwatch.services.triage import (
    Triage as Triage,
)
from loadwatch.services.triage import (
    TriageRow as TriageRow,
)
from loadwatch.services.triage import (
    coach_wording as coach_wording,
)
from loadwatch.services.triage import (
    record_squad_visit as record_squad_visit,
)
from loadwatch.services.triage import (
    squad_triage as squad_triage,
)
from loadwatch.services.watch import (
    watch_folder as watch_folder,
)

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
    "ActivityPage",
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
    "activity_page",
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
