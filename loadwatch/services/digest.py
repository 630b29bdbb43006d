"""The coach's digest (issue #25): the squad triage as an email, the athletes who need action
first, then everyone else in one line each; sent over SMTP and remembered for `--since-last`.

The digest reads the same triage as the Squad page (`squad_triage`), so its sentences, numbers,
sources and snoozes are the page's. Building a digest reads; sending writes what was sent (the
runner can read what was sent about them) and the audit trail.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from html import escape
from urllib.parse import urlencode

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Coach, DigestEntry, DigestState, User
from loadwatch.domain import Alert
from loadwatch.errors import InputError, LoadwatchError, NotFoundError
from loadwatch.rules.citations import CITATIONS
from loadwatch.services._checks import athlete_name
from loadwatch.services._common import today as local_today
from loadwatch.services.triage import Triage, TriageRow, squad_triage
from loadwatch.units import format_distance

log = logging.getLogger(__name__)

QUIET_DAYS = 10  # issue #25: "a runner gone quiet for 10+ days" (loadwatch default)
SMTP_TIMEOUT_S = 30.0
SECURITY_CHOICES = ("starttls", "tls", "none")
QUIET_RULE = "quiet"  # the digest's own flag for a runner gone quiet (not a rule of the report)
OK_RULE = "ok"


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


def email_address(value: str) -> str:
    """A checked email address ("ana@example.org"); the standard library's parser decides.

    Raises:
        InputError: not one plain address.
    """
    text = str(value).strip()
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, TypeError) as exc:
        raise InputError(f"{text!r} is not an email address like ana@example.org") from exc
    if not address.username or "." not in address.domain or text != address.addr_spec:
        raise InputError(f"{text!r} is not an email address like ana@example.org")
    return address.addr_spec


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


@dataclass(frozen=True, slots=True)
class DigestLine:
    """One athlete in a digest: the triage's sentence with its numbers and its source."""

    athlete: str
    needs_action: bool
    status: str  # warning | caution | quiet | ok
    rule_id: str  # the flag's rule id, "quiet" or "ok"
    severity: str
    sentence: str
    source: str | None
    week: str  # "this week 12.0 km (last week to Mon 10.0 km)"
    link: str | None
    is_new: bool  # not in the recipient's last digest

    @property
    def key(self) -> str:
        return f"{self.athlete}:{self.rule_id}:{self.severity}"


@dataclass(frozen=True, slots=True)
class Digest:
    """A digest for one recipient, ready to send: `text` and `html` are the two parts."""

    recipient: str
    to_address: str | None
    as_of: date
    action: tuple[DigestLine, ...]
    others: tuple[DigestLine, ...]
    subject: str
    text: str
    html: str
    flags: tuple[str, ...]  # every action key in force, kept for the next `--since-last`
    since_last: bool

    @property
    def is_empty(self) -> bool:
        return not self.action and not self.others


def _source(alert: Alert) -> str | None:
    texts = [CITATIONS[k].text for k in alert.citations if k in CITATIONS]
    return "; ".join(texts) or None


def _link(base_url: str | None, athlete: str, as_of: date) -> str | None:
    if not base_url:
        return None
    query = urlencode({"athlete": athlete, "as_of": as_of.isoformat()})
    return f"{base_url.rstrip('/')}/?{query}"


def _lines(triage: Triage, as_of: date, base_url: str | None) -> list[DigestLine]:
    lines = []
    for row in triage.rows:
        lines.append(_line(row, triage, as_of, base_url))
    return lines


def _line(t: TriageRow, triage: Triage, as_of: date, base_url: str | None) -> DigestLine:
    row = t.row
    units = triage.units
    week = (
        f"this week {format_distance(row.this_week_m, units)} "
        f"(last week to {as_of:%a} {format_distance(row.last_week_to_date_m, units)})"
    )
    link = _link(base_url, row.athlete, as_of)
    quiet_days = (as_of - row.last_run_date).days if row.last_run_date else None
    if t.open_flags:
        top = t.open_flags[0]
        return DigestLine(
            row.athlete,
            True,
            t.status,
            top.rule_id,
            top.severity.value,
            t.why,  # the Squad page's sentence, worded for the coach (issue #24)
            _source(top),
            week,
            link,
            True,
        )
    if row.injured_days is not None or row.return_step is not None:
        if row.return_step is not None:
            step, steps = row.return_step
            sentence = f"Back from an injury: return step {step} of {steps}."
        else:
            sentence = f"Injured ({row.injury_site or 'site not given'}), day {row.injured_days}."
        return DigestLine(
            row.athlete, True, "injury", "injury", "info", sentence, None, week, link, True
        )
    if quiet_days is None or quiet_days >= QUIET_DAYS:
        sentence = (
            f"No run logged for {quiet_days} days (last on {row.last_run_date:%a %d %b %Y}); "
            "a word may help."
            if quiet_days is not None and row.last_run_date is not None
            else "No run logged in the last 120 days."
        )
        return DigestLine(
            row.athlete,
            True,
            QUIET_RULE,
            QUIET_RULE,
            "info",
            sentence + f" (quiet after {QUIET_DAYS} days: loadwatch default)",
            None,
            week,
            link,
            True,
        )
    return DigestLine(row.athlete, False, OK_RULE, OK_RULE, "info", t.why, None, week, link, False)


