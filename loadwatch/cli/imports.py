"""`loadwatch import` and `loadwatch reimport`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from loadwatch import services
from loadwatch.cli._group import (
    add_plain_row,
    athlete_option,
    cli,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    local_today,
    make_console,
    plain_text,
)
from loadwatch.domain import ImportResult, ImportStatus

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
@errors_as_click
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
    engine = db_engine(ctx)
    console = make_console()
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


NOTE_HEADINGS = {
    ImportStatus.REJECTED: "Not imported:",
    ImportStatus.DUPLICATE: "Already imported:",
    ImportStatus.MERGED: "Merged into an activity already here:",
    ImportStatus.IMPORTED: "Imported, with a note:",
}


def _print_results(console: Console, results: list[ImportResult], paths: Sequence[Path]) -> None:
    """The per-file table, then each file's note (why it was not imported, what it was merged
    into, why its sport is unknown) on one line, under a heading for its result.

    The table shows short names and points to numbered notes; the notes (whose messages hold
    the full path) are printed unwrapped below it, because inside a table rich breaks a long
    path wherever the column runs out, and a sentence cut in two is hard to read or grep.
    """
    rows = list(enumerate(results))
    if len(results) > MAX_TABLE_ROWS:
        rows = [(i, r) for i, r in rows if r.status is not ImportStatus.IMPORTED or r.message]
    noted = [i for i, r in enumerate(results) if r.message]
    note_numbers = {index: number for number, index in enumerate(noted, start=1)}
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
        add_plain_row(
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
    for status, heading in NOTE_HEADINGS.items():  # issue #24: merged files are not "not imported"
        mine = [i for i in noted if results[i].status is status]
        if mine:
            console.print(heading)
        for index in mine:
            result = results[index]
            line = f"  {note_numbers[index]}. {status.value}: {result.message}"
            if status is ImportStatus.MERGED and result.activity_id is not None:
                line += (
                    f" (`loadwatch activities --id {result.activity_id}` shows what each file gave)"
                )
            console.print(plain_text(line), soft_wrap=True)
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
@click.pass_context
@errors_as_click
def reimport(ctx: click.Context) -> None:
    """Re-derive every activity from its stored original file (after an importer fix).

    Activity ids, shoes and pain entries are kept.

    \b
    Example:
        loadwatch reimport
    """
    summary = services.reimport(db_engine(ctx), today=local_today())
    click.echo(f"Re-read {summary.files} stored files; updated {summary.updated} activities.")
    for failure in summary.failed:
        click.echo(f"  failed: {failure}")
