"""The season (issue #20): `plan` (the weeks ahead and the 7 days), `goal set/show/clear`, and
`run-days` (the runner's weekdays)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from loadwatch import services, units
from loadwatch.cli._group import (
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
from loadwatch.units import format_distance


@cli.command()
@athlete_option()
@click.option("--weeks", default=8, show_default=True, help="Weeks ahead, this one included.")
@json_option(help_text="The report's `season` and `plan` (docs/report.md).")
@click.option(
    "--ics",
    "ics_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Also write the 7 days as an iCalendar file for a calendar app (issue #25).",
)
@click.pass_context
@errors_as_click
def plan(
    ctx: click.Context, athlete: str, weeks: int, as_json: bool, ics_path: Path | None
) -> None:
    """The season: each week's target, lighter weeks, the goal and its taper, and the 7 days.

    \b
    Example:
        loadwatch plan --athlete ana
        loadwatch plan --athlete ana --weeks 4 --json
        loadwatch plan --athlete ana --ics ana-plan.ics
    """
    result = services.report(db_engine(ctx), athlete, today=local_today(), weeks=weeks)
    if ics_path is not None:
        try:
            ics_path.write_bytes(services.plan_ical(result.athlete, result.plan, result.units))
        except OSError as exc:
            raise click.ClickException(f"cannot write {ics_path}: {exc.strerror}") from None
        if not as_json:
            click.echo(
                f"Wrote the next 7 days to {ics_path}: import it into your calendar app; "
                "importing a newer file updates the same days."
            )
    data = services.report_json(result)
    if as_json:
        echo_json(
            {"season": data["season"], "plan": data["plan"], "plan_changes": data["plan_changes"]}
        )
        return
    season = data["season"]
    unit = result.units
    console = make_console()
    console.print(
        f"[bold]{plain_text(result.athlete)}[/bold]: the season from {result.as_of:%a %d %b}"
    )
    console.print(
        f"Run days: {', '.join(season['run_weekdays'])} ({plain_text(season['run_days_from'])})",
        markup=False,
    )
    console.print(plain_text(season["level_note"]), markup=False)
    for week in season["weeks"]:
        done = f", {format_distance(week['done_m'], unit)} so far" if week["done_m"] else ""
        console.print(
            f"  week of {week['week_start']}: {_target(week['target_m'], unit)} "
            f"[{week['kind']}]{done}: {week['reason']}",
            markup=False,
        )
    console.print("The next 7 days:")
    for day in result.plan:
        cap = f" (under {format_distance(day.max_distance_m, unit)})" if day.max_distance_m else ""
        console.print(f"  {day.date:%a %d %b}: {day.kind.value}{cap}: {day.reason}", markup=False)
    for change in data["plan_changes"]:
        console.print(
            f"Changed since yesterday morning, {change['date']}: {change['before']} -> "
            f"{change['after']}: {'; '.join(change['reasons'])}",
            markup=False,
        )


def _target(metres: float | None, unit: units.DistanceUnit) -> str:
    return "no target yet" if metres is None else format_distance(metres, unit)


@cli.group()
def goal() -> None:
    """The season's goal: a weekly distance, or a race with a taper before it.

    \b
    Example:
        loadwatch goal set --athlete ana --weekly-km 40
        loadwatch goal show --athlete ana
    """


def _print_goal(view: services.GoalView) -> None:
    g = view.goal
    if g is None:
        text = "no goal: the season holds your best recent week"
    elif g.weekly_m is not None:
        text = f"weekly target {g.weekly_m / 1000:g} km"
    else:
        when = g.race_date.isoformat() if g.race_date else "?"
        text = f"race on {when}, {(g.race_m or 0) / 1000:g} km"
    days = ", ".join(services.WEEKDAYS[w] for w in view.run_weekdays) or "your habit"
    click.echo(f"{view.athlete}: {text}; run days: {days}")


@goal.command("set")
@athlete_option()
@click.option("--weekly-km", type=float, default=None, help="A weekly distance to build to (km).")
@click.option("--race", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Race day.")
@click.option("--distance-km", type=float, default=None, help="The race distance (km).")
@click.pass_context
@errors_as_click
def goal_set(
    ctx: click.Context,
    athlete: str,
    weekly_km: float | None,
    race: datetime | None,
    distance_km: float | None,
) -> None:
    """Set the goal: --weekly-km X, or --race YYYY-MM-DD --distance-km X.

    \b
    Example:
        loadwatch goal set --athlete ana --weekly-km 40
        loadwatch goal set --athlete ana --race 2027-04-18 --distance-km 21.1
    """
    view = services.set_goal(
        db_engine(ctx),
        athlete,
        weekly_m=None if weekly_km is None else weekly_km * 1000,
        race_date=race.date() if race else None,
        race_m=None if distance_km is None else distance_km * 1000,
        today=local_today(),
    )
    _print_goal(view)


@goal.command("show")
@athlete_option()
@click.pass_context
@errors_as_click
def goal_show(ctx: click.Context, athlete: str) -> None:
    """Show the goal and the run days.

    \b
    Example:
        loadwatch goal show --athlete ana
    """
    _print_goal(services.show_goal(db_engine(ctx), athlete))


@goal.command("clear")
@athlete_option()
@click.pass_context
@errors_as_click
def goal_clear(ctx: click.Context, athlete: str) -> None:
    """Remove the goal: the season then holds your best recent week.

    \b
    Example:
        loadwatch goal clear --athlete ana
    """
    _print_goal(services.clear_goal(db_engine(ctx), athlete))


@cli.command("run-days")
@athlete_option()
@click.option("--days", default=None, help="Run weekdays, e.g. tue,thu,sat,sun.")
@click.option("--runs-per-week", type=int, default=None, help="Runs a week (default: the days).")
@click.option("--habit", is_flag=True, help="Back to the habit of your last weeks of running.")
@click.pass_context
@errors_as_click
def run_days(
    ctx: click.Context, athlete: str, days: str | None, runs_per_week: int | None, habit: bool
) -> None:
    """Choose the weekdays the plan puts runs on (default: your habit).

    \b
    Example:
        loadwatch run-days --athlete ana --days tue,thu,sat,sun
        loadwatch run-days --athlete ana --habit --runs-per-week 3
    """
    if habit == (days is not None):
        raise click.ClickException("give either --days (e.g. tue,thu,sat) or --habit")
    weekdays = None if habit or days is None else services.run_weekdays(days)
    view = services.set_run_days(
        db_engine(ctx), athlete, weekdays=weekdays, runs_per_week=runs_per_week
    )
    _print_goal(view)
