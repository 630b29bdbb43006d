"""The `loadwatch` click group and what every command shares: database, errors, console."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from loadwatch import __version__, services
from loadwatch.errors import LoadwatchError
from loadwatch.units import DistanceUnit

if TYPE_CHECKING:
    from sqlalchemy import Engine

F = TypeVar("F", bound=Callable[..., Any])


def make_console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=160)


def plain_text(text: object) -> str:
    """User text (a name, note, file name or message) escaped so rich prints it as written.

    Rich reads `[...]` as markup: unescaped, an athlete named `[/]` crashes a command and a note
    `[red]x` turns red (issue #15). Every user string that reaches rich goes through here.
    """
    return escape(str(text))


def add_plain_row(table: Table, *cells: str | Text) -> None:
    """Add a row whose strings are printed literally; style a cell by passing a `Text`."""
    table.add_row(*(cell if isinstance(cell, Text) else plain_text(cell) for cell in cells))


def db_engine(ctx: click.Context) -> Engine:
    """The database for this invocation, migrated to head on first use."""
    obj = ctx.find_root().obj
    if "engine" not in obj:
        obj["engine"] = services.open_database(obj["db_url"])
    return obj["engine"]  # type: ignore[no-any-return]


def errors_as_click(function: F) -> F:
    """sqlite-utils pattern: a LoadwatchError becomes `Error: ...` and exit code 1.

    So does a fault of the disk or the database that no service foresaw (issue #23: a full
    disk, a database another program holds, a read-only or damaged file, a server gone): one
    line with the cause and the fix, the traceback in the log file only. Anything else is a
    bug and propagates."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LoadwatchError as exc:
            raise click.ClickException(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            fault = services.storage_fault(exc, _database_of(click.get_current_context(True)))
            if fault is None:
                raise
            raise click.ClickException(str(fault)) from exc

    return wrapper  # type: ignore[return-value]


def _database_of(ctx: click.Context | None) -> Engine | str | None:
    """The engine this invocation opened, else the database it was given, else the default."""
    if ctx is None:
        return None
    obj = ctx.find_root().obj or {}
    engine = obj.get("engine")
    return engine if engine is not None else obj.get("db_url")


def _say_waiting(database: str, timeout_s: float) -> None:
    """Shown on stderr while a command waits for another one's write lock (issue #23)."""
    click.echo(
        f"Waiting for another loadwatch command to finish with {database} (up to "
        f"{timeout_s:g} s; LOADWATCH_BUSY_TIMEOUT_S sets the wait)...",
        err=True,
    )


DB_HELP = (
    "Database: a SQLite file path (~/runs.db) or a URL (sqlite:///PATH, "
    "postgresql+psycopg://user@host/db); default a SQLite file in your data directory; "
    "env LOADWATCH_DB_URL."
)


def _db_after_command(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """`--db` given after the command name (`loadwatch import x.fit --db runs.db`) wins over
    the one before it and over $LOADWATCH_DB_URL (issue #10)."""
    if value is not None:
        ctx.find_root().ensure_object(dict)["db_url"] = value


class LoadwatchGroup(click.Group):
    """A click group whose every command, and every command of its subgroups, also takes
    `--db`, so the option works before or after the command name (issue #10)."""

    group_class = type  # `@cli.group()` makes LoadwatchGroups too: `pain log ... --db X` works

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any(param.name == "db_after" for param in cmd.params):
            cmd.params.append(
                click.Option(
                    ["--db", "db_after"],
                    default=None,
                    expose_value=False,
                    callback=_db_after_command,
                    help=DB_HELP,
                )
            )
        super().add_command(cmd, name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # an older name still runs, but help and the docs show one name per use case (#19)
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))


# Older command names that still work (not listed in --help): `injury` became `injuries`, the
# name of the service and the page (issue #19).
ALIASES = {"injury": "injuries"}


@click.group(cls=LoadwatchGroup)
@click.version_option(__version__, prog_name="loadwatch")
@click.option("--db", "db_url", envvar="LOADWATCH_DB_URL", default=None, help=DB_HELP)
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """loadwatch: turn watch files into early warnings about training load.

    \b
    Example:
        loadwatch import ~/Downloads/export.zip --athlete ana
        loadwatch activities --athlete ana --since 2026-01-01
    """
    ctx.ensure_object(dict)
    ctx.obj["db_url"] = db_url
    services.on_database_wait(_say_waiting)
    services.configure_logging()  # unexpected errors: traceback to the log file, not the screen


def echo_json(data: object) -> None:
    """Print strict JSON (docs/cli.md): NaN and Infinity, which JSON lacks, become null."""
    click.echo(json.dumps(_finite(data), indent=2, allow_nan=False))


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def local_today() -> date:
    """The one clock (`services.today`): the local calendar day, or $LOADWATCH_TODAY."""
    return services.today()


def day_of(value: datetime | None) -> date | None:
    """A `click.DateTime` option's day. Its range is the services' to check: they refuse a day
    before 1990-01-01 or in the future with an InputError, so `--date 0001-01-01` is one
    `Error: ...` line, not an `OverflowError` from date arithmetic (issue #15)."""
    return value.date() if value else None


# Every id a command takes (activity, pain entry): 1 to 2**63 - 1, so click refuses a number no
# database integer holds as a usage error (issue #15). Ids past PostgreSQL's 2**31 - 1 are the
# services' to refuse: "no activity with id ...", the same on SQLite and PostgreSQL.
ID = click.IntRange(1, 2**63 - 1)


def athlete_units(ctx: click.Context, athlete: str) -> DistanceUnit:
    return services.athlete_settings(db_engine(ctx), athlete).units


class LazyHelpOption(click.Option):
    """An option whose help text is built when help is shown, not when the CLI is imported.

    For help drawn from a registry behind a heavy import (the thresholds behind the rules,
    which need pandas): building it at import would cost every command, `--help` too, the
    import (issue #13). Pass `help_factory=` with `cls=LazyHelpOption` to `click.option`.
    """

    def __init__(
        self, *args: Any, help_factory: Callable[[], str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.help_factory = help_factory

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.help_factory is not None:
            self.help = self.help_factory()
        return super().get_help_record(ctx)


# Options repeated across commands, defined once (sqlite-utils' `output_options`).


def athlete_option(
    default: str | None = services.DEFAULT_ATHLETE, help_text: str | None = None
) -> Callable[[F], F]:
    """`--athlete NAME`: whose data a command reads or changes."""
    return click.option("--athlete", default=default, show_default=True, help=help_text)


def json_option(help_text: str | None = None) -> Callable[[F], F]:
    """`--json`: machine-readable output instead of a table, passed as `as_json`."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def as_of_option() -> Callable[[F], F]:
    """`--as-of YYYY-MM-DD`: the local day to report on, passed as a datetime or None."""
    return click.option(
        "--as-of",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="Local day (default today).",
    )
