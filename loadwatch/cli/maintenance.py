"""Looking after the database: doctor and backup (issue #23)."""

from __future__ import annotations

from pathlib import Path

import click

from loadwatch import services
from loadwatch.cli._group import (
    cli,
    echo_json,
    errors_as_click,
    json_option,
    make_console,
    plain_text,
)


@cli.command()
@json_option(help_text="Print the checks as JSON.")
@click.pass_context
@errors_as_click
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check the database (it opens, SQLite's integrity check, its migrations), the free space
    beside it and in the temporary folder, and the log folder. Changes nothing, so it also
    runs on a damaged database or one a newer loadwatch wrote. Exit code 1 when a check fails.

    \b
    Example:
        loadwatch doctor
        loadwatch --db ~/runs.db doctor --json
    """
    checks = services.doctor(ctx.find_root().obj.get("db_url"))
    if as_json:
        echo_json([{"check": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix} for c in checks])
    else:
        out = make_console()
        for check in checks:
            mark = "[green]ok[/]     " if check.ok else "[red]problem[/]"
            fix = f" -> {check.fix}" if check.fix else ""
            out.print(
                f"{mark} {plain_text(check.name)}: {plain_text(check.detail + fix)}", soft_wrap=True
            )
    failed = [c.name for c in checks if not c.ok]
    if failed:
        raise click.ClickException(f"{len(failed)} check(s) failed: {', '.join(failed)}")


@cli.command()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@errors_as_click
def backup(ctx: click.Context, destination: Path) -> None:
    """Copy the SQLite database to DESTINATION (a new file) with SQLite's online backup API:
    a consistent copy even while other commands write. To restore, stop loadwatch and copy
    the backup over the database file (or use it with --db). PostgreSQL: use pg_dump.

    \b
    Example:
        loadwatch backup ~/loadwatch-2026-12-07.db
    """
    size = services.backup_database(ctx.find_root().obj.get("db_url"), destination)
    click.echo(f"Backed up to {destination} ({size / 1024 / 1024:.1f} MB).")
