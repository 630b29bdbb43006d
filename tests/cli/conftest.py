"""Fixtures shared by the command-line tests: click's CliRunner against a real database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli


@pytest.fixture
def run(db_url: str):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False)

    return invoke


# CLI values out of range (issue #15): each is one "Error: ..." line and no traceback.


@pytest.fixture
def attempt(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Invoke catching exceptions, so an unexpected one shows up in `result.exception`."""
    monkeypatch.setenv("LOADWATCH_TODAY", "2026-03-20")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db_url, *args])

    return invoke


def one_error_line(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    return line


# Issue #10: athletes managed from the command line, and `--db` before or after the command.


@pytest.fixture
def lw(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Invoke with `--db` AFTER the command (issue #10), exceptions caught so that an
    unexpected one shows in `result.exception`; `input` answers prompts."""
    monkeypatch.setenv("LOADWATCH_TODAY", "2026-03-20")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, [*args, "--db", db_url], input=input)

    return invoke
