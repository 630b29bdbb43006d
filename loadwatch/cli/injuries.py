"""Injury periods (issue #14): add, end, list and delete them; the return ladder; what came
before an injury (and its printable page); the runner's own pattern."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from loadwatch import services
from loadwatch.cli._group import (
    ID,
    add_plain_row,
    as_of_option,
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
from loadwatch.domain import PAIN_LOCATION_SLUGS, PAIN_LOCATIONS, InjurySide
from loadwatch.units import format_distance

DAY = click.DateTime(["%Y-%m-%d"])
SIDES = tuple(s.value for s in InjurySide)


def _jsonable(value: Any) -> Any:
    """Dataclasses to dicts and days to ISO strings, recursively (the --json contracts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def injury_json(view: Any) -> dict[str, Any]:
    """One period for `injuries list --json` (docs/cli.md)."""
    return {
        "id": view.id,
        "start": view.start_date.isoformat(),
        "end": view.end_date.isoformat() if view.end_date else None,
        "location": view.location,
        "side": view.side,
        "note": view.note,
        "ongoing": view.is_ongoing,
        "days": view.days,
        "days_without_running": view.days_without_running,
        "pain_entry_id": view.pain_entry_id,
    }


@cli.group("injuries")
def injury() -> None:
    """Injury periods, the return to running gated by pain, and what came before an injury.

    \b
    Example:
        loadwatch injuries add --start 2026-11-02 --location shin --side left
        loadwatch injuries end 1 --date 2026-11-21
        loadwatch injuries lead-up 1 --html lead-up.html
    """


@injury.command("add")
@athlete_option()
@click.option("--start", type=DAY, required=True, help="First day of the injury (local).")
@click.option("--end", type=DAY, default=None, help="First day back (default: ongoing).")
@click.option(
    "--location",
    type=click.Choice(PAIN_LOCATIONS + PAIN_LOCATION_SLUGS),
    required=True,
    help='Where, as written ("knee front") or as a slug (knee-front).',
)
@click.option("--side", type=click.Choice(SIDES), default=None)
@click.option("--note", default=None, help="For example what a physiotherapist said.")
@click.pass_context
@errors_as_click
def injury_add(
    ctx: click.Context,
    athlete: str,
    start: datetime,
    end: datetime | None,
    location: str,
    side: str | None,
    note: str | None,
) -> None:
    """Record an injury period; while it is ongoing the 7-day plan holds no runs.

    \b
    Example:
        loadwatch injuries add --start 2026-11-02 --location "knee front" --side left \\
            --note "physio: patellofemoral pain, 2 weeks off running"
    """
    view = services.add_injury(
        db_engine(ctx),
        athlete,
        start=start.date(),
        end=day_of(end),
        location=location,
        side=side,
        note=note,
        today=local_today(),
    )
    if view.is_ongoing:
        click.echo(
            f"Added injury {view.id}: {plain_text(view.site)} from {view.start_date} (ongoing, day "
            f"{view.days}, {view.days_without_running} without running). The 7-day plan holds "
            f"no runs until you end it: `loadwatch injuries end {view.id}`."
        )
    else:
        click.echo(
            f"Added injury {view.id}: {plain_text(view.site)} from {view.start_date} to "
            f"{view.end_date} ({view.days} days, {view.days_without_running} without running)."
        )


@injury.command("end")
@click.argument("injury_id", type=ID)
@athlete_option()
@click.option("--date", "end", type=DAY, default=None, help="First day back (default today).")
@click.pass_context
@errors_as_click
def injury_end(ctx: click.Context, injury_id: int, athlete: str, end: datetime | None) -> None:
    """End an injury period on your first day back; the return ladder starts that day.

    \b
    Example:
        loadwatch injuries end 1 --date 2026-11-21
    """
    view = services.end_injury(
        db_engine(ctx), athlete, injury_id, end=day_of(end), today=local_today()
    )
    click.echo(
        f"Ended injury {view.id} ({plain_text(view.site)}) on {view.end_date}: {view.days} days, "
        f"{view.days_without_running} without running."
    )
    state = services.injury_status(db_engine(ctx), athlete, today=local_today())
    if state.ladder is not None and not state.ladder.is_complete:
        units = services.athlete_settings(db_engine(ctx), athlete).units
        step = state.ladder.step
        click.echo(
            f"Return ladder: step {step.number} of {len(state.ladder.steps)}, {step.pattern}, "
            f"up to {format_distance(step.distance_m, units)}; a step unlocks after a run at "
            "pain 0-2 that settles by the next morning (`loadwatch injuries status`)."
        )


@injury.command("delete")
@click.argument("injury_id", type=ID)
@athlete_option()
@click.pass_context
@errors_as_click
def injury_delete(ctx: click.Context, injury_id: int, athlete: str) -> None:
    """Delete an injury period (runs and pain entries stay).

    \b
    Example:
        loadwatch injuries delete 1
    """
    services.delete_injury(db_engine(ctx), athlete, injury_id)
    click.echo(f"Deleted injury {injury_id}.")


@injury.command("list")
@athlete_option()
@json_option()
@click.pass_context
@errors_as_click
def injury_list(ctx: click.Context, athlete: str, as_json: bool) -> None:
    """List injury periods, oldest first, with their days (so far) without running.

    \b
    Example:
        loadwatch injuries list --athlete ana --json
    """
    views = services.list_injuries(db_engine(ctx), athlete, today=local_today())
    if as_json:
        echo_json([injury_json(v) for v in views])
        return
    table = Table(title=f"Injuries: {plain_text(athlete)}")
    for column in ("id", "start", "end", "where", "days", "without running", "note"):
        table.add_column(column)
    for v in views:
        add_plain_row(
            table,
            str(v.id),
            str(v.start_date),
            str(v.end_date) if v.end_date else "ongoing",
            v.site,
            str(v.days),
            str(v.days_without_running),
            v.note or "",
        )
    make_console().print(table)


@injury.command("status")
@athlete_option()
@as_of_option()
@json_option()
@click.pass_context
@errors_as_click
def injury_status(ctx: click.Context, athlete: str, as_of: datetime | None, as_json: bool) -> None:
    """The ongoing injury, or where you are on the return ladder and each run back.

    \b
    Example:
        loadwatch injuries status --athlete ana
    """
    state = services.injury_status(
        db_engine(ctx), athlete, as_of=day_of(as_of), today=local_today()
    )
    if as_json:
        ladder = state.ladder
        echo_json(
            {
                "ongoing": _jsonable(state.ongoing),
                "days_so_far": state.days_so_far if state.ongoing else None,
                "days_without_running": state.days_without_running if state.ongoing else None,
                "return": None
                if ladder is None
                else {
                    "injury_id": ladder.injury.id,
                    "step": ladder.step.number,
                    "steps": _jsonable(ladder.steps),
                    "base_m": ladder.base_m,
                    "is_complete": ladder.is_complete,
                    "runs": _jsonable(ladder.runs),
                },
            }
        )
        return
    units = services.athlete_settings(db_engine(ctx), athlete).units
    if state.ongoing is not None:
        click.echo(
            f"Injured since {state.ongoing.start_date} ({plain_text(state.ongoing.location)}): day "
            f"{state.days_so_far}, {state.days_without_running} without running. The plan holds "
            "no runs."
        )
        return
    ladder = state.ladder
    if ladder is None:
        click.echo("No injury periods.")
        return
    if ladder.is_complete:
        click.echo(f"Return ladder after injury {ladder.injury.id}: complete.")
        return
    step = ladder.step
    click.echo(
        f"Return ladder after injury {ladder.injury.id}: step {step.number} of "
        f"{len(ladder.steps)}, {step.pattern}, up to {format_distance(step.distance_m, units)}."
    )
    for run in ladder.runs:
        score = "-" if run.score is None else f"{run.score}/10"
        click.echo(
            f"  {run.run_date} {format_distance(run.distance_m, units)} at step {run.step}: "
            f"pain {score}, {run.outcome}"
        )


@injury.command("lead-up")
@click.argument("injury_id", type=ID)
@athlete_option()
@json_option()
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the printable page (HTML) to this file.",
)
@click.pass_context
@errors_as_click
def injury_lead_up(
    ctx: click.Context, injury_id: int, athlete: str, as_json: bool, html_path: Path | None
) -> None:
    """What came before an injury: the 14 and 30 days before it (spikes, weekly growth, shoes,
    pain, descent, cadence, cross-training and strength), to take to a physiotherapist.

    \b
    Example:
        loadwatch injuries lead-up 1 --html lead-up.html
    """
    view = services.injury_lead_up(db_engine(ctx), athlete, injury_id, today=local_today())
    if html_path is not None:
        from loadwatch.documents.lead_up import lead_up_html  # pandas: only when writing

        html_path.write_text(lead_up_html(view), encoding="utf-8")
        click.echo(f"Wrote {html_path} (open it in a browser and print, or save as PDF).")
        return
    if as_json:
        echo_json(_jsonable(view.lead_up))
        return
    units = view.units
    lead = view.lead_up
    click.echo(f"What came before injury {injury_id} ({plain_text(lead.injury.location)}):")
    for window in lead.windows:
        click.echo(
            f"  {window.days} days: {window.runs} runs, "
            f"{format_distance(window.distance_m, units)}, {len(window.spikes)} spikes, "
            f"{window.descent_m:.0f} m descent, {window.cross_training_sessions} cross-training, "
            f"{window.strength_sessions} strength, {len(window.pain)} pain entries "
            f"(morning trend {window.morning_trend})"
        )
    for spike in lead.windows[-1].spikes:
        click.echo(
            f"  spike {spike.run_date}: {format_distance(spike.distance_m, units)}, "
            f"{spike.ratio:.2f}x ({spike.level})"
        )
    for shoe in lead.shoes:
        click.echo(
            f"  shoe {plain_text(shoe.name)}: {format_distance(shoe.distance_m, units, 0)} "
            f"({shoe.status})"
        )


@injury.command("pattern")
@athlete_option()
@json_option()
@click.pass_context
@errors_as_click
def injury_pattern(ctx: click.Context, athlete: str, as_json: bool) -> None:
    """Your own pattern: what came within 14 days before your injuries and red pain days,
    against how often it happened at all. Counts in your log, never a risk score.

    \b
    Example:
        loadwatch injuries pattern --athlete ana
    """
    pattern = services.injury_pattern(db_engine(ctx), athlete, today=local_today())
    if as_json:
        echo_json({**_jsonable(pattern), "is_shown": pattern.is_shown})
        return
    count = len(pattern.episodes)
    if not pattern.is_shown:
        click.echo(
            f"{count} episode(s) (injuries and red pain days) in your log; your own pattern is "
            f"shown from {pattern.min_episodes}."
        )
        return
    click.echo(f"In your log, {count} episodes (injuries and red pain days):")
    for factor in pattern.factors:
        click.echo(
            f"  {factor.label}: before {factor.episodes_with} of {count} episodes; "
            f"{factor.occurrences} in all, {factor.followed} followed by an episode within "
            "14 days"
        )
    click.echo("Counts from your own log, not a prediction: the numbers are small.")
