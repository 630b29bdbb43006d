"""Imports under the faults of issue #23, without root: a full temporary folder (a patched spill
file), a lost database connection (retried once, then one line with what was saved)."""

from __future__ import annotations

import errno
import io
import logging
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from loadwatch import services
from loadwatch.domain import ImportStatus
from loadwatch.errors import StorageError
from loadwatch.services import imports, store
from loadwatch.synth import fit_bytes, make_track
from tests.services.conftest import TODAY


def _runs(count: int, first: int = 0) -> list[tuple[str, bytes]]:
    start = datetime(2026, 2, 1 + first, 7, tzinfo=UTC)
    return [
        (
            f"{i}.fit",
            fit_bytes([make_track(start + timedelta(days=i), 4000, seed=i, interval_s=30)]),
        )
        for i in range(count)
    ]


def _nested_export() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        for name, data in _runs(3, first=10):
            archive.writestr(name, data)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("export/inner.zip", inner.getvalue())
    return outer.getvalue()


class _FullDisk:
    """A spill file on a full disk: every write fails with ENOSPC."""

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def write(self, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_temporary_folder_stops_the_import_with_where_and_tmpdir(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda *a, **k: _FullDisk())
    files = [*_runs(2), ("export.zip", _nested_export())]

    with pytest.raises(StorageError) as caught:
        services.import_uploads(engine, files, athlete="ana", today=TODAY)

    message = str(caught.value)
    assert message.startswith(
        f"the disk holding the temporary folder {tempfile.gettempdir()!r} is full"
    )
    assert "TMPDIR" in message
    assert "damaged" not in message
    monkeypatch.undo()
    results = services.import_uploads(engine, files, athlete="ana", today=TODAY)
    assert services.count_summary(results)[ImportStatus.IMPORTED] == 5


def test_a_batch_whose_connection_was_lost_is_stored_on_the_retry(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = store.store_batch_once
    calls: list[int] = []

    def lost_once(*args: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError(
                "COMMIT", {}, Exception("server closed the connection"), connection_invalidated=True
            )
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "store_batch_once", lost_once)
    with caplog.at_level(logging.WARNING, logger="loadwatch.import"):
        results = services.import_uploads(engine, _runs(3), athlete="ana", today=TODAY)

    assert [r.status for r in results] == [ImportStatus.IMPORTED] * 3
    assert len(calls) == 2
    assert "connection lost storing a batch" in caplog.text


def test_a_server_that_stays_gone_is_one_line_saying_how_many_files_were_saved(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.store_batch_once
    calls: list[int] = []

    def gone_after_two_batches(*args: object) -> object:
        calls.append(1)
        if len(calls) > 2:
            raise OperationalError(
                "BEGIN", {}, Exception("connection refused"), connection_invalidated=True
            )
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "BATCH_FILES", 2)
    monkeypatch.setattr(store, "store_batch_once", gone_after_two_batches)

    with pytest.raises(StorageError) as caught:
        services.import_uploads(engine, _runs(6), athlete="ana", today=TODAY)

    assert "stopped answering (connection refused): 4 files were saved before it stopped; " in str(
        caught.value
    )
    assert str(caught.value).endswith("run the same command again, the rest will be imported")
    assert len(calls) == 4  # the third batch, then its one retry
    monkeypatch.setattr(store, "store_batch_once", real)
    results = services.import_uploads(engine, _runs(6), athlete="ana", today=TODAY)
    counts = services.count_summary(results)
    assert (counts[ImportStatus.IMPORTED], counts[ImportStatus.DUPLICATE]) == (2, 4)
