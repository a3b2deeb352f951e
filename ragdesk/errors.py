"""The errors ragdesk raises on purpose, each with a message a person can act on.

Everything here is a *known* problem (a bad file, a conflict, a refused input):
the window shows ``str(error)`` in a message box and the CLI prints it and exits
non-zero. Anything else that escapes is a bug and deserves a traceback.
"""

from __future__ import annotations


class RagdeskError(Exception):
    """Base of every known, user-facing error."""


class FileProblem(RagdeskError):
    """The database file cannot be opened as a ragdesk database.

    ``path`` names the file; the message says what is wrong and what to do.
    The file is never modified when this is raised.
    """

    def __init__(self, path: object, message: str) -> None:
        super().__init__(message)
        self.path = path


class NotSQLite(FileProblem):
    pass


class NotRagdesk(FileProblem):
    pass


class NewerSchema(FileProblem):
    pass


class Damaged(FileProblem):
    pass


class UnexpectedSchema(Damaged):
    """The file holds tables, views, triggers or indexes ragdesk did not put there.

    A kind of damage: the window offers the newest good backup, a restore sets the
    file aside, and ``ragdesk check`` lists the differences.
    """

    def __init__(self, path: object, message: str, differences: list[str]) -> None:
        super().__init__(path, message)
        self.differences = differences


class ReadOnly(FileProblem):
    pass


class Locked(FileProblem):
    pass


class InterruptedSave(FileProblem):
    """A save was cut off (a crash, a killed process, a dropped network) and left its journal.

    A read-only open cannot undo it (that needs a write); a normal open does so at once.
    """


class FileBusy(RagdeskError, OSError):
    """A file could not be renamed, replaced or deleted because another program holds it open
    (on Windows: a sharing violation that outlasted the retries in ``ragdesk.files``).

    Also an ``OSError`` so code that already reports file errors reports this one too.
    """

    def __init__(self, path: object, message: str) -> None:
        RagdeskError.__init__(self, message)
        self.path = path

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidValue(RagdeskError, ValueError):
    """A field value the user typed cannot be stored (e.g. a deadline that is not a date)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(RagdeskError, LookupError):
    """The record was deleted (perhaps by another user) or never existed."""


class Conflict(RagdeskError):
    """Someone else saved this record after you started editing it.

    ``current`` is the record as it is now in the file, so the window can show
    both versions side by side; nothing the user typed has been discarded.
    """

    def __init__(self, message: str, current: object = None) -> None:
        super().__init__(message)
        self.current = current


class TooLarge(RagdeskError):
    """An evidence file is over the documented size limit."""


class ImportFailed(RagdeskError):
    """A JSON import was refused; the database is unchanged (one transaction)."""


class ExportFailed(RagdeskError):
    """An export or report could not be written (disk full, folder gone, file open elsewhere).

    The target file is left as it was: exports are written to a temporary file next to it
    and renamed into place only when complete (:func:`ragdesk.files.write_atomically`).
    """
