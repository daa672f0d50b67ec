"""Cases from a monitoring spreadsheet: one row of a CSV or XLSX sheet, one commented case file.

    read      the sheet: CSV (delimiter sniffed; UTF-8, UTF-8 with BOM or Windows-1251) or XLSX (openpyxl)
    columns   each case field found by its header (data/import-map.yaml, or the user's --map file)
    row       the cells read into case values: dates day first, numbers kept as written, checks a sheet needs
    write     the case as commented YAML, validated as `complaints validate` would, then moved into place
              whole; an existing file is left alone, or with --update only its imported fields change

Importing the same sheet twice changes nothing: a case's id comes from its content (the outlet's host,
the comment's date and a hash of its text), and a file is only written when its content changes.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..case.load import Document, read_yaml
from ..case.when import kz_today, kz_zone, parse_moment
from ..case.yamltext import block, plain_ok, scalar
from ..errors import CaseError, DataError, Problem, UsageError
from ..layout import PROJECT_FILE, find_project, shown
from .sheets import DELIMITERS, Sheet, column_letter, read_sheet

MAP_FILE = "import-map.yaml"


# ---------------------------------------------------------------- what an import returns

@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one cell of the sheet: SHEET:ROW:COLUMN: error: FIELD: message.

    `line` is the row as the spreadsheet numbers it (the header is row 1) and `column` its letter.
    A value given in a --map file is reported at its place in that file instead.
    """

    file: str
    line: int
    column: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {where}{self.message}"

    @property
    def row(self) -> int:
        return self.line

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class ImportResult:
    """What one import did: the case files written, updated, unchanged or skipped, and every bad row."""

    sheet: Path
    out: Path
    rows: int = 0
    written: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    failed_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None  # CSV only: "UTF-8", "UTF-8 with BOM", "Windows-1251", "UTF-16"
    delimiter: str | None = None  # CSV only
    with_warnings: int = 0  # cases written or unchanged that `complaints validate` will warn about

    @property
    def failed(self) -> int:
        return len(self.failed_rows)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_rows else 0


# ---------------------------------------------------------------- the case fields a sheet can fill


@dataclass(frozen=True)
class _Field:
    kind: str  # text, longtext, url, moment, day, language, norms, evidence-url, evidence-file, id
    required: bool = False
    limit: int = 300  # characters; more is taken for a cell pasted into the wrong column
    what: str = ""  # for "the cell is empty" messages


# In the order the fields are written in a case file.
FIELDS: dict[str, _Field] = {
    "id": _Field("id", limit=80),
    "title": _Field("text"),
    "outlet.name": _Field("text", True, what="the outlet's name"),
    "outlet.url": _Field("url", limit=2048),
    "outlet.owner": _Field("text", limit=1000),
    "outlet.registration.number": _Field("text"),
    "outlet.registration.issued": _Field("day"),
    "article.title": _Field("text", True, 1000, "the article's title"),
    "article.url": _Field("url", True, 2048, "the article's address"),
    "article.published": _Field("moment"),
    "comment.author": _Field("text", True, what="the comment's author (the nickname shown)"),
    "comment.posted": _Field("moment"),
    "comment.url": _Field("url", limit=2048),
    "comment.language": _Field("language", True, what="the comment's language"),
    "comment.text": _Field("longtext", True, 20_000, "the comment's text"),
    "comment.translations.kk": _Field("longtext", limit=20_000),
    "comment.translations.ru": _Field("longtext", limit=20_000),
    "comment.translations.en": _Field("longtext", limit=20_000),
    "comment.still_online": _Field("moment"),
    "legal_basis.norms": _Field("norms", True, 2000, "at least one norm id"),
    "evidence.file": _Field("evidence-file", limit=20_000),
    "evidence.url": _Field("evidence-url", limit=20_000),
}
# Where each field goes in a case file.
_ORDER = ["format", "id", "title", *FIELDS, "requests", "applicant", "authority"]
_TOP = list(dict.fromkeys(name.split(".")[0] for name in _ORDER))
_DERIVED = {"outlet.url"}  # may be left out of a sheet: the article's site is the outlet's home page


# ---------------------------------------------------------------- the mapping: which column is which field


@dataclass(frozen=True)
class _Source:
    headers: tuple[str, ...] = ()
    value: str | None = None  # one value for every row, from a --map file
    note: str | None = None  # the comment written beside the field
    where: tuple[str, int, int] | None = None  # the --map file, line and column of `value`


@dataclass(frozen=True)
class Mapping:
    """Where each case field comes from, and the words the cells may use."""

    fields: dict[str, _Source]
    languages: dict[str, str]  # a language cell's word (normalized) → ISO 639-1 code
    archive_hosts: frozenset[str]
    descriptions: dict[str, dict[str, str]]  # archive, url, file → {ru, kk, en}