def _recipient_triage(
    engine: Engine, coach: str, as_of: date, today: date
) -> tuple[str, str | None, list[Triage]]:
    """(recipient key, email address, the triages it covers) for a coach account (club mode)
    or a squad's name (personal mode)."""
    name = str(coach).strip()
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is not None and not user.is_disabled:
            if user.role not in (Role.COACH.value, Role.ADMIN.value):
                raise InputError(f"{name!r} is a {user.role} account, not a coach")
            actor = Actor(user.name, Role(user.role), user.id)
            squads = session.scalars(
                select(Coach).where(Coach.coach_user_id == user.id).order_by(Coach.name)
            ).all()
            address = user.email
            squad_names: list[str] = [s.name for s in squads]
        else:
            squad = session.scalar(select(Coach).where(Coach.name == name))
            if squad is None:
                raise NotFoundError(f"no coach account or squad named {name!r}")
            actor, address, squad_names = LOCAL, None, [squad.name]
    if not squad_names:
        raise InputError(f"{name} coaches no squad: there is nobody to write a digest about")
    triages = [
        squad_triage(engine, squad, as_of=as_of, today=today, actor=actor) for squad in squad_names
    ]
    if not any(t.rows for t in triages):
        raise InputError(f"{name}'s squads have no athletes yet: there is nothing to send")
    return name, address, triages


def coach_digest(
    engine: Engine,
    coach: str,
    *,
    as_of: date | None = None,
    today: date | None = None,
    base_url: str | None = None,
    since_last: bool = False,
    to_address: str | None = None,
) -> Digest:
    """The digest for one coach account (club mode) or one squad (personal mode), as of a day.

    Athletes who need action come first, worst first, as the Squad page ranks them: an open
    flag (new red pain, a pain trend, a spike, a large week, a shoe, no strength while knee
    pain ...), an injury or a return step, or no run for `QUIET_DAYS` days. Snoozed flags stay
    out until their snooze ends. With `since_last`, only flags not in the recipient's last
    digest are kept, and nobody else is listed.

    Raises:
        NotFoundError: no coach account or squad of that name.
        InputError: a runner account, a coach without athletes, a bad address or date.
    """
    today = today or local_today()
    as_of = as_of or today
    recipient, address, triages = _recipient_triage(engine, coach, as_of, today)
    if to_address is not None:
        address = email_address(to_address)
    seen: dict[str, DigestLine] = {}
    for triage in triages:
        for line in _lines(triage, as_of, base_url):
            seen.setdefault(line.athlete, line)  # an athlete in two squads is listed once
    lines = list(seen.values())
    previous = _previous_flags(engine, recipient)
    flags = tuple(sorted(line.key for line in lines if line.needs_action))
    # "new" marks what was not in the last digest; a first digest marks nothing (all is new)
    lines = [_with_new(line, previous is not None and line.key not in previous) for line in lines]
    action = [line for line in lines if line.needs_action]
    others = [line for line in lines if not line.needs_action]
    if since_last:
        action = [line for line in action if previous is None or line.key not in previous]
        others = []
    units = triages[0].units
    subject = _subject(recipient, as_of, len(action), since_last)
    text = _text(recipient, as_of, action, others, since_last, units.value)
    html = _html(recipient, as_of, action, others, since_last)
    return Digest(
        recipient,
        address,
        as_of,
        tuple(action),
        tuple(others),
        subject,
        text,
        html,
        flags,
        since_last,
    )


def _with_new(line: DigestLine, is_new: bool) -> DigestLine:
    from dataclasses import replace

    return replace(line, is_new=is_new and line.needs_action)


def _previous_flags(engine: Engine, recipient: str) -> frozenset[str] | None:
    with Session(engine) as session:
        state = session.scalar(select(DigestState).where(DigestState.recipient == recipient))
        if state is None:
            return None
        return frozenset(str(k) for k in json.loads(state.flags_json or "[]"))


def _subject(recipient: str, as_of: date, needing: int, since_last: bool) -> str:
    what = "new since the last digest" if since_last else "need a word"
    count = f"{needing} athlete{'s' if needing != 1 else ''}"
    return f"loadwatch squad digest {as_of:%a %d %b %Y}: {count} {what}"


