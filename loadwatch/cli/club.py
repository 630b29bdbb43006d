"""Club mode at the server's shell (issue #11): `loadwatch user` (add, list, reset-password,
disable) and `loadwatch audit`. Squads: cli/squads.py.
"""

from __future__ import annotations

import secrets
import sys
from datetime import datetime

import click
from rich.table import Table

from loadwatch import services
from loadwatch.cli._group import (
    add_plain_row,
    cli,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    make_console,
)

ROLES = ("runner", "coach", "admin")


def _password(password_stdin: bool, generate: bool = False) -> str:
    """The new password: generated, one line from stdin (`--password-stdin`; its line end,
    LF or CRLF, is not part of it), else a hidden prompt."""
    if generate:
        return secrets.token_urlsafe(12)
    if password_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


@cli.group()
def user() -> None:
    """Club accounts: runners, coaches and admins (docs/club.md).

    \b
    Example:
        printf '%s\\n' "$PASSWORD" | loadwatch user add kim --role coach --password-stdin
        loadwatch user list
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (one line).")
@click.option(
    "--generate-password",
    is_flag=True,
    help="Make a random first password and print it once (to hand to the person).",
)
@click.option("--email", default=None, help="The address the coach's digest goes to.")
@click.pass_context
@errors_as_click
def user_add(
    ctx: click.Context,
    name: str,
    role: str,
    password_stdin: bool,
    generate_password: bool,
    email: str | None,
) -> None:
    """Add an account. A runner owns the athlete of the same name (created if missing). The
    password is typed here, so the first login asks the person for a new one of their own.

    \b
    Example:
        loadwatch user add ana --role runner --generate-password
        printf '%s\\n' "$PASSWORD" | loadwatch user add ben --role runner --password-stdin
    """
    if email is not None:
        services.email_address(email)  # a bad address refuses the account before it is made
    password = _password(password_stdin, generate_password)
    view = services.add_user(db_engine(ctx), name, role, password, must_change_password=True)
    if email is not None:
        services.set_email(db_engine(ctx), view.name, email)
    owns = f", owns athlete {view.athlete}" if view.athlete else ""
    click.echo(f"Added {view.role.value} {view.name}{owns}.")
    if generate_password:
        click.echo(f"First password for {view.name}: {password} (to be changed at first login)")


@user.command("list")
@json_option()
@click.pass_context
@errors_as_click
def user_list(ctx: click.Context, as_json: bool) -> None:
    """Every account with its role and state (never a password or its hash).

    \b
    Example:
        loadwatch user list --json
    """
    users = services.list_users(db_engine(ctx))
    if as_json:
        echo_json(
            [
                {
                    "name": u.name,
                    "role": u.role.value,
                    "athlete": u.athlete,
                    "disabled": u.is_disabled,
                    "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                    "created_at": u.created_at.isoformat(),
                }
                for u in users
            ]
        )
        return
    if not users:
        click.echo("No accounts yet: `loadwatch user add NAME --role admin --password-stdin`.")
        return
    table = Table("user", "role", "athlete", "state", "since")
    for u in users:
        state = "disabled" if u.is_disabled else ("locked" if u.locked_until else "active")
        add_plain_row(table, u.name, u.role.value, u.athlete or "", state, _when(u.created_at))
    make_console().print(table)


@user.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (one line).")
@click.pass_context
@errors_as_click
def user_reset_password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password; unlocks the account and logs it out everywhere.

    \b
    Example:
        printf '%s\\n' "$PASSWORD" | loadwatch user reset-password ana --password-stdin
    """
    services.reset_password(db_engine(ctx), name, _password(password_stdin))
    click.echo(f"Password of {name} changed; its sessions have ended.")


@user.command("disable")
@click.argument("name")
@click.pass_context
@errors_as_click
def user_disable(ctx: click.Context, name: str) -> None:
    """Disable an account: it cannot log in and its open sessions end at once.

    \b
    Example:
        loadwatch user disable ana
    """
    services.disable_user(db_engine(ctx), name)
    click.echo(f"{name} is disabled; its sessions have ended.")


@cli.command()
@click.option("--athlete", default=None, help="Only entries about this athlete.")
@click.option("--actor", "actor_name", default=None, help="Only entries by this user.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@json_option()
@click.pass_context
@errors_as_click
def audit(
    ctx: click.Context,
    athlete: str | None,
    actor_name: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Who read or changed whose data, and when (newest first; kept 400 days).

    \b
    Example:
        loadwatch audit --athlete ana --limit 50
    """
    entries = services.audit_entries(
        db_engine(ctx), athlete=athlete, actor_name=actor_name, limit=limit
    )
    if as_json:
        echo_json(
            [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "athlete": e.athlete,
                    "detail": e.detail,
                    "source": e.source,
                }
                for e in entries
            ]
        )
        return
    if not entries:
        click.echo("The audit trail is empty.")
        return
    table = Table("when", "who", "action", "athlete", "detail", "from")
    for e in entries:
        add_plain_row(
            table, _when(e.at), e.actor, e.action, e.athlete or "", e.detail or "", e.source or ""
        )
    make_console().print(table)
