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
from loadwatch.domain import ActivityRow, ImportResult, ImportStatus
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


@cli.command()
@athlete_option(default=None, help_text="Only this athlete's activities.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="From this UTC date."
)
@json_option(help_text="Machine-readable output (docs/cli.md).")
@click.pass_context
@_errors_as_click
def activities(
    ctx: click.Context, athlete: str | None, since: datetime | None, as_json: bool
) -> None:
    """List the run log, oldest first.

    \b
    Example:
        loadwatch activities --athlete ana --since 2026-01-01 --json
    """
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
            f"{services.local_day(row.started_at, row.utc_offset_s)} "
            f"{(row.started_at + timedelta(seconds=row.utc_offset_s)):%H:%M}",
            f"{to_unit(row.distance_m, unit):.2f}",
            _hms(row.duration_s),
            "" if row.ascent_m is None else f"{row.ascent_m:.0f}",
            Path(row.source_file).name,
        )
    _console().print(table)


def activity_json(row: ActivityRow) -> dict[str, Any]:
    """The stable `activities --json` object (docs/cli.md)."""
    data = asdict(row)
    data["sport"] = row.sport.value
    data["source_format"] = row.source_format.value
    data["started_at"] = row.started_at.isoformat().replace("+00:00", "Z")
    return data


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
