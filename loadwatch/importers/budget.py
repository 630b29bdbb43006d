"""How far one import may expand archives (issue #13): the limits, the running budget shared by
all of an import's inputs, and the streaming read that checks a member against both as it goes.

The limits are values: the service layer reads the documented environment variables once per
import (`services.limits.expansion_limits`) and passes them in; the names of those variables
are here only to be named in messages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Protocol

from loadwatch.errors import ExpansionLimitError, FileTooLargeError, InputError

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 24-hour 1 s GPX is ~20 MB; anything bigger is not a run
MAX_NESTING = 3  # levels of zip; Garmin exports nest zips two deep
# The expansion budget's defaults (docs/importers.md, "Expansion budget"). A decade of Garmin
# activity files is 1-3 GB with its nested zips counted twice; zlib's deflate tops out near
# 1032:1 and real activity files compress 3-25:1 (the corpus's most is a GPX at 23:1).
DEFAULT_MAX_EXPANDED_BYTES = 8 * 1024**3
DEFAULT_MAX_MEMBERS = 50_000  # a decade of daily FIT files, their folders and JSON metadata
DEFAULT_MAX_RATIO = 100.0
RATIO_FLOOR_BYTES = 1024 * 1024  # a member may always expand this far: small files' ratios vary
MAX_EXPANDED_MB_ENV = "LOADWATCH_MAX_EXPANDED_MB"
MAX_MEMBERS_ENV = "LOADWATCH_MAX_ARCHIVE_MEMBERS"
MAX_DEPTH_ENV = "LOADWATCH_MAX_ARCHIVE_DEPTH"
MAX_RATIO_ENV = "LOADWATCH_MAX_COMPRESSION_RATIO"
MB = 1024 * 1024
CHUNK_BYTES = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class ExpansionLimits:
    """How far one import may expand archives (`services.limits.expansion_limits` reads the
    documented environment variables into one).

    Attributes:
        max_expanded_bytes: bytes expanded in all (members read, .gz output, nested zips
            spilled to temporary files, which therefore never hold more).
        max_members: archive members listed in all (files, folders and metadata alike).
        max_depth: levels of zip (1: a zip of activity files; Garmin exports use 2).
        max_ratio: uncompressed size over compressed size, per member past `RATIO_FLOOR_BYTES`.
    """

    max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES
    max_members: int = DEFAULT_MAX_MEMBERS
    max_depth: int = MAX_NESTING
    max_ratio: float = DEFAULT_MAX_RATIO


class ExpansionBudget:
    """One import's running count against its `ExpansionLimits` (shared by all its inputs)."""

    __slots__ = ("expanded_bytes", "limits", "members")

    def __init__(self, limits: ExpansionLimits | None = None) -> None:
        self.limits = limits or ExpansionLimits()
        self.expanded_bytes = 0
        self.members = 0

    def admit_members(self, name: str, count: int) -> None:
        """Count an archive's members before any is read.

        Raises:
            ExpansionLimitError: the import would list more than `max_members`.
        """
        limit = self.limits.max_members
        if self.members + count > limit:
            left = (
                f"the limit for one import (${MAX_MEMBERS_ENV})"
                if self.members == 0
                else f"what is left of this import's limit of {limit:,} archive members "
                f"(${MAX_MEMBERS_ENV})"
            )
            raise ExpansionLimitError(
                f"{name!r} lists more than {limit - self.members:,} files, {left}"
            )
        self.members += count

    def check_depth(self, name: str, depth: int) -> None:
        """Raises ExpansionLimitError: `name` is a zip at a level past `max_depth`."""
        if depth >= self.limits.max_depth:
            raise ExpansionLimitError(
                f"{name!r} nests zip files more than {self.limits.max_depth} deep "
                f"(${MAX_DEPTH_ENV}); no export does that"
            )

    def ratio_limit_bytes(self, compressed_bytes: int) -> int:
        """The most a member of `compressed_bytes` may expand to under `max_ratio`."""
        return max(RATIO_FLOOR_BYTES, int(compressed_bytes * self.limits.max_ratio))

    def take(self, name: str, size_bytes: int) -> None:
        """Count `size_bytes` more expanded from `name`.

        Raises:
            ExpansionLimitError: the import's total passes `max_expanded_bytes`.
        """
        if self.expanded_bytes + size_bytes > self.limits.max_expanded_bytes:
            raise self.over_total(name)
        self.expanded_bytes += size_bytes

    def over_total(self, name: str) -> ExpansionLimitError:
        """The error for `name` taking the import past `max_expanded_bytes`."""
        return ExpansionLimitError(
            f"expanding {name!r} takes this import past its limit of "
            f"{self.limits.max_expanded_bytes // MB:,} MB of archive contents "
            f"(${MAX_EXPANDED_MB_ENV})"
        )

    def too_far(self, name: str) -> ExpansionLimitError:
        """The error for a member that expands past `max_ratio` (a zip bomb)."""
        return ExpansionLimitError(
            f"{name!r} expands to more than {self.limits.max_ratio:g} times its compressed size "
            f"(${MAX_RATIO_ENV}): a zip bomb, not an activity file"
        )


def read_member(
    stream: Readable,
    name: str,
    compressed_bytes: int,
    budget: ExpansionBudget,
    cap_bytes: int = MAX_FILE_BYTES,
    *,
    is_nested: bool,
) -> bytes:
    """Read one compressed member, checking as it streams: the per-file cap (the member alone
    is refused), the ratio (alone at the top level, the whole archive when nested: a nested
    bomb is one message, not one per member) and the import's total (the whole archive).

    Raises:
        FileTooLargeError: over `cap_bytes`, or a top-level member past the ratio.
        ExpansionLimitError: past the import's total, or a nested member past the ratio.
    """
    ratio_limit = budget.ratio_limit_bytes(compressed_bytes)
    # BytesIO.getvalue() hands over its buffer without a copy: the member is in memory about
    # once, not twice as with a list of chunks and a join.
    buffer = io.BytesIO()
    while chunk := stream.read(CHUNK_BYTES):
        size = buffer.tell() + len(chunk)
        if size > cap_bytes:
            raise _too_large_uncompressed(name, cap_bytes)
        if size > ratio_limit:
            error = budget.too_far(name)
            raise error if is_nested else FileTooLargeError(str(error))
        budget.take(name, len(chunk))
        buffer.write(chunk)
    return buffer.getvalue()


def _too_large_uncompressed(name: str, cap_bytes: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"{name!r} is larger than {cap_bytes // MB} MB (uncompressed); "
        "no single activity is that big, so it was refused"
    )


def caused_by(error: InputError, cause: BaseException) -> InputError:
    """`error` with `cause` as its `__cause__`, as `raise error from cause` would set it."""
    error.__cause__ = cause
    return error
