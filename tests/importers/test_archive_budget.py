"""The expansion budget (issue #13): hostile archives, small on disk and large when expanded,
each refused quickly with one message naming the archive; temporary files bounded and removed.
The archives come from benchmarks/hostile.py, at a small scale, with lowered limits."""

from __future__ import annotations

import gzip
import io
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import IO, Any

import pytest

from benchmarks import hostile
from loadwatch.errors import ExpansionLimitError, FileTooLargeError, InputError
from loadwatch.importers import archive, budget
from loadwatch.importers.budget import ExpansionBudget, ExpansionLimits
from loadwatch.services.limits import expansion_limits
from tests.conftest import DATA, ROOT

FIT = (DATA / "fit/run-5k-session.fit").read_bytes()
MB = 1024 * 1024
QUICK_S = 5.0  # every hostile archive below is refused well within this


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def _expand(name: str, data: bytes, limits: ExpansionLimits) -> tuple[list[Any], float]:
    start = time.perf_counter()
    items = list(archive.expand_bytes(name, data, budget=ExpansionBudget(limits)))
    return items, time.perf_counter() - start


def test_a_nested_bomb_is_one_message_naming_the_archive_within_seconds() -> None:
    bomb = hostile.nested_bomb(width=16, member_bytes=64 * MB)  # 16 GB when expanded
    assert len(bomb) < 200_000
    items, elapsed_s = _expand("42.zip", bomb, ExpansionLimits())
    assert elapsed_s < QUICK_S
    (item,) = items  # one message, not one per member
    assert item.name == "42.zip"
    assert isinstance(item.error, ExpansionLimitError)
    assert "zip bomb" in str(item.error)
    assert "nothing more was read from '42.zip'" in str(item.error)


def test_a_nested_bomb_within_the_ratio_stops_at_the_total_budget() -> None:
    bomb = hostile.nested_bomb(width=8, member_bytes=8 * MB)
    limits = ExpansionLimits(max_expanded_bytes=20 * MB, max_ratio=10_000)
    budget = ExpansionBudget(limits)
    start = time.perf_counter()
    items = list(archive.expand_bytes("42.zip", bomb, budget=budget))
    assert time.perf_counter() - start < QUICK_S
    *read, last = items
    assert all(i.error is None for i in read)  # members before the limit came through
    assert last.name == "42.zip"
    assert "past its limit of 20 MB of archive contents" in str(last.error)
    assert budget.expanded_bytes <= 20 * MB


def test_nesting_past_the_depth_limit_is_one_message() -> None:
    data = FIT
    for level in range(4):
        data = _zip({f"level{level}.zip" if level else "run.fit": data} | {"b.zip": data})
    items, _ = _expand("deep.zip", data, ExpansionLimits(max_depth=2))
    assert [i.name for i in items if i.error] == ["deep.zip"]
    assert "nests zip files more than 2 deep" in str(items[-1].error)


def test_a_member_named_inner_zip_is_not_spilled_past_the_ratio() -> None:
    bomb = hostile.not_a_zip_named_inner_zip(128 * MB)
    items, elapsed_s = _expand("x.zip", bomb, ExpansionLimits())
    assert elapsed_s < QUICK_S
    (item,) = items
    assert "'x.zip/inner.zip' expands to more than 100 times" in str(item.error)


def test_the_spill_is_checked_while_copying_not_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the declared sizes (as if a directory lied), the copy itself stops at the ratio.
    monkeypatch.setattr(archive, "_check_declared", lambda *args, **kwargs: None)
    written: list[int] = []
    real = tempfile.TemporaryFile

    def recording(*args: Any, **kwargs: Any) -> IO[bytes]:
        spill = real(*args, **kwargs)
        write = spill.write
        spill.write = lambda data: written.append(len(data)) or write(data)  # type: ignore[method-assign]
        return spill

    monkeypatch.setattr(archive.tempfile, "TemporaryFile", recording)
    bomb = hostile.not_a_zip_named_inner_zip(64 * MB)
    (item,), _ = _expand("x.zip", bomb, ExpansionLimits(max_ratio=20))
    assert isinstance(item.error, ExpansionLimitError)
    limit_bytes = ExpansionBudget(ExpansionLimits(max_ratio=20)).ratio_limit_bytes(len(bomb))
    assert sum(written) <= limit_bytes < 64 * MB


def test_a_damaged_inner_zip_within_the_budget_is_rejected_alone() -> None:
    data = _zip({"inner.zip": b"PK\x03\x04" + b"not really a zip" * 100, "run.fit": FIT})
    bad, good = archive.expand_bytes("x.zip", data)
    assert bad.name == "x.zip/inner.zip"
    assert "damaged zip archive" in str(bad.error)
    assert good.data == FIT


def test_spills_are_removed_when_the_import_is_interrupted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spills: list[IO[bytes]] = []
    real = tempfile.TemporaryFile

    def recording(*args: Any, **kwargs: Any) -> IO[bytes]:
        spills.append(real(*args, **kwargs))
        return spills[-1]

    monkeypatch.setattr(archive.tempfile, "TemporaryFile", recording)
    path = tmp_path / "garmin.zip"
    path.write_bytes(_zip({"part1.zip": _zip({"a.fit": FIT, "b.fit": FIT})}))
    files = archive.expand_path(path)
    assert next(files).data == FIT  # inside the nested zip: its spill is open
    assert len(spills) == 1
    assert not spills[0].closed
    with pytest.raises(KeyboardInterrupt):
        files.throw(KeyboardInterrupt)
    assert spills[0].closed


