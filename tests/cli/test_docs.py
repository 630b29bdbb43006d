"""Every command is documented (sqlite-utils' test_docs.py pattern, issue #19): walking the `cli`
group recursively, each command and sub-command must be named in docs/*.md or README.md, as
`loadwatch NAME ...` or in backticks (`` `NAME ...` ``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest

from loadwatch.cli import cli
from tests.conftest import ROOT


def command_paths(group: click.Group, prefix: str = "") -> Iterator[str]:
    """`import`, `shoes`, `shoes add`, ...: every command reachable from `group`."""
    for name in sorted(group.commands):
        command = group.commands[name]
        yield f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from command_paths(command, f"{prefix}{name} ")


def is_named(path: str, text: str) -> bool:
    """`path` appears as `loadwatch PATH` or in backticks, and not as the start of a longer
    word (`shoes list` is not named by `shoes listing`, `user` not by `user-data`)."""
    return re.search(rf"(?:`|\bloadwatch ){re.escape(path)}(?![\w-])", text) is not None


DOCS = "\n".join(
    path.read_text() for path in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
)


@pytest.mark.parametrize("path", list(command_paths(cli)))
def test_every_command_is_named_in_the_docs(path: str) -> None:
    assert is_named(path, DOCS), f"`loadwatch {path}` is in no doc: add it to docs/cli.md"


def test_the_walk_reaches_sub_commands_of_sub_groups() -> None:
    paths = set(command_paths(cli))
    assert {"import", "shoes", "shoes retire", "activities split", "user reset-password"} <= paths


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("run `loadwatch shoes retire NAME`", True),
        ("| `shoes retire NAME` | ...", True),
        ("loadwatch shoes retire", True),
        ("`shoes retired` pairs", False),
        ("the shoes retire when worn", False),
        ("`shoes retire-all`", False),
    ],
)
def test_a_command_counts_as_named_only_as_a_command(text: str, expected: bool) -> None:
    assert is_named("shoes retire", text) is expected
