"""`loadwatch squad`: a coach's squads (issue #11): `show` (the triage in a table), `add`,
`create`, `invite`, `join`, `leave`, `list`. The shell's user is the local operator
(`services.LOCAL`); `--user` names the runner a command acts for."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import click
from rich.table import Table

from loadwatch import services
from loadwatch.cli._group import (
    add_plain_row,
    as_of_option,
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
def squad() -> None:
    """A coach's squad: every athlete's week at a glance, riskiest first.

    \b
    Example:
        loadwatch squad add "Coach Kim" ana ben
        loadwatch squad show --coach "Coach Kim"
    """


@squad.command("show")
@click.option("--coach", default=None, help="Only this coach's athletes (default: everyone).")
@as_of_option()
@json_option()
@click.pass_context
@errors_as_click
def squad_show(
    ctx: click.Context, coach: str | None, as_of: datetime | None, as_json: bool
) -> None:
    """One row per athlete: this week, growth, largest spike, pain, shoes, flags; riskiest first.

    \b
    Example:
        loadwatch squad show --coach "Coach Kim" --json
    """
    rows = services.squad_overview(db_engine(ctx), day_of(as_of), today=local_today(), coach=coach)
    if as_json:
        data = [
            {
                # The alerts behind the flags are the dashboard's "why" (issue #12); the JSON
                # contract (docs/cli.md) keeps its columns.
                **{k: v for k, v in asdict(r).items() if k != "alerts"},
                "flags": list(r.flags),
                "last_run_date": r.last_run_date.isoformat() if r.last_run_date else None,
            }
            for r in rows
        ]
        echo_json(data)
        return
    table = Table(title=f"Squad{' of ' + plain_text(coach) if coach else ''}: riskiest first")
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
        add_plain_row(
            table,
            r.athlete,
            r.top_severity or "ok",
            f"{r.this_week_m / 1000:.1f}",
            "-" if r.growth_ratio is None else f"{r.growth_ratio:+.0%}",
            "-" if r.largest_spike_ratio is None else f"{r.largest_spike_ratio:.2f}x",
            r.pain_zone or "-",
            r.shoe_status or "-",
            ", ".join(r.flags),
        )
    make_console().print(table)


@squad.command("add")
@click.argument("coach")
@click.argument("athletes", nargs=-1, required=True)
@click.pass_context
@errors_as_click
def squad_add(ctx: click.Context, coach: str, athletes: tuple[str, ...]) -> None:
    """Add athletes to a coach's squad (the coach is created on first use).

    \b
    Example:
        loadwatch squad add "Coach Kim" ana ben chloe
    """
    members = services.add_to_squad(db_engine(ctx), coach, athletes)
    click.echo(f"{coach}'s squad: {', '.join(members)}")


@squad.command("create")
@click.argument("name")
@click.option("--coach", required=True, help="The coach account that coaches it.")
@click.pass_context
@errors_as_click
def squad_create(ctx: click.Context, name: str, coach: str) -> None:
    """Create a club squad coached by a coach account; prints its invite code.

    \b
    Example:
        loadwatch squad create "Tuesday group" --coach kim
    """
    view = services.create_squad(db_engine(ctx), name, coach)
    click.echo(f"Squad {view.name} (coach {view.coach}); invite code: {view.invite_code}")


@squad.command("invite")
@click.argument("name")
@click.option("--renew", is_flag=True, help="A new code; the old one stops working.")
@click.pass_context
@errors_as_click
def squad_invite(ctx: click.Context, name: str, renew: bool) -> None:
    """Print the squad's invite code, which runners join with.

    \b
    Example:
        loadwatch squad invite "Tuesday group"
    """
    click.echo(services.squad_invite(db_engine(ctx), name, renew=renew))


@squad.command("join")
@click.argument("code")
@click.option("--user", "user_name", required=True, help="The runner account that joins.")
@click.pass_context
@errors_as_click
def squad_join(ctx: click.Context, code: str, user_name: str) -> None:
    """A runner joins a squad with its invite code: its coach then sees their data.

    \b
    Example:
        loadwatch squad join K7QF-M2XD --user ana
    """
    view = services.join_squad(db_engine(ctx), code, user_name)
    click.echo(f"{user_name} joined {view.name} (coach {view.coach or 'none'}).")


@squad.command("leave")
@click.argument("name")
@click.option("--user", "user_name", required=True, help="The runner account that leaves.")
@click.pass_context
@errors_as_click
def squad_leave(ctx: click.Context, name: str, user_name: str) -> None:
    """A runner leaves a squad: its coach's access to their data ends at once.

    \b
    Example:
        loadwatch squad leave "Tuesday group" --user ana
    """
    services.leave_squad(db_engine(ctx), name, user_name)
    click.echo(f"{user_name} left {name}.")


@squad.command("list")
@json_option()
@click.pass_context
@errors_as_click
def squad_list(ctx: click.Context, as_json: bool) -> None:
    """Every squad with its coach, invite code and members.

    \b
    Example:
        loadwatch squad list --json
    """
    squads = services.list_squads(db_engine(ctx))
    if as_json:
        echo_json(
            [
                {
                    "name": s.name,
                    "coach": s.coach,
                    "invite_code": s.invite_code,
                    "members": list(s.members),
                }
                for s in squads
            ]
        )
        return
    table = Table("squad", "coach", "invite code", "members")
    for s in squads:
        add_plain_row(table, s.name, s.coach or "", s.invite_code or "", ", ".join(s.members))
    make_console().print(table)