def test_many_tiny_members_stop_at_the_member_limit_without_reading_the_directory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "junk.zip"
    hostile.junk_members(path, 70_000)  # past 65,535 entries: a zip64 directory
    tracemalloc.start()
    start = time.perf_counter()
    try:
        items = list(archive.expand_path(path, ExpansionBudget(ExpansionLimits(max_members=5000))))
        peak_bytes = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < QUICK_S
    (item,) = items
    assert "lists more than 5,000 files, the limit for one import" in str(item.error)
    assert peak_bytes < 5 * MB  # zipfile's directory alone would be ~45 MB


def test_the_member_limit_is_shared_by_the_whole_import(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.zip").write_bytes(_zip({f"{i}.fit": FIT for i in range(6)}))
    items = list(archive.expand_path(tmp_path, ExpansionBudget(ExpansionLimits(max_members=10))))
    assert [i.error is None for i in items] == [True] * 6 + [False]
    assert "what is left of this import's limit of 10 archive members" in str(items[-1].error)


def test_junk_under_the_member_limit_is_read_member_by_member(tmp_path: Path) -> None:
    path = tmp_path / "junk.zip"
    hostile.junk_members(path, 300)
    items = list(archive.expand_path(path))
    assert len(items) == 300
    assert items[-1].data == b"<junk 000299>".ljust(40)


def test_one_top_level_bomb_member_is_refused_alone_and_the_rest_goes_on() -> None:
    data = _zip({"bomb.gpx": bytes(32 * MB), "ok.fit": FIT})
    bad, good = archive.expand_bytes("bomb.zip", data)
    assert isinstance(bad.error, FileTooLargeError)
    assert not isinstance(bad.error, ExpansionLimitError)
    assert "expands to more than 100 times" in str(bad.error)
    assert good.data == FIT


def test_a_gz_bomb_is_stopped_while_streaming() -> None:
    bomb = gzip.compress(bytes(32 * MB), 9)
    start = time.perf_counter()
    (item,) = archive.expand_bytes("x.gpx.gz", bomb)
    assert time.perf_counter() - start < QUICK_S
    assert "expands to more than 100 times" in str(item.error)
    nested = _zip({"inner.zip": _zip({"x.gpx.gz": bomb}, zipfile.ZIP_STORED)}, zipfile.ZIP_STORED)
    (item,) = archive.expand_bytes("outer.zip", nested)
    assert isinstance(item.error, ExpansionLimitError)  # nested: the whole archive, once
    assert item.name == "outer.zip"


def test_ordinary_exports_are_within_the_defaults() -> None:
    gpx = (DATA / "gpx/run-10k-hilly.gpx").read_bytes()
    outer = _zip(
        {"export/part1.zip": _zip({"a.fit": FIT, "b.gpx": gpx, "c.fit.gz": gzip.compress(FIT)})}
    )
    items = list(archive.expand_bytes("export.zip", outer))
    assert [i.error for i in items] == [None, None, None]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ExpansionLimits()),
        (
            {
                "LOADWATCH_MAX_EXPANDED_MB": "100",
                "LOADWATCH_MAX_ARCHIVE_MEMBERS": "7",
                "LOADWATCH_MAX_ARCHIVE_DEPTH": "2",
                "LOADWATCH_MAX_COMPRESSION_RATIO": "12.5",
            },
            ExpansionLimits(100 * MB, 7, 2, 12.5),
        ),
    ],
    ids=["defaults", "every-variable"],
)
def test_limits_come_from_the_environment(env: dict[str, str], expected: ExpansionLimits) -> None:
    assert expansion_limits(env) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOADWATCH_MAX_EXPANDED_MB", "lots"),
        ("LOADWATCH_MAX_ARCHIVE_MEMBERS", "0"),
        ("LOADWATCH_MAX_ARCHIVE_DEPTH", "-1"),
        ("LOADWATCH_MAX_COMPRESSION_RATIO", "nan"),
        ("LOADWATCH_MAX_COMPRESSION_RATIO", "0.5"),
    ],
)
def test_a_bad_limit_is_one_input_error_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(InputError, match=rf"\${name} must be"):
        expansion_limits({name: value})


def test_docs_list_every_limit_with_its_default_and_variable() -> None:
    doc = (ROOT / "docs" / "importers.md").read_text()
    defaults = ExpansionLimits()
    for shown, variable in (
        (f"{defaults.max_expanded_bytes // MB} MB", budget.MAX_EXPANDED_MB_ENV),
        (f"{defaults.max_members:,}", budget.MAX_MEMBERS_ENV),
        (f"{defaults.max_depth}", budget.MAX_DEPTH_ENV),
        (f"{defaults.max_ratio:g}", budget.MAX_RATIO_ENV),
    ):
        assert f"| {shown} | `{variable}` |" in doc
