"""`loadwatch init-db`, `loadwatch demo` and `loadwatch settings`; the dashboard is
cli/dashboard.py."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import click

from loadwatch import services
from loadwatch.cli._group import (
    LazyHelpOption,
    athlete_option,
    cli,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    local_today,
)
from loadwatch.domain import WEEKDAYS, ImportStatus
from loadwatch.units import DistanceUnit, to_unit

if TYPE_CHECKING:
    pass


@cli.command("init-db")
@click.pass_context
@errors_as_click
def init_db(ctx: click.Context) -> None:
    """Create or upgrade the database to the latest schema (other commands do this too), then
    check a SQLite file's integrity (`PRAGMA quick_check`).

    \b
    Example:
        loadwatch --db sqlite:///club.db init-db
    """
    engine = db_engine(ctx)
    services.check_database(engine)
    click.echo(f"Database ready: {engine.url.render_as_string(hide_password=True)}")


@cli.command()
@click.option(
    "--path",
    "path_only",
    is_flag=True,
    help="Print only the demo database's location (for LOADWATCH_DB_URL=...).",
)
@click.pass_context
@errors_as_click
def demo(ctx: click.Context, path_only: bool) -> None:
    """Load the demo squad (seeded FIT, GPX and TCX files) into the demo database.

    The demo has a database of its own (printed), never your own data's: without --db it
    goes to `loadwatch-demo.db` in your data directory, and loadwatch refuses to put it in
    a database that holds your own athletes. Athletes already present are left alone, so
    running it twice changes nothing.

    \b
    Example:
        loadwatch demo
        export LOADWATCH_DB_URL="$(loadwatch demo --path)"
        loadwatch report --athlete ana
    """
    root = ctx.find_root().obj
    if root.get("db_url") is None:
        root["db_url"] = services.demo_database_url()
    engine = db_engine(ctx)
    results = services.load_demo(engine, today=local_today())
    where = services.database_path(engine)
    if path_only:
        click.echo(where)
        return
    counts = services.count_summary(results)
    click.echo(
        f"Demo squad loaded: {counts[ImportStatus.IMPORTED]} activities imported.\n"
        f"Demo database: {where}\n"
        f'Try: export LOADWATCH_DB_URL="{where}"; loadwatch report --athlete ana'
    )


def _threshold_help() -> str:
    """From the one registry of thresholds (issue #8): the same names, defaults and units as the
    rules, the charts, the Settings page and docs/rules.md. Built only when help is shown."""
    return (
        "NAME=VALUE, repeatable, e.g. weekly_growth_ratio=0.15. Names (default, unit): "
        + "; ".join(f"{s.name} ({s.default:g}, {s.unit})" for s in services.threshold_specs())
        + ". Sources: docs/rules.md."
    )


@cli.command()
@athlete_option()
@click.option("--units", type=click.Choice(["km", "mi"]), default=None)
@click.option("--week-start", default=None, help="monday ... sunday")
@click.option(
    "--home-tz", default=None, help="Time zone for files without one, e.g. Europe/Zurich."
)
@click.option(
    "--default-sport", default=None, help="Sport for files that do not say (GPX without <type>)."
)
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    cls=LazyHelpOption,
    help_factory=_threshold_help,
)
@json_option()
@click.pass_context
@errors_as_click
def settings(
    ctx: click.Context,
    athlete: str,
    units: str | None,
    week_start: str | None,
    home_tz: str | None,
    default_sport: str | None,
    thresholds: tuple[str, ...],
    as_json: bool,
) -> None:
    """Show or change units (km or mi), week start, home time zone, default sport, thresholds.

    \b
    Example:
        loadwatch settings --units mi --week-start sunday
        loadwatch settings --threshold weekly_growth_ratio=0.15
    """
    overrides: dict[str, float] = {}
    for item in thresholds:
        key, _, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            raise click.ClickException(
                f"threshold must look like NAME=NUMBER, got {item!r}"
            ) from None
        if not math.isfinite(number):  # float() reads "nan" and "inf"; neither is a threshold
            raise click.ClickException(
                f"threshold {key.strip()} must be a finite number, got {value.strip()!r}"
            )
        overrides[key.strip()] = number
    engine = db_engine(ctx)
    if units or week_start or home_tz or default_sport or overrides:
        result = services.update_settings(
            engine,
            athlete,
            units=units,
            week_start=week_start,
            home_tz=home_tz,
            thresholds=overrides or None,
            default_sport=default_sport,
        )
    else:
        result = services.athlete_settings(engine, athlete)
    data: dict[str, object] = {
        "athlete": result.athlete,
        "units": result.units.value,
        "week_start": WEEKDAYS[result.week_start],
        "home_tz": result.home_tz,
        "default_sport": result.default_sport.value,
        "thresholds": result.thresholds.to_dict(),
    }
    if as_json:
        echo_json(data)
        return
    for key, shown in data.items():
        if key != "thresholds":
            click.echo(f"{key}: {shown}")
    spec_units = {spec.name: spec.unit for spec in services.threshold_specs()}
    click.echo(f"thresholds (distances in {result.units.value}; set them as NAME=NUMBER):")
    for key, number in result.thresholds.to_dict().items():
        click.echo(
            f"  {key} = {number:g}{_in_words(spec_units.get(key, ''), number, result.units)}"
        )


def _in_words(unit: str, number: float, units: DistanceUnit) -> str:
    """A threshold's value as the dashboard shows it (issue #24): metres in the athlete's
    units, fractions as percentages."""
    if unit == "m":
        return f" ({to_unit(number, units):g} {units.value})"
    if unit == "fraction":
        return f" ({number * 100:g} %)"
    return ""
