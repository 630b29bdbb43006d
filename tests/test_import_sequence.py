"""The import decision in one place (issue #19): a real upload, traced call by call, runs the
steps of services/imports.py in their order (docs/architecture.md, "One upload, step by step"),
and the database layer never calls back up into the services."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest
from sqlalchemy import Engine

from loadwatch import services
from tests.conftest import DATA

FIT = DATA / "fit" / "run-5k-session.fit"
GPX = DATA / "gpx" / "run-10k-hilly.gpx"
TODAY_ISO = "2026-03-10"
# The steps, each named by the function that takes it (module, function).
STEPS = [
    ("loadwatch.importers.archive", "expand_bytes"),  # expand
    ("loadwatch.services.imports", "_dedup"),  # hash
    ("loadwatch.services.parse_pool", "parse_job"),  # parse
    ("loadwatch.services.plausible", "check_plausible"),  # check
    ("loadwatch.services.merge", "same_activity"),  # match
    ("loadwatch.services.merge", "merge_sources"),  # merge
    ("loadwatch.services.store", "apply_merged"),  # store: the merged fields onto the row
]
# A ratchet, not a target: the loadwatch modules one FIT upload runs code in (issue #19 asks for
# fewer; this only stops it growing). Lower it when a change lowers the count.
MAX_MODULES = 26


def _trace(engine: Engine, name: str, data: bytes) -> Iterator[tuple[str, str, FrameType]]:
    calls: list[tuple[str, str, FrameType]] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event != "call" or frame.f_code.co_name == "<module>":
            return
        module = frame.f_globals.get("__name__", "")
        if module.startswith("loadwatch"):
            calls.append((module, frame.f_code.co_name, frame))

    from datetime import date

    sys.setprofile(profile)
    try:
        services.import_uploads(
            engine, [(name, data)], athlete="ana", today=date.fromisoformat(TODAY_ISO)
        )
    finally:
        sys.setprofile(None)
    return iter(calls)


@pytest.fixture
def warm(engine: Engine) -> Engine:
    """One import before the traced one: module imports and first-use caches are not steps."""
    services.import_uploads(engine, [("warm.gpx", GPX.read_bytes())], athlete="warm")
    return engine


def test_an_upload_runs_the_steps_in_order(warm: Engine) -> None:
    calls = [(m, f) for m, f, _ in _trace(warm, "run.fit", FIT.read_bytes())]
    first = [calls.index(step) if step in calls else -1 for step in STEPS]
    assert -1 not in first, [s for s, i in zip(STEPS, first, strict=True) if i < 0]
    assert first == sorted(first), "the steps ran out of order: " + ", ".join(
        f"{m}.{f}" for _, (m, f) in sorted(zip(first, STEPS, strict=True))
    )


def test_the_database_layer_never_calls_back_into_the_services(warm: Engine) -> None:
    for module, function, frame in _trace(warm, "run.fit", FIT.read_bytes()):
        if not module.startswith("loadwatch.services"):
            continue
        caller = frame.f_back
        while caller is not None:
            outer = caller.f_globals.get("__name__", "")
            assert not outer.startswith("loadwatch.db"), (
                f"{outer}.{caller.f_code.co_name} called {module}.{function}"
            )
            caller = caller.f_back


def test_an_upload_touches_no_more_modules_than_before(warm: Engine) -> None:
    modules = {m for m, _, _ in _trace(warm, "run.fit", FIT.read_bytes())}
    assert len(modules) <= MAX_MODULES, sorted(modules)
