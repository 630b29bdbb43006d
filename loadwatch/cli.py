"""The `loadwatch` command line: parses arguments, calls services, prints. No SQL, no metrics."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy import Engine

from loadwatch import __version__, services
from loadwatch.domain import ActivityRow, ImportResult, ImportStatus
from loadwatch.errors import LoadwatchError
from loadwatch.services import WEEKDAYS, Report, report_json
from loadwatch.units import (
    DistanceUnit,
    format_distance,
    parse_distance,
    parse_distance_range,
    to_unit,
)

F = TypeVar("F", bound=Callable[..., Any])
STATUS_STYLE = {
    ImportStatus.IMPORTED: "green",
    ImportStatus.MERGED: "cyan",
    ImportStatus.DUPLICATE: "yellow",
    ImportStatus.REJECTED: "red",
}
MAX_TABLE_ROWS = 200


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=160)


def _engine(ctx: click.Context) -> Engine:
    """The database for this invocation, migrated to head on first use."""
    obj = ctx.find_root().obj
    if "engine" not in obj:
        obj["engine"] = services.open_database(obj["db_url"])
    return obj["engine"]  # type: ignore[no-any-return]


def _errors_as_click(function: F) -> F:
    """sqlite-utils pattern: a LoadwatchError becomes `Error: ...` and exit code 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LoadwatchError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="loadwatch")
@click.option(
    "--db",
    "db_url",
    envvar="LOADWATCH_DB_URL",
    default=None,
    help="Database URL (default: a SQLite file in your data directory; env LOADWATCH_DB_URL).",
)
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """loadwatch: turn watch files into early warnings about training load.

    \b
    Example:
        loadwatch import ~/Downloads/export.zip --athlete ana
        loadwatch activities --athlete ana --since 2026-01-01
    """
    ctx.ensure_object(dict)
    ctx.obj["db_url"] = db_url


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


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True, help="Whose runs.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-file results as JSON.")
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

        results = services.import_paths(engine, paths, athlete=athlete, progress=on_result)
    if as_json:
        click.echo(json.dumps([_result_json(r) for r in results], indent=2))
    else:
        _print_results(console, results)
    if not results:
        raise click.ClickException("no files found in the given paths")
    if all(r.status is ImportStatus.REJECTED for r in results):
        raise click.ClickException("nothing could be imported; see the reasons above")


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


def _print_results(console: Console, results: list[ImportResult]) -> None:
    shown = results
    if len(results) > MAX_TABLE_ROWS:
        shown = [r for r in results if r.status is not ImportStatus.IMPORTED]
    table = Table(title="Import results", show_lines=False)
    table.add_column("file", overflow="fold", max_width=70)
    table.add_column("result")
    table.add_column("detail", overflow="fold")
    for result in shown[:MAX_TABLE_ROWS]:
        detail = result.message
        if result.status is ImportStatus.IMPORTED and result.started_at is not None:
            detail = (
                f"#{result.activity_id} {result.sport.value if result.sport else ''} "
                f"{result.started_at:%Y-%m-%d %H:%M} UTC, {(result.distance_m or 0) / 1000:.2f} km"
            )
        table.add_row(
            result.filename, f"[{STATUS_STYLE[result.status]}]{result.status.value}", detail
        )
    if shown:
        console.print(table)
    hidden = len(results) - min(len(shown), MAX_TABLE_ROWS)
    if hidden:
        console.print(f"({hidden} more rows not shown; use --json for every file)")
    counts = services.count_summary(results)
    console.print(
        "Total: "
        + ", ".join(f"{counts[s]} {s.value}" for s in ImportStatus)
        + f" ({len(results)} files)"
    )


