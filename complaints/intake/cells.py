"""A spreadsheet's cells read into case values: texts, dates and times, languages, norm ids, evidence.

Dates are read as every date is (case.when: ISO, or day first as in Kazakhstan); what only a sheet has, a date
cell or an Excel day number, is read here. CellError says, in the sheet's terms, why a cell cannot be used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ..case.when import FORMS, Moment, kz_today, kz_zone, parse_moment


class CellError(ValueError):
    """A cell that cannot be read into its field."""


_SHEET_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                 "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"}
_EMPTY = {"", "-", "–", "—"}  # a dash is how many sheets say "nothing here"
# What XML 1.0 cannot carry (and so no letter can): C0 controls but tab and newline, DEL, C1 controls but NEL.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_SERIAL = re.compile(r"^\d{5}(?:[.,]\d+)?$")


def cell_text(value: Any, number_format: str | None) -> str:
    """A cell as the text a person sees in it: no `.0` after whole numbers, leading zeros kept where shown."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        text = str(int(value))
        if number_format and re.fullmatch(r"0+", number_format):  # "0000" shows 123 as 0123
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def is_empty(value: Any) -> bool:
    """Nothing in the cell (or a dash)."""
    return value is None or isinstance(value, str) and value.strip() in _EMPTY


def text(value: Any, number_format: str | None, *, limit: int, lines: bool) -> str:
    """The cell's text, checked: no spreadsheet error, no character a letter cannot carry, at most `limit`
    characters; `lines`: its line breaks kept (else a line break is the sheet's wrapping, and one space)."""
    shown = unicodedata.normalize("NFC", cell_text(value, number_format)).replace("\r\n", "\n").replace("\r", "\n")
    shown = shown.strip()
    if shown.upper() in _SHEET_ERRORS:
        raise CellError(f"the cell holds the spreadsheet error {shown} instead of a value (a broken formula?);"
                        " put the value itself in it")
    bad = _BAD_CHAR.search(shown)
    if bad:
        ch = bad.group()
        name = unicodedata.name(ch, "a control character")
        raise CellError(f"character U+{ord(ch):04X} ({name}) at position {bad.start() + 1} of the cell is not allowed"
                        " in a letter (XML cannot carry it); remove it")
    if len(shown) > limit:
        raise CellError(f"the cell is {len(shown):,} characters long, more than the {limit:,} this field"
                        " takes; was something pasted into the wrong column?")
    return shown if lines else " ".join(shown.split())


# ---------------------------------------------------------------- dates and times

