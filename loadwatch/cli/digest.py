"""`loadwatch digest` (the coach's squad digest by email) and `loadwatch user set` (issue #25)."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from loadwatch import services
from loadwatch.cli._group import as_of_option, cli, day_of, db_engine, errors_as_click, local_today
from loadwatch.cli.club import user
from loadwatch.errors import InputError


def _config(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise click.ClickException(f"cannot read the config file {path}: {exc}") from None


@cli.command()
@click.option("--coach", default=None, help="A coach account (club mode) or a squad's name.")
@click.option("--all-coaches", is_flag=True, help="Every coach account (or every squad).")
@as_of_option()
@click.option("--send", "mode", flag_value="send", help="Send by email ([smtp] in the config).")
@click.option("--print", "mode", flag_value="print", default=True, help="Print the text part.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the HTML part to this file.",
)
@click.option("--since-last", is_flag=True, help="Only what is new since the last digest sent.")
@click.option("--to", "to_address", default=None, help="Send to this address instead.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar="LOADWATCH_CONFIG",
    default=None,
    help="A TOML file with [smtp] (and [digest] base_url). Env LOADWATCH_CONFIG.",
)
@click.pass_context
@errors_as_click
def digest(
    ctx: click.Context,
    coach: str | None,
    all_coaches: bool,
    as_of: datetime | None,
    mode: str,
    html_path: Path | None,
    since_last: bool,
    to_address: str | None,
    config_path: Path | None,
) -> None:
    """The squad triage as an email: who needs action first (with the sentence, numbers and
    source the Squad page shows), then everyone else in one line each.

    \b
    Example:
        loadwatch digest --coach juniors --print
        loadwatch digest --coach coach-kim --send --config club.toml
        loadwatch digest --all-coaches --send --since-last --config club.toml
    """
    if bool(coach) == all_coaches:
        raise click.UsageError("give --coach NAME or --all-coaches")
    config = _config(config_path)
    section = config.get("digest", {})
    base_url = section.get("base_url") if isinstance(section, dict) else None
    engine = db_engine(ctx)
    names = [coach] if coach else services.digest_recipients(engine)
    if not names:
        raise click.ClickException("there is no coach account or squad to write a digest for")
    day = day_of(as_of)
    today = local_today()
    built = []
    failures = 0
    for name in names:
        try:
            built.append(
                services.coach_digest(
                    engine,
                    name,
                    as_of=day,
                    today=today,
                    base_url=base_url if isinstance(base_url, str) else None,
                    since_last=since_last,
                    to_address=to_address,
                )
            )
        except InputError as exc:
            if coach:
                raise
            click.echo(f"Skipped {name}: {exc}", err=True)  # --all-coaches goes on
    if not built:
        raise click.ClickException("no digest was written: no coach has athletes")
    if html_path is not None and built:
        html_path.write_text(built[0].html if len(built) == 1 else _joined(built), "utf-8")
        click.echo(f"Wrote the HTML digest to {html_path}.")
    if mode == "print":
        if html_path is None:
            for one in built:
                click.echo(f"Subject: {one.subject}\n\n{one.text}")
        return
    smtp = services.smtp_settings(config.get("smtp"))
    to_send = [d for d in built if not (d.since_last and not d.action)]
    for one in built:
        if one not in to_send:
            click.echo(f"Nothing new for {one.recipient} since the last digest; nothing sent.")
    sent = 0
    for one, reason in services.send_digests(engine, to_send, smtp):
        if reason is None:
            sent += 1
            click.echo(f"Sent the digest for {one.recipient} to {one.to_address}.")
        else:
            failures += 1
            click.echo(f"Not sent for {one.recipient}: {reason}", err=True)
    if failures and not sent:
        raise click.ClickException(f"no digest was sent ({failures} failed)")
    if failures:
        click.echo(f"{sent} sent, {failures} not sent.", err=True)


def _joined(digests: list[services.Digest]) -> str:
    return "\n<hr>\n".join(d.html for d in digests)


@user.command("set")
@click.argument("name")
@click.option("--email", default=None, help="The address the coach's digest goes to.")
@click.option("--no-email", is_flag=True, help="Remove the account's address.")
@click.pass_context
@errors_as_click
def user_set(ctx: click.Context, name: str, email: str | None, no_email: bool) -> None:
    """Change an account's details: its email address for the digest.

    \b
    Example:
        loadwatch user set coach-kim --email kim@example.org
    """
    if (email is None) == (not no_email):
        raise click.UsageError("give --email ADDRESS or --no-email")
    services.set_email(db_engine(ctx), name, None if no_email else email)
    click.echo(f"{name}: email {'removed' if no_email else 'set to ' + str(email)}.")
