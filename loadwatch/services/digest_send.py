"""Sending the coach's digest (issue #25): SMTP settings and the connection, `send_digests`,
what was sent remembered for `--since-last` and for the runner to read (`digests_about`), and
the accounts' e-mail addresses (`set_email`, `account_email`, `digest_recipients`). Sending
writes what was sent and the audit trail.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Coach, DigestEntry, DigestState, User
from loadwatch.errors import InputError, LoadwatchError, NotFoundError
from loadwatch.services._checks import athlete_name, email_address
from loadwatch.services.digest import Digest, log, message

SMTP_TIMEOUT_S = 30.0


SECURITY_CHOICES = ("starttls", "tls", "none")


class DigestError(LoadwatchError):
    """A digest could not be sent: the SMTP server, its login or an address (one line)."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The `[smtp]` table of the config file. `password` was read from the environment variable
    or file the table names, never from the table itself."""

    host: str
    port: int
    security: str  # starttls | tls | none
    from_address: str
    user: str | None = None
    password: str | None = None
    ca_file: str | None = None  # a CA bundle to trust (a club's own mail server)
    timeout_s: float = SMTP_TIMEOUT_S


def smtp_settings(
    table: Mapping[str, object] | None, environ: Mapping[str, str] | None = None
) -> SmtpSettings:
    """Read the config's `[smtp]` table: host, port, security (starttls, tls or none), user,
    password_env (the name of an environment variable) or password_file, from, ca_file.

    Raises:
        InputError: no table, a missing key or a bad value (one line saying what to set).
    """
    import os

    env = os.environ if environ is None else environ
    if not table:
        raise InputError(
            "no SMTP server configured: add an [smtp] table to the config file with host, port, "
            "security and from (docs/club.md, 'The coach's digest')"
        )
    known = {"host", "port", "security", "user", "password_env", "password_file", "from", "ca_file"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(f"unknown [smtp] keys: {', '.join(unknown)}; known: {sorted(known)}")
    host = table.get("host")
    if not isinstance(host, str) or not host.strip():
        raise InputError("[smtp] host must be the mail server's name, e.g. smtp.example.org")
    security = table.get("security", "starttls")
    if security not in SECURITY_CHOICES:
        raise InputError(f"[smtp] security must be one of {', '.join(SECURITY_CHOICES)}")
    port = table.get("port", 465 if security == "tls" else 587)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise InputError("[smtp] port must be a number 1-65535")
    sender = table.get("from")
    if not isinstance(sender, str):
        raise InputError("[smtp] from must be the address digests are sent from")
    user = table.get("user")
    if user is not None and not isinstance(user, str):
        raise InputError("[smtp] user must be text")
    password: str | None = None
    if "password_env" in table:
        name = str(table["password_env"])
        if name not in env:
            raise InputError(
                f"[smtp] password_env names {name!r}, which is not set; export it before sending"
            )
        password = env[name]
    elif "password_file" in table:
        path = str(table["password_file"])
        try:
            with open(path, encoding="utf-8") as handle:
                password = handle.read().rstrip("\r\n")
        except OSError as exc:
            raise InputError(
                f"[smtp] password_file {path!r} cannot be read: {exc.strerror}"
            ) from None
    if user and password is None:
        raise InputError("[smtp] user is set: set password_env or password_file as well")
    ca_file = table.get("ca_file")
    return SmtpSettings(
        host=host.strip(),
        port=port,
        security=str(security),
        from_address=email_address(sender),
        user=user or None,
        password=password,
        ca_file=str(ca_file) if ca_file else None,
    )


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=smtp.ca_file)
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout_s, context=context
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
            if smtp.security == "starttls":
                client.starttls(context=context)
        if smtp.user:
            client.login(smtp.user, smtp.password or "")
    except smtplib.SMTPAuthenticationError:
        raise DigestError(
            f"the mail server {where} refused the login for {smtp.user!r}; check [smtp] user "
            "and the password"
        ) from None
    except ssl.SSLError as exc:
        raise DigestError(
            f"TLS with the mail server {where} failed ({exc.reason}); check [smtp] security "
            "and ca_file"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DigestError(
            f"cannot reach the mail server {where} ({exc}); check [smtp] host and port"
        ) from None
    return client


def send_digests(
    engine: Engine, digests: Sequence[Digest], smtp: SmtpSettings
) -> list[tuple[Digest, str | None]]:
    """Send each digest over one SMTP connection and remember it (for `--since-last` and for
    the runners it is about). One refused address never stops the others.

    Returns:
        (digest, None) for each digest sent, (digest, one-line reason) for each not sent.

    Raises:
        DigestError: the server cannot be reached or refuses the login (nothing was sent).
    """
    results: list[tuple[Digest, str | None]] = []
    pending = []
    for digest in digests:
        try:
            pending.append((digest, message(digest, smtp.from_address)))
        except InputError as exc:
            results.append((digest, str(exc)))
    if not pending:
        return results
    client = _connect(smtp)
    try:
        for digest, msg in pending:
            try:
                client.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                code, why = next(iter(exc.recipients.values()))
                results.append(
                    (digest, f"the mail server refused {digest.to_address}: {code} {why!r}")
                )
                continue
            except (smtplib.SMTPException, OSError) as exc:
                results.append((digest, f"sending to {digest.to_address} failed: {exc}"))
                continue
            record_sent(engine, digest)
            results.append((digest, None))
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            log.info("the mail server closed the connection before QUIT")
    return results


def record_sent(engine: Engine, digest: Digest) -> None:
    """Remember a sent digest: its lines (a runner reads what was sent about them), the flags in
    force (the next `--since-last`), and one audit line per athlete."""
    now = repository.now_utc()
    lines = [*digest.action, *digest.others]
    with Session(writer(engine)) as session, session.begin():
        ids = {a.name: a.id for a in repository.athletes(session)}
        for line in lines:
            if line.athlete in ids:
                session.add(
                    DigestEntry(
                        recipient=digest.recipient,
                        athlete_id=ids[line.athlete],
                        rule_id=line.rule_id,
                        severity=line.severity,
                        line=f"{line.sentence} {line.week}",
                        as_of=digest.as_of,
                        sent_at=now,
                    )
                )
        state = session.scalar(select(DigestState).where(DigestState.recipient == digest.recipient))
        if state is None:
            state = DigestState(recipient=digest.recipient, flags_json="[]", sent_at=now)
            session.add(state)
        state.flags_json = json.dumps(list(digest.flags))
        state.sent_at = now
    auth.audit(
        engine,
        LOCAL,
        "digest-send",
        [line.athlete for line in lines],
        f"to {digest.recipient}",
    )


def digest_recipients(engine: Engine) -> list[str]:
    """Every coach account that coaches a squad (club mode), else every squad (personal mode):
    what `--all-coaches` sends to."""
    with Session(engine) as session:
        coaches = session.scalars(
            select(User.name)
            .join(Coach, Coach.coach_user_id == User.id)
            .where(User.is_disabled.is_(False))
            .distinct()
            .order_by(User.name)
        ).all()
        if coaches:
            return list(coaches)
        return list(session.scalars(select(Coach.name).order_by(Coach.name)))


@dataclass(frozen=True, slots=True)
class SentLine:
    """A line of a digest sent about an athlete: to whom, when and what it said."""

    sent_on: date
    recipient: str
    as_of: date
    rule_id: str
    line: str


def digests_about(
    engine: Engine, athlete: str, *, days: int = 90, actor: Actor = LOCAL
) -> list[SentLine]:
    """What digests said about an athlete in the last `days` days, newest first (the runner
    sees what was sent about them; a coach what was sent about a squad member).

    Raises:
        NotAllowedError: `actor` may not read this athlete. NotFoundError: no such athlete.
    """
    name = athlete_name(athlete)
    since = repository.now_utc() - timedelta(days=days)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, name)
        entries = session.scalars(
            select(DigestEntry)
            .where(DigestEntry.athlete_id == row.id, DigestEntry.sent_at >= since)
            .order_by(DigestEntry.sent_at.desc(), DigestEntry.id.desc())
        ).all()
        return [
            SentLine(e.sent_at.date(), e.recipient, e.as_of, e.rule_id, e.line) for e in entries
        ]


def set_email(engine: Engine, name: str, email: str | None, *, actor: Actor = LOCAL) -> None:
    """Set (or with None clear) an account's email address: its owner or an admin.

    Raises:
        InputError: a bad address. NotFoundError: no such account.
        NotAllowedError: another user's account, not being an admin.
    """
    address = email_address(email) if email else None
    with Session(writer(engine)) as session, session.begin():
        user = session.scalar(select(User).where(User.name == str(name).strip()))
        if user is None:
            raise NotFoundError(f"no account named {name!r}")
        if actor.is_local or actor.user_id != user.id:
            auth.require_admin(session, actor, "changing another account's email address")
        user.email = address
        account = user.name
    auth.audit(engine, actor, "user-email", [None], account)


def account_email(engine: Engine, *, actor: Actor) -> str | None:
    """The acting account's email address (None for LOCAL or none set)."""
    with Session(engine) as session:
        user = auth.account(session, actor)
        return user.email if user is not None else None
