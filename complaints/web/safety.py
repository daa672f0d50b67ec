"""What a request brings (a path in a URL, an uploaded file's name) kept inside the project folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_UPLOAD = 20 * 1024 * 1024  # an evidence file or a sheet: a screenshot or a page archive fits, a film does not
EVIDENCE_TYPES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf", ".mhtml", ".mht", ".html", ".htm", ".wacz",
                  ".warc", ".txt", ".docx", ".odt", ".mp4", ".webm")
SHEET_TYPES = (".csv", ".xlsx")
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


# what a file the desk hands out is served as, by its ending (anything else: as bytes to save)
MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8", ".html": "text/html; charset=utf-8",
    ".eml": "message/rfc822", ".cms": "application/pkcs7-mime", ".p7s": "application/pkcs7-signature",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}


def media_type(name: str | Path) -> str:
    """The media type a download named `name` is served as, by its ending."""
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


class Outside(ValueError):
    """A path that would lead out of the project folder."""


def inside(root: Path, relative: str) -> Path:
    """`relative` (from a URL or a form) as a path inside `root`; Outside if it climbs out, by `..`, by an
    absolute path, a drive letter or a link."""
    if not relative or "\x00" in relative or relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", relative):
        raise Outside(relative)
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and not target.is_relative_to(base):
        raise Outside(relative)
    return target


def safe_name(name: str, allowed: tuple[str, ...]) -> str:
    """An uploaded file's name as it may be stored: its last part only, letters (any alphabet), digits, dots,
    dashes and spaces, not hidden, not a name Windows reserves, with one of the `allowed` endings; ValueError
    if nothing usable is left or the ending is not allowed."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    stem, dot, ending = base.rpartition(".")
    if not dot or not stem or f".{ending.lower()}" not in allowed:
        raise ValueError(name)
    if stem.split(".")[0].lower() in _RESERVED:
        stem = f"_{stem}"
    return f"{stem[:100]}.{ending.lower()}"


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2`, `name-3`… where that is taken: an upload never replaces a file."""
    stem, _, ending = name.rpartition(".")
    candidate = folder / name
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}.{ending}"
        number += 1
    return candidate
