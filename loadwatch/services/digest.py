"""The coach's digest (issue #25): the squad triage as an email, the athletes who need action
first, then everyone else in one line each (`coach_digest`, `message`).

The digest reads the same triage as the Squad page (`squad_triage`), so its sentences, numbers,
sources and snoozes are the page's. Building a digest only reads; sending it over SMTP, the
addresses and what was sent: services/digest_send.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import make_msgid
from html import escape
from urllib.parse import urlencode

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db.models import Coach, DigestState, User
from loadwatch.domain import Alert
from loadwatch.errors import InputError, NotFoundError
from loadwatch.rules.citations import CITATIONS
from loadwatch.services._checks import email_address
from loadwatch.services._common import today as local_today
from loadwatch.services.triage import Triage, TriageRow, squad_triage
from loadwatch.units import format_distance

log = logging.getLogger(__name__)


QUIET_DAYS = 10  # issue #25: "a runner gone quiet for 10+ days" (loadwatch default)


QUIET_RULE = "quiet"  # the digest's own flag for a runner gone quiet (not a rule of the report)


OK_RULE = "ok"


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
