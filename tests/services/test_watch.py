"""`watch_folder` with real files copied into a real folder (issue #12): new files are imported
once complete, a file written slowly is read whole, duplicates are recognised."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.domain import ImportResult, ImportStatus
from loadwatch.errors import InputError
from loadwatch.services.watch import is_activity_file
from tests.conftest import DATA

FIT = DATA / "fit/run-5k-session.fit"
GPX = DATA / "gpx/run-10k-hilly.gpx"
SETTLE_S = 0.6


class _Watch:
    """`watch_folder` on a thread; `results` fills as files are imported."""

    def __init__(self, engine: Engine, folder: Path, **kwargs: object) -> None:
        self.results: list[ImportResult] = []
        self.stop = threading.Event()
        self._ready = threading.Event()
        self.error: BaseException | None = None

        def run() -> None:
            try:
                services.watch_folder(
                    engine,
                    folder,
                    "ana",
                    on_result=self.results.append,
                    on_ready=self._ready.set,
                    stop=self.stop,
                    settle_s=SETTLE_S,
                    **kwargs,  # type: ignore[arg-type]
                )
            except BaseException as exc:  # surfaced by wait_for
                self.error = exc
                self._ready.set()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert self._ready.wait(30)

    def wait_for(self, count: int, timeout_s: float = 60) -> list[ImportResult]:
        deadline = time.monotonic() + timeout_s
        while len(self.results) < count and time.monotonic() < deadline:
            assert self.error is None, self.error
            time.sleep(0.1)
        assert len(self.results) >= count, self.results
        return self.results


@pytest.fixture
def watching(engine: Engine, tmp_path: Path) -> Iterator[tuple[_Watch, Path]]:
    folder = tmp_path / "GARMIN" / "Activity"
    folder.mkdir(parents=True)
    shutil.copy(FIT, folder / "already-there.fit")
    watch = _Watch(engine, folder)
    yield watch, folder
    watch.stop.set()
    watch.thread.join(20)


def test_files_copied_in_are_imported_once_and_duplicates_recognised(
    engine: Engine, watching: tuple[_Watch, Path]
) -> None:
    watch, folder = watching
    assert [r.status for r in watch.wait_for(1)] == [ImportStatus.IMPORTED]  # there at start
    shutil.copy(GPX, folder / "hilly.gpx")
    (folder / "notes.txt").write_text("not an activity")
    shutil.copy(FIT, folder / "copy-of-the-same.fit")
    results = watch.wait_for(3)
    by_name = {r.filename.split("/")[-1]: r.status for r in results}
    assert by_name["hilly.gpx"] is ImportStatus.IMPORTED
    assert by_name["copy-of-the-same.fit"] is ImportStatus.DUPLICATE  # same bytes as before
    time.sleep(SETTLE_S * 3)
    assert len(watch.results) == 3  # the text file is ignored; nothing imported twice
    assert len(services.list_activities(engine, "ana")) == 2


def test_a_file_written_slowly_is_read_only_when_complete(
    engine: Engine, watching: tuple[_Watch, Path]
) -> None:
    watch, folder = watching
    watch.wait_for(1)
    data = GPX.read_bytes()
    chunk = len(data) // 8 + 1
    with (folder / "slow.gpx").open("wb") as out:  # a sync client trickling the file in
        for start in range(0, len(data), chunk):
            out.write(data[start : start + chunk])
            out.flush()
            time.sleep(SETTLE_S / 3)  # pauses shorter than the settle time
    results = watch.wait_for(2)
    slow = next(r for r in results if r.filename.endswith("slow.gpx"))
    assert slow.status is ImportStatus.IMPORTED, slow.message
    assert slow.distance_m == pytest.approx(10_000, rel=0.05)


def test_a_partial_name_renamed_when_done_is_imported_under_its_final_name(
    engine: Engine, watching: tuple[_Watch, Path]
) -> None:
    watch, folder = watching
    watch.wait_for(1)
    partial = folder / "incoming.gpx.part"
    partial.write_bytes(GPX.read_bytes()[:500])  # half a file under a partial name: ignored
    time.sleep(SETTLE_S * 2)
    partial.write_bytes(GPX.read_bytes())
    partial.rename(folder / "incoming.gpx")
    results = watch.wait_for(2)
    assert [r.filename.split("/")[-1] for r in results][1] == "incoming.gpx"
    assert results[1].status is ImportStatus.IMPORTED


def test_new_only_skips_what_is_already_there(engine: Engine, tmp_path: Path) -> None:
    shutil.copy(FIT, tmp_path / "old.fit")
    watch = _Watch(engine, tmp_path, existing=False)
    try:
        shutil.copy(GPX, tmp_path / "new.gpx")
        results = watch.wait_for(1)
        time.sleep(SETTLE_S * 2)
        assert [r.filename.split("/")[-1] for r in results] == ["new.gpx"]
    finally:
        watch.stop.set()
        watch.thread.join(20)


def test_a_missing_folder_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder"):
        services.watch_folder(engine, tmp_path / "nope", "ana", on_result=print)


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("run.FIT", True),
        ("export.zip", True),
        ("run.fit.gz", True),
        (".run.fit", False),
        ("run.fit.part", False),
        ("run.gpx.crdownload", False),
        ("notes.txt", False),
    ],
)
def test_which_names_are_activity_files(name: str, wanted: bool) -> None:
    assert is_activity_file(Path(name)) is wanted


def test_the_cli_imports_what_is_there_and_stops_on_ctrl_c(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C is a KeyboardInterrupt out of the wait: the command prints its summary."""
    from loadwatch.cli import cli
    from loadwatch.services import watch as watch_module

    shutil.copy(FIT, tmp_path / "run.fit")
    calls = {"n": 0}

    def interrupt_after_a_while(_seconds: float) -> None:
        calls["n"] += 1
        if calls["n"] > 40:
            raise KeyboardInterrupt
        time.sleep(0.05)

    monkeypatch.setattr(watch_module, "POLL_S", 0.05)
    monkeypatch.setattr(threading.Event, "wait", lambda self, t=None: interrupt_after_a_while(t))
    result = CliRunner().invoke(
        cli, ["--db", db_url, "watch", str(tmp_path), "--athlete", "ana", "--settle", "0.2"]
    )
    assert result.exit_code == 0, result.output
    assert "Watching" in result.output
    assert "imported: run.fit: run" in result.output
    assert "Stopped watching" in result.output and "1 imported" in result.output
