"""`loadwatch pain` and its sub-commands through click's CliRunner."""

from __future__ import annotations

import json

from tests.conftest import DATA


def test_pain_commands_and_bad_score(run) -> None:
    run("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    logged = run(
        "pain",
        "log",
        "--athlete",
        "ana",
        "--during",
        "4",
        "--after",
        "6",
        "--location",
        "knee front",
    )
    assert logged.exit_code == 0, logged.output
    assert "zone red" in logged.output and "Suggested:" in logged.output
    bad = run("pain", "log", "--athlete", "ana", "--during", "11")
    assert bad.exit_code == 1 and "Error: during pain must be an integer 0-10, got 11" in bad.output
    assert run("pain", "morning", "2", "--athlete", "ana").exit_code == 0
    rows = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert [(r["after"], r["morning"]) for r in rows] == [(6, None), (None, 2)]


def test_pain_log_twice_updates_and_entries_can_be_edited_and_deleted(run) -> None:
    # issue #9: one post-run entry per run (saving again says "Updated"), edit and delete by id
    run("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    pain = ("pain", "log", "--athlete", "ana", "--during", "2", "--after", "4")
    first = run(*pain, "--location", "knee-front")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Logged pain entry")
    again = run(*pain, "--location", "knee-front")
    assert again.exit_code == 0, again.output
    assert again.output.startswith("Updated pain entry")
    (row,) = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert (row["during"], row["after"], row["location"]) == (2, 4, "knee front")
    entry_id = str(row["id"])
    edited = run("pain", "edit", entry_id, "--athlete", "ana", "--after", "3")
    assert edited.exit_code == 0, edited.output
    assert f"Updated pain entry {entry_id}" in edited.output
    (row,) = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert (row["during"], row["after"], row["location"]) == (2, 3, "knee front")
    deleted = run("pain", "delete", entry_id, "--athlete", "ana")
    assert deleted.exit_code == 0, deleted.output
    assert f"Deleted pain entry {entry_id}" in deleted.output
    assert json.loads(run("pain", "list", "--athlete", "ana", "--json").output) == []
    missing = run("pain", "delete", entry_id, "--athlete", "ana")
    assert missing.exit_code == 1 and f"has no pain entry {entry_id}" in missing.output


def test_pain_morning_twice_updates_and_another_athletes_entry_is_refused(run) -> None:
    run("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    run("import", str(DATA / "gpx/run-10k-hilly.gpx"), "--athlete", "bo")
    assert run("pain", "morning", "2", "--athlete", "ana").output.startswith("Logged morning")
    assert run("pain", "morning", "1", "--athlete", "ana").output.startswith("Updated morning")
    (row,) = json.loads(run("pain", "list", "--athlete", "ana", "--json").output)
    assert row["morning"] == 1
    bo = run("pain", "log", "--athlete", "bo", "--after", "3", "--location", "knee front")
    assert bo.exit_code == 0, bo.output
    (bos,) = json.loads(run("pain", "list", "--athlete", "bo", "--json").output)
    refused = run("pain", "edit", str(bos["id"]), "--athlete", "ana", "--after", "9")
    assert refused.exit_code == 1 and f"ana has no pain entry {bos['id']}" in refused.output
    (bos_after,) = json.loads(run("pain", "list", "--athlete", "bo", "--json").output)
    assert bos_after["after"] == 3
