"""Club mode under attack, at the service layer (issue #21): the lock-out cannot be raced or
used as a weapon, names cannot be probed, weak passwords are refused, Argon2 runs outside the
write lock, login events reach the audit trail with their address, and the export carries no
server paths. Runs on SQLite and, with LOADWATCH_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import AuthError, InputError
from loadwatch.services import logins


def _attempt(engine: Engine, name: str, password: str, source: str) -> str:
    try:
        services.login(engine, name, password, source=source)
    except AuthError as exc:
        return str(exc)
    return "ok"


def test_parallel_guesses_cannot_race_the_lock(engine: Engine, monkeypatch) -> None:
    services.add_user(engine, "ben", "runner", "ben-right-horse")
    checked: list[str] = []
    real_verify = logins.verify_password

    def slow_verify(hashed: str, password: str) -> bool:
        checked.append(password)
        time.sleep(0.05)  # the guesses overlap, as they did against the server
        return real_verify(hashed, password)

    monkeypatch.setattr(logins, "verify_password", slow_verify)
    guesses = [f"wrong-guess-{i}" for i in range(19)]
    guesses.insert(12, "ben-right-horse")  # the right password late in the batch
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda p: _attempt(engine, "ben", p, "10.0.0.9"), guesses))
    assert len(checked) <= logins.MAX_FAILED_LOGINS, checked  # the rest never reach Argon2
    assert sum("locked for" in r for r in results) >= len(guesses) - logins.MAX_FAILED_LOGINS
    if "ben-right-horse" not in checked:
        assert "ok" not in results
    assert [u.locked_until is not None for u in services.list_users(engine)] == [True]


def test_a_locked_name_still_opens_from_another_address(engine: Engine) -> None:
    services.add_user(engine, "root", "admin", "root-right-horse")
    for _ in range(logins.MAX_FAILED_LOGINS):
        _attempt(engine, "root", "not-the-password", "10.0.0.66")
    assert "locked for 15 more minutes" in _attempt(engine, "root", "root-right-horse", "10.0.0.66")
    assert _attempt(engine, "root", "root-right-horse", "10.0.0.7") == "ok"


def test_an_unknown_name_locks_with_the_same_words(engine: Engine) -> None:
    services.add_user(engine, "ben", "runner", "ben-right-horse")
    known = [_attempt(engine, "ben", "bad-password", "10.0.0.5") for _ in range(6)]
    unknown = [_attempt(engine, "nobody", "bad-password", "10.0.0.5") for _ in range(6)]
    assert [r.replace("'ben'", "NAME") for r in known] == [
        r.replace("'nobody'", "NAME") for r in unknown
    ]
    assert "locked for" in known[-1]


def test_one_address_guessing_many_names_is_locked_out(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "ana-right-horse")
    for i in range(logins.MAX_ADDRESS_FAILURES):
        _attempt(engine, f"name{i}", "bad-password", "10.0.0.8")
    assert "too many wrong passwords from this address" in _attempt(
        engine, "ana", "ana-right-horse", "10.0.0.8"
    )
    assert _attempt(engine, "ana", "ana-right-horse", "10.0.0.9") == "ok"


def test_login_events_are_audited_with_the_address(engine: Engine) -> None:
    services.add_user(engine, "ben", "runner", "ben-right-horse")
    for _ in range(logins.MAX_FAILED_LOGINS + 1):
        _attempt(engine, "ben", "bad-password", "192.0.2.4")
    _attempt(engine, "ben", "ben-right-horse", "192.0.2.5")
    events = [(e.action, e.source) for e in services.audit_entries(engine, actor_name="ben")]
    assert ("login-failed", "192.0.2.4") in events
    assert ("login-locked", "192.0.2.4") in events
    assert ("login-refused-locked", "192.0.2.4") in events
    assert ("login", "192.0.2.5") in events


def test_argon2_runs_outside_the_write_lock(engine: Engine, monkeypatch) -> None:
    """A login flood must not hold the database's write lock while it hashes (issue #21: a
    real login took 6-24 s behind 12 anonymous clients)."""
    services.add_user(engine, "ana", "runner", "ana-right-horse")
    hashing = threading.Event()
    real_verify = logins.verify_password

    def slow_verify(hashed: str, password: str) -> bool:
        hashing.set()
        time.sleep(1.5)
        return real_verify(hashed, password)

    monkeypatch.setattr(logins, "verify_password", slow_verify)
    flood = threading.Thread(target=_attempt, args=(engine, "nobody", "bad-password", "10.1.1.1"))
    flood.start()
    assert hashing.wait(10)
    started = time.monotonic()
    services.disable_user(engine, "ana")  # a write at the server while the hash runs
    waited = time.monotonic() - started
    flood.join()
    assert waited < 1.0, f"the write waited {waited:.1f} s behind a password check"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password", "most common"),
        ("12345678", "most common"),
        ("Password1!", "most common"),
        ("aaaaaaaa", "repeats"),
        ("abababab", "repeats"),
        ("change-me-admin", "placeholder"),
        ("ChangeMe2024", "common|placeholder"),
        ("rootroot", "name"),
        ("benjamin1999", "name"),
        ("qwertyuiop", "common"),
    ],
)
def test_weak_passwords_are_refused(engine: Engine, password: str, why: str) -> None:
    name = "benjamin" if password.startswith("benjamin") else "root"
    with pytest.raises(InputError, match=why):
        services.add_user(engine, name, "admin", password)


def test_a_good_password_is_accepted_and_the_first_login_asks_for_a_new_one(
    engine: Engine,
) -> None:
    services.add_user(engine, "kim", "coach", "violet-tram-42-lantern", must_change_password=True)
    first = services.login(engine, "kim", "violet-tram-42-lantern", source="10.0.0.1")
    assert first.must_change_password
    services.change_password(
        engine, "violet-tram-42-lantern", "kim-own-blue-kettle", actor=first.actor
    )
    again = services.login(engine, "kim", "kim-own-blue-kettle", source="10.0.0.1")
    assert not again.must_change_password


def test_a_reset_password_must_be_changed(engine: Engine) -> None:
    services.add_user(engine, "ana", "runner", "ana-right-horse")
    services.reset_password(engine, "ana", "fresh-start-lamp-7")
    assert services.login(engine, "ana", "fresh-start-lamp-7", source="x").must_change_password


def test_the_export_names_files_without_the_servers_folders(engine: Engine, tmp_path: Path) -> None:
    import csv
    import io
    import zipfile
    from datetime import UTC, datetime

    from loadwatch.synth import fit_bytes, make_track

    folder = tmp_path / "server-side-folder"
    folder.mkdir()
    track = make_track(datetime(2026, 3, 1, 7, tzinfo=UTC), 5000, 330, seed=3, interval_s=30)
    (folder / "morning.fit").write_bytes(fit_bytes([track]))
    services.add_user(engine, "ana", "runner", "ana-right-horse")
    services.import_paths(engine, [folder / "morning.fit"], athlete="ana")
    ana = services.login(engine, "ana", "ana-right-horse", source="x").actor
    data = services.export_data(engine, "ana", actor=ana)
    text = zipfile.ZipFile(io.BytesIO(data)).read("activities.csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["source_file"] for r in rows] == ["morning.fit"]
    assert "server-side-folder" not in text


def test_a_new_sqlite_database_is_private(tmp_path: Path) -> None:
    engine = services.open_database(f"sqlite:///{tmp_path / 'club.db'}")
    services.add_user(engine, "root", "admin", "root-right-horse")
    engine.dispose()
    assert (tmp_path / "club.db").stat().st_mode & 0o777 == 0o600


def test_a_coachs_reads_of_shoes_settings_and_activity_pain_are_audited(engine: Engine) -> None:
    from tests.services.conftest import import_runs

    services.add_user(engine, "kim", "coach", "kim-violet-lamp")
    services.add_user(engine, "ana", "runner", "ana-right-horse")
    code = services.create_squad(engine, "Tuesday group", "kim").invite_code
    assert code
    services.join_squad(engine, code, "ana")
    import_runs(engine, [5.0])
    kim = services.login(engine, "kim", "kim-violet-lamp", source="x").actor
    services.list_shoes(engine, "ana", actor=kim)
    services.athlete_settings(engine, "ana", actor=kim)
    run_id = services.list_activities(engine, "ana", actor=kim)[0].id
    services.activity_pain(engine, run_id, actor=kim)
    actions = {e.action for e in services.audit_entries(engine, actor_name="kim") if e.athlete}
    assert {"shoes-view", "settings-view", "activity-pain-view"} <= actions, actions
