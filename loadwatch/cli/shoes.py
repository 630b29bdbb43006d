"""Shoe mileage against each pair's replacement window."""

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
    athlete_units,
    cli,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    local_today,
    make_console,
    plain_text,
)
from loadwatch.errors import LoadwatchError
from loadwatch.units import (
    DistanceUnit,
    format_distance,
    parse_distance,
    parse_distance_range,
    to_unit,
)


@cli.group()
def shoes() -> None:
    """Track mileage per pair against its replacement window (default 300-500 mi).

    \b
    Example:
        loadwatch shoes add "Pegasus 40" --starting-distance 120mi --default
        loadwatch shoes list
    """


@shoes.command("add")
@click.argument("name")
@athlete_option()
@click.option("--model", "brand_model", default=None, help="Brand and model.")
@click.option("--starting-distance", default="0", help="Distance already on the pair, e.g. 120mi.")
@click.option("--window", default=None, help="Replacement window, e.g. 300-500mi (the default).")
@click.option("--default", "is_default", is_flag=True, help="New runs go on this pair.")
@click.option(
    "--first-used",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day you ran in the pair (YYYY-MM-DD, default today): as the default pair it "
    "takes imported runs from that day on, not older ones.",
)
@click.pass_context
@errors_as_click
def shoes_add(
    ctx: click.Context,
    name: str,
    athlete: str,
    brand_model: str | None,
    starting_distance: str,
    window: str | None,
    is_default: bool,
    first_used: datetime | None,
) -> None:
    """Add a pair of shoes (distances in your units unless suffixed km or mi).

    \b
    Example:
        loadwatch shoes add "Clifton 9" --starting-distance 120mi --window 300-500mi --default
    """
    unit = _units_or_km(ctx, athlete)
    shoe = services.add_shoe(
        db_engine(ctx),
        athlete,
        name,
        brand_model=brand_model,
        starting_distance_m=parse_distance(starting_distance, unit),
        window_m=parse_distance_range(window, unit) if window else None,
        is_default=is_default or None,  # no --default: the first pair is the default
        first_used_on=first_used.date() if first_used else local_today(),
    )
    since = f", in use since {shoe.first_used_on:%Y-%m-%d}" if shoe.first_used_on else ""
    click.echo(
        f"Added {shoe.name!r}: {format_distance(shoe.distance_m, unit, 0)}, status "
        f"{shoe.status}{since}."
    )


def _units_or_km(ctx: click.Context, athlete: str) -> DistanceUnit:
    try:
        return athlete_units(ctx, athlete)
    except LoadwatchError:
        return DistanceUnit.KM


@shoes.command("list")
@athlete_option()
@json_option()
@click.pass_context
@errors_as_click
def shoes_list(ctx: click.Context, athlete: str, as_json: bool) -> None:
    """List pairs with distance (start + runs) and status: ok, window, caution, replace, retired.

    \b
    Example:
        loadwatch shoes list --athlete ana
    """
    views = services.list_shoes(db_engine(ctx), athlete)
    if as_json:
        echo_json(
            [
                {
                    **asdict(v),
                    "retired_on": str(v.retired_on) if v.retired_on else None,
                    "first_used_on": str(v.first_used_on) if v.first_used_on else None,
                }
                for v in views
            ]
        )
        return
    unit = athlete_units(ctx, athlete)
    shown = services.athlete_settings(db_engine(ctx), athlete).athlete  # "Ana", as stored (#24)
    table = Table(title=f"Shoes: {plain_text(shown)}")
    for column in ("name", "model", "distance", "runs", "window", "status", "default"):
        table.add_column(column)
    for v in views:
        low, high = to_unit(v.window_start_m, unit), to_unit(v.window_end_m, unit)
        window = f"{low:.0f}-{high:.0f} {unit.value}"
        add_plain_row(
            table,
            v.name,
            v.brand_model or "",
            format_distance(v.distance_m, unit, 0),
            str(v.runs),
            window,
            v.status,
            "yes" if v.is_default else "",
        )
    make_console().print(table)


@shoes.command("retire")
@click.argument("name")
@athlete_option()
@click.pass_context
@errors_as_click
def shoes_retire(ctx: click.Context, name: str, athlete: str) -> None:
    """Retire a pair: it keeps its history but gets no new runs.

    \b
    Example:
        loadwatch shoes retire "Pegasus 40"
    """
    shoe = services.retire_shoe(db_engine(ctx), athlete, name, today=local_today())
    distance = format_distance(shoe.distance_m, athlete_units(ctx, athlete), 0)
    click.echo(f"Retired {shoe.name!r} at {distance}.")


@shoes.command("unretire")
@click.argument("name")
@athlete_option()
@click.pass_context
@errors_as_click
def shoes_unretire(ctx: click.Context, name: str, athlete: str) -> None:
    """Bring a retired pair back: it takes runs again (it does not become the default).

    \b
    Example:
        loadwatch shoes unretire "Pegasus 40"
    """
    shoe = services.unretire_shoe(db_engine(ctx), athlete, name)
    click.echo(f"{shoe.name!r} takes runs again.")


@shoes.command("default")
@click.argument("name")
@athlete_option()
@click.pass_context
@errors_as_click
def shoes_default(ctx: click.Context, name: str, athlete: str) -> None:
    """Make a pair the default: newly imported runs go on it.

    \b
    Example:
        loadwatch shoes default "Clifton 9"
    """
    shoe = services.set_default_shoe(db_engine(ctx), athlete, name)
    click.echo(f"New runs now go on {shoe.name!r}.")


@shoes.command("assign")
@click.argument("activity_id", type=ID)
@click.argument("name")
@click.pass_context
@errors_as_click
def shoes_assign(ctx: click.Context, activity_id: int, name: str) -> None:
    """Put a run (by activity id, see `loadwatch activities`) on a pair.

    \b
    Example:
        loadwatch shoes assign 42 "Clifton 9"
    """
    services.assign_shoe(db_engine(ctx), activity_id, name)
    click.echo(f"Run #{activity_id} is now on {name!r}.")
