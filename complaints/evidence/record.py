"""One capture of a comment's page, as it is kept: the files it made, what the browser saw, and its record.

A capture's files lie in the case's evidence folder, all named after the capture's time (Kazakhstan time), so
that a capture never overwrites an earlier one:

    capture-2026-12-02-190312-page.png        the whole page as the browser showed it
    capture-2026-12-02-190312-comment.png     the comment close up, with the address, the capture time and the
                                              comment's author and time written above it by the tool
    capture-2026-12-02-190312-page.mhtml      the page as a web archive (Chromium's MHTML), after its scripts ran
    capture-2026-12-02-190312-record.json     this record: the address asked for, the final address, the HTTP
                                              status and headers, the outcome, the time, the SHA-256 of every file
    capture-2026-12-02-190312-record.HOST.tsr an RFC 3161 timestamp token over the record's bytes, one per
                                              authority (HOST: the authority's name); the token covers the record,
                                              the record covers every file by its SHA-256

An outcome other than "found" is what was seen (the status, the screenshot anyway), never evidence that the
comment is online: such a capture is kept and reported, but not added to the case file.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["OUTCOMES", "ROLES", "CapturedFile", "Capture", "Stamp", "stem_for", "read_record", "record_bytes",
           "token_name", "RECORD_FORMAT", "STEM_PATTERN"]

RECORD_FORMAT = 1

# What a capture found. Only "found" is evidence that the comment is online.
OUTCOMES = (
    "found",          # the quoted text is on the page (matched after normalising spaces and quotes)
    "not-found",      # the page loaded, but the text is not on it (removed, or never there)
    "http-error",     # the server answered 4xx/5xx (404: the page or article is gone)
    "login-wall",     # the page asks to log in before it shows the comments
    "timeout",        # the page or its comments did not load within the time limit
    "too-large",      # the page is larger than the size limit
    "network-error",  # no answer: the name does not resolve, the connection is refused or cut
    "refused",        # not captured at all: not an http(s) address, or an address the tool will not open
)

# The files of a capture, by role, in the order the letters list them.
ROLES = ("comment", "page", "archive", "record")


@dataclass(frozen=True)
class CapturedFile:
    role: str  # one of ROLES
    name: str  # the file's name in the evidence folder
    size: int
    sha256: str


@dataclass(frozen=True)
class Stamp:
    """An RFC 3161 timestamp token over the record, from one authority (or the reason there is none)."""

    authority: str  # its name, as the letters say it (default the URL's host)
    url: str
    token: str | None  # the token file's name beside the record; None when the authority gave none
    time: str | None = None  # genTime as the token states it, ISO 8601 with offset
    error: str | None = None  # why there is no token (no answer, refused, a bad reply)


@dataclass
class Capture:
    """What one visit to a page saw and kept."""

    url: str  # the address asked for
    outcome: str  # one of OUTCOMES
    detail: str  # a sentence for the advocate: what was seen
    taken: datetime  # when the page was captured, aware (Kazakhstan time with its offset)
    folder: Path  # the evidence folder the files are in
    stem: str  # "capture-2026-12-02-190312": the prefix of every file's name
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[str] = field(default_factory=list)  # the addresses passed through, in order
    text: str = ""  # the quoted text looked for
    matched: str | None = None  # the page's text that matched it, as it is on the page
    author: str | None = None  # the author looked for
    author_seen: bool = False
    files: list[CapturedFile] = field(default_factory=list)
    stamps: list[Stamp] = field(default_factory=list)
    browser: str = ""  # the browser and its version

    @property
    def found(self) -> bool:
        return self.outcome == "found"

    def file(self, role: str) -> CapturedFile | None:
        return next((f for f in self.files if f.role == role), None)

    @property
    def record(self) -> Path:
        return self.folder / f"{self.stem}-record.json"

    def as_json(self) -> dict[str, Any]:
        """The record as written (the stamps apart: they are over these bytes, so they cannot be in them)."""
        data = asdict(self)
        data.pop("stamps")
        data["folder"] = None
        data["taken"] = self.taken.isoformat(timespec="seconds")
        data["files"] = [asdict(f) for f in self.files if f.role != "record"]
        return {"format": RECORD_FORMAT, **{k: v for k, v in data.items() if k != "folder"}}


def record_bytes(capture: Capture) -> bytes:
    """The record's file, exactly: UTF-8 JSON, keys in a fixed order, one trailing newline."""
    return (json.dumps(capture.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_record(path: Path) -> dict[str, Any]:
    """A record as written (ValueError if it is not one)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise ValueError(f"{path.name} is not a capture record of format {RECORD_FORMAT}")
    return data


# A capture's name prefix, as stem_for makes it: what every module that tells a capture's files by their names
# builds its pattern from.
STEM_PATTERN = r"capture-\d{4}-\d{2}-\d{2}-\d{6}(?:-\d+)?"
_STEM = re.compile(f"^{STEM_PATTERN}$")


def stem_for(taken: datetime, folder: Path) -> str:
    """The capture's name prefix, from its time in Kazakhstan; a second capture in the same second gets -2, -3…"""
    base = "capture-" + taken.strftime("%Y-%m-%d-%H%M%S")
    stem, n = base, 1
    while any(folder.glob(f"{stem}-*")):
        n += 1
        stem = f"{base}-{n}"
    return stem


def is_stem(text: str) -> bool:
    return bool(_STEM.match(text))


def token_name(stem: str, authority: str) -> str:
    """The token file's name: the record's, with the authority's name (made safe for a file name)."""
    safe = re.sub(r"[^A-Za-z0-9.-]+", "_", authority).strip("._") or "tsa"
    return f"{stem}-record.{safe}.tsr"