def moment(value: Any, number_format: str | None, epoch: datetime) -> Moment:
    """A date cell, whatever form the sheet gave it: a date cell, an Excel day number, or text as case files
    take it (ISO, or day first: 06.10.2023 22:53)."""
    if isinstance(value, datetime):
        at = _rounded(value)
        if at.time() == time(0) and "h" not in (number_format or "").lower():
            return Moment(at.date())
        return Moment(at.date(), at.time())
    if isinstance(value, date):
        return Moment(value)
    if isinstance(value, time):
        raise CellError(f"the cell holds a time ({value.strftime('%H:%M')}) without a date; write it as one of {FORMS}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(float(value), str(value), epoch)
    written = cell_text(value, number_format).strip()
    if _SERIAL.match(written):
        return _serial(float(written.replace(",", ".")), written, epoch)
    try:
        return parse_moment(written)
    except ValueError as exc:
        raise CellError(str(exc)) from None


WINDOWS_1251 = "Windows-1251"
_LOST_LETTER = re.compile(r"\S*\?[\u0400-\u04ff]\S*")  # a '?' followed by a Cyrillic letter: one stood there
_SAVE_AS_UTF8 = ("Save the sheet as “CSV UTF-8” (Excel: File → Save As → CSV UTF-8 (Comma delimited); LibreOffice:"
                 " Save As → Text CSV, character set Unicode (UTF-8)) and import that")


def held(value: str, field_kind: str, encoding: str | None) -> None:
    """A cell of a Windows-1251 sheet that cannot be what was typed: Windows-1251 has no Kazakh letters (Ә, Ғ,
    Қ, Ң, Ө, Ұ, Ү, Һ, І), and Excel saves each as '?'. A '?' followed by a Cyrillic letter is one of them lost
    ("?аза? тілі"); a comment said to be in Kazakh cannot have been kept at all."""
    if encoding != WINDOWS_1251:
        return
    if field_kind == "language" and value == "kk":
        raise CellError(f"a comment in Kazakh, in a sheet saved as Windows-1251, which has no Kazakh letters"
                        f" (Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І): they were lost when it was saved. {_SAVE_AS_UTF8}")
    lost = _LOST_LETTER.search(value)
    if lost is not None:
        raise CellError(f"'{lost.group(0)}' has a '?' where a letter stood: the sheet was saved as Windows-1251,"
                        f" which has no Kazakh letters (Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І). {_SAVE_AS_UTF8}")


def in_future(when: Moment) -> bool:
    """Later than now in Kazakhstan (a date alone: later than today)."""
    if when.clock is None:
        return when.day > kz_today()
    return when.instant() > datetime.now(kz_zone())


def _serial(number: float, shown_as: str, epoch: datetime) -> Moment:
    """An Excel day number: 45205.9534722 is 2023-10-06 22:53 (days since 1899-12-30)."""
    if not 32_874 <= number < 73_051:  # 1990 to 2100: anything else is not a comment's date
        raise CellError(f"'{shown_as}' is a number, not a date; write it as one of {FORMS}")
    at = _rounded(epoch + timedelta(days=number))
    return Moment(at.date(), at.time() if at.time() != time(0) or not number.is_integer() else None)


def _rounded(at: datetime) -> datetime:
    """To the nearest second: Excel keeps times as fractions of a day, 22:53 comes back as 22:52:59.99998."""
    whole = at.replace(microsecond=0)
    return (whole + timedelta(seconds=1) if at.microsecond >= 500_000 else whole).replace(tzinfo=None)


# ---------------------------------------------------------------- words, lists, evidence

def word(written: str) -> str:
    """A word as matched: no capitals, single spaces, no final dot."""
    return " ".join(unicodedata.normalize("NFC", written).casefold().split()).rstrip(".")


def language(written: str, words: Mapping[str, str]) -> str:
    """A language cell as its ISO 639-1 code: the code itself, or a word for it (`words`: word → code)."""
    key = word(written)
    return words.get(key, key)


def norm_ids(written: str, labels: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The norms a cell names, each once, in the order written: by id (criminal-code-174-1), or, where `labels`
    (id → the ways the catalogue writes it: its short labels and citations in every language) is given, by one of
    those («ч. 1 ст. 174 УК РК», "Criminal Code, Art. 174(1)"), matched ignoring capitals and spacing; several
    separated by commas, semicolons or line breaks. What is neither is one CellError for the cell, quoting what it
    could not read as written, with an example; an id-like word that is no norm is kept for the case's own check
    (which says which id was meant)."""
    found: list[tuple[int, str]] = []
    rest = written
    if labels:
        pattern = _label_pattern(labels)
        for match in pattern[0].finditer(written):
            found.append((match.start(), pattern[1][match.lastgroup or ""]))
        rest = pattern[0].sub(lambda m: " " * len(m.group(0)), written)
    unread: list[str] = []
    for match in re.finditer(r"[^,;\s]+", rest):
        part = match.group(0)
        if re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9]+)+", part.lower()):  # an id, known or not
            found.append((match.start(), part.lower()))
        else:
            unread.append(part)
    if unread:
        raise CellError(_not_norms(written, rest, labels))
    ids: list[str] = []
    for _, norm in sorted(found):
        if norm not in ids:
            ids.append(norm)
    return ids


def _not_norms(written: str, rest: str, labels: Mapping[str, Sequence[str]] | None) -> str:
    """The one message for a norms cell with words that are no norm: what it could not read, as written."""
    import difflib

    unread = " ".join(rest.split())
    if not labels:
        return f"'{unread}' is not a norm id; write the norms' ids, separated by commas (`complaints norms` lists them)"
    choices = {label: norm for norm, written_as in labels.items() for label in written_as}
    close = difflib.get_close_matches(" ".join(written.split()), list(choices), n=1, cutoff=0.5)
    norm = choices[close[0]] if close else next(iter(labels))
    label = close[0] if close else next(iter(labels[norm]), norm)
    return (f"'{unread}' is not a norm of the catalogue; write a norm by its id (e.g. {norm}) or as the catalogue"
            f" writes it (e.g. «{label}»), several separated by semicolons (`complaints norms` lists them)")


_QUOTES = "\"'«»“”„‘’"


def _label_pattern(labels: Mapping[str, Sequence[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern finding any of the labels (the longest first), each a named group standing for its norm."""
    key = tuple((norm, tuple(written_as)) for norm, written_as in labels.items())
    return _compiled(key)


@lru_cache(maxsize=8)
def _compiled(key: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    alternatives: list[tuple[int, str, str]] = []
    for norm, written_as in key:
        for label in {" ".join(unicodedata.normalize("NFC", w).split()) for w in written_as if w and w.strip()}:
            alternatives.append((len(label), label, norm))
    groups: dict[str, str] = {}
    parts = []
    for n, (_, label, norm) in enumerate(sorted(alternatives, key=lambda a: (-a[0], a[1]))):
        body = ""
        for i, word in enumerate(label.rstrip(".").split(" ")):
            if i:
                body += r"\s*" if body.endswith(r"\.") else r"\s+"
            body += "".join(f"[{re.escape(_QUOTES)}]" if ch in _QUOTES else re.escape(ch) for ch in word)
        name = f"n{n}"
        groups[name] = norm
        parts.append(f"(?P<{name}>{body}\\.?)")
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE), groups


def evidence(written: str, kind: str, archive_hosts: frozenset[str],
             descriptions: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    """Evidence items from a cell: file paths one a line (`kind` "file"), or web addresses; each described as
    `descriptions` says for a file, an archived copy (on one of `archive_hosts`) or another address."""
    items: list[dict[str, Any]] = []
    parts = re.split(r"[\n;]+" if kind == "file" else r"[\s;]+", written)
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if kind == "file":
            items.append({"file": part, "description": dict(descriptions.get("file", {}))})
            continue
        host = (urlsplit(part).hostname or "") if "://" in part else ""
        archive = any(host == h or host.endswith("." + h) for h in archive_hosts)
        items.append({"url": part, "description": dict(descriptions.get("archive" if archive else "url", {}))})
    return items
