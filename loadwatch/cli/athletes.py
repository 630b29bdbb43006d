"""`loadwatch athletes`: lists them (no subcommand), `athletes rename` and `athletes delete`
change them (issue #10)."""

from __future__ import annotations

import click
from rich.table import Table

from loadwatch import services
from loadwatch.cli._group import (
    add_plain_row,
    cli,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    make_console,
)


@cli.group("athletes", invoke_without_command=True)
@json_option(help_text="Machine-readable output.")
@click.pass_context
def athletes(ctx: click.Context, as_json: bool) -> None:
    """List athletes with their activity count and total distance; rename or delete one.

    Names are matched ignoring case: `ana` is `Ana`.

    \b
    Example:
        loadwatch athletes
        loadwatch athletes rename ana "Ana Lima"
        loadwatch athletes delete "Ana Lima"
    """
    if ctx.invoked_subcommand is None:
        _list_athletes(ctx, as_json)


@athletes.command()
@click.argument("old")
@click.argument("new")
@click.pass_context
@errors_as_click
def rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename athlete OLD to NEW; refused when another athlete is called NEW, ignoring case.

    \b
    Example:
        loadwatch athletes rename ana "Ana Lima"
    """
    before, after = services.rename_athlete(db_engine(ctx), old, new)
    click.echo(f"Renamed athlete {before!r} to {after!r}.")


@athletes.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Delete without asking for confirmation.")
@click.pass_context
@errors_as_click
def delete(ctx: click.Context, name: str, yes: bool) -> None:
    """Delete athlete NAME with all their data: activities, original files, pain entries,
    shoes, settings and squad memberships. Asks first unless --yes is given.

    \b
    Example:
        loadwatch athletes delete ana --yes
    """
    engine = db_engine(ctx)
    stored, counts = services.athlete_data(engine, name)
    if not yes:
        click.confirm(
            f"Delete athlete {stored!r} and all their data ({_summary(counts)})? "
            "This cannot be undone",
            abort=True,
        )
    deleted, counts = services.delete_athlete(engine, stored)
    click.echo(f"Deleted athlete {deleted!r}: {_summary(counts)}.")


def _summary(counts: services.DeletedCounts) -> str:
    parts = [
        (counts.activities, "activity", "activities"),
        (counts.originals, "original file", "original files"),
        (counts.pain_entries, "pain entry", "pain entries"),
        (counts.shoes, "shoe", "shoes"),
        (counts.squad_memberships, "squad membership", "squad memberships"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts)


@errors_as_click
def _list_athletes(ctx: click.Context, as_json: bool) -> None:
    """The athletes with their activity count and total distance."""
    rows = services.list_athletes(db_engine(ctx))
    if as_json:
        echo_json(
            [
                {
                    "name": r.name,
                    "activities": r.activities,
                    "distance_m": r.distance_m,
                    "last_started_at": r.last_started_at.isoformat() if r.last_started_at else None,
                }
                for r in rows
            ]
        )
        return
    table = Table(title="Athletes")
    for column in ("name", "activities", "km", "last activity (UTC)"):
        table.add_column(column)
    for r in rows:
        last = f"{r.last_started_at:%Y-%m-%d}" if r.last_started_at else "-"
        add_plain_row(table, r.name, str(r.activities), f"{r.distance_m / 1000:.1f}", last)
    make_console().print(table)
