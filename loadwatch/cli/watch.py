"""`loadwatch watch FOLDER`: import activity files as they appear (issue #12)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from loadwatch import services
from loadwatch.cli._group import athlete_option, cli, db_engine, errors_as_click
from loadwatch.domain import ImportResult, ImportStatus
from loadwatch.units import format_distance

if TYPE_CHECKING:
    from sqlalchemy import Engine


@cli.command()
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path)
)
@athlete_option(help_text="Whose runs the new files are.")
@click.option(
    "--new-only",
    is_flag=True,
    help="Skip the files already in the folder (by default they are imported once; files "
    "already in the log are recognised as duplicates).",
)
@click.option(
    "--settle",
    type=click.FloatRange(0, 600),
    default=None,
    help="Seconds a file's size must hold still before it is read, so a file still being "
    "copied is waited for (default 2).",
)
@click.pass_context
@errors_as_click
def watch(
    ctx: click.Context, folder: Path, athlete: str, new_only: bool, settle: float | None
) -> None:
    """Watch FOLDER (and its subfolders) and import activity files as they appear.

    For a watch's USB folder (GARMIN/Activity) or a folder a phone app syncs to. Each file
    is imported once it is complete, with the same de-duplication as `loadwatch import`.
    Stop with Ctrl-C.

    \b
    Example:
        loadwatch watch /media/$USER/GARMIN/Garmin/Activity --athlete ana
    """
    engine = db_engine(ctx)
    units = services.athlete_settings(engine, athlete).units if _known(engine, athlete) else None
    counts = dict.fromkeys(ImportStatus, 0)

    def report(result: ImportResult) -> None:
        nonlocal units
        counts[result.status] += 1
        if units is None and _known(engine, athlete):
            units = services.athlete_settings(engine, athlete).units
        detail = result.message
        if not detail and result.started_at is not None:
            local = result.started_at + timedelta(seconds=_offset(engine, athlete, result))
            distance = (
                format_distance(result.distance_m, units, 2)
                if result.distance_m is not None and units is not None
                else ""
            )
            sport = result.sport.value if result.sport else ""
            detail = f"{sport} {local:%a %d %b %Y %H:%M} {distance}".strip()
        name = result.filename.removeprefix(f"{folder}/")  # the path within the folder
        click.echo(f"{result.status.value}: {name}: {detail}")

    def ready() -> None:
        click.echo(f"Watching {folder} for {athlete}'s files; stop with Ctrl-C.")

    stop = threading.Event()
    try:
        services.watch_folder(
            engine,
            folder,
            athlete,
            on_result=report,
            on_ready=ready,
            stop=stop,
            existing=not new_only,
            settle_s=settle,
        )
    except KeyboardInterrupt:
        stop.set()
    summary = ", ".join(f"{counts[s]} {s.value}" for s in ImportStatus)
    click.echo(f"Stopped watching {folder}: {summary}.")


def _known(engine: Engine, athlete: str) -> bool:
    names = {a.name.casefold() for a in services.list_athletes(engine)}
    return athlete.casefold() in names


def _offset(engine: Engine, athlete: str, result: ImportResult) -> int:
    """The activity's local offset (seconds), 0 when unknown."""
    if result.activity_id is None or result.started_at is None:
        return 0
    since = result.started_at.date() - timedelta(days=1)
    for row in services.list_activities(engine, athlete, since=since):
        if row.id == result.activity_id:
            return row.utc_offset_s
    return 0
