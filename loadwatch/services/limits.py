"""The limits an import works within (issue #12): read once per import from the documented
environment variables (docs/importers.md) and passed to the importers as values, and stated
by the pages and the CLI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from loadwatch.errors import InputError
from loadwatch.importers.budget import (
    DEFAULT_MAX_EXPANDED_BYTES,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_MAX_RATIO,
    MAX_DEPTH_ENV,
    MAX_EXPANDED_MB_ENV,
    MAX_FILE_BYTES,
    MAX_MEMBERS_ENV,
    MAX_NESTING,
    MAX_RATIO_ENV,
    MB,
    ExpansionLimits,
)


@dataclass(frozen=True, slots=True)
class ImportLimits:
    max_file_bytes: int  # one activity file (an archive member or a .gz once expanded)
    max_expanded_bytes: int  # everything one import may expand from archives
    max_members: int  # archive members listed in all
    max_depth: int  # levels of zip inside zip
    max_ratio: float  # a member's uncompressed size over its compressed size


def expansion_limits(environ: Mapping[str, str] | None = None) -> ExpansionLimits:
    """The expansion budget's defaults, each replaced by its environment variable when set.

    Raises:
        InputError: a variable that is not a positive number (whole, but for the ratio).
    """
    env = os.environ if environ is None else environ
    return ExpansionLimits(
        max_expanded_bytes=_env_int(env, MAX_EXPANDED_MB_ENV, DEFAULT_MAX_EXPANDED_BYTES // MB)
        * MB,
        max_members=_env_int(env, MAX_MEMBERS_ENV, DEFAULT_MAX_MEMBERS),
        max_depth=_env_int(env, MAX_DEPTH_ENV, MAX_NESTING),
        max_ratio=_env_ratio(env, MAX_RATIO_ENV, DEFAULT_MAX_RATIO),
    )


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) <= 0:
        raise InputError(f"${name} must be a whole number above 0, not {text!r}")
    return int(text)


def _env_ratio(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 1 <= value < float("inf"):  # NaN fails too
        raise InputError(f"${name} must be a number of at least 1, not {text!r}")
    return value


def import_limits() -> ImportLimits:
    """The limits in force: the defaults, or the documented environment variables.

    Raises:
        InputError: one of those variables is not a positive number.
    """
    expansion = expansion_limits()
    return ImportLimits(
        max_file_bytes=MAX_FILE_BYTES,
        max_expanded_bytes=expansion.max_expanded_bytes,
        max_members=expansion.max_members,
        max_depth=expansion.max_depth,
        max_ratio=expansion.max_ratio,
    )
