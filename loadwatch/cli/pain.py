"""The pain log: during and after a run, and the next-morning check-in."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import click
from rich.table import Table

from loadwatch import services
from loadwatch.cli._group import (
    ID,
    add_plain_row,
    athlete_option,
    cli,
    day_of,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    local_today,
    make_console,
    plain_text,
)


@cli.group()
def pain() -> None:
    """Log pain after a run (0-10) and the next-morning check-in.

    \b
    Example:
        loadwatch pain log --during 3 --after 5 --location "knee front"
        loadwatch pain morning 2
    """


@pain.command("log")
@athlete_option()
@click.option("--during", type=int, default=None, help="Pain during the run, 0-10.")
@click.option("--after", type=int, default=None, help="Pain after the run, 0-10.")
@click.option(
    "--location",
    type=click.Choice(services.PAIN_LOCATIONS + services.PAIN_LOCATION_SLUGS),
    default=None,
    help='Where it hurts, as written ("knee front") or as a slug (knee-front).',
)
@click.option("--note", default=None)
@click.option(
    "--run",
    "run_id",
    type=ID,
    default=None,
    help="Activity id (default: that --date's run, else your latest run).",
)
@click.option("--date", "on_date", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.pass_context
@errors_as_click
def pain_log(
    ctx: click.Context,
    athlete: str,
    during: int | None,
    after: int | None,
    location: str | None,
    note: str | None,
    run_id: int | None,
    on_date: datetime | None,
) -> None:
    """Log pain during and after a run: linked to --run, else to that --date's run, else to your
    latest run. Saving again for the same run updates its entry.

    \b
    Example:
        loadwatch pain log --during 2 --after 4 --location "knee front" --note "stairs"
    """
    entry = services.log_pain(
        db_engine(ctx),
        athlete,
        during=during,
        after=after,
        location=location,
        note=note,
        run_id=run_id,
        on_date=day_of(on_date),
        today=local_today(),
    )
    # Feedback as of the day the pain belongs to (today, for a runner logging after a run).
    result = services.report(db_engine(ctx), athlete, entry.entry_date, today=local_today())
    run = f" (run #{entry.activity_id})" if entry.activity_id else ""
    verb = "Updated" if entry.is_update else "Logged"
    click.echo(
        f"{verb} pain entry {entry.id} for {entry.entry_date}{run}: zone {result.pain.zone}."
    )
    for alert in (a for a in result.alerts if a.rule_id == "pain"):
        click.echo(f"{alert.severity.value.upper()}: {alert.message}")
    crosses = [p for p in result.plan if p.kind.value == "cross-training" and not p.done]
    cross = next((p for p in crosses if p.caused_by == "pain"), crosses[0] if crosses else None)
    if cross and result.pain.zone in ("amber", "red"):
        click.echo(f"Suggested: {cross.date:%a %d %b} {cross.kind.value} ({cross.sport}).")


@pain.command("morning")
@click.argument("score", type=int)
@athlete_option()
@click.option("--date", "on_date", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.pass_context
@errors_as_click
def pain_morning(ctx: click.Context, score: int, athlete: str, on_date: datetime | None) -> None:
    """Log this morning's pain (0-10): has yesterday's run's pain settled?

    \b
    Example:
        loadwatch pain morning 1
    """
    entry = services.log_morning_pain(
        db_engine(ctx), athlete, score, day_of(on_date), today=local_today()
    )
    verb = "Updated" if entry.is_update else "Logged"
    click.echo(f"{verb} morning pain {entry.morning}/10 for {entry.entry_date}.")


@pain.command("edit")
@click.argument("entry_id", type=ID)
@athlete_option()
@click.option("--during", type=int, default=None, help="Pain during the run, 0-10.")
@click.option("--after", type=int, default=None, help="Pain after the run, 0-10.")
@click.option("--morning", type=int, default=None, help="Morning pain, 0-10.")
@click.option(
    "--location",
    type=click.Choice(services.PAIN_LOCATIONS + services.PAIN_LOCATION_SLUGS),
    default=None,
)
@click.option("--note", default=None)
@click.pass_context
@errors_as_click
def pain_edit(
    ctx: click.Context,
    entry_id: int,
    athlete: str,
    during: int | None,
    after: int | None,
    morning: int | None,
    location: str | None,
    note: str | None,
) -> None:
    """Change a pain entry (ids from `loadwatch pain list`); unnamed fields stay as they are.

    \b
    Example:
        loadwatch pain edit 12 --after 3
    """
    entry = services.edit_pain(
        db_engine(ctx),
        athlete,
        entry_id,
        during=during,
        after=after,
        morning=morning,
        location=location,
        note=note,
    )
    click.echo(f"Updated pain entry {entry.id} for {entry.entry_date}.")


@pain.command("delete")
@click.argument("entry_id", type=ID)
@athlete_option()
@click.pass_context
@errors_as_click
def pain_delete(ctx: click.Context, entry_id: int, athlete: str) -> None:
    """Delete a pain entry (ids from `loadwatch pain list`).

    \b
    Example:
        loadwatch pain delete 12
    """
    services.delete_pain(db_engine(ctx), athlete, entry_id)
    click.echo(f"Deleted pain entry {entry_id}.")


@pain.command("list")
@athlete_option()
@json_option()
@click.pass_context
@errors_as_click
def pain_list(ctx: click.Context, athlete: str, as_json: bool) -> None:
    """List pain entries, oldest first.

    \b
    Example:
        loadwatch pain list --athlete ana
    """
    entries = services.list_pain(db_engine(ctx), athlete)
    if as_json:
        echo_json([{**asdict(e), "entry_date": e.entry_date.isoformat()} for e in entries])
        return
    shown = services.athlete_settings(db_engine(ctx), athlete).athlete  # "Ana", as stored (#24)
    table = Table(title=f"Pain log: {plain_text(shown)}")
    for column in ("id", "date", "during", "after", "morning", "location", "run", "note"):
        table.add_column(column)
    for e in entries:
        add_plain_row(
            table,
            str(e.id),
            str(e.entry_date),
            _dash(e.during),
            _dash(e.after),
            _dash(e.morning),
            e.location or "",
            _dash(e.activity_id),
            e.note or "",
        )
    make_console().print(table)


def _dash(value: object) -> str:
    return "-" if value is None else str(value)
