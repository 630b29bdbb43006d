"""Accounts (issue #11): Argon2id hashes, lockout, idle sessions, password changes, providers."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db.models import LoginSession, User
from loadwatch.errors import AuthError, InputError, NotAllowedError


def test_the_default_hash_is_argon2id_with_rfc_9106_low_memory_parameters() -> None:
    """In a fresh process without the test suite's cheap profile."""
    code = (
        "from loadwatch.services import passwords as p; h = p.HASHER.hash('x' * 12); "
        "print(h.split('$')[1], h.split('$')[3])"
    )
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert out == ["argon2id", "m=65536,t=3,p=4"]


def test_passwords_are_never_stored_in_clear(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "correct horse battery")
    with Session(engine) as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


@pytest.mark.parametrize("password", ["short", "x" * 1025, "nul\x00in-it"])
def test_bad_passwords_are_refused(engine: Engine, password: str) -> None:
    with pytest.raises(InputError):
        services.add_user(engine, "ana", "runner", password)
    assert services.list_users(engine) == []


def test_an_unknown_name_and_a_wrong_password_read_the_same(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "ana-password")
    messages = set()
    for name, password in (("ana", "wrong-password"), ("nobody", "wrong-password")):
        with pytest.raises(AuthError) as caught:
            services.login(engine, name, password)
        messages.add(str(caught.value))
    assert messages == {"wrong username or password"}


def test_a_reset_unlocks_and_a_right_password_resets_the_count(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "ana-password")
    for _ in range(4):
        with pytest.raises(AuthError):
            services.login(engine, "ana", "wrong-password")
    services.login(engine, "ana", "ana-password")  # the count starts again
    for _ in range(4):
        with pytest.raises(AuthError, match="wrong"):
            services.login(engine, "ana", "wrong-password")
    with pytest.raises(AuthError, match="locked"):
        services.login(engine, "ana", "wrong-password")
    with pytest.raises(AuthError, match="locked"):
        services.login(engine, "ana", "ana-password")
    services.reset_password(engine, "ana", "new-password")
    assert services.login(engine, "ana", "new-password").actor.name == "ana"


def test_an_idle_session_expires(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "ana-password")
    token = services.login(engine, "ana", "ana-password").token
    assert services.session_actor(engine, token).name == "ana"
    with Session(engine) as session, session.begin():
        row = session.scalars(select(LoginSession)).one()
        row.last_seen_at -= services.IDLE_TIMEOUT + timedelta(minutes=1)
    with pytest.raises(AuthError, match="logged out after 30 minutes"):
        services.session_actor(engine, token)
    with Session(engine) as session:  # ended for good, not only refused this once
        assert session.scalars(select(LoginSession.ended_at)).one() is not None
    with pytest.raises(AuthError, match="session has ended"):
        services.session_actor(engine, token)


def test_a_password_change_ends_the_other_sessions_only(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "ana-password")
    phone = services.login(engine, "ana", "ana-password")
    laptop = services.login(engine, "ana", "ana-password")
    services.change_password(
        engine, "ana-password", "new-password", actor=laptop.actor, keep_token=laptop.token
    )
    assert services.session_actor(engine, laptop.token).name == "ana"
    with pytest.raises(AuthError):
        services.session_actor(engine, phone.token)
    with pytest.raises(AuthError):
        services.change_password(engine, "wrong", "another-password", actor=laptop.actor)


def test_disabling_ends_every_session_and_refuses_the_login(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "ana-password")
    session = services.login(engine, "ana", "ana-password")
    services.disable_user(engine, "ana")
    with pytest.raises(AuthError):
        services.session_actor(engine, session.token)
    with pytest.raises(AuthError, match="disabled"):
        services.login(engine, "ana", "ana-password")
    with pytest.raises(NotAllowedError):
        services.list_pain(engine, "ana", actor=session.actor)


def test_an_identity_provider_login_needs_an_account_of_ours(engine: Engine) -> None:
    with pytest.raises(AuthError, match="no active loadwatch account"):
        services.external_login(engine, "kim@club.example")
    services.add_user(engine, "kim@club.example", "coach", "unused-password")
    result = services.external_login(engine, "kim@club.example")
    assert result.actor.role.value == "coach"
    assert services.session_actor(engine, result.token) == result.actor


def test_the_last_admin_cannot_delete_itself(engine: Engine) -> None:
    services.add_user(engine, "root", "admin", "root-password")
    root = services.login(engine, "root", "root-password").actor
    with pytest.raises(InputError, match="last admin"):
        services.delete_account(engine, actor=root)
