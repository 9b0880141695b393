"""The exceptions netjournal raises: one small hierarchy, each worded for the user.

Every message is a single sentence that can be shown as is; the CLI prints ``str(error)``
and exits with status 1. Catch :class:`NetjournalError` to handle them all.
"""

from __future__ import annotations

from collections.abc import Sequence


class NetjournalError(Exception):
    """Base class: something the user can fix (bad input, unknown name, old schema...)."""


class NotFound(NetjournalError):
    """A person, event, encounter, lead or follow-up that the journal does not hold."""


class AmbiguousName(NetjournalError):
    """A name that matches several records; ``candidates`` lists them for the user to choose."""

    def __init__(self, message: str, candidates: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class InvalidInput(NetjournalError):
    """A value that cannot be stored: a wrong date, a negative amount, an unknown kind..."""


class ImportFormatError(InvalidInput):
    """A file (or one row of it) that cannot be imported; says which file and line."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


class JournalUnavailable(NetjournalError):
    """The journal cannot be opened: not a database, read-only, a directory, server down..."""


class OutputError(NetjournalError):
    """A file or stream that could not be written (a full disk, a file size limit, a closed
    device): the message says what was left in place."""


class SchemaError(NetjournalError):
    """The journal's schema does not match this version of netjournal."""


class SchemaOutOfDate(SchemaError):
    """The journal was written by an older netjournal; ``netjournal db upgrade`` brings it up."""


class SchemaTooNew(SchemaError):
    """The journal was written by a newer netjournal than the one installed."""


class UndoConflict(NetjournalError):
    """A change set that cannot be undone because a later one touched or depends on the same
    records; the message names that later change set."""
