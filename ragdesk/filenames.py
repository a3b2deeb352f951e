"""Evidence file names from other people: what ragdesk will open, and names safe to write.

An evidence file arrives with whatever name its sender gave it, and anyone with the
database file can attach one. Opening a file hands it to the operating system, which
decides by the extension what to do: for a program, a script or a shortcut that means
running it. So ragdesk never opens those (the window offers Save a Copy instead, so the
person can check the file first), and it reads the extension the system will read:

* after removing bidirectional control characters, with which "invoice‮fdp.exe" shows
  as "invoiceexe.pdf";
* after removing the trailing dots and spaces Windows ignores ("report.exe. " runs).

:data:`EXECUTABLE_EXTENSIONS` is the one list. It starts from the attachment types
Outlook blocks outright (Microsoft's "Blocked attachments in Outlook", level 1: the
Windows types that run code or change the system when opened), adds the scripts,
packages and launchers of macOS and Linux desktops, and Office files that hold macros
(a temporary copy has no "downloaded from the internet" mark, so Office would open it
without Protected View).

:func:`safe_name` makes a name that can be written on Windows, macOS and Linux:
no folders, no characters Windows refuses, no reserved device name (``CON``,
``NUL.txt``, ``com1.pdf`` name devices, not files, on Windows).
"""

from __future__ import annotations

import re

# Outlook's level-1 blocked attachments: Windows programs, scripts, shortcuts, installers,
# control-panel items, help files that run code, disk images that mount, certificates.
_WINDOWS = (
    "ade", "adp", "app", "appcontent-ms", "application", "appref-ms", "asp", "aspx", "asx", "bas",
    "bat", "bgi", "cab", "cer", "chm", "cmd", "cnt", "com", "cpl", "crt", "csh", "der", "diagcab",
    "exe", "fxp", "gadget", "grp", "hlp", "hpj", "hta", "htc", "img", "inf", "ins", "iso", "isp",
    "its", "jar", "jnlp", "js", "jse", "ksh", "library-ms", "lnk", "mad", "maf", "mag", "mam",
    "maq", "mar", "mas", "mat", "mau", "mav", "maw", "mcf", "mda", "mdb", "mde", "mdt", "mdw",
    "mdz", "msc", "msh", "msh1", "msh1xml", "msh2", "msh2xml", "mshxml", "msi", "msp", "mst",
    "msu", "ops", "osd", "pcd", "pif", "pl", "plg", "prf", "prg", "printerexport", "ps1",
    "ps1xml", "ps2", "ps2xml", "psc1", "psc2", "psd1", "psdm1", "psm1", "pst", "py", "pyc", "pyo",
    "pyw", "pyz", "pyzw", "reg", "scf", "scr", "sct", "search-ms", "searchconnector-ms",
    "settingcontent-ms", "shb", "shs", "theme", "tmp", "udl", "url", "vb", "vbe", "vbp", "vbs",
    "vhd", "vhdx", "vsmacros", "vsw", "webpnp", "website", "ws", "wsb", "wsc", "wsf", "wsh",
    "xbap", "xll", "xnk", "dll", "sys", "drv", "ocx",
)
# macOS and Linux desktops: shell scripts, launchers, packages, app bundles, libraries.
_MAC_LINUX = (
    "sh", "bash", "zsh", "command", "tool", "desktop", "run", "bin", "appimage", "deb", "rpm",
    "pkg", "mpkg", "dmg", "terminal", "workflow", "action", "scpt", "scptbundle", "osax", "kext",
    "so", "dylib",
)
# Office files that carry macros.
_MACROS = ("docm", "dotm", "xlsm", "xltm", "xlam", "xla", "pptm", "potm", "ppam", "ppsm", "sldm")
EXECUTABLE_EXTENSIONS: frozenset[str] = frozenset(_WINDOWS + _MAC_LINUX + _MACROS)

# Characters that change the display order of text without being seen (U+202A-U+202E
# embeddings and overrides, U+2066-U+2069 isolates, LRM/RLM and the Arabic letter mark).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Characters Windows does not allow in a name, and the C0 controls.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Device names on Windows, with any extension: "NUL.txt" and "com1.tar.gz" are devices too.
# Windows also counts superscript digits one to three (COM¹, LPT³).
_RESERVED = re.compile(r"(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(?:COM|LPT)[1-9¹²³])", re.IGNORECASE)
_MAX_NAME = 200


def shown_name(name: str) -> str:
    """A name as it should be shown: without the invisible characters that reorder it."""
    return _BIDI.sub("", name)


def extension(name: str) -> str:
    """The extension the operating system will act on, lower case, without the dot."""
    base = shown_name(name).replace("\\", "/").rsplit("/", 1)[-1].rstrip(" .")
    return base.rsplit(".", 1)[1].strip().lower() if "." in base else ""


def is_executable(name: str) -> bool:
    """Would opening a file of this name run something? (see :data:`EXECUTABLE_EXTENSIONS`)"""
    return extension(name) in EXECUTABLE_EXTENSIONS


def safe_name(name: str, default: str = "evidence") -> str:
    """``name`` as a file name that is safe to write in a folder of ours on any system."""
    base = shown_name(name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _FORBIDDEN.sub("_", base).strip().rstrip(". ")
    if not base.strip("._ "):
        base = default
    stem = base.split(".", 1)[0].rstrip(" ")
    if _RESERVED.fullmatch(stem):
        base = "_" + base
    if len(base) > _MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:_MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 20 \
            else base[:_MAX_NAME]
    return base


# Windows' classic limit for a whole path. Programs without long-path awareness (and
# Explorer itself) cannot open a longer one.