def load_mapping(path: Path | None = None) -> Mapping:
    """The built-in mapping, with the entries of a --map file (if given) replacing it field by field."""
    with resources.as_file(resources.files("complaints") / "data" / MAP_FILE) as builtin:
        try:
            base = _read_mapping(read_yaml(builtin, display=f"complaints/data/{MAP_FILE}"), own=False)
        except (CaseError, UsageError) as exc:
            raise DataError(str(exc)) from None
    if path is None:
        return base
    if not Path(path).is_file():
        raise UsageError(f"no such mapping file: {path}")
    try:
        mine = _read_mapping(read_yaml(path, display=shown(Path(path))), own=True)
    except CaseError as exc:
        raise UsageError(f"the mapping file cannot be read:\n{exc}") from None
    fields = dict(base.fields)
    for name, source in mine.fields.items():
        fields[name] = _Source(source.headers, source.value, source.note or base.fields.get(name, _Source()).note,
                               source.where)
    ordered = {name: fields[name] for name in list(FIELDS) + sorted(set(fields) - set(FIELDS)) if name in fields}
    return Mapping(ordered, {**base.languages, **mine.languages}, base.archive_hosts | mine.archive_hosts,
                   {**base.descriptions, **mine.descriptions})


def _read_mapping(doc: Document, *, own: bool) -> Mapping:
    problems: list[str] = []

    def bad(at: tuple[str | int, ...], message: str) -> None:
        problems.append(str(doc.problem(at, message)))

    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        bad((), "a mapping file is a YAML mapping: `fields:` and under it `case.field: Column header` lines")
    entries = data.get("fields", {} if "fields" in data or not own else
                       {k: v for k, v in data.items() if k not in ("format", "languages", "evidence")})
    base: tuple[str | int, ...] = ("fields",) if "fields" in data else ()
    fields: dict[str, _Source] = {}
    if not isinstance(entries, dict):
        bad(base, "expected `case.field: Column header` lines under `fields:`")
        entries = {}
    for name, entry in entries.items():
        at = base + (name,)
        if name not in FIELDS:
            close = difflib.get_close_matches(name, list(FIELDS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; the fields are {', '.join(FIELDS)}"
            problems.append(str(doc.problem(at, f"'{name}' is not a case field a sheet can fill{hint}", key=True)))
            continue
        source = _source(entry)
        if source is None:
            bad(at, "give a column header, a list of headers, or {value: …} for one value in every row")
            continue
        if source.value is not None:
            mark = doc.mark(at + ("value",))
            source = _Source(source.headers, source.value, source.note, (doc.path, mark.line, mark.column))
        fields[name] = source
    languages: dict[str, str] = {}
    table = data.get("languages") if isinstance(data.get("languages"), dict) else {}
    for code, words in table.items():
        for word in (words if isinstance(words, list) else [words]):
            languages[_word(str(word))] = str(code)
    evidence = data.get("evidence") if isinstance(data.get("evidence"), dict) else {}
    hosts = frozenset(str(h).lower() for h in evidence.get("archive_hosts") or [])
    descriptions = {k: v for k, v in evidence.items() if k in ("archive", "url", "file") and isinstance(v, dict)}
    if problems:
        raise UsageError("\n".join(problems))
    return Mapping(fields, languages, hosts, descriptions)


def _source(entry: Any) -> _Source | None:
    if isinstance(entry, str) and entry.strip():
        return _Source((entry,))
    if isinstance(entry, list) and entry and all(isinstance(h, str) for h in entry):
        return _Source(tuple(entry))
    if not isinstance(entry, dict) or not set(entry) <= {"headers", "value", "note"}:
        return None
    headers = entry.get("headers") or ()
    headers = (headers,) if isinstance(headers, str) else tuple(str(h) for h in headers)
    value = entry.get("value")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if not headers and value is None:
        return None
    return _Source(headers, value, entry.get("note"))


def _header(text: str) -> str:
    """A header as matched: no spaces, no capitals, ё as е."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold().replace("ё", "е")


def _word(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).rstrip(".")


# ---------------------------------------------------------------- finding the columns


@dataclass
class _Columns:
    header_row: int
    at: dict[str, int]  # field → column index
    headers: list[str]


def _find_columns(sheet: Sheet, mapping: Mapping) -> tuple[_Columns, list[str]]:
    """Which column holds which field; a required field with neither a column nor a value is a usage error."""
    wanted = {name: [_header(h) for h in source.headers] for name, source in mapping.fields.items()}
    known = {h for hs in wanted.values() for h in hs}
    header_row, headers = 0, []
    for number, cells, _ in sheet.rows[:10]:  # a title line or two may sit above the header
        texts = [_cell_text(c, None).strip() for c in cells]
        if not any(texts):
            continue
        if not headers:
            header_row, headers = number, texts
        if sum(1 for t in texts if t and _header(t) in known) >= 2:
            header_row, headers = number, texts
            break
    if not headers:
        raise UsageError(f"{sheet.name}: the sheet is empty (no header row)")
    normalized = [_header(h) for h in headers]
    at: dict[str, int] = {}
    notes: list[str] = []
    for name, choices in wanted.items():
        if mapping.fields[name].value is not None:
            continue
        found = [(choices.index(h), i) for i, h in enumerate(normalized) if h and h in choices]
        if found:
            at[name] = min(found)[1]
            if len(found) > 1:
                others = ", ".join(f"«{headers[i]}» ({column_letter(i)})" for _, i in sorted(found)[1:])
                notes.append(f"{name} is read from «{headers[at[name]]}» ({column_letter(at[name])});"
                             f" {others} also could be it and was not read")
    missing = [name for name, spec in FIELDS.items()
               if spec.required and name not in at and mapping.fields.get(name, _Source()).value is None]
    if missing:
        lines = [f"{sheet.name}: no column for {', '.join(missing)}. The header row (row {header_row}) has: "
                 + ", ".join(f"«{h}»" for h in headers if h) + "."]
        for name in missing:
            looked = ", ".join(f"«{h}»" for h in mapping.fields.get(name, _Source()).headers) or "(no headers)"
            lines.append(f"  {name}: looked for {looked}")
        example = missing[0]
        lines.append(f"Name the column in a mapping file and import with --map FILE, e.g. `{example}: Your header`"
                     + (", or give one value for every row: `comment.language: {value: ru}`"
                        if "comment.language" in missing else "")
                     + " (complaints/data/import-map.yaml shows the form).")
        raise UsageError("\n".join(lines))
    used = set(at.values())
    ignored = [f"«{h}» ({column_letter(i)})" for i, h in enumerate(headers) if h and i not in used]
    if ignored:
        notes.append(f"columns not imported (no case field reads them): {', '.join(ignored)}")
    return _Columns(header_row, at, headers), notes


# ---------------------------------------------------------------- cells to values


class _CellError(ValueError):
    """A cell that cannot be read into its field."""


_SHEET_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                 "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"}
_EMPTY = {"", "-", "–", "—"}  # a dash is how many sheets say "nothing here"
# What XML 1.0 cannot carry (and so no letter can): C0 controls but tab and newline, DEL, C1 controls but NEL.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _cell_text(value: Any, number_format: str | None) -> str:
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


def _is_empty(value: Any) -> bool:
    return value is None or isinstance(value, str) and value.strip() in _EMPTY


def _text(value: Any, number_format: str | None, spec: _Field) -> str:
    text = unicodedata.normalize("NFC", _cell_text(value, number_format)).replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if text.upper() in _SHEET_ERRORS:
        raise _CellError(f"the cell holds the spreadsheet error {text} instead of a value (a broken formula?);"
                         " put the value itself in it")
    bad = _BAD_CHAR.search(text)
    if bad:
        ch = bad.group()
        name = unicodedata.name(ch, "a control character")
        raise _CellError(f"character U+{ord(ch):04X} ({name}) at position {bad.start() + 1} of the cell is not allowed"
                         " in a letter (XML cannot carry it); remove it")
    if len(text) > spec.limit:
        raise _CellError(f"the cell is {len(text):,} characters long, more than the {spec.limit:,} this field"
                         " takes; was something pasted into the wrong column?")
    if spec.kind not in ("longtext", "evidence-url", "evidence-file", "norms"):
        text = " ".join(text.split())  # a line break inside a name or title is the sheet's wrapping, not data
    return text


_DAY_FIRST = re.compile(
    r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})"
    r"(?:(?:\s*,\s*|\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_SERIAL = re.compile(r"^\d{5}(?:[.,]\d+)?$")
_FORMS = "write it as 06.10.2023 or 06.10.2023 22:53 (day first), or 2023-10-06T22:53"


@dataclass(frozen=True)
class _When:
    day: date
    clock: time | None = None
    offset: timedelta | None = None

    def iso(self) -> str:
        if self.clock is None:
            return self.day.isoformat()
        text = f"{self.day.isoformat()}T{self.clock.strftime('%H:%M' if not self.clock.second else '%H:%M:%S')}"
        if self.offset is not None:
            minutes = int(self.offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            text += f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return text

    def in_future(self) -> bool:
        if self.clock is None:
            return self.day > kz_today()
        zone = timezone(self.offset) if self.offset is not None else kz_zone()
        return datetime.combine(self.day, self.clock, zone) > datetime.now(kz_zone())


def _when(value: Any, number_format: str | None, epoch: datetime) -> _When:
    """A date cell, whatever form the sheet gave it: a date cell, an Excel day number, or text, day first."""
    if isinstance(value, datetime):
        moment = _rounded(value)
        if moment.time() == time(0) and "h" not in (number_format or "").lower():
            return _When(moment.date())
        return _When(moment.date(), moment.time())
    if isinstance(value, date):
        return _When(value)
    if isinstance(value, time):
        raise _CellError(f"the cell holds a time ({value.strftime('%H:%M')}) without a date; {_FORMS}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(float(value), str(value), epoch)
    text = re.sub(r"\s*(г|ж)\.?$", "", _cell_text(value, number_format).strip())  # "06.10.2023 г.", "2023 ж."
    if _SERIAL.match(text):
        return _serial(float(text.replace(",", ".")), text, epoch)
    m = _DAY_FIRST.match(text)
    try:
        if m:
            year = int(m["y"])
            if len(m["y"]) == 2:
                year += 2000 if year <= kz_today().year % 100 else 1900
            day = date(year, int(m["m"]), int(m["d"]))
            if m["H"] is None:
                return _When(day)
            return _When(day, time(int(m["H"]), int(m["M"]), int(m["S"] or 0)))
        if _ISO.match(text):
            moment = parse_moment(text.replace(" ", "T", 1))
            clock = moment.clock.replace(microsecond=0) if moment.clock else None
            return _When(moment.day, clock, moment.offset)
    except ValueError as exc:
        reason = str(exc).split("(")[-1].rstrip(")") if "(" in str(exc) else str(exc)
        raise _CellError(f"'{text}' is not a real date or time ({reason})") from None
    raise _CellError(f"'{text}' is not a date; {_FORMS}")


def day_first(text: str) -> str | None:
    """A date written day first as in Kazakhstan (06.10.2023, 06.10.2023 22:53) in ISO form; None for any other
    text. ValueError for a day-first date that does not exist (31.02.2023)."""
    if not _DAY_FIRST.match(re.sub(r"\s*(г|ж)\.?$", "", text.strip())):
        return None
    try:
        return _when(text, None, datetime(1899, 12, 30)).iso()
    except _CellError as exc:
        raise ValueError(str(exc)) from None


def _serial(number: float, shown_as: str, epoch: datetime) -> _When:
    """An Excel day number: 45205.9534722 is 2023-10-06 22:53 (days since 1899-12-30)."""
    if not 32_874 <= number < 73_051:  # 1990 to 2100: anything else is not a comment's date
        raise _CellError(f"'{shown_as}' is a number, not a date; {_FORMS}")
    moment = _rounded(epoch + timedelta(days=number))
    return _When(moment.date(), moment.time() if moment.time() != time(0) or not number.is_integer() else None)


def _rounded(moment: datetime) -> datetime:
    """To the nearest second: Excel keeps times as fractions of a day, 22:53 comes back as 22:52:59.99998."""
    whole = moment.replace(microsecond=0)
    return (whole + timedelta(seconds=1) if moment.microsecond >= 500_000 else whole).replace(tzinfo=None)


def _language(text: str, mapping: Mapping) -> str:
    word = _word(text)
    return mapping.languages.get(word, word)


def _norm_ids(text: str) -> list[str]:
    ids: list[str] = []
    for part in re.split(r"[,;\s]+", text):
        norm = part.strip().lower()
        if norm and norm not in ids:
            ids.append(norm)
    return ids


def _evidence(text: str, kind: str, mapping: Mapping) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    parts = re.split(r"[\n;]+" if kind == "evidence-file" else r"[\s;]+", text)
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if kind == "evidence-file":
            items.append({"file": part, "description": dict(mapping.descriptions.get("file", {}))})
            continue
        host = (urlsplit(part).hostname or "") if "://" in part else ""
        archive = any(host == h or host.endswith("." + h) for h in mapping.archive_hosts)
        items.append({"url": part, "description": dict(mapping.descriptions.get("archive" if archive else "url", {}))})
    return items


# ---------------------------------------------------------------- one row → one case


@dataclass
class _Built:
    """One row read into a case, with where each value came from."""

    row: int
    data: dict[str, Any]
    notes: dict[str, str]  # dotted field → comment written beside it
    origin: dict[str, tuple[str, str, int | None]]  # dotted path → (sheet field, column letter, line of a --map value)
    problems: list[RowProblem]
    imported: list[tuple[tuple[str, ...], Any]]  # leaves that came from the sheet, for --update
    evidence: list[dict[str, Any]]

    @property
    def id(self) -> str:
        return str(self.data.get("id") or "")


def _build(number: int, cells: list[Any], formats: list[str | None], columns: _Columns, mapping: Mapping,
           sheet: Sheet, map_problem: Callable[[_Source, str, str], RowProblem]) -> _Built | None:
    """The case one row describes; None for a row with nothing in the mapped columns."""
    values: dict[str, tuple[Any, str | None, _Source, str]] = {}
    for name, source in mapping.fields.items():
        if source.value is not None:
            values[name] = (source.value, None, source, "")
        elif name in columns.at:
            i = columns.at[name]
            cell = cells[i] if i < len(cells) else None
            values[name] = (cell, formats[i] if i < len(formats) else None, source, column_letter(i))
    if all(_is_empty(cell) for cell, _, source, _ in values.values() if source.value is None):
        return None

    built = _Built(number, {"format": "1", "id": None}, {}, {}, [], [], [])

    def fail(name: str, letter: str, source: _Source, message: str) -> None:
        if source.value is not None:
            built.problems.append(map_problem(source, name, message))
        else:
            built.problems.append(RowProblem(sheet.name, number, letter, name, message))

    for name, (cell, fmt, source, letter) in values.items():
        spec = FIELDS[name]
        if _is_empty(cell):
            if spec.required:
                fail(name, letter, source, f"the cell is empty; every case needs {spec.what or 'this field'}")
            continue
        try:
            if spec.kind in ("moment", "day"):
                when = _when(cell, fmt, sheet.epoch)
                if spec.kind == "day" and when.clock not in (None, time(0)):
                    raise _CellError(f"'{_cell_text(cell, fmt)}' has a time; a date alone is expected here")
                if when.in_future():
                    raise _CellError(f"'{_cell_text(cell, fmt).strip()}' ({when.iso()}) is in the future;"
                                     " a typo in the date?")
                value: Any = when.iso() if spec.kind == "moment" else when.day.isoformat()
            else:
                value = _text(cell, fmt, spec)
                if spec.kind == "language":
                    value = _language(value, mapping)
                elif spec.kind == "norms":
                    value = _norm_ids(value)
        except _CellError as exc:
            fail(name, letter, source, str(exc))
            continue
        where = (name, letter, source.where[1] if source.where else None)
        if spec.kind.startswith("evidence"):
            for item in _evidence(value, spec.kind, mapping):
                built.origin[f"evidence[{len(built.evidence)}]"] = where
                built.evidence.append(item)
            continue
        path = tuple(name.split("."))
        _put(built.data, path, value)
        built.origin[name] = where
        built.imported.append((path, value))
        if source.note and name != "id":
            built.notes[name] = source.note

    if built.evidence:
        built.data["evidence"] = built.evidence
    _derive_outlet_url(built)
    _give_id(built, mapping)
    built.data = _ordered(built.data, tuple(_TOP))
    return built


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _web_host(url: Any) -> str | None:
    if not isinstance(url, str) or " " in url:
        return None
    parts = urlsplit(url)
    return parts.hostname if parts.scheme in ("http", "https") and parts.hostname else None


def _derive_outlet_url(built: _Built) -> None:
    """No outlet address in the sheet: the article's site is the outlet's home page."""
    if _get(built.data, ("outlet", "url")) is not None or any(p.field == "outlet.url" for p in built.problems):
        return
    if "article.url" in built.origin:
        built.origin["outlet.url"] = built.origin["article.url"]  # a problem with it is one with the article's
    article = _get(built.data, ("article", "url"))
    if _web_host(article) is None:
        return
    parts = urlsplit(article)
    url = f"{parts.scheme}://{parts.netloc}"
    _put(built.data, ("outlet", "url"), url)
    built.imported.append((("outlet", "url"), url))
    built.notes["outlet.url"] = "the article's site"
    built.data["outlet"] = _ordered(built.data["outlet"], ("name", "url", "owner", "registration"))


def _ordered(mapping: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """The same mapping, its keys in the given order (others after them, as they were)."""
    return {k: mapping[k] for k in sorted(mapping, key=lambda k: order.index(k) if k in order else len(order))}


def _give_id(built: _Built, mapping: Mapping) -> None:
    """`<outlet host>-<date>-<hash of the text>`, e.g. nur-kz-2023-10-06-3f9a1c: the same row, the same id."""
    if built.data.get("id"):
        return
    text = _get(built.data, ("comment", "text"))
    if not isinstance(text, str):
        built.data["id"] = f"row-{built.row}"  # the row fails (no text): a name for checking the rest
        return
    host = _web_host(_get(built.data, ("outlet", "url"))) or _web_host(_get(built.data, ("article", "url")))
    slug = _slug(host) if host else _slug(str(_get(built.data, ("outlet", "name")) or "")) or "outlet"
    when = _get(built.data, ("comment", "posted")) or _get(built.data, ("article", "published"))
    day = when[:10] if isinstance(when, str) else "undated"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    built.data["id"] = f"{slug}-{day}-{digest}"
    built.notes.setdefault("id", mapping.fields.get("id", _Source()).note or "")


def _slug(host: str) -> str:
    host = host.lower().removeprefix("www.")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    slug = re.sub(r"[^a-z0-9]+", "-", host).strip("-")
    return slug[:40].rstrip("-")


# ---------------------------------------------------------------- the case as commented YAML


_HEADER = (
    "Imported by `complaints import` from {sheet}, row {row}.",
    "`complaints import --update` refreshes the fields that come from the sheet; your own",
    "changes to other fields, and your comments, stay as they are.",
)
_MOMENT_FIELDS = {name for name, spec in FIELDS.items() if spec.kind in ("moment", "day")}
_NOTE_COLUMN = 40


def _with_note(line: str, note: str | None) -> str:
    if not note:
        return line
    return f"{line.ljust(_NOTE_COLUMN - 2)}  # {note}" if len(line) < _NOTE_COLUMN - 2 else f"{line}  # {note}"


def _emit(data: dict[str, Any], notes: dict[str, str], path: tuple[str, ...], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        name = ".".join(path + (key,))
        note = notes.get(name)
        if isinstance(value, dict):
            lines.append(_with_note(f"{pad}{key}:", note))
            _emit(value, notes, path + (key,), indent + 2, lines)
        elif isinstance(value, list):
            lines.append(_with_note(f"{pad}{key}:", note))
            for item in value:
                if isinstance(item, dict):
                    for i, (k, v) in enumerate(item.items()):
                        text = ("{" + ", ".join(f"{lk}: {scalar(lv, flow=True)}" for lk, lv in v.items()) + "}"
                                if isinstance(v, dict) else scalar(v))
                        lines.append(f"{pad}  {'- ' if i == 0 else '  '}{k}: {text}")
                else:
                    lines.append(f"{pad}  - {scalar(item)}")
        elif name in _MOMENT_FIELDS or name == "format":
            lines.append(_with_note(f"{pad}{key}: {value}", note))
        elif "\n" in value and (literal := block(value)):
            lines.append(_with_note(f"{pad}{key}: {literal[0]}", note))
            lines.extend(pad + line if line else "" for line in literal[1:])
        else:
            lines.append(_with_note(f"{pad}{key}: {scalar(value)}", note))


def case_yaml(built: _Built, sheet_name: str) -> str:
    """The case file's text: a header saying where it came from, then the fields with short comments."""
    lines = [f"# {line}".rstrip() for line in _HEADER]
    lines = [lines[0].format(sheet=sheet_name, row=built.row), *lines[1:]]
    _emit(built.data, built.notes, (), 0, lines)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- checking and writing


@dataclass
class _Context:
    sheet: Sheet
    out: Path
    mapping: Mapping
    project: Any  # cases.ProjectFile
    has_project: bool
    update: bool
    result: ImportResult
    seen_ids: dict[str, int] = field(default_factory=dict)
    seen_map_problems: set[str] = field(default_factory=set)


def import_sheet(sheet: Path, out: Path, *, mapping: Path | None = None, update: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Write one case file per row of a monitoring sheet into `out`; every bad row is reported, the rest imported.

    An existing case file is never overwritten, unless `update`: then only the fields that come from the
    sheet change, and the user's own fields and comments stay. Raises UsageError for a sheet that cannot
    be read or that lacks a column for a required field.
    """
    sheet, out = Path(sheet), Path(out)
    the_mapping = load_mapping(mapping)
    table = read_sheet(sheet)
    columns, column_notes = _find_columns(table, the_mapping)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder for the case files")
    out.mkdir(parents=True, exist_ok=True)
    result = ImportResult(sheet, out, encoding=table.encoding, delimiter=table.delimiter)
    result.notes += table.notes + column_notes
    ctx = _Context(table, out, the_mapping, *_project(out, result), update=update, result=result)

    def map_problem(source: _Source, name: str, message: str) -> RowProblem:
        assert source.where is not None
        file, line, col = source.where
        return RowProblem(file, line, str(col), name, message + " (the value given in the mapping file)")

    rows = [r for r in ctx.sheet.rows if r[0] > columns.header_row]
    for done, (number, cells, formats) in enumerate(rows, start=1):
        built = _build(number, cells, formats, columns, the_mapping, table, map_problem)
        if built is not None:
            result.rows += 1
            _import_row(ctx, built)
        if progress is not None:
            progress(done, len(rows))
    if result.with_warnings:
        cases = "1 case has" if result.with_warnings == 1 else f"{result.with_warnings} cases have"
        result.notes.append(f"{cases} warnings (a missing translation, a norm not in force then, …):"
                            f" `complaints validate {shown(out)}` lists them")
    return result


def _project(out: Path, result: ImportResult) -> tuple[Any, bool]:
    """The complaints.yaml the cases will be checked with, or an empty one (and a note) when there is none."""
    from ..case.read import load_project

    found = find_project(out)
    if found is None:
        result.notes.append(f"no {PROJECT_FILE} in {shown(out)} or above it: the cases need one (with the applicant)"
                            " before `complaints validate` or `render` can pass; they were checked without it")
        return load_project(None), False
    try:
        return load_project(found), True
    except CaseError as exc:
        result.notes.append(f"{shown(found)} has problems, so the cases were checked without it:\n{exc}")
        return load_project(None), False


def _import_row(ctx: _Context, built: _Built) -> None:
    problems = list(built.problems)
    warned = False
    if not problems:
        first = ctx.seen_ids.get(built.id)
        if first is not None:
            name, letter, _ = built.origin.get("comment.text", ("comment.text", "A", None))
            problems.append(RowProblem(ctx.sheet.name, built.row, letter, name,
                                       f"the same comment as row {first} (same outlet, date and text, so the same"
                                       f" case {built.id}); delete one of the two rows"))
        ctx.seen_ids.setdefault(built.id, built.row)
    text = case_yaml(built, Path(ctx.sheet.name).name)
    temp = ctx.out / f".{built.id}.yaml.{os.getpid()}.tmp"
    try:
        if not any(p.field == "comment.text" and "same comment" in p.message for p in problems):
            case_problems, warned = _validate(ctx, temp, text, built)
            problems += _located(ctx, built, case_problems, {p.field for p in problems})
        if problems:
            _fail(ctx, built.row, problems)
            return
        _place(ctx, built, temp, text, warned)
    finally:
        temp.unlink(missing_ok=True)


def _fail(ctx: _Context, row: int, problems: list[RowProblem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.file != ctx.sheet.name, p.line, len(p.column), p.column)):
        if problem.file != ctx.sheet.name:  # a --map value: once, however many rows it breaks
            if str(problem) in ctx.seen_map_problems:
                continue
            ctx.seen_map_problems.add(str(problem))
        ctx.result.problems.append(problem)
    ctx.result.failed_rows.append(row)


def _validate(ctx: _Context, temp: Path, text: str, built: _Built | None) -> tuple[list[Problem], bool]:
    """The project's own validation of a case file's text: its errors, and whether it has warnings."""
    from ..case.read import load_case

    temp.write_bytes(text.encode("utf-8"))
    try:
        case = load_case(temp, project=ctx.project)
    except CaseError as exc:
        errors = [p for p in exc.errors if ctx.has_project or not p.field.startswith("applicant")]
        if errors:
            return errors, False
        return [], bool(exc.warnings)
    if built is not None and case.document is not None and case.document.data != built.data:
        # The text must read back as exactly the values of the row: anything else is a bug here.
        return [Problem(str(temp), 1, 1, "", "this row could not be written faithfully (a bug in complaints"
                                              " import: please report it with the row)")], False
    return [], bool(case.warnings)


def _located(ctx: _Context, built: _Built, problems: list[Problem], reported: set[str]) -> list[RowProblem]:
    """The case's problems, each moved back to the cell that gave the field."""
    out: list[RowProblem] = []
    # A field made from another cell (outlet.url from the article's address) last: that cell may be reported.
    located = sorted(((p, _origin(built, p.field)) for p in problems), key=lambda pw: pw[1][0] in _DERIVED)
    said: set[str] = set()
    for p, (key, where) in located:
        name, letter, map_line = where if where else (p.field, "A", None)
        if any(_related(name, r) for r in reported):
            continue  # that cell is reported already, and the field was left out because of it
        if key in _DERIVED and name in said:
            continue
        said.add(name)
        source = ctx.mapping.fields.get(name)
        if map_line is not None and source is not None and source.where is not None:
            file, line, col = source.where
            out.append(RowProblem(file, line, str(col), name, p.message + " (the value given in the mapping file)"))
        else:
            out.append(RowProblem(ctx.sheet.name, built.row, letter, name, p.message))
    return out


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith((b + ".", b + "[")) or b.startswith((a + ".", a + "["))


def _origin(built: _Built, problem_field: str) -> tuple[str, tuple[str, str, int | None] | None]:
    """The origin entry a problem's field falls under: its key, and (sheet field, column, line in --map)."""
    best = None
    for key, where in built.origin.items():
        if problem_field == key or problem_field.startswith((key + ".", key + "[")):
            if best is None or len(key) > len(best[0]):
                best = (key, where)
    if best is None:  # a problem with a whole section (`comment: required field …`): the first cell in it
        best = next(((k, w) for k, w in built.origin.items() if k.startswith((problem_field + ".", problem_field + "[")))
                    , None)
    return best if best else ("", None)


def _place(ctx: _Context, built: _Built, temp: Path, text: str, warned: bool) -> None:
    """Move the checked file into place, or leave the existing one, or update its imported fields."""
    result = ctx.result
    final = ctx.out / f"{built.id}.yaml"
    if not final.exists():
        os.replace(temp, final)
        result.written.append(final)
        result.with_warnings += warned
        return
    old = final.read_bytes()
    if old == text.encode("utf-8"):
        result.unchanged.append(final)
        result.with_warnings += warned
        return
    try:
        doc = read_yaml(final, display=shown(final), collect=True)
        broken = [p for p in doc.problems if p.is_error]
        if not isinstance(doc.data, dict):
            broken.append(Problem(doc.path, 1, 1, "", "this is not a case file (a YAML mapping of fields)"))
    except CaseError as exc:
        broken = exc.errors
    if broken:  # the user's file, as it is, cannot be compared with the row: leave it to them
        if not ctx.update:
            result.skipped.append(final)
            return
        _fail(ctx, built.row, [RowProblem(p.file, p.line, str(p.column), p.field, f"cannot update this case from"
                                          f" row {built.row}: {p.message}") for p in broken])
        return
    changes = _changes(doc.data, built)
    if not changes:
        result.unchanged.append(final)
        result.with_warnings += warned
        return
    if not ctx.update:
        result.skipped.append(final)
        return
    from ruamel.yaml.error import YAMLError

    try:
        merged = _merge(old.decode("utf-8"), changes)
    except YAMLError as exc:
        _fail(ctx, built.row, [RowProblem(shown(final), 1, "1", "", f"cannot update this case from row {built.row}:"
                                          f" its YAML cannot be read for updating ({exc})")])
        return
    problems, warned = _validate(ctx, temp, merged, None)
    if problems:
        shown_as = shown(final)
        _fail(ctx, built.row, [RowProblem(shown_as, p.line, str(p.column), p.field,
                                          f"updating this case from row {built.row} would leave it invalid:"
                                          f" {p.message}") for p in problems])
        return
    os.replace(temp, final)
    result.updated.append(final)
    result.with_warnings += warned


def _changes(existing: Any, built: _Built) -> list[tuple[tuple[str, ...], Any]]:
    """The imported values the existing file does not have yet (evidence: the items it does not list)."""
    changes = [(path, value) for path, value in built.imported if _get(existing, path) != value]
    have = existing.get("evidence") if isinstance(existing, dict) else None
    have = have if isinstance(have, list) else []
    known = {(item.get("url"), item.get("file")) for item in have if isinstance(item, dict)}
    changes += [(("evidence", "+"), item) for item in built.evidence
                if (item.get("url"), item.get("file")) not in known]
    return changes




def _merge(text: str, changes: list[tuple[tuple[str, ...], Any]]) -> str:
    """The existing file with the changed imported fields set, the rest (and its comments) as it was."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never fold a long line
    yaml.preserve_quotes = True
    doc = yaml.load(text)
    for path, value in changes:
        if path == ("evidence", "+"):
            item = CommentedMap()
            for key, v in value.items():
                if isinstance(v, dict):
                    v = CommentedMap(v)
                    v.fa.set_flow_style()
                item[key] = _styled(key, v)
            seq = doc.get("evidence")
            if not isinstance(seq, list):
                seq = CommentedSeq()
                _insert(doc, (), "evidence", seq)
            seq.append(item)
            continue
        node = doc
        for depth, part in enumerate(path[:-1]):
            if not isinstance(node.get(part), dict):
                _insert(node, path[:depth], part, CommentedMap())
            node = node[part]
        styled = CommentedSeq([_styled("", v) for v in value]) if isinstance(value, list) else \
            _styled(".".join(path), value)
        if path[-1] in node:
            node[path[-1]] = styled
        else:
            _insert(node, path[:-1], path[-1], styled)
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    return buffer.getvalue()


def _insert(node: Any, path: tuple[str, ...], key: str, value: Any) -> None:
    """A new key where the case format puts it among its neighbours."""
    prefix = ".".join(path)

    def rank(name: str) -> int:
        full = f"{prefix}.{name}" if prefix else name
        for i, entry in enumerate(_ORDER):
            if entry == full or entry.startswith(full + "."):
                return i
        return len(_ORDER)

    position = sum(1 for k in node if rank(str(k)) <= rank(key))
    node.insert(position, key, value)


def _styled(name: str, value: Any) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if not isinstance(value, str):
        return value
    if name in _MOMENT_FIELDS:
        return date.fromisoformat(value) if len(value) == 10 else value
    if "\n" in value and block(value):
        return LiteralScalarString(value)
    return value if plain_ok(value) else DoubleQuotedScalarString(value)


def describe(result: ImportResult) -> str:
    """The one-line summary of an import, for people."""
    how = ""
    if result.encoding:
        how = f" ({result.encoding}, {DELIMITERS.get(result.delimiter or ',', repr(result.delimiter))}-separated)"
    rows = "1 row" if result.rows == 1 else f"{result.rows} rows"
    return (f"{shown(result.sheet)}{how}: {rows}: {len(result.written)} new, {len(result.updated)} updated,"
            f" {len(result.unchanged)} unchanged, {len(result.skipped)} skipped because they exist (use --update),"
            f" {result.failed} failed. Case files in {shown(result.out)}/")
