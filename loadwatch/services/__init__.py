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
