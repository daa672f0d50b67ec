"""Problems found in users' files, and the errors that carry them."""

from __future__ import annotations

import re
from pathlib import Path

# What must not reach a terminal or a log as it is: C0 and C1 controls and DEL (a line break would forge a line of
# its own, an escape sequence recolour or rewrite the screen), the line and paragraph separators, the marks that
# reorder text from right to left, and lone surrogates (the bytes of a file name that is not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character that could forge or hide a line of output written as an escape (\\n, \\x1b,
    \\u202e); the same text again if it has none."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def has_unsafe(text: str) -> bool:
    """True if `printable` would change `text`."""
    return _UNSAFE.search(text) is not None


class Problem:
    """One thing wrong (or worth a warning) at one place in one file.

    A frozen value, compared and ordered by its fields in order, as `@dataclass(frozen=True, order=True)` would
    make it; written out so that the fast answers (cli/fast.py), which read case files' paths but never a case,
    do not import `dataclasses` (and `inspect`) for it.
    """

    __match_args__ = ("file", "line", "column", "field", "message", "severity")

    file: str
    line: int
    column: int | str  # 1-based; a spreadsheet's column by its letter (C, AA), as the sheet names it
    field: str
    message: str
    severity: str  # "error" or "warning"

    def __init__(self, file: str, line: int, column: int | str, field: str, message: str,
                 severity: str = "error"):
        # what the user wrote (a file name, a value quoted in the message) is never printed raw: a line break in
        # it would make a line of its own that reads like another problem
        values = {"file": file, "line": line, "column": column, "field": field, "message": message,
                  "severity": severity}
        for name in ("file", "field", "message"):
            value = values[name]
            if isinstance(value, str) and has_unsafe(value):
                values[name] = printable(value)
        self.__dict__.update(values)

    def _fields(self) -> tuple[object, ...]:
        return (self.file, self.line, self.column, self.field, self.message, self.severity)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field '{name}'")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}'")

    def __repr__(self) -> str:
        return (f"Problem(file={self.file!r}, line={self.line!r}, column={self.column!r}, field={self.field!r},"
                f" message={self.message!r}, severity={self.severity!r})")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._fields() == other._fields()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __lt__(self, other: Problem) -> bool:
        if other.__class__ is self.__class__:
            return self._fields() < other._fields()
        return NotImplemented

    def __le__(self, other: Problem) -> bool:
        if other.__class__ is self.__class__:
            return self._fields() <= other._fields()
        return NotImplemented

    def __gt__(self, other: Problem) -> bool:
        if other.__class__ is self.__class__:
            return self._fields() > other._fields()
        return NotImplemented

    def __ge__(self, other: Problem) -> bool:
        if other.__class__ is self.__class__:
            return self._fields() >= other._fields()
        return NotImplemented

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {where}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
        }


class ComplaintsError(Exception):
    """Base of every error this package raises for a user's mistake."""


class CaseError(ComplaintsError):
    """A case (or project) file that cannot be used; carries every problem found in it."""

    def __init__(self, path: str | Path, problems: list[Problem]):
        self.path = str(path)
        self.problems = sorted(problems, key=lambda p: (p.line, p.column, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class ProjectError(CaseError):
    """The project file (complaints.yaml) cannot be used."""


class DataError(ComplaintsError):
    """A data file shipped with the tool (norms, authorities, phrases) is broken."""


class UsageError(ComplaintsError):
    """The library was asked for something impossible (no such path, a value out of range).

    Worded in the library's own terms: the value and what it is ("the extension date 2026-10-01 is not after the
    registration date 2026-10-27"), never a command-line flag. `about` names the argument it is about (the
    parameter's name, e.g. "until"), so that a front end can point at its own field: the command line shows
    "--until: …", the web page puts the message beside its form field.
    """

    def __init__(self, message: str, *, about: str | None = None):
        super().__init__(message)
        self.about = about