@cli.command()
@click.option("--athlete", default=None, help="Only this athlete's activities.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="From this UTC date."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (docs/cli.md).")
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
    rows = services.list_activities(_engine(ctx), athlete, since.date() if since else None)
    if as_json:
        click.echo(json.dumps([activity_json(r) for r in rows], indent=2))
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
        table.add_row(
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
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
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
        click.echo(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "activities": r.activities,
                        "distance_m": r.distance_m,
                        "last_started_at": r.last_started_at.isoformat()
                        if r.last_started_at
                        else None,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    table = Table(title="Athletes")
    for column in ("name", "activities", "km", "last activity (UTC)"):
        table.add_column(column)
    for r in rows:
        last = f"{r.last_started_at:%Y-%m-%d}" if r.last_started_at else "-"
        table.add_row(r.name, str(r.activities), f"{r.distance_m / 1000:.1f}", last)
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
    summary = services.reimport(_engine(ctx))
    click.echo(f"Re-read {summary.files} stored files; updated {summary.updated} activities.")
    for failure in summary.failed:
        click.echo(f"  failed: {failure}")


def local_today() -> date:
    return date.today()  # noqa: DTZ011 - the user's local calendar day is what they mean by "today"


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
@click.option("--port", default=8501, show_default=True, help="Port on 127.0.0.1.")
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
    app = Path(__file__).resolve().parent.parent / "app.py"
    env = {**os.environ, "LOADWATCH_DB_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
    click.echo(f"loadwatch dashboard: http://127.0.0.1:{port}")
    os.execvpe(command[0], command, env)  # noqa: S606 - replaces this process with Streamlit


# ---------------------------------------------------------------- risk engine commands


def _date(value: datetime | None) -> date | None:
    return value.date() if value else None


def _units(ctx: click.Context, athlete: str) -> DistanceUnit:
    return services.athlete_settings(_engine(ctx), athlete).units


@cli.command()
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Local day (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="The stable JSON contract (docs/report.md).")
@click.pass_context
@_errors_as_click
def report(ctx: click.Context, athlete: str, as_of: datetime | None, as_json: bool) -> None:
    """Status: this week, warnings in order (with their sources), shoes, and the 7-day plan.

    \b
    Example:
        loadwatch report --athlete ana --as-of 2026-11-21
        loadwatch report --athlete ana --json
    """
    result = services.report(_engine(ctx), athlete, _date(as_of), today=local_today())
    if as_json:
        click.echo(json.dumps(report_json(result), indent=2))
        return
    _print_report(result)


def _print_report(result: Report) -> None:
    console = _console()
    unit = result.units
    console.print(f"[bold]{result.athlete}[/bold], as of {result.as_of:%a %d %b %Y}")
    data = report_json(result)
    context = data["context"]
    if data["weeks"]:
        this = data["weeks"][-1]
        growth = this["growth_ratio"]
        growth_text = "n/a" if growth is None else f"{growth:+.0%} vs last week"
        mean = context["four_week_mean_m"]
        mean_text = "" if not mean else f"; 4-week mean {format_distance(mean, unit)}"
        console.print(
            f"This week: {format_distance(this['run_distance_m'], unit)} in {this['runs']} runs "
            f"({growth_text}{mean_text})"
        )
    else:
        console.print("No runs yet: import a .fit, .gpx or .tcx file with `loadwatch import`.")
    if context["next_run_cap_m"]:
        console.print(f"Next run: keep it under {format_distance(context['next_run_cap_m'], unit)}")
    console.print("\n[bold]Warnings[/bold]" if result.alerts else "\nNo warnings.")
    style = {"warning": "red", "caution": "yellow", "info": "cyan"}
    for alert in result.alerts:
        cites = "; ".join(services.citation(c).text for c in alert.citations)
        label = f"{alert.severity.value.upper():8}"
        console.print(f"[{style[alert.severity.value]}]{label}[/] {escape(alert.message)}")
        for line in alert.advice:
            console.print(f"         - {escape(line)}")
        console.print(f"         [dim]source: {escape(cites)}[/dim]")
    if data["shoes"]:
        console.print("\n[bold]Shoes[/bold]")
        for shoe in data["shoes"]:
            default = " (default)" if shoe["is_default"] else ""
            console.print(
                escape(
                    f"  {shoe['name']}{default}: {format_distance(shoe['distance_m'], unit, 0)} "
                    f"[{shoe['status']}]"
                )
            )
    pain = data["pain"]
    if pain["zone"]:
        console.print(f"\nPain: latest zone {pain['zone']}, morning trend {pain['trend']}")
    console.print("\n[bold]Next 7 days[/bold]")
    for day in result.plan:
        cap = f" (max {format_distance(day.max_distance_m, unit)})" if day.max_distance_m else ""
        done = " [done]" if day.done else ""
        line = f"  {day.date:%a %d %b}  {day.kind.value:14} {day.reason}{cap}{done}"
        console.print(escape(line))
    console.print("\n[dim]loadwatch informs; it is not medical advice.[/dim]")


@cli.group()
def pain() -> None:
    """Log pain after a run (0-10) and the next-morning check-in.

    \b
    Example:
        loadwatch pain log --during 3 --after 5 --location "knee front"
        loadwatch pain morning 2
    """


@pain.command("log")
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.option("--during", type=int, default=None, help="Pain during the run, 0-10.")
@click.option("--after", type=int, default=None, help="Pain after the run, 0-10.")
@click.option("--location", type=click.Choice(services.PAIN_LOCATIONS), default=None)
@click.option("--note", default=None)
@click.option("--run", "run_id", type=int, default=None, help="Activity id (default: latest run).")
@click.option("--date", "on_date", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.pass_context
@_errors_as_click
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
    """Log pain during and after a run; it is linked to your latest run unless --run is given.

    \b
    Example:
        loadwatch pain log --during 2 --after 4 --location "knee front" --note "stairs"
    """
    entry = services.log_pain(
        _engine(ctx),
        athlete,
        during=during,
        after=after,
        location=location,
        note=note,
        run_id=run_id,
        on_date=_date(on_date),
        today=local_today(),
    )
    # Feedback as of the day the pain belongs to (today, for a runner logging after a run).
    result = services.report(_engine(ctx), athlete, entry.entry_date, today=local_today())
    run = f" (run #{entry.activity_id})" if entry.activity_id else ""
    click.echo(f"Logged pain for {entry.entry_date}{run}: zone {result.pain.zone}.")
    for alert in (a for a in result.alerts if a.rule_id == "pain"):
        click.echo(f"{alert.severity.value.upper()}: {alert.message}")
    crosses = [p for p in result.plan if p.kind.value == "cross-training" and not p.done]
    cross = next((p for p in crosses if p.caused_by == "pain"), crosses[0] if crosses else None)
    if cross and result.pain.zone in ("amber", "red"):
        click.echo(f"Suggested: {cross.date:%a %d %b} {cross.kind.value} ({cross.sport}).")


@pain.command("morning")
@click.argument("score", type=int)
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.option("--date", "on_date", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.pass_context
@_errors_as_click
def pain_morning(ctx: click.Context, score: int, athlete: str, on_date: datetime | None) -> None:
    """Log this morning's pain (0-10): has yesterday's run's pain settled?

    \b
    Example:
        loadwatch pain morning 1
    """
    entry = services.log_morning_pain(
        _engine(ctx), athlete, score, _date(on_date), today=local_today()
    )
    click.echo(f"Logged morning pain {entry.morning}/10 for {entry.entry_date}.")


@pain.command("list")
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@_errors_as_click
def pain_list(ctx: click.Context, athlete: str, as_json: bool) -> None:
    """List pain entries, oldest first.

    \b
    Example:
        loadwatch pain list --athlete ana
    """
    entries = services.list_pain(_engine(ctx), athlete)
    if as_json:
        click.echo(
            json.dumps(
                [{**asdict(e), "entry_date": e.entry_date.isoformat()} for e in entries], indent=2
            )
        )
        return
    table = Table(title=f"Pain log: {athlete}")
    for column in ("date", "during", "after", "morning", "location", "run", "note"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            str(e.entry_date),
            _dash(e.during),
            _dash(e.after),
            _dash(e.morning),
            e.location or "",
            _dash(e.activity_id),
            e.note or "",
        )
    _console().print(table)


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


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
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.option("--model", "brand_model", default=None, help="Brand and model.")
@click.option("--starting-distance", default="0", help="Distance already on the pair, e.g. 120mi.")
@click.option("--window", default=None, help="Replacement window, e.g. 300-500mi (the default).")
@click.option("--default", "is_default", is_flag=True, help="New runs go on this pair.")
@click.pass_context
@_errors_as_click
def shoes_add(
    ctx: click.Context,
    name: str,
    athlete: str,
    brand_model: str | None,
    starting_distance: str,
    window: str | None,
    is_default: bool,
) -> None:
    """Add a pair of shoes (distances in your units unless suffixed km or mi).

    \b
    Example:
        loadwatch shoes add "Clifton 9" --starting-distance 120mi --window 300-500mi --default
    """
    unit = _units_or_km(ctx, athlete)
    shoe = services.add_shoe(
        _engine(ctx),
        athlete,
        name,
        brand_model=brand_model,
        starting_distance_m=parse_distance(starting_distance, unit),
        window_m=parse_distance_range(window, unit) if window else None,
        is_default=is_default,
    )
    click.echo(
        f"Added {shoe.name!r}: {format_distance(shoe.distance_m, unit, 0)}, status {shoe.status}."
    )


def _units_or_km(ctx: click.Context, athlete: str) -> DistanceUnit:
    try:
        return _units(ctx, athlete)
    except LoadwatchError:
        return DistanceUnit.KM


@shoes.command("list")
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@_errors_as_click
def shoes_list(ctx: click.Context, athlete: str, as_json: bool) -> None:
    """List pairs with distance (start + runs) and status: ok, window, caution, replace, retired.

    \b
    Example:
        loadwatch shoes list --athlete ana
    """
    views = services.list_shoes(_engine(ctx), athlete)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {**asdict(v), "retired_on": str(v.retired_on) if v.retired_on else None}
                    for v in views
                ],
                indent=2,
            )
        )
        return
    unit = _units(ctx, athlete)
    table = Table(title=f"Shoes: {athlete}")
    for column in ("name", "model", "distance", "runs", "window", "status", "default"):
        table.add_column(column)
    for v in views:
        low, high = to_unit(v.window_start_m, unit), to_unit(v.window_end_m, unit)
        window = f"{low:.0f}-{high:.0f} {unit.value}"
        table.add_row(
            v.name,
            v.brand_model or "",
            format_distance(v.distance_m, unit, 0),
            str(v.runs),
            window,
            v.status,
            "yes" if v.is_default else "",
        )
    _console().print(table)


@shoes.command("retire")
@click.argument("name")
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.pass_context
@_errors_as_click
def shoes_retire(ctx: click.Context, name: str, athlete: str) -> None:
    """Retire a pair: it keeps its history but gets no new runs.

    \b
    Example:
        loadwatch shoes retire "Pegasus 40"
    """
    shoe = services.retire_shoe(_engine(ctx), athlete, name, today=local_today())
    click.echo(
        f"Retired {shoe.name!r} at {format_distance(shoe.distance_m, _units(ctx, athlete), 0)}."
    )


@shoes.command("default")
@click.argument("name")
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.pass_context
@_errors_as_click
def shoes_default(ctx: click.Context, name: str, athlete: str) -> None:
    """Make a pair the default: newly imported runs go on it.

    \b
    Example:
        loadwatch shoes default "Clifton 9"
    """
    shoe = services.set_default_shoe(_engine(ctx), athlete, name)
    click.echo(f"New runs now go on {shoe.name!r}.")


@shoes.command("assign")
@click.argument("activity_id", type=int)
@click.argument("name")
@click.pass_context
@_errors_as_click
def shoes_assign(ctx: click.Context, activity_id: int, name: str) -> None:
    """Put a run (by activity id, see `loadwatch activities`) on a pair.

    \b
    Example:
        loadwatch shoes assign 42 "Clifton 9"
    """
    services.assign_shoe(_engine(ctx), activity_id, name)
    click.echo(f"Run #{activity_id} is now on {name!r}.")


@cli.command()
@click.option("--athlete", default=services.DEFAULT_ATHLETE, show_default=True)
@click.option("--units", type=click.Choice(["km", "mi"]), default=None)
@click.option("--week-start", default=None, help="monday ... sunday")
@click.option(
    "--home-tz", default=None, help="Time zone for files without one, e.g. Europe/Zurich."
)
@click.option(
    "--default-sport", default=None, help="Sport for files that do not say (GPX without <type>)."
)
@click.option(
    "--threshold", "thresholds", multiple=True, help="NAME=VALUE, e.g. weekly_growth_ratio=0.15"
)
@click.option("--json", "as_json", is_flag=True)
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
            overrides[key.strip()] = float(value)
        except ValueError:
            raise click.ClickException(
                f"threshold must look like NAME=NUMBER, got {item!r}"
            ) from None
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
        click.echo(json.dumps(data, indent=2))
        return
    for key, shown in data.items():
        if key != "thresholds":
            click.echo(f"{key}: {shown}")
    for key, number in result.thresholds.to_dict().items():
        click.echo(f"  {key} = {number:g}")


@cli.group()
def squad() -> None:
    """A coach's squad: every athlete's week at a glance, riskiest first.

    \b
    Example:
        loadwatch squad add "Coach Kim" ana ben
        loadwatch squad show --coach "Coach Kim"
    """


@squad.command("show")
@click.option("--coach", default=None, help="Only this coach's athletes (default: everyone).")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Local day (default today)."
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@_errors_as_click
def squad_show(
    ctx: click.Context, coach: str | None, as_of: datetime | None, as_json: bool
) -> None:
    """One row per athlete: this week, growth, largest spike, pain, shoes, flags; riskiest first.

    \b
    Example:
        loadwatch squad show --coach "Coach Kim" --json
    """
    rows = services.squad_overview(_engine(ctx), _date(as_of), today=local_today(), coach=coach)
    if as_json:
        data = [
            {
                **asdict(r),
                "flags": list(r.flags),
                "last_run_date": r.last_run_date.isoformat() if r.last_run_date else None,
            }
            for r in rows
        ]
        click.echo(json.dumps(data, indent=2))
        return
    table = Table(title=f"Squad{' of ' + coach if coach else ''}: riskiest first")
    for column in (
        "athlete",
        "status",
        "this week km",
        "growth",
        "largest spike",
        "pain",
        "shoes",
        "flags",
    ):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.athlete,
            r.top_severity or "ok",
            f"{r.this_week_m / 1000:.1f}",
            "-" if r.growth_ratio is None else f"{r.growth_ratio:+.0%}",
            "-" if r.largest_spike_ratio is None else f"{r.largest_spike_ratio:.2f}x",
            r.pain_zone or "-",
            r.shoe_status or "-",
            ", ".join(r.flags),
        )
    _console().print(table)


@squad.command("add")
@click.argument("coach")
@click.argument("athletes", nargs=-1, required=True)
@click.pass_context
@_errors_as_click
def squad_add(ctx: click.Context, coach: str, athletes: tuple[str, ...]) -> None:
    """Add athletes to a coach's squad (the coach is created on first use).

    \b
    Example:
        loadwatch squad add "Coach Kim" ana ben chloe
    """
    members = services.add_to_squad(_engine(ctx), coach, athletes)
    click.echo(f"{coach}'s squad: {', '.join(members)}")
