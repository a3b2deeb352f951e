"""Bringing a unit's existing records into ragdesk: Word appendices, Excel/CSV trackers,
JSON, and the inspectorate's published reports (PDF).

``ragdesk import DB FILE`` picks the reader from the file's content and extension
(:func:`detect_format`); the readers live in their own modules and are imported only
when used, so the window and the other commands do not pay for python-docx, openpyxl or
pypdf at start-up.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import RagdeskError

FORMATS = ("docx", "xlsx", "csv", "json", "pdf")


def detect_format(path: Path) -> str:
    """The import format of ``path``, from its first bytes where they tell, else its extension.

    A .docx and a .xlsx are both ZIP files: the extension (or, failing that, the parts inside)
    tells them apart. Raises :class:`RagdeskError` for a file of no known kind.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as e:
        raise RagdeskError(f"Cannot read {path}: {e.strerror or e}") from e
    suffix = path.suffix.lower()
    if not head:
        raise RagdeskError(f"{path.name} is empty (0 bytes): nothing to import.")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".docx", ".xlsx"):
            return suffix[1:]
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile as e:
            raise RagdeskError(f"{path.name} is a damaged ZIP file, not a Word or Excel file.") from e
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise RagdeskError(f"{path.name} is a ZIP file but neither a Word (.docx) nor an "
                           "Excel (.xlsx) file.")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RagdeskError(f"{path.name} is an old-style Office file (.doc/.xls) or a "
                           "password-protected one: save it as .docx or .xlsx (without a "
                           "password) and import that.")
    if suffix in (".csv", ".json"):
        return suffix[1:]
    raise RagdeskError(f"{path.name}: ragdesk imports Word (.docx), Excel (.xlsx), CSV, JSON "
                       "and PDF inspection reports; this file is none of these.")


def check_size(path: Path, limit: int, what: str, hint: str = "") -> None:
    """Refuse, before reading it, a file that is missing, empty or over ``limit`` bytes;
    ``what`` names the kind of document in the message ("a tracker")."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise RagdeskError(f"Cannot read {path.name}: {e.strerror or e}") from e
    if size == 0:
        raise RagdeskError(f"{path.name} is empty.")
    if size > limit:
        raise RagdeskError(f"{path.name} is {size // 2**20} MB: too large for {what} "
                           f"(the limit is {limit // 2**20} MB).{hint}")
