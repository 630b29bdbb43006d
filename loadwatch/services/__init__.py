"""Use cases shared by the CLI and the dashboard, one module each (docs/architecture.md).

Every name callers use is re-exported here, so they keep writing `services.x(...)`.
"""

from __future__ import annotations

from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db.admin import DeletedCounts
from loadwatch.domain import WEEKDAYS
from loadwatch.report import Headline, Report, report_json
from loadwatch.rules.thresholds import Thresholds, ThresholdSpec
from loadwatch.services._common import configure_logging, today
from loadwatch.services._worker import check_plausible, utc_offset_s
from loadwatch.services.activities import (
    ActivityDetail,
    SourceView,
    activity_detail,
    delete_activity,
    move_activity,
    set_sport,
    split_source,
)
from loadwatch.services.athletes import (
    DEFAULT_ATHLETE,
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
from loadwatch.services.demo import load_demo
from loadwatch.services.imports import (
    PARALLEL_MIN_FILES,
    Progress,
    ReimportSummary,
    count_summary,
    import_paths,
    import_uploads,
    reimport,
)
from loadwatch.services.pain import (
    PAIN_LOCATION_SLUGS,
    PAIN_LOCATIONS,
    PainEntryView,
    delete_pain,
    edit_pain,
    list_pain,
    log_morning_pain,
    log_pain,
    pain_location,
)
from loadwatch.services.reports import citation, report, rule_title, threshold_specs
from loadwatch.services.shoes import (
    ShoeView,
    add_shoe,
    assign_shoe,
    assign_shoes,
    list_shoes,
    retire_shoe,
    set_default_shoe,
)
from loadwatch.services.squads import SquadRow, add_to_squad, list_coaches, squad_overview

__all__ = [
    "DEFAULT_ATHLETE",
    "LOCAL",
    "PAIN_LOCATIONS",
    "PAIN_LOCATION_SLUGS",
    "PARALLEL_MIN_FILES",
    "WEEKDAYS",
    "ActivityDetail",
    "Actor",
    "AthleteSettings",
    "AthleteSummary",
    "DeletedCounts",
    "Headline",
    "PainEntryView",
    "Progress",
    "ReimportSummary",
    "Report",
    "Role",
    "ShoeView",
    "SourceView",
    "SquadRow",
    "ThresholdSpec",
    "Thresholds",
    "activity_detail",
    "add_shoe",
    "add_to_squad",
    "assign_shoe",
    "assign_shoes",
    "athlete_data",
    "athlete_settings",
    "check_plausible",
    "citation",
    "configure_logging",
    "count_summary",
    "default_home_tz",
    "delete_activity",
    "delete_athlete",
    "delete_pain",
    "edit_pain",
    "import_paths",
    "import_uploads",
    "list_activities",
    "list_athletes",
    "list_coaches",
    "list_pain",
    "list_shoes",
    "load_demo",
    "local_day",
    "log_morning_pain",
    "log_pain",
    "move_activity",
    "open_database",
    "pain_location",
    "reimport",
    "rename_athlete",
    "report",
    "report_json",
    "retire_shoe",
    "rule_title",
    "set_default_shoe",
    "set_sport",
    "split_source",
    "squad_overview",
    "threshold_specs",
    "today",
    "update_settings",
    "utc_offset_s",
]
