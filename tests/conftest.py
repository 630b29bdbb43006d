"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from loadwatch.db.engine import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
# A worktree beside the main checkout finds the corpus through LOADWATCH_TEST_CORPUS.
CORPUS = Path(os.environ.get("LOADWATCH_TEST_CORPUS") or ROOT.parent / "shared" / "corpus")
PG_URL_ENV = "LOADWATCH_TEST_PG_URL"
# The suite hashes hundreds of passwords: argon2-cffi's CHEAPEST Argon2id profile keeps that
# fast (set before loadwatch.services.accounts is imported; the app's default is RFC 9106's
# low-memory profile, checked in tests/services/test_accounts.py in a fresh process).
os.environ.setdefault("LOADWATCH_ARGON2_PROFILE", "CHEAPEST")


def corpus_rows() -> list[dict[str, str]]:
    """MANIFEST.csv rows; empty when the corpus is absent (the tests using it then skip)."""
    manifest = CORPUS / "MANIFEST.csv"
    if not manifest.exists():
        return []
    with manifest.open(newline="") as handle:
        return list(csv.DictReader(handle))


def corpus_params(predicate: object) -> list[object]:
    """pytest params over corpus rows matching `predicate`, or one skipped param if absent."""
    rows = [r for r in corpus_rows() if predicate(r)]  # type: ignore[operator]
    if not rows:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"corpus not found at {CORPUS}"))]
    return [pytest.param(r, id=r["local_path"].split("/")[-1]) for r in rows]


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "MANIFEST.csv").exists():
        pytest.skip(f"the shared corpus is absent (expected at {CORPUS})")
    return CORPUS


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database."""
    server = os.environ.get(PG_URL_ENV)
    if not server:
        yield f"sqlite:///{tmp_path / 'loadwatch.db'}"
        return
    name = f"lw_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


DEMO_TODAY = "2026-11-21"


@pytest.fixture(scope="session")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo squad in a SQLite file, written once per test session through the real import."""
    from datetime import date

    from loadwatch import services

    path = tmp_path_factory.mktemp("sample") / "demo.db"
    url = f"sqlite:///{path}"
    engine = services.open_database(url)
    services.load_demo(engine, today=date.fromisoformat(DEMO_TODAY))
    engine.dispose()
    return url


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("LOADWATCH_TODAY", DEMO_TODAY)
    return monkeypatch


@pytest.fixture
def demo_copy(sample_url: str, tmp_path: Path) -> str:
    """A private copy of the demo database for a test that writes to it."""
    import shutil

    copy = tmp_path / "demo-copy.db"
    shutil.copy(str(make_url(sample_url).database), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(autouse=True, scope="session")
def _log_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """loadwatch's log goes to a temporary folder during tests, never to the user's."""
    folder = tmp_path_factory.mktemp("logs")
    previous = os.environ.get("LOADWATCH_LOG_DIR")
    os.environ["LOADWATCH_LOG_DIR"] = str(folder)
    yield
    if previous is None:
        os.environ.pop("LOADWATCH_LOG_DIR", None)
    else:
        os.environ["LOADWATCH_LOG_DIR"] = previous
