"""The coach's digest (issue #25) against a real SMTP server in the test process (aiosmtpd),
with STARTTLS and a login; and the plan as an iCalendar file."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from icalendar import Calendar
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.auth import Actor, Role
from loadwatch.cli import cli
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.synth import fit_bytes, make_track

AS_OF = date(2026, 3, 8)  # a Sunday
TODAY = date(2026, 3, 20)
SMTP_USER = "loadwatch"
SMTP_PASSWORD = "digest-sender-4c7e"  # noqa: S105 - the test server's
PASSWORD = "Tq7vZp2-river-lamp-91"  # noqa: S105 - test accounts


def _import(engine: Engine, athlete: str, runs: list[tuple[date, float]]) -> None:
    files = []
    for i, (day, km) in enumerate(runs):
        started = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
        seed = sum(map(ord, athlete)) * 100 + i
        files.append(
            (
                f"{athlete}-{i}.fit",
                fit_bytes([make_track(started, km * 1000, 330, seed=seed, interval_s=30)]),
            )
        )
    services.import_uploads(engine, files, athlete=athlete, today=TODAY)


def _week(km: list[float], start: date = date(2026, 3, 1)) -> list[tuple[date, float]]:
    return [(start + timedelta(days=2 * i), k) for i, k in enumerate(km)]


@pytest.fixture
def squad(engine: Engine) -> Engine:
    """A personal-mode squad "Kim": a steady runner, a spike, and one gone quiet for 12 days."""
    _import(engine, "calm", _week([8, 8, 8, 8]))
    _import(engine, "spiky", _week([8, 8, 8, 20]))
    _import(engine, "gone", [(date(2026, 2, 20), 8), (date(2026, 2, 24), 8)])
    services.add_to_squad(engine, "Kim", ["calm", "spiky", "gone"])
    return engine


# --- a real SMTP server -------------------------------------------------------------------


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[bytes] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.inbox.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Mail:
    inbox: Inbox
    port: int
    config: Path


@pytest.fixture
def mail(
    certificate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Mail]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
        )
        inbox.logins.append(auth_data.login if isinstance(auth_data, LoginPassword) else b"")
        return AuthResult(success=ok, handled=False)  # False: reply 535 on a refusal

    port = _free_port()
    controller = Controller(
        _Handler(inbox),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    monkeypatch.setenv("LOADWATCH_SMTP_PASSWORD", SMTP_PASSWORD)
    config = tmp_path / "club.toml"
    config.write_text(
        "[smtp]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n"
        'security = "starttls"\n'
        f'user = "{SMTP_USER}"\n'
        'password_env = "LOADWATCH_SMTP_PASSWORD"\n'
        'from = "digest@club.example"\n'
        f'ca_file = "{cert}"\n'
        "[digest]\n"
        'base_url = "https://runs.club.example"\n',
        encoding="utf-8",
    )
    try:
        yield Mail(inbox, port, config)
    finally:
        controller.stop()


def _smtp(mail: Mail, **changes: object) -> services.SmtpSettings:
    import tomllib

    table = tomllib.loads(mail.config.read_text())["smtp"] | changes
    return services.smtp_settings(table)


def _parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


# --- building a digest --------------------------------------------------------------------


def test_athletes_who_need_action_come_first_each_with_its_sentence_and_source(
    squad: Engine,
) -> None:
    digest = services.coach_digest(
        squad,
        "Kim",
        as_of=AS_OF,
        today=TODAY,
        base_url="https://runs.example",
        to_address="k@x.org",
    )
    assert [line.athlete for line in digest.action] == ["spiky", "gone"]
    spike, quiet = digest.action
    triage = services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY)
    assert spike.sentence == next(t.why for t in triage.rows if t.row.athlete == "spiky")
    assert spike.rule_id == "run-spike" and "Frandsen et al. 2025" in (spike.source or "")
    assert quiet.rule_id == "quiet" and "No run logged for 12 days" in quiet.sentence
    assert [line.athlete for line in digest.others] == ["calm"]
    text = digest.text
    assert (
        text.index("spiky") < text.index("gone") < text.index("Everyone else") < text.index("calm")
    )
    assert "https://runs.example/?athlete=spiky&as_of=2026-03-08" in text
    assert "20.0 km" in text and "not medical advice" in text


def test_a_snoozed_flag_stays_out_until_its_snooze_ends(squad: Engine) -> None:
    services.note_flag(
        squad, "Kim", "spiky", "run-spike", severity="warning", snooze_days=3, today=AS_OF
    )
    quiet = services.coach_digest(squad, "Kim", as_of=AS_OF, today=TODAY)
    assert "spiky" not in [line.athlete for line in quiet.action]
    assert "spiky" in [line.athlete for line in quiet.others]


def test_user_text_is_escaped_in_the_html(engine: Engine) -> None:
    _import(engine, "<img src=x onerror=alert(1)>", _week([8, 8, 8, 20]))
    services.add_to_squad(engine, "Kim", ["<img src=x onerror=alert(1)>"])
    digest = services.coach_digest(engine, "Kim", as_of=AS_OF, today=TODAY)
    assert "<img src=x" not in digest.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in digest.html


def test_a_coach_without_athletes_or_an_unknown_name_is_one_line(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="no coach account or squad named 'nobody'"):
        services.coach_digest(engine, "nobody", as_of=AS_OF, today=TODAY)
    services.add_user(engine, "kim", "coach", PASSWORD)
    with pytest.raises(InputError, match="kim coaches no squad"):
        services.coach_digest(engine, "kim", as_of=AS_OF, today=TODAY)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"host": ""}, "host must be"),
        ({"security": "ssl3"}, "security must be one of"),
        ({"port": 0}, "port must be"),
        ({"from": "not an address"}, "is not an email address"),
        ({"password_env": "LOADWATCH_NOT_SET_ANYWHERE"}, "which is not set"),
        ({"colour": "blue"}, "unknown \\[smtp\\] keys: colour"),
    ],
)
def test_bad_smtp_settings_are_one_line_each(
    mail: Mail, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _smtp(mail, **changes)


def test_no_smtp_table_says_what_to_set() -> None:
    with pytest.raises(InputError, match=r"no SMTP server configured: add an \[smtp\] table"):
        services.smtp_settings(None)


# --- sending through a real server ----------------------------------------------------------


def test_a_digest_arrives_with_a_text_and_an_html_part_over_starttls(
    squad: Engine, mail: Mail
) -> None:
    digest = services.coach_digest(
        squad, "Kim", as_of=AS_OF, today=TODAY, to_address="kim@club.example"
    )
    results = services.send_digests(squad, [digest], _smtp(mail))
    assert [reason for _, reason in results] == [None]
    assert mail.inbox.logins == [SMTP_USER.encode()]
    (msg,) = mail.inbox.to("kim@club.example")
    assert msg["Subject"] == "loadwatch squad digest Sun 08 Mar 2026: 2 athletes need a word"
    text, html = _parts(msg)
    assert text.index("spiky") < text.index("gone") < text.index("calm")
    assert html.index(">spiky<") < html.index(">gone<") < html.index("<li>calm:")
    assert "width=device-width" in html


def test_since_last_sends_only_what_is_new_and_nothing_the_second_time(
    squad: Engine, mail: Mail
) -> None:
    smtp = _smtp(mail)
    first = services.coach_digest(
        squad, "Kim", as_of=AS_OF, today=TODAY, since_last=True, to_address="kim@club.example"
    )
    assert [line.athlete for line in first.action] == ["spiky", "gone"] and first.others == ()
    services.send_digests(squad, [first], smtp)
    again = services.coach_digest(
        squad, "Kim", as_of=AS_OF, today=TODAY, since_last=True, to_address="kim@club.example"
    )
    assert again.action == ()
    _import(squad, "calm", [(date(2026, 3, 8), 30)])  # calm's spike is new
    third = services.coach_digest(
        squad, "Kim", as_of=AS_OF, today=TODAY, since_last=True, to_address="kim@club.example"
    )
    assert [line.athlete for line in third.action] == ["calm"]


def test_a_refused_address_does_not_stop_the_others(squad: Engine, mail: Mail) -> None:
    services.add_to_squad(squad, "Lee", ["calm"])
    kim = services.coach_digest(
        squad, "Kim", as_of=AS_OF, today=TODAY, to_address="kim@refused.example"
    )
    lee = services.coach_digest(
        squad, "Lee", as_of=AS_OF, today=TODAY, to_address="lee@club.example"
    )
    results = services.send_digests(squad, [kim, lee], _smtp(mail))
    reasons = {d.recipient: r for d, r in results}
    assert reasons["Lee"] is None
    assert "refused kim@refused.example: 550" in (reasons["Kim"] or "")
    assert len(mail.inbox.to("lee@club.example")) == 1 and not mail.inbox.to("kim@refused.example")


def test_a_refused_login_or_an_unreachable_server_is_one_line_and_sends_nothing(
    squad: Engine, mail: Mail
) -> None:
    digest = services.coach_digest(
        squad, "Kim", as_of=AS_OF, today=TODAY, to_address="kim@club.example"
    )
    bad_login = _smtp(mail)
    bad_login = services.SmtpSettings(**{**_asdict(bad_login), "password": "wrong"})
    with pytest.raises(services.DigestError, match="refused the login for 'loadwatch'"):
        services.send_digests(squad, [digest], bad_login)
    gone = services.SmtpSettings(**{**_asdict(bad_login), "port": _free_port(), "timeout_s": 5.0})
    with pytest.raises(services.DigestError, match=r"cannot reach the mail server 127\.0\.0\.1"):
        services.send_digests(squad, [digest], gone)
    assert mail.inbox.messages == []


def _asdict(settings: services.SmtpSettings) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(settings)


# --- club mode: accounts, consent, what the runner sees ------------------------------------


@pytest.fixture
def club(engine: Engine) -> Engine:
    services.add_user(engine, "kim", "coach", PASSWORD)
    for runner, km in (("ana", [8, 8, 8, 20]), ("ben", [8, 8, 8, 8])):
        services.add_user(engine, runner, "runner", PASSWORD)
        _import(engine, runner, _week(km))
    squad = services.create_squad(engine, "Tuesday", "kim")
    services.join_squad(engine, squad.invite_code or "", "ana")
    _import(engine, "cy", _week([8, 8, 8, 20]))  # not in the squad: never in kim's digest
    return engine


def _runner(engine: Engine, name: str) -> Actor:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from loadwatch.db.models import User

    with Session(engine) as session:
        user_id = session.scalar(select(User.id).where(User.name == name))
    return Actor(name, Role.RUNNER, user_id)


def test_the_coach_digest_covers_only_squad_members_and_the_runner_sees_what_was_sent(
    club: Engine, mail: Mail
) -> None:
    services.set_email(club, "kim", "kim@club.example")
    digest = services.coach_digest(club, "kim", as_of=AS_OF, today=TODAY)
    assert [line.athlete for line in (*digest.action, *digest.others)] == ["ana"]
    services.send_digests(club, [digest], _smtp(mail))
    (msg,) = mail.inbox.to("kim@club.example")
    assert "ana" in _parts(msg)[0] and "cy" not in _parts(msg)[0] and "ben" not in _parts(msg)[0]
    sent = services.digests_about(club, "ana", actor=_runner(club, "ana"))
    assert [(s.recipient, s.rule_id) for s in sent] == [("kim", "run-spike")]
    with pytest.raises(NotAllowedError):
        services.digests_about(club, "ana", actor=_runner(club, "ben"))
    trail = services.audit_entries(club, athlete="ana")
    assert any(e.action == "digest-send" and e.detail == "to kim" for e in trail)


def test_only_the_owner_or_an_admin_sets_an_email_and_bad_addresses_are_refused(
    club: Engine,
) -> None:
    with pytest.raises(NotAllowedError):
        services.set_email(club, "kim", "x@club.example", actor=_runner(club, "ana"))
    services.set_email(club, "ana", "ana@club.example", actor=_runner(club, "ana"))
    assert services.account_email(club, actor=_runner(club, "ana")) == "ana@club.example"
    for bad in ("ana", "ana@", "a b@club.example", "ana@localhost"):
        with pytest.raises(InputError, match="is not an email address"):
            services.set_email(club, "ana", bad)


# --- the command line ----------------------------------------------------------------------


def _cli(db_url: str, *args: str, env: dict[str, str] | None = None):
    runner = CliRunner()
    return runner.invoke(
        cli, ["--db", db_url, *args], env={"LOADWATCH_TODAY": TODAY.isoformat(), **(env or {})}
    )


def test_cli_all_coaches_sends_and_since_last_sends_nothing_twice(
    club: Engine, db_url: str, mail: Mail
) -> None:
    services.add_user(club, "lee", "coach", PASSWORD)
    services.create_squad(club, "Thursday", "lee")
    assert _cli(db_url, "user", "set", "kim", "--email", "kim@club.example").exit_code == 0
    assert _cli(db_url, "user", "set", "lee", "--email", "lee@club.example").exit_code == 0
    args = ["digest", "--all-coaches", "--send", "--since-last", "--as-of", "2026-03-08"]
    first = _cli(db_url, *args, "--config", str(mail.config))
    assert first.exit_code == 0, first.output
    assert "Sent the digest for kim to kim@club.example." in first.output
    assert "Skipped lee: lee's squads have no athletes yet" in first.output
    second = _cli(db_url, *args, "--config", str(mail.config))
    assert second.exit_code == 0, second.output
    assert "Nothing new for kim since the last digest; nothing sent." in second.output
    assert len(mail.inbox.messages) == 1


def test_cli_without_smtp_or_with_a_dead_server_is_one_line_and_exit_1(
    squad: Engine, db_url: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    args = ["digest", "--coach", "Kim", "--send", "--to", "k@club.example", "--as-of", "2026-03-08"]
    result = _cli(db_url, *args, "--config", str(empty))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: no SMTP server configured: add an [smtp] table to the config file with host, "
        "port, security and from (docs/club.md, 'The coach's digest')"
    ]
    dead = tmp_path / "dead.toml"
    dead.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {_free_port()}\nsecurity = "none"\n'
        'from = "d@club.example"\n',
        encoding="utf-8",
    )
    result = _cli(db_url, *args, "--config", str(dead))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: cannot reach the mail server 127.0.0.1:")


def test_cli_print_and_html(squad: Engine, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "digest.html"
    result = _cli(db_url, "digest", "--coach", "Kim", "--as-of", "2026-03-08")
    assert result.exit_code == 0 and result.output.startswith("Subject: loadwatch squad digest")
    result = _cli(db_url, "digest", "--coach", "Kim", "--as-of", "2026-03-08", "--html", str(out))
    assert result.exit_code == 0 and "<h1" in out.read_text()
    assert _cli(db_url, "digest").exit_code == 2  # neither --coach nor --all-coaches


# --- the plan in a calendar ----------------------------------------------------------------


def test_the_plan_as_ics_parses_back_with_one_stable_uid_per_day(squad: Engine) -> None:
    first = services.plan_ics(squad, "calm", as_of=AS_OF, today=TODAY)
    plan = services.report(squad, "calm", AS_OF, today=TODAY).plan
    events = Calendar.from_ical(first).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [p.date for p in plan]
    kinds = [str(e.get("categories").cats[0]) for e in events]
    assert kinds == [p.kind.value for p in plan]
    runs = [e for e in events if str(e.get("summary")).startswith("Run")]
    assert runs and all("at most" in str(e.get("summary")) for e in runs)
    assert all(str(e.get("description")) for e in events)
    # Re-importing a newer file updates: the same days keep the same UIDs, so a calendar that
    # keys events by UID holds each day once.
    later = services.plan_ics(squad, "calm", as_of=AS_OF + timedelta(days=1), today=TODAY)
    store: dict[str, str] = {}
    for raw in (first, later):
        for event in Calendar.from_ical(raw).walk("VEVENT"):
            store[str(event.get("uid"))] = str(event.get("summary"))
    days = {p.date for p in plan} | {
        p.date for p in services.report(squad, "calm", AS_OF + timedelta(days=1), today=TODAY).plan
    }
    assert len(store) == len(days)
    assert len({str(e.get("uid")) for e in Calendar.from_ical(first).walk("VEVENT")}) == len(plan)


def test_user_add_takes_an_email_and_refuses_a_bad_one_before_adding(
    engine: Engine, db_url: str
) -> None:
    bad = CliRunner().invoke(
        cli,
        [
            "--db",
            db_url,
            "user",
            "add",
            "kim",
            "--role",
            "coach",
            "--password-stdin",
            "--email",
            "kim@",
        ],
        input=PASSWORD + "\n",
    )
    assert bad.exit_code == 1 and "is not an email address" in bad.output
    assert services.list_users(engine) == []
    good = CliRunner().invoke(
        cli,
        [
            "--db",
            db_url,
            "user",
            "add",
            "kim",
            "--role",
            "coach",
            "--password-stdin",
            "--email",
            "kim@club.example",
        ],
        input=PASSWORD + "\n",
    )
    assert good.exit_code == 0, good.output
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from loadwatch.db.models import User

    with Session(engine) as session:
        assert session.scalar(select(User.email).where(User.name == "kim")) == "kim@club.example"


def test_new_marks_what_was_not_in_the_last_digest_and_a_first_digest_marks_nothing(
    squad: Engine,
) -> None:
    first = services.coach_digest(squad, "Kim", as_of=AS_OF, today=TODAY, to_address="k@x.org")
    assert [line.is_new for line in first.action] == [False, False] and "[new]" not in first.text
    services.record_sent(squad, first)
    _import(squad, "calm", [(date(2026, 3, 8), 30)])
    second = services.coach_digest(squad, "Kim", as_of=AS_OF, today=TODAY, to_address="k@x.org")
    assert {line.athlete: line.is_new for line in second.action} == {
        "calm": True,
        "spiky": False,
        "gone": False,
    }
    assert "- calm (warning) [new]:" in second.text


def test_cli_plan_ics_writes_the_plan_and_a_second_file_keeps_the_uids(
    squad: Engine, db_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    result = _cli(db_url, "plan", "--athlete", "calm", "--ics", str(first))
    assert result.exit_code == 0, result.output
    assert f"Wrote the next 7 days to {first}" in result.output
    assert _cli(db_url, "plan", "--athlete", "calm", "--ics", str(second)).exit_code == 0
    uids = [
        [str(e.get("uid")) for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT")]
        for p in (first, second)
    ]
    assert len(uids[0]) == 7 and uids[0] == uids[1]
    bad = _cli(db_url, "plan", "--athlete", "calm", "--ics", str(tmp_path / "no" / "x.ics"))
    assert bad.exit_code == 1 and bad.output.startswith("Error: cannot write")
