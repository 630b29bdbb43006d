"""Club mode at the server's shell (issue #21): a CRLF line on --password-stdin, the address
the club dashboard binds by default, and the warning when it would serve plain HTTP to a
network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch import services
from loadwatch.cli import cli

EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 - the option under test, never bound here


def _db(tmp_path: Path) -> str:
    return str(tmp_path / "club.db")


def test_a_crlf_line_on_password_stdin_is_not_part_of_the_password(tmp_path: Path) -> None:
    db = _db(tmp_path)
    done = CliRunner().invoke(
        cli,
        ["--db", db, "user", "add", "root", "--role", "admin", "--password-stdin"],
        input="violet-lamp-tram-7\r\n",
    )
    assert done.exit_code == 0, done.output
    engine = services.open_database(f"sqlite:///{db}")
    assert services.login(engine, "root", "violet-lamp-tram-7", source="x").actor.name == "root"
    engine.dispose()


def test_a_weak_password_at_the_shell_is_one_error_line(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        cli,
        ["--db", _db(tmp_path), "user", "add", "root", "--role", "admin", "--password-stdin"],
        input="password\n",
    )
    assert done.exit_code == 1
    assert done.output.startswith("Error: the password is one of the most common passwords")


@pytest.fixture
def exec_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(os, "execvpe", lambda _f, args, _env: calls.append(list(args)))
    return calls


def _dashboard(tmp_path: Path, *args: str):
    db = _db(tmp_path)
    engine = services.open_database(f"sqlite:///{db}")
    services.add_user(engine, "root", "admin", "violet-lamp-tram-7")
    engine.dispose()
    return CliRunner().invoke(cli, ["--db", db, "dashboard", "--club", *args])


def test_the_club_dashboard_listens_on_loopback_by_default(tmp_path: Path, exec_calls) -> None:
    done = _dashboard(tmp_path)
    assert done.exit_code == 0, done.output
    command = exec_calls[0]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("run") + 1].endswith("club_app.py")  # behind the guard
    assert "Warning" not in done.output and "192.168." not in done.output


def test_plain_http_on_the_network_is_warned_about(tmp_path: Path, exec_calls) -> None:
    done = _dashboard(tmp_path, "--host", EVERY_INTERFACE)
    assert done.exit_code == 0, done.output
    assert "Warning: club mode on 0.0.0.0 without TLS" in done.output


def test_tls_options_reach_streamlit_and_silence_the_warning(tmp_path: Path, exec_calls) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert")
    key.write_text("key")
    done = _dashboard(
        tmp_path,
        "--host",
        EVERY_INTERFACE,
        "--ssl-cert-file",
        str(cert),
        "--ssl-key-file",
        str(key),
    )
    assert done.exit_code == 0, done.output
    assert "Warning" not in done.output and "https://" in done.output
    command = exec_calls[0]
    assert command[command.index("--server.sslCertFile") + 1] == str(cert)
