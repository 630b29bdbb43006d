"""The exception hierarchy: every error loadwatch raises on purpose (STYLE.md section 5)."""

from __future__ import annotations


class LoadwatchError(Exception):
    """Raised on purpose; the UI and CLI show `str(e)` verbatim."""


class InputError(LoadwatchError, ValueError):
    """Bad user input: a file, a form field or a CLI argument."""


class UnsupportedFileError(InputError):
    """Neither FIT, GPX nor TCX, or a FIT file that is not an activity."""


class CorruptFileError(InputError):
    """The parser failed; the library error is `__cause__`."""


class EmptyActivityError(InputError):
    """Parsed, but no usable distance or time samples."""


class FileTooLargeError(InputError):
    """Over the size limit, or an archive that expands beyond it (zip bomb)."""


class ExpansionLimitError(FileTooLargeError):
    """An archive past the import's expansion budget (bytes expanded, members, nesting depth or
    compression ratio): a zip bomb or junk; the archive is not read further (one message)."""


class ImplausibleValueError(InputError):
    """A value outside the sanity limits (FitTrackee-style)."""

    def __init__(self, message: str, *, field: str, value: float, limit: float) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.limit = limit

    def __reduce__(self) -> tuple[object, ...]:  # picklable across the import worker processes
        return (_implausible, (str(self), self.field, self.value, self.limit))


class DuplicateRunError(LoadwatchError):
    """The same file content, or the same activity, is already imported."""

    def __init__(self, message: str, *, run_id: int) -> None:
        super().__init__(message)
        self.run_id = run_id

    def __reduce__(self) -> tuple[object, ...]:
        return (_duplicate, (str(self), self.run_id))


class NotFoundError(LoadwatchError):
    """Unknown athlete, shoe or run id."""


class NotAllowedError(LoadwatchError):
    """The acting user may not read or change this athlete's data (club mode, issue #11).

    Raised before anything is returned or changed. The message never says whether the athlete
    exists, so it cannot be used to probe for names."""


class AuthError(LoadwatchError):
    """A login failed: a wrong name or password, a locked or disabled account, an expired
    session. The message is the one the login form shows."""


class DatabaseError(LoadwatchError):
    """The database cannot be opened: a bad URL or path, a folder that does not exist, a file
    that is not a database, an unreachable server or a missing driver. The message is one line
    and never holds the URL's password."""


class NewerSchemaError(DatabaseError):
    """The database was migrated by a newer loadwatch: its Alembic revision is not one this
    version knows (issue #23). Nothing is changed; `.revision` is the stamp found."""

    def __init__(self, message: str, *, revision: str) -> None:
        super().__init__(message)
        self.revision = revision

    def __reduce__(self) -> tuple[object, ...]:
        return (_newer_schema, (str(self), self.revision))


class StorageError(LoadwatchError):
    """The disk or the database failed under a command (issue #23): a full disk, a database
    another program holds, a read-only file, a damaged file, a server that went away.

    The message is one line: the cause, what was saved (`progress`, when the command knows),
    and the fix. `.kind` names the fault (`loadwatch.db.faults.Fault`)."""

    def __init__(self, cause: str, fix: str, *, kind: str, progress: str | None = None) -> None:
        super().__init__(f"{cause}: {progress}; {fix}" if progress else f"{cause}; {fix}")
        self.cause = cause
        self.fix = fix
        self.kind = kind
        self.progress = progress

    def with_progress(self, progress: str) -> StorageError:
        """The same fault, saying what the command saved before it."""
        return StorageError(self.cause, self.fix, kind=self.kind, progress=progress)

    def __reduce__(self) -> tuple[object, ...]:
        return (_storage, (self.cause, self.fix, self.kind, self.progress))


def _implausible(message: str, field: str, value: float, limit: float) -> ImplausibleValueError:
    return ImplausibleValueError(message, field=field, value=value, limit=limit)


def _duplicate(message: str, run_id: int) -> DuplicateRunError:
    return DuplicateRunError(message, run_id=run_id)


def _newer_schema(message: str, revision: str) -> NewerSchemaError:
    return NewerSchemaError(message, revision=revision)


def _storage(cause: str, fix: str, kind: str, progress: str | None) -> StorageError:
    return StorageError(cause, fix, kind=kind, progress=progress)


class FrameSchemaError(ValueError):
    """A DataFrame lacks required columns: a programming bug, deliberately not a LoadwatchError."""
