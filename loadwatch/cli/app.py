"""Setting up: init-db, demo, dashboard and settings."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import click

from loadwatch import services
from loadwatch.cli._group import (
    LazyHelpOption,
    _engine,
    _errors_as_click,
    athlete_option,
    cli,
    echo_json,
    json_option,
    local_today,
)
from loadwatch.domain import WEEKDAYS, ImportStatus


@cli.command("init-db")
@click.pass_context
@_errors_as_click
def init_db(ctx: click.Context) -> None:
    """Create or upgrade the database to the latest schema (other commands do this too).

    \b
    Example:
        loadwatch --db sqlite:///club.db init-db
    """
    engine = _engine(ctx)
    click.echo(f"Database ready: {engine.url.render_as_string(hide_password=True)}")


@cli.command()
@click.pass_context
@_errors_as_click
def demo(ctx: click.Context) -> None:
    """Load the demo squad (seeded FIT, GPX and TCX files) into the database.

    Athletes already present are left alone, so running it twice changes nothing.

    \b
    Example:
        loadwatch --db sqlite:///demo.db demo
    """
    results = services.load_demo(_engine(ctx), today=local_today())
    counts = services.count_summary(results)
    click.echo(f"Demo squad loaded: {counts[ImportStatus.IMPORTED]} activities imported.")


@cli.command()
@click.option(
    "--demo", "with_demo", is_flag=True, help="Load the demo squad into an empty database."
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8501,
    show_default=True,
    help="Port on 127.0.0.1.",
)
@click.pass_context
@_errors_as_click
def dashboard(ctx: click.Context, with_demo: bool, port: int) -> None:
    """Start the Streamlit dashboard on http://127.0.0.1:PORT.

    \b
    Example:
        loadwatch dashboard --demo
    """
    engine = _engine(ctx)
    if with_demo and not services.list_athletes(engine):
        click.echo("Loading the demo squad (first start only)...")
        services.load_demo(engine, today=local_today())
    app = Path(__file__).resolve().parents[2] / "app.py"
    env = {**os.environ, "LOADWATCH_DB_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
    click.echo(f"loadwatch dashboard: http://127.0.0.1:{port}")
    services.stop_pool_helpers()  # else they stay as zombies under Streamlit (issue #13)
    os.execvpe(command[0], command, env)  # noqa: S606 - replaces this process with Streamlit


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
@_errors_as_click
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
    engine = _engine(ctx)
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
    for key, number in result.thresholds.to_dict().items():
        click.echo(f"  {key} = {number:g}")
