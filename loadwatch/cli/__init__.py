"""The `loadwatch` command line: parses arguments, calls services, prints. No SQL, no metrics.

The click group lives in `_group`; importing the command modules registers their commands on it.
"""

from __future__ import annotations

from loadwatch.cli import (  # noqa: F401 - registers
    activities,
    app,
    athletes,
    club,
    dashboard,
    digest,
    imports,
    injuries,
    maintenance,
    pain,
    reports,
    season,
    shoes,
    squads,
    strength,
    watch,
)
from loadwatch.cli._group import cli

__all__ = ["cli"]
