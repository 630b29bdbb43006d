"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import csv
import functools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from loadwatch.db.engine import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
BROWSER_TESTS = ROOT / "tests" / "browser"
# A worktree beside the main checkout finds the corpus through LOADWATCH_TEST_CORPUS.
CORPUS = Path(os.environ.get("LOADWATCH_TEST_CORPUS") or ROOT.parent / "shared" / "corpus")
PG_URL_ENV = "LOADWATCH_TEST_PG_URL"
# The suite hashes hundreds of passwords: argon2-cffi's CHEAPEST Argon2id profile keeps that
# fast (set before loadwatch.services.passwords is imported; the app's default is RFC 9106's
# low-memory profile, checked in tests/services/test_accounts.py in a fresh process).
os.environ.setdefault("LOADWATCH_ARGON2_PROFILE", "CHEAPEST")

# Hypothesis in every check (scripts/check.sh sets HYPOTHESIS_PROFILE=ci; issue #19): the same
# number of examples (tests that need more say so in their own @settings), no deadline (on two
# shared cores with two xdist workers a deadline measures the machine, not the code), no example
# database (a fresh clone has nothing to replay; a failure prints its reproduction blob instead).
settings.register_profile(
    "ci",
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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


@functools.cache
def _pg_admin(server: str) -> Engine:
    """One AUTOCOMMIT engine on the server per process, for CREATE and DROP DATABASE (issue #19:
    a new engine per call connected and authenticated twice for every test)."""
    return create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _pg_database(server: str, name: str, template: str | None = None) -> str:
    """CREATE DATABASE `name` (a copy of `template` when given) on the server; its URL."""
    copy = f' TEMPLATE "{template}"' if template else ""
    with _pg_admin(server).connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _pg_drop(server: str, name: str) -> None:
    with _pg_admin(server).connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def empty_db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh database with no tables at all: a SQLite file, or a new PostgreSQL database.
    For the tests that run the migrations themselves (tests/test_migrations.py)."""
    server = os.environ.get(PG_URL_ENV)
    if not server:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"lw_{uuid.uuid4().hex[:12]}"
    try:
        yield _pg_database(server, name)
    finally:
        _pg_drop(server, name)


@pytest.fixture(scope="session")
def template_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database migrated to head by the real Alembic migrations, once per test session
    (once per pytest-xdist worker); `db_url` hands each test a copy (issue #19: migrating for
    every test was a third of the suite's time on PostgreSQL)."""
    server = os.environ.get(PG_URL_ENV)
    if not server:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'loadwatch.db'}"
    else:
        name = f"lw_template_{uuid.uuid4().hex[:12]}"
        url = _pg_database(server, name)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()  # no connection may stay open: PostgreSQL copies only an unused template
    yield url
    if server:
        _pg_drop(server, name)


def _copy_database(source_url: str, folder: Path) -> str:
    """A new database that is a copy of `source_url`: a file copy on SQLite (the source must be
    checkpointed: no engine open on it), `CREATE DATABASE ... TEMPLATE` on PostgreSQL."""
    server = os.environ.get(PG_URL_ENV)
    if not server:
        source = Path(str(make_url(source_url).database))
        assert not Path(f"{source}-wal").exists(), "the template must be checkpointed"
        copy = folder / f"loadwatch-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(source, copy)
        return f"sqlite:///{copy}"
    name = f"lw_{uuid.uuid4().hex[:12]}"
    return _pg_database(server, name, template=str(make_url(source_url).database))


def _drop_copy(url: str) -> None:
    server = os.environ.get(PG_URL_ENV)
    if server:
        _pg_drop(server, str(make_url(url).database))


