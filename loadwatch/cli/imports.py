"""Getting runs in and looking at them: import, activities, athletes, reimport."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from loadwatch import services
from loadwatch.cli._group import (
    ID,
    _add_plain_row,
    _console,
    _date,
    _engine,
    _errors_as_click,
    _plain,
    _units,
    athlete_option,
    cli,
    echo_json,
    json_option,
    local_today,
)
from loadwatch.domain import ActivityRow, ImportResult, ImportStatus, SportSource
from loadwatch.units import DistanceUnit, to_unit

STATUS_STYLE = {
    ImportStatus.IMPORTED: "green",
    ImportStatus.MERGED: "cyan",
    ImportStatus.DUPLICATE: "yellow",
    ImportStatus.REJECTED: "red",
}
MAX_TABLE_ROWS = 200


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@athlete_option(help_text="Whose runs.")
@json_option(help_text="Print the per-file results as JSON.")
@click.pass_context
@_errors_as_click
def import_command(
    ctx: click.Context, paths: tuple[Path, ...], athlete: str, as_json: bool
) -> None:
    """Import FIT, GPX and TCX files, folders, .gz files and zip exports (Garmin, Strava).

    Each file is imported whole or not at all; bad files are reported and skipped. Exit code 0
    when every file was handled, 1 when nothing could be imported.

    \b
    Example:
        loadwatch import run.fit ride.gpx.gz ~/strava_export.zip --athlete ana
    """
    _refuse_special_files(paths)
    engine = _engine(ctx)
    console = _console()
    counts = dict.fromkeys(ImportStatus, 0)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("Importing", total=None)

        def on_result(result: ImportResult) -> None:
            counts[result.status] += 1
            summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
            progress.update(task, advance=1, description=f"Importing ({summary})")

        results = services.import_paths(
            engine, paths, athlete=athlete, progress=on_result, today=local_today()
        )
    if as_json:
        echo_json([_result_json(r) for r in results])
    else:
        _print_results(console, results, paths)
    if not results:
        raise click.ClickException("no files found in the given paths")
    if all(r.status is ImportStatus.REJECTED for r in results):
        raise click.ClickException("nothing could be imported; see the reasons above")


def _refuse_special_files(paths: Sequence[Path]) -> None:
    """Only folders and regular files (or links to them) are imported: reading `/dev/zero`, a
    FIFO or a socket would never end (issue #15), so such a path is refused before any work.

    Raises:
        click.ClickException: naming the first such path.
    """
    for path in paths:
        if not (path.is_dir() or path.is_file()):
            raise click.ClickException(
                f"{str(path)!r} is not a regular file; give FIT, GPX or TCX files, folders, "
                ".gz files or zip exports"
            )


def _result_json(result: ImportResult) -> dict[str, Any]:
    return {
        "file": result.filename,
        "status": result.status.value,
        "message": result.message,
        "activity_id": result.activity_id,
        "sport": result.sport.value if result.sport else None,
        "started_at": result.started_at.isoformat() if result.started_at else None,
        "distance_m": result.distance_m,
    }


def _print_results(console: Console, results: list[ImportResult], paths: Sequence[Path]) -> None:
    """The per-file table, then every file not imported with its whole message on one line.

    The table shows short names and points to numbered notes; the notes (whose messages hold
    the full path) are printed unwrapped below it, because inside a table rich breaks a long
    path wherever the column runs out, and a sentence cut in two is hard to read or grep.
    """
    rows = list(enumerate(results))
    if len(results) > MAX_TABLE_ROWS:
        rows = [(i, r) for i, r in rows if r.status is not ImportStatus.IMPORTED]
    not_imported = [i for i, r in enumerate(results) if r.status is not ImportStatus.IMPORTED]
    note_numbers = {index: number for number, index in enumerate(not_imported, start=1)}
    table = Table(title="Import results", show_lines=False)
    table.add_column("file", overflow="fold", max_width=70)
    table.add_column("result")
    table.add_column("detail", overflow="fold")
    for index, result in rows[:MAX_TABLE_ROWS]:
        detail = result.message
        if index in note_numbers:
            detail = f"see note {note_numbers[index]}"
        elif result.started_at is not None:
            detail = (
                f"#{result.activity_id} {result.sport.value if result.sport else ''} "
                f"{result.started_at:%Y-%m-%d %H:%M} UTC, {(result.distance_m or 0) / 1000:.2f} km"
            )
            if result.message:  # what the importer repaired (issue #26)
                detail += f"; {result.message}"
        _add_plain_row(
            table,
            _display_name(result.filename, paths),
            Text(result.status.value, style=STATUS_STYLE[result.status]),
            detail,
        )
    if rows:
        console.print(table)
    hidden = len(results) - min(len(rows), MAX_TABLE_ROWS)
    if hidden:
        console.print(f"({hidden} more rows not shown; use --json for every file)")
    if not_imported:
        console.print("Not imported:")
    for index in not_imported:
        result = results[index]
        line = f"  {note_numbers[index]}. {result.status.value}: {result.message}"
        console.print(_plain(line), soft_wrap=True)
    counts = services.count_summary(results)
    console.print(
        "Total: "
        + ", ".join(f"{counts[s]} {s.value}" for s in ImportStatus)
        + f" ({len(results)} files)"
    )


def _display_name(filename: str, paths: Sequence[Path]) -> str:
    """The file as seen from the folder holding the argument it came from: short at any depth.

    `import ~/deep/folder/fit` shows `fit/run.fit`; a zip member shows `export.zip/a/run.fit`.
    """
    file = PurePath(filename)
    for path in paths:
        if file.is_relative_to(path):
            return str(file.relative_to(path.parent))
    return file.name


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
@_errors_as_click
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
    rows = services.list_activities(_engine(ctx), athlete, _date(since))
    if as_json:
        echo_json([activity_json(r) for r in rows])
        return
    table = Table(title=f"{len(rows)} activities")
    unit = _units(ctx, athlete) if athlete else DistanceUnit.KM
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
        _add_plain_row(
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
    _console().print(table)


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
    detail = services.activity_detail(_engine(ctx), activity_id)
    row = detail.activity
    if as_json:
        echo_json({**activity_json(row), "sources": [_source_json(s) for s in detail.sources]})
        return
    console = _console()
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
        console.print(_plain(line), soft_wrap=True)
    table = Table(title=f"{len(detail.sources)} source(s)")
    for column in ("file", "sha256", "format", "device", "sport", "km", "elapsed", "gave"):
        table.add_column(column, overflow="fold")
    for source in detail.sources:
        kind = "device file" if source.is_device_file else "export"
        _add_plain_row(
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
@_errors_as_click
def activities_split(ctx: click.Context, activity_id: int, source: str) -> None:
    """Undo a merge: move one source of activity ACTIVITY_ID out into an activity of its own.

    \b
    Example:
        loadwatch activities split 12 --source ride.gpx
    """
    kept, new = services.split_source(_engine(ctx), activity_id, source)
    click.echo(f"Moved {source!r} out of activity #{kept} into activity #{new}.")


@activities.command("set-sport")
@click.argument("activity_id", type=ID)
@click.argument("sport")
@click.pass_context
@_errors_as_click
def activities_set_sport(ctx: click.Context, activity_id: int, sport: str) -> None:
    """Correct the sport of activity ACTIVITY_ID; the correction beats every file and survives
    `loadwatch reimport`.

    \b
    Example:
        loadwatch activities set-sport 12 ride
    """
    row = services.set_sport(_engine(ctx), activity_id, sport)
    click.echo(f"Activity #{row.id} is now a {row.sport.value} (set by you).")


@activities.command("delete")
@click.argument("activity_id", type=ID)
@click.option("--yes", is_flag=True, help="Delete without asking for confirmation.")
@click.pass_context
@_errors_as_click
def activities_delete(ctx: click.Context, activity_id: int, yes: bool) -> None:
    """Delete activity ACTIVITY_ID and its sources; its pain entries stay, unlinked. Asks first
    unless --yes is given.

    \b
    Example:
        loadwatch activities delete 12 --yes
    """
    engine = _engine(ctx)
    if not yes:
        row = services.activity_detail(engine, activity_id).activity
        click.confirm(
            _plain(
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
@_errors_as_click
def activities_move(ctx: click.Context, activity_id: int, athlete: str) -> None:
    """Move activity ACTIVITY_ID, its files and its pain entries to another athlete (its shoe
    is unassigned).

    \b
    Example:
        loadwatch activities move 12 --athlete bo
    """
    row = services.move_activity(_engine(ctx), activity_id, athlete)
    joined = f" (joined with activity #{row.id})" if row.id != activity_id else ""
    click.echo(f"Moved activity #{activity_id} to {row.athlete}{joined}.")


def _hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


@cli.command()
@json_option(help_text="Machine-readable output.")
@click.pass_context
@_errors_as_click
def athletes(ctx: click.Context, as_json: bool) -> None:
    """List athletes with their activity count and total distance.

    \b
    Example:
        loadwatch athletes
    """
    rows = services.list_athletes(_engine(ctx))
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
        _add_plain_row(table, r.name, str(r.activities), f"{r.distance_m / 1000:.1f}", last)
    _console().print(table)


@cli.command()
@click.pass_context
@_errors_as_click
def reimport(ctx: click.Context) -> None:
    """Re-derive every activity from its stored original file (after an importer fix).

    Activity ids, shoes and pain entries are kept.

    \b
    Example:
        loadwatch reimport
    """
    summary = services.reimport(_engine(ctx), today=local_today())
    click.echo(f"Re-read {summary.files} stored files; updated {summary.updated} activities.")
    for failure in summary.failed:
        click.echo(f"  failed: {failure}")
