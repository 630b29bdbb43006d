"""What every command shares (the `cli` group): help, `--db`, one-line errors, plain output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from tests.cli.conftest import one_error_line
from tests.conftest import DATA


def _commands(group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name", [n for n, _ in _commands(cli)])
def test_every_command_has_help_with_an_example(name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"`loadwatch {name} --help` has no example"


def test_user_text_that_looks_like_rich_markup_is_printed_literally(run, tmp_path: Path) -> None:
    gpx = tmp_path / "[red]run.gpx"
    shutil.copy(DATA / "gpx/run-10k-hilly.gpx", gpx)
    imported = run("import", str(gpx), "--athlete", "[/]")
    assert imported.exit_code == 0, imported.output
    assert "[red]run.gpx" in imported.output
    shoe = run("shoes", "add", "[red]x", "--athlete", "[/]", "--model", "[bold]m", "--default")
    assert shoe.exit_code == 0, shoe.output
    activity = json.loads(run("activities", "--json").output)[0]["id"]
    assert run("shoes", "assign", str(activity), "[red]x").exit_code == 0
    pain = run("pain", "log", "--athlete", "[/]", "--after", "2", "--note", "[/]")
    assert pain.exit_code == 0, pain.output
    assert run("squad", "add", "[red]coach", "[/]").exit_code == 0
    expected = {
        ("athletes",): ["[/]"],
        ("activities", "--athlete", "[/]"): ["[/]", "[red]run.gpx"],
        ("squad", "show", "--coach", "[red]coach"): ["Squad of [red]coach", "[/]"],
        ("report", "--athlete", "[/]"): ["[/], as of", "[red]x"],
        ("pain", "list", "--athlete", "[/]"): ["Pain log: [/]", "[/]"],
        ("shoes", "list", "--athlete", "[/]"): ["Shoes: [/]", "[red]x", "[bold]m"],
    }
    for args, texts in expected.items():
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        for text in texts:
            assert text in result.output, (args, text, result.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "--athlete", "ana", "--as-of", "0001-01-01"), "as-of date 0001-01-01"),
        (("squad", "show", "--as-of", "0001-01-01"), "as-of date 0001-01-01"),
        (("activities", "--since", "0001-01-01"), "since date 0001-01-01"),
        (("pain", "log", "--athlete", "ana", "--after", "2", "--date", "0001-01-01"), "pain date"),
        (("pain", "morning", "2", "--athlete", "ana", "--date", "1989-12-31"), "morning date"),
    ],
    ids=["report", "squad", "activities", "pain-log", "pain-morning"],
)
def test_dates_before_1990_are_one_error_line(attempt, args: tuple[str, ...], message: str) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    line = one_error_line(attempt(*args))
    assert line.startswith(f"Error: {message}")
    assert line.endswith("is before 1990-01-01; give a date from then on")


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--athlete", "ana", "--as-of", "9999-12-31"),
        ("squad", "show", "--as-of", "9999-12-31"),
        ("pain", "log", "--athlete", "ana", "--after", "2", "--date", "9999-12-31"),
        ("pain", "morning", "2", "--athlete", "ana", "--date", "9999-12-31"),
    ],
    ids=["report", "squad", "pain-log", "pain-morning"],
)
def test_dates_in_year_9999_are_one_error_line(attempt, args: tuple[str, ...]) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    line = one_error_line(attempt(*args))
    assert "9999-12-31 is in the future; give a date up to 2026-03-20" in line


@pytest.mark.parametrize(
    "args",
    [
        ("pain", "log", "--athlete", "ana", "--after", "2", "--run", "99999999999999999999"),
        ("pain", "edit", "99999999999999999999", "--athlete", "ana", "--after", "2"),
        ("pain", "delete", "99999999999999999999", "--athlete", "ana"),
        ("shoes", "assign", "99999999999999999999", "Pegasus"),
        ("shoes", "assign", "0", "Pegasus"),
    ],
    ids=["pain-log-run", "pain-edit", "pain-delete", "shoes-assign", "shoes-assign-zero"],
)
def test_huge_ids_are_a_usage_error_not_an_overflow(attempt, args: tuple[str, ...]) -> None:
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    attempt("shoes", "add", "Pegasus", "--athlete", "ana")
    line = one_error_line(attempt(*args), exit_code=2)  # click: a bad argument is exit code 2
    assert "is not in the range 1<=x<=9223372036854775807" in line


@pytest.mark.parametrize("big", [2**31 - 1, 2**31, 2**63 - 1], ids=["int4", "int4+1", "int8"])
def test_ids_past_the_database_integer_are_simply_not_found(attempt, big: int) -> None:
    # PostgreSQL's ids are 32-bit: 2**31 was a DataError there, a plain "not found" on SQLite.
    attempt("import", str(DATA / "fit/run-5k-session.fit"), "--athlete", "ana")
    attempt("shoes", "add", "Pegasus", "--athlete", "ana")
    line = one_error_line(attempt("shoes", "assign", str(big), "Pegasus"))
    assert line == f"Error: no activity with id {big}; `loadwatch activities` lists them"
    line = one_error_line(
        attempt("pain", "log", "--athlete", "ana", "--after", "2", "--run", str(big))
    )
    assert line == f"Error: no activity with id {big}; `loadwatch activities` lists them"
    line = one_error_line(attempt("pain", "delete", str(big), "--athlete", "ana"))
    assert line.startswith(f"Error: ana has no pain entry {big};")


def test_json_output_is_strict_json_without_nan_or_infinity() -> None:
    from loadwatch.cli._group import _finite

    assert _finite({"a": float("nan"), "b": [1.0, float("inf")], "c": "x"}) == {
        "a": None,
        "b": [1.0, None],
        "c": "x",
    }


def test_the_cli_writes_its_log_in_the_log_directory(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LOADWATCH_LOG_DIR", str(tmp_path / "logs"))
    result = run("athletes")
    assert result.exit_code == 0
    assert (tmp_path / "logs" / "loadwatch.log").exists()


def test_db_before_or_after_the_command_and_a_plain_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOADWATCH_DB_URL", raising=False)
    runner = CliRunner()
    gpx = str(DATA / "gpx/run-10k-hilly.gpx")
    after = runner.invoke(cli, ["import", gpx, "--athlete", "ana", "--db", "runs.db"])
    assert after.exit_code == 0, after.output
    assert (tmp_path / "runs.db").is_file()
    before = runner.invoke(cli, ["--db", f"sqlite:///{tmp_path / 'runs.db'}", "athletes", "--json"])
    assert [r["name"] for r in json.loads(before.output)] == ["ana"]
    # In a subgroup, after the subcommand; and after the command it wins over the one before.
    shoes = runner.invoke(
        cli, ["--db", "other.db", "shoes", "add", "Pegasus", "--athlete", "ana", "--db", "runs.db"]
    )
    assert shoes.exit_code == 0, shoes.output
    assert not (tmp_path / "other.db").exists()
    listed = runner.invoke(cli, ["shoes", "list", "--athlete", "ana", "--json", "--db", "runs.db"])
    assert "Pegasus" in listed.output
    # The environment variable takes a plain path too; --db still wins over it.
    monkeypatch.setenv("LOADWATCH_DB_URL", "runs.db")
    assert "ana" in runner.invoke(cli, ["athletes"]).output
    assert runner.invoke(cli, ["athletes", "--json", "--db", "third.db"]).output.strip() == "[]"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "missing-folder",
            "Error: the folder '{tmp}/nowhere' for the database 'runs.db' does not "
            "exist; create it first or give another path",
        ),
        (
            "not-a-database",
            "Error: '{tmp}/notes.txt' is not a SQLite database; give a loadwatch "
            "database file or a new file name",
        ),
        (
            "a-folder",
            "Error: '{tmp}' is a folder, not a database file; give a file path such as "
            "'{tmp}/loadwatch.db'",
        ),
        (
            "no-driver",
            "Error: the database driver for postgresql+psycopg:// is not installed (no module "
            "named 'psycopg'); install it with: pip install 'loadwatch[postgres]' (psycopg 3)",
        ),
        (
            "unreachable",
            "Error: cannot connect to the database 'postgresql+psycopg://me:***@"
            "127.0.0.1:{port}/runs': ",
        ),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_error_line(
    case: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import sys

    with socket.socket() as sock:  # a port on 127.0.0.1 that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "notes.txt").write_text("not a database\n")
    db = {
        "missing-folder": str(tmp_path / "nowhere" / "runs.db"),
        "not-a-database": str(tmp_path / "notes.txt"),
        "a-folder": str(tmp_path),
        "no-driver": "postgresql+psycopg://me:pw@127.0.0.1/runs",
        "unreachable": f"postgresql+psycopg://me:secret-pw@127.0.0.1:{port}/runs",
    }[case]
    if case == "no-driver":
        monkeypatch.setitem(sys.modules, "psycopg", None)
    for args in (["--db", db, "athletes"], ["import", str(DATA / "gpx"), "--db", db]):
        result = CliRunner().invoke(cli, args)
        line = one_error_line(result)
        assert line.startswith(expected.format(tmp=tmp_path, port=port)), line
        assert result.output.count("\n") == 1, result.output  # the one line, nothing else
        assert "secret-pw" not in result.output
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