@pytest.fixture
def db_url(template_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the latest schema and without rows, private to the test: a copy of
    `template_url` (a SQLite file, or a PostgreSQL database created from the template)."""
    url = _copy_database(template_url, tmp_path)
    try:
        yield url
    finally:
        _drop_copy(url)


T = TypeVar("T")
Build = Callable[[Engine], T]


@pytest.fixture(scope="session")
def seeded_templates(
    template_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str, Build[Any]], tuple[str, Any]]]:
    """Databases filled once per test session (per xdist worker) by a builder through the real
    services, by key; `seeded` hands each test a copy. For fixtures that many tests share
    unchanged (the access matrix's club: issue #19, 40 % of the suite's time when rebuilt for
    each of its 120 tests)."""
    built: dict[str, tuple[str, Any]] = {}

    def get(key: str, build: Build[Any]) -> tuple[str, Any]:
        if key not in built:
            url = _copy_database(template_url, tmp_path_factory.mktemp(f"seed-{key}"))
            engine = make_engine(url)
            value = build(engine)
            engine.dispose()  # checkpointed, and no connection left on a PostgreSQL template
            built[key] = (url, value)
        return built[key]

    yield get
    for url, _ in built.values():
        _drop_copy(url)


@pytest.fixture
def seeded(
    seeded_templates: Callable[[str, Build[Any]], tuple[str, Any]], tmp_path: Path
) -> Iterator[Callable[[str, Build[Any]], tuple[Engine, Any]]]:
    """`seeded(key, build)`: an engine on a private copy of the database `build` filled (built
    once per session for `key`), and what `build` returned (ids, actors)."""
    made: list[tuple[Engine, str]] = []

    def copy(key: str, build: Build[Any]) -> tuple[Engine, Any]:
        url, value = seeded_templates(key, build)
        copy_url = _copy_database(url, tmp_path)
        engine = make_engine(copy_url)
        made.append((engine, copy_url))
        return engine, value

    yield copy
    for engine, url in made:
        engine.dispose()
        _drop_copy(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)  # at head already: a copy of the migrated template
    yield engine
    engine.dispose()


DEMO_TODAY = "2026-11-21"


@pytest.fixture(scope="session")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo squad in a SQLite file, written once per test run through the real import and
    shared by the pytest-xdist workers (the first one builds it under a lock; issue #19), and by
    the runs of scripts/check.sh through $LOADWATCH_TEST_CACHE_DIR (a new folder per check)."""
    from datetime import date

    from filelock import FileLock

    from loadwatch import services

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by every worker
    if os.environ.get("LOADWATCH_TEST_CACHE_DIR"):  # scripts/check.sh: shared by its pytest runs
        root = Path(os.environ["LOADWATCH_TEST_CACHE_DIR"])
        root.mkdir(parents=True, exist_ok=True)
    path = root / "demo.db"
    with FileLock(f"{path}.lock"):
        if not path.exists():
            building = root / "demo-building.db"
            engine = services.open_database(f"sqlite:///{building}")
            services.load_demo(engine, today=date.fromisoformat(DEMO_TODAY))
            engine.dispose()
            assert not Path(f"{building}-wal").exists(), "the demo must be checkpointed"
            building.rename(path)
    return f"sqlite:///{path}"


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


# A database fixture in a test's closure: the test runs on PostgreSQL too.
DATABASE_FIXTURES = frozenset(
    {"engine", "db_url", "empty_db_url", "template_url", "seeded", "seeded_templates", "pg_url"}
)


def _uses_the_database(item: pytest.Item) -> bool:
    """True for a test that reads or writes a database the engine choice decides, or names
    the PostgreSQL server itself ($LOADWATCH_TEST_PG_URL); not for one marked `one_engine` (a
    long computation through services whose reads and writes other tests run on PostgreSQL)."""
    if item.get_closest_marker("one_engine"):
        return False
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & DATABASE_FIXTURES) or hasattr(
        getattr(item, "module", None), "PG_URL_ENV"
    )


# Scheduling for pytest-xdist (scripts/check.sh runs `-n auto --dist loadgroup`; issue #19).
# Browser tests run in a pytest run of their own (scripts/check.sh): a worker's Chromium is shared
# by its tests, each test starts its Streamlit server. Tests marked `slow` start first, so that
# none of them is left running alone at the end.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # scripts/check.sh collects only tests/browser for the browser run (collecting the whole
    # suite there cost each worker seconds): a browser test elsewhere would never run.
    stray = [
        item.nodeid
        for item in items
        if item.get_closest_marker("browser") and BROWSER_TESTS not in item.path.parents
    ]
    if stray:
        raise pytest.UsageError(f"browser tests belong in tests/browser/: {', '.join(stray)}")
    if os.environ.get(PG_URL_ENV):
        # The PostgreSQL run (scripts/check.sh) repeats only the tests the engine choice can
        # change: a pure rule, a parser or a page on the demo's SQLite file gives the same
        # answer twice (issue #19: half of that run's time).
        dropped = [item for item in items if not _uses_the_database(item)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if _uses_the_database(item)]
    # Browser tests are spread one by one (no fixture spans a module; each test starts its own
    # server), the slow ones first: a module per worker left the longest module running alone.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: order kept
