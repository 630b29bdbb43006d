"""The limits an import works within, for the pages and the CLI to state (issue #12): the size
of one file and how far archives may expand (importers/archive.py holds the numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from loadwatch.importers.archive import MAX_FILE_BYTES, ExpansionLimits


@dataclass(frozen=True, slots=True)
class ImportLimits:
    max_file_bytes: int  # one activity file (an archive member or a .gz once expanded)
    max_expanded_bytes: int  # everything one import may expand from archives
    max_members: int  # archive members listed in all
    max_depth: int  # levels of zip inside zip
    max_ratio: float  # a member's uncompressed size over its compressed size


def import_limits() -> ImportLimits:
    """The limits in force: the defaults, or the documented environment variables.

    Raises:
        InputError: one of those variables is not a positive number.
    """
    expansion = ExpansionLimits.from_env()
    return ImportLimits(
        max_file_bytes=MAX_FILE_BYTES,
        max_expanded_bytes=expansion.max_expanded_bytes,
        max_members=expansion.max_members,
        max_depth=expansion.max_depth,
        max_ratio=expansion.max_ratio,
    )
