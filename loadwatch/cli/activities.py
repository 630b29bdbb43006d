"""`loadwatch activities`: list, show one with its sources, split, set-sport, delete, move."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from loadwatch import services
from loadwatch.cli._group import (
    ID,
    add_plain_row,
    athlete_option,
    athlete_units,
    cli,
    day_of,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    make_console,
    plain_text,
)
from loadwatch.domain import ActivityRow, SportSource
from loadwatch.units import DistanceUnit, count_noun, to_unit


@cli.group("activities", invoke_without_command=True)
@athlete_option(default=None, help_text="Only this athlete's activities.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="From this UTC date."
)
@click.option(
    "--id", "activity_id", type=ID, default=None, help="Show this activity and its sources."
)
@json_option(help_text="Machine-readable output (docs/cli.md).")
@click.pass_context
@errors_as_click
def activities(
    ctx: click.Context,
    athlete: str | None,
    since: datetime | None,
    activity_id: int | None,
    as_json: bool,
) -> None:
    """List the run log, oldest first; show one activity's sources; split, correct, delete or
    move an activity.

    \b
    Example:
        loadwatch activities --athlete ana --since 2026-01-01 --json
        loadwatch activities --id 12
        loadwatch activities set-sport 12 ride
    """
    if ctx.invoked_subcommand is not None:
        return
    if activity_id is not None:
        _show_activity(ctx, activity_id, as_json)
        return
    rows = services.list_activities(db_engine(ctx), athlete, day_of(since))
    if as_json:
        echo_json([activity_json(r) for r in rows])
        return
    table = Table(title=count_noun(len(rows), "activity", "activities"))
    unit = athlete_units(ctx, athlete) if athlete else DistanceUnit.KM
    for column in (
        "id",
        "athlete",
        "name",
        "sport",
        "start (local)",
        unit.value,
        "time",
        "ascent m",
        "file",
    ):
        table.add_column(column)
    for row in rows:
        add_plain_row(
            table,
            str(row.id),
            row.athlete,
            row.name or row.sport.value,
            _sport_text(row),
            f"{services.local_day(row.started_at, row.utc_offset_s)} "
            f"{(row.started_at + timedelta(seconds=row.utc_offset_s)):%H:%M}",
            f"{to_unit(row.distance_m, unit):.2f}",
            _hms(row.duration_s),
            "" if row.ascent_m is None else f"{row.ascent_m:.0f}",
            Path(row.source_file).name,
        )
    make_console().print(table)


def _sport_text(row: ActivityRow) -> str:
    """`run`, `ride (default)`: the sport, and how it was known unless the file declared it."""
    if row.sport_source is SportSource.DECLARED:
        return row.sport.value
    return f"{row.sport.value} ({row.sport_source.value})"


def activity_json(row: ActivityRow) -> dict[str, Any]:
    """The stable `activities --json` object (docs/cli.md)."""
    data = asdict(row)
    data["sport"] = row.sport.value
    data["sport_source"] = row.sport_source.value
    data["source_format"] = row.source_format.value
    data["started_at"] = _utc_text(row.started_at)
    return data


def _utc_text(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _source_json(source: services.SourceView) -> dict[str, Any]:
    data = asdict(source)
    data["source_format"] = source.source_format.value
    data["sport"] = source.sport.value
    data["sport_source"] = source.sport_source.value
    data["started_at"] = _utc_text(source.started_at)
    data["contributed"] = list(source.contributed)
    return data


def _show_activity(ctx: click.Context, activity_id: int, as_json: bool) -> None:
    detail = services.activity_detail(db_engine(ctx), activity_id)
    row = detail.activity
    if as_json:
        echo_json({**activity_json(row), "sources": [_source_json(s) for s in detail.sources]})
        return
    console = make_console()
    local = row.started_at + timedelta(seconds=row.utc_offset_s)
    lines = [
        f"Activity #{row.id}: {row.name or row.sport.value} ({row.athlete})",
        f"  sport: {row.sport.value} ({row.sport_source.value})"
        + (f", {row.sub_sport}" if row.sub_sport else ""),
        f"  start: {local:%Y-%m-%d %H:%M} local (UTC{_offset_text(row.utc_offset_s)}), "
        f"{row.distance_m / 1000:.2f} km, elapsed {_hms(row.duration_s)}, "
        f"timer {_hms(row.moving_s)}",
        f"  device: {row.device or '-'}; shoe: {row.shoe or '-'}",
    ]
    for line in lines:
        console.print(plain_text(line), soft_wrap=True)
    table = Table(title=f"{len(detail.sources)} source(s)")
    for column in ("file", "sha256", "format", "device", "sport", "km", "elapsed", "gave"):
        table.add_column(column, overflow="fold")
    for source in detail.sources:
        kind = "device file" if source.is_device_file else "export"
        add_plain_row(
            table,
            f"{Path(source.file).name}"
            + (f" #{source.session_index}" if source.session_index else ""),
            source.sha256[:12],
            f"{source.source_format.value} ({kind})",
            source.device or "-",
            f"{source.sport.value} ({source.sport_source.value})",
            f"{source.distance_m / 1000:.2f}",
            _hms(source.duration_s),
            ", ".join(source.contributed) or "-",
        )
    console.print(table)


def _offset_text(offset_s: int) -> str:
    sign = "+" if offset_s >= 0 else "-"
    minutes = abs(offset_s) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@activities.command("split")
@click.argument("activity_id", type=ID)
@click.option(
    "--source",
    required=True,
    help="The source to move out: its file name or sha256 (`activities --id N` lists them).",
)
@click.pass_context
@errors_as_click
def activities_split(ctx: click.Context, activity_id: int, source: str) -> None:
    """Undo a merge: move one source of activity ACTIVITY_ID out into an activity of its own.

    \b
    Example:
        loadwatch activities split 12 --source ride.gpx
    """
    kept, new = services.split_source(db_engine(ctx), activity_id, source)
    click.echo(f"Moved {source!r} out of activity #{kept} into activity #{new}.")


@activities.command("set-sport")
@click.argument("activity_id", type=ID)
@click.argument("sport")
@click.pass_context
@errors_as_click
def activities_set_sport(ctx: click.Context, activity_id: int, sport: str) -> None:
    """Correct the sport of activity ACTIVITY_ID; the correction beats every file and survives
    `loadwatch reimport`.

    \b
    Example:
        loadwatch activities set-sport 12 ride
    """
    row = services.set_sport(db_engine(ctx), activity_id, sport)
    click.echo(f"Activity #{row.id} is now a {row.sport.value} (set by you).")


@activities.command("delete")
@click.argument("activity_id", type=ID)
@click.option("--yes", is_flag=True, help="Delete without asking for confirmation.")
@click.pass_context
@errors_as_click
def activities_delete(ctx: click.Context, activity_id: int, yes: bool) -> None:
    """Delete activity ACTIVITY_ID and its sources; its pain entries stay, unlinked. Asks first
    unless --yes is given.

    \b
    Example:
        loadwatch activities delete 12 --yes
    """
    engine = db_engine(ctx)
    if not yes:
        row = services.activity_detail(engine, activity_id).activity
        click.confirm(
            plain_text(
                f"Delete activity #{row.id} ({row.name or row.sport.value}, {row.athlete}, "
                f"{row.started_at:%Y-%m-%d}, {row.distance_m / 1000:.2f} km)?"
            ),
            abort=True,
        )
    row = services.delete_activity(engine, activity_id)
    click.echo(f"Deleted activity #{row.id}.")


@activities.command("move")
@click.argument("activity_id", type=ID)
@click.option("--athlete", required=True, help="The athlete the activity belongs to.")
@click.pass_context
@errors_as_click
def activities_move(ctx: click.Context, activity_id: int, athlete: str) -> None:
    """Move activity ACTIVITY_ID, its files and its pain entries to another athlete (its shoe
    is unassigned).

    \b
    Example:
        loadwatch activities move 12 --athlete bo
    """
    row = services.move_activity(db_engine(ctx), activity_id, athlete)
    joined = f" (joined with activity #{row.id})" if row.id != activity_id else ""
    click.echo(f"Moved activity #{activity_id} to {row.athlete}{joined}.")


def _hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
