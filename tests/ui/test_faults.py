"""The dashboard under the faults of issue #23: one sentence and a retry, never Streamlit's
redacted error box; the uploader gives its bytes back after an import."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from loadwatch import services
from tests.conftest import DATA
from tests.ui.apptest import open_page


def test_saving_pain_while_another_program_holds_the_database_is_a_sentence_and_a_retry(
    demo_copy: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", demo_copy)
    app_env.setenv("LOADWATCH_BUSY_TIMEOUT_S", "1")
    path = Path(str(make_url(demo_copy).database))
    at = open_page("pain", athlete="Ana")
    entries = services.list_pain(services.open_database(demo_copy), "Ana")
    before = len(entries)
    assert not any(e.during == 4 for e in entries)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        at.slider(key="pain_page.during").set_value(4)
        at.button[0].click().run()  # the form's Save button
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert not at.exception, at.exception
    message = at.error[-1].value
    assert f"the database '{path}' is busy: another program kept it locked for 1 s" in message
    assert "then run the same command again" in message
    assert at.button(key="navigation.fault_retry").label == "Try again"
    assert len(services.list_pain(services.open_database(demo_copy), "Ana")) == before
    at.button(key="navigation.fault_retry").click().run()
    at.slider(key="pain_page.during").set_value(4)
    at.button[0].click().run()
    assert not at.exception, at.exception
    # saved now: a new entry, or (issue #24: one entry per run) the run's entry updated
    assert any(e.during == 4 for e in services.list_pain(services.open_database(demo_copy), "Ana"))


def test_a_database_from_a_newer_loadwatch_is_one_line_on_every_page(db_url: str, app_env) -> None:
    if not db_url.startswith("sqlite"):
        return  # the stamp is written with sqlite3 below; the check itself is the same code
    services.open_database(db_url).dispose()
    with sqlite3.connect(str(make_url(db_url).database)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    app_env.setenv("LOADWATCH_DB_URL", db_url)

    at = open_page("this_week")

    assert not at.exception, at.exception
    assert at.error[0].value.startswith(
        "this database was written by a newer loadwatch (revision ffffffffffff); upgrade loadwatch"
    )


def test_the_uploader_is_emptied_and_its_bytes_released_after_an_import(
    db_url: str, app_env
) -> None:
    app_env.setenv("LOADWATCH_DB_URL", db_url)
    at = open_page("import")
    at.file_uploader[0].set_value(
        [("run.fit", (DATA / "fit/run-5k-session.fit").read_bytes(), "application/octet-stream")]
    )
    at.run()

    at.button(key="import_page.go").click().run()

    assert not at.exception, at.exception
    assert "me: 1 imported" in at.success[0].value
    assert at.file_uploader[0].key == "import_page.files.1"  # a new, empty uploader
    assert not at.file_uploader[0].value
