"""`loadwatch report`: one athlete's week, alerts, shoes, pain and plan."""

from __future__ import annotations

from datetime import datetime

import click

from loadwatch import services
from loadwatch.cli._group import (
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
from loadwatch.units import count_noun, format_distance


@cli.command()
@athlete_option()
@as_of_option()
@json_option(help_text="The stable JSON contract (docs/report.md).")
@click.pass_context
@errors_as_click
def report(ctx: click.Context, athlete: str, as_of: datetime | None, as_json: bool) -> None:
    """Status: this week, warnings in order (with their sources), shoes, and the 7-day plan.

    \b
    Example:
        loadwatch report --athlete ana --as-of 2026-11-21
        loadwatch report --athlete ana --json
    """
    result = services.report(db_engine(ctx), athlete, day_of(as_of), today=local_today())
    if as_json:
        echo_json(services.report_json(result))
        return
    _print_report(result)


def _print_report(result: services.Report) -> None:
    console = make_console()
    unit = result.units
    console.print(f"[bold]{plain_text(result.athlete)}[/bold], as of {result.as_of:%a %d %b %Y}")
    data = services.report_json(result)
    context = data["context"]
    head = result.headline
    if data["weeks"]:
        this = data["weeks"][-1]
        last = format_distance(head.last_week_to_date_m, unit)
        growth = head.growth_to_date_ratio
        growth_text = (
            f"last week to {result.as_of:%A}: {last}"
            if growth is None
            else f"{growth:+.0%} vs last week to {result.as_of:%A}, {last}"
        )
        mean = context["four_week_mean_m"]
        to_date = context["four_week_mean_to_date_m"]
        mean_text = (
            ""
            if not mean
            else f"; 4-week mean {format_distance(mean, unit)}, "
            f"{format_distance(to_date or 0.0, unit)} to {result.as_of:%A}"
        )
        console.print(
            f"This week so far: {format_distance(this['run_distance_m'], unit)} in "
            f"{count_noun(int(this['runs']), 'run')} ({growth_text}{mean_text})"
        )
    else:
        console.print("No runs yet: import a .fit, .gpx or .tcx file with `loadwatch import`.")
    note = head.next_run_note
    console.print(plain_text(note[:1].upper() + note[1:]))
    console.print("\n[bold]Warnings[/bold]" if result.alerts else "\nNo warnings.")
    style = {"warning": "red", "caution": "yellow", "info": "cyan"}
    for alert in result.alerts:
        cites = "; ".join(services.citation(c).text for c in alert.citations)
        label = f"{alert.severity.value.upper():8}"
        console.print(f"[{style[alert.severity.value]}]{label}[/] {plain_text(alert.message)}")
        for line in alert.advice:
            console.print(f"         - {plain_text(line)}")
        console.print(f"         [dim]source: {plain_text(cites)}[/dim]")
    if data["shoes"]:
        console.print("\n[bold]Shoes[/bold]")
        for shoe in data["shoes"]:
            default = " (default)" if shoe["is_default"] else ""
            console.print(
                plain_text(
                    f"  {shoe['name']}{default}: {format_distance(shoe['distance_m'], unit, 0)} "
                    f"[{shoe['status']}]"
                )
            )
    pain = data["pain"]
    if pain["zone"]:
        settled = {True: " (settled by the next morning)", False: " (not settled)"}.get(
            pain["settled"], ""
        )
        console.print(f"\nPain: latest zone {pain['zone']}{settled}, morning trend {pain['trend']}")
    console.print("\n[bold]Next 7 days[/bold]")
    for day in result.plan:
        cap = f" (max {format_distance(day.max_distance_m, unit)})" if day.max_distance_m else ""
        done = " [done]" if day.done else ""
        line = f"  {day.date:%a %d %b}  {day.kind.value:14} {day.reason}{cap}{done}"
        console.print(plain_text(line))
    console.print("\n[dim]loadwatch informs; it is not medical advice.[/dim]")