def _text(
    recipient: str,
    as_of: date,
    action: Sequence[DigestLine],
    others: Sequence[DigestLine],
    since_last: bool,
    unit: str,
) -> str:
    out = [f"Squad digest for {recipient}, as of {as_of:%a %d %b %Y} (distances in {unit})", ""]
    if action:
        out.append("Needs action" + (" (new since the last digest)" if since_last else "") + ":")
        for line in action:
            new = " [new]" if line.is_new and not since_last else ""
            out.append(f"- {line.athlete} ({line.status}){new}: {line.sentence}")
            out.append(f"  {line.week}")
            if line.source:
                out.append(f"  Source: {line.source}")
            if line.link:
                out.append(f"  {line.link}")
    else:
        out.append("Nobody needs action" + (" that is new." if since_last else "."))
    if others:
        out += ["", "Everyone else:"]
        out += [f"- {line.athlete}: {line.sentence} {line.week}" for line in others]
    out += [
        "",
        "loadwatch informs; it is not medical advice. "
        "Snoozed flags stay out until the snooze ends.",
    ]
    return "\n".join(out) + "\n"


_STATUS_COLOUR = {"warning": "#b42318", "caution": "#b54708", "injury": "#6941c6"}


def _html(
    recipient: str,
    as_of: date,
    action: Sequence[DigestLine],
    others: Sequence[DigestLine],
    since_last: bool,
) -> str:
    def athlete(line: DigestLine) -> str:
        name = escape(line.athlete)
        return f'<a href="{escape(line.link)}">{name}</a>' if line.link else name

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{escape(_subject(recipient, as_of, len(action), since_last))}</title></head>",
        "<body style='margin:0;padding:12px;font-family:system-ui,-apple-system,Segoe UI,"
        "Roboto,sans-serif;font-size:16px;line-height:1.45;color:#101828;background:#fff'>",
        "<div style='max-width:600px;margin:0 auto'>",
        f"<h1 style='font-size:20px;margin:0 0 4px'>Squad digest: {escape(recipient)}</h1>",
        f"<p style='margin:0 0 16px;color:#475467'>As of {as_of:%a %d %b %Y}</p>",
    ]
    if action:
        heading = "Needs action" + (", new since the last digest" if since_last else "")
        parts.append(f"<h2 style='font-size:18px;margin:16px 0 8px'>{heading}</h2>")
        for line in action:
            colour = _STATUS_COLOUR.get(line.status, "#344054")
            new = (
                " <span style='font-size:13px;color:#175cd3'>new</span>"
                if line.is_new and not since_last
                else ""
            )
            parts.append(
                f"<div style='border-left:4px solid {colour};padding:6px 10px;margin:0 0 12px;"
                "background:#f9fafb'>"
                f"<div><strong>{athlete(line)}</strong> "
                f"<span style='color:{colour}'>{escape(line.status)}</span>{new}</div>"
                f"<div>{escape(line.sentence)}</div>"
                f"<div style='color:#475467;font-size:14px'>{escape(line.week)}</div>"
            )
            if line.source:
                parts.append(
                    f"<div style='color:#475467;font-size:13px'>Source: {escape(line.source)}</div>"
                )
            parts.append("</div>")
    else:
        parts.append("<p>Nobody needs action" + (" that is new." if since_last else ".") + "</p>")
    if others:
        parts.append("<h2 style='font-size:18px;margin:16px 0 8px'>Everyone else</h2><ul>")
        parts += [
            f"<li>{athlete(line)}: {escape(line.sentence)} "
            f"<span style='color:#475467'>{escape(line.week)}</span></li>"
            for line in others
        ]
        parts.append("</ul>")
    parts.append(
        "<p style='color:#667085;font-size:13px;margin-top:24px'>loadwatch informs; it is not "
        "medical advice. Snoozed flags stay out until the snooze ends.</p></div></body></html>"
    )
    return "".join(parts)


def message(digest: Digest, sender: str) -> EmailMessage:
    """The digest as a MIME message: a plain-text part and an HTML alternative."""
    if digest.to_address is None:
        raise InputError(
            f"{digest.recipient} has no email address: set one with "
            f"`loadwatch user set {digest.recipient} --email ADDRESS` (or pass --to)"
        )
    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = sender
    msg["To"] = digest.to_address
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(digest.text)
    msg.add_alternative(digest.html, subtype="html")
    return msg


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


__all__ = [
    "QUIET_DAYS",
    "Digest",
    "DigestError",
    "DigestLine",
    "SentLine",
    "SmtpSettings",
    "account_email",
    "coach_digest",
    "digest_recipients",
    "digests_about",
    "email_address",
    "message",
    "record_sent",
    "send_digests",
    "set_email",
    "smtp_settings",
]
