"""`--db` / $LOADWATCH_DB_URL (issue #10, item 10): a plain path is a SQLite file, and a database
that cannot be opened is one clear `DatabaseError` line, never a traceback and never a new empty
database in a place nobody asked for."""

from __future__ import annotations

import os
import socket
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from loadwatch.db.engine import database_url, make_engine, migrate
from loadwatch.errors import DatabaseError, LoadwatchError
from tests.conftest import PG_URL_ENV


def _open(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def _free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, read, released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_error_is_a_loadwatch_error() -> None:
    assert issubclass(DatabaseError, LoadwatchError)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("runs.db", "sqlite:///{cwd}/runs.db"),
        ("data/runs.db", "sqlite:///{cwd}/data/runs.db"),
        ("~/runs.db", "sqlite:///{home}/runs.db"),
        ("/srv/runs.db", "sqlite:////srv/runs.db"),
        ("sqlite:///~/runs.db", "sqlite:///{home}/runs.db"),
        ("sqlite:///runs.db", "sqlite:///runs.db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_a_plain_path_is_a_sqlite_file(
    given: str, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert database_url(given) == expected.format(cwd=tmp_path, home=tmp_path / "home")


def test_a_plain_path_in_an_existing_folder_creates_a_migrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = make_engine("runs.db")
    migrate(engine)
    assert "athletes" in inspect(engine).get_table_names()
    engine.dispose()
    assert (tmp_path / "runs.db").is_file()


def test_an_empty_file_is_an_empty_sqlite_database(tmp_path: Path) -> None:
    (tmp_path / "empty.db").touch()
    _open(str(tmp_path / "empty.db"))
    assert (tmp_path / "empty.db").stat().st_size > 0


@pytest.mark.parametrize("form", ["path", "url"])
def test_a_folder_that_does_not_exist_is_an_error_and_is_not_created(
    tmp_path: Path, form: str
) -> None:
    target = tmp_path / "no-such-folder" / "runs.db"
    given = str(target) if form == "path" else f"sqlite:///{target}"
    with pytest.raises(DatabaseError) as caught:
        _open(given)
    message = str(caught.value)
    assert message == (
        f"the folder {str(target.parent)!r} for the database 'runs.db' does not exist; "
        "create it first or give another path"
    )
    assert not target.parent.exists()


def test_a_folder_given_as_the_database_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match=r"is a folder, not a database file"):
        _open(str(tmp_path))


def test_a_file_that_is_not_a_database_is_an_error_and_is_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my training notes\n" * 100)
    before = notes.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        _open(str(notes))
    assert str(caught.value) == (
        f"{str(notes)!r} is not a SQLite database; give a loadwatch database file or a new "
        "file name"
    )
    assert notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_damaged_sqlite_file_is_one_line(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(DatabaseError) as caught:
        _open(str(damaged))
    message = str(caught.value)
    assert message.startswith(f"cannot open the SQLite database 'sqlite:///{damaged}': ")
    assert "\n" not in message


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    port = _free_port()
    url = f"postgresql+psycopg://runner:s3cret-pw@127.0.0.1:{port}/loadwatch"
    with pytest.raises(DatabaseError) as caught:
        _open(url)
    message = str(caught.value)
    assert message.startswith(
        f"cannot connect to the database 'postgresql+psycopg://runner:***@127.0.0.1:{port}/"
        "loadwatch': "
    )
    assert message.endswith("; check that the server is running and that the URL is right")
    assert "s3cret-pw" not in message
    assert "\n" not in message


def test_postgresql_without_a_driver_means_psycopg() -> None:
    engine = make_engine("postgresql://runner@127.0.0.1/loadwatch")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_a_missing_psycopg_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(DatabaseError) as caught:
        make_engine("postgresql+psycopg://runner:pw@127.0.0.1/loadwatch")
    assert str(caught.value) == (
        "the database driver for postgresql+psycopg:// is not installed (no module named "
        "'psycopg'); install it with: pip install 'loadwatch[postgres]' (psycopg 3)"
    )


def test_a_missing_psycopg2_names_its_package_and_the_alternative(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    with pytest.raises(DatabaseError, match=r"pip install psycopg2-binary, or use postgresql"):
        make_engine("postgresql+psycopg2://runner@127.0.0.1/loadwatch")


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ("nosuchdb://host/x", r"unknown database type 'nosuchdb'"),
        ("postgresql+nosuchdriver://u:pw@h/x", r"unknown database type 'postgresql\+nosuchdriver'"),
        ("://", r"is neither a file path nor a database URL"),
    ],
)
def test_a_url_that_is_not_a_database_url_is_one_line(given: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match) as caught:
        make_engine(given)
    assert "pw@" not in str(caught.value)


def test_the_environment_variable_takes_a_plain_path_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOADWATCH_DB_URL", str(tmp_path / "env.db"))
    engine = make_engine()
    assert engine.url.database == str(tmp_path / "env.db")
    engine.dispose()
    monkeypatch.setenv("LOADWATCH_DB_URL", str(tmp_path / "missing" / "env.db"))
    with pytest.raises(DatabaseError, match="does not exist"):
        make_engine()


@pytest.mark.skipif(not os.environ.get(PG_URL_ENV), reason=f"needs ${PG_URL_ENV}")
def test_a_postgresql_database_that_does_not_exist_is_one_line_and_is_not_created() -> None:
    server = make_url(os.environ[PG_URL_ENV])
    missing = f"loadwatch_missing_{uuid.uuid4().hex[:8]}"
    url = server.set(database=missing).render_as_string(hide_password=False)
    with pytest.raises(DatabaseError) as caught:
        _open(url)
    message = str(caught.value)
    assert "cannot connect to the database" in message and missing in message
    assert "\n" not in message
    assert server.password is None or server.password not in message


def test_the_dashboard_shows_the_error_as_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.apptest import open_page

    monkeypatch.setenv("LOADWATCH_TODAY", "2026-03-20")
    monkeypatch.setenv("LOADWATCH_DB_URL", str(tmp_path / "no-such-folder" / "runs.db"))
    at = open_page("this_week")
    assert not at.exception, at.exception
    from loadwatch.ui.text import markdown_text

    assert [e.value for e in at.error] == [  # shown as text: the path's "_" stay literal (#21)
        markdown_text(
            f"the folder {str(tmp_path / 'no-such-folder')!r} for the database 'runs.db' does "
            "not exist; create it first or give another path"
        )
    ]
    assert not (tmp_path / "no-such-folder").exists()


def test_foreign_keys_are_on_after_migrating(tmp_path: Path) -> None:
    """migrations/env.py turns them off for batch rebuilds; ON DELETE CASCADE needs them."""
    engine = make_engine(str(tmp_path / "runs.db"))
    migrate(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
