"""Which column of a sheet is which case field: the fields a sheet can fill, the mapping (data/import-map.yaml,
with a user's --map file over it), and the columns found by their headers."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..case.load import Document, read_yaml
from ..errors import CaseError, DataError, UsageError
from ..layout import shown
from .cells import cell_text, word
from .sheets import Sheet, column_letter

MAP_FILE = "import-map.yaml"


@dataclass(frozen=True)
class Field:
    """A case field a sheet can fill: how its cells are read, and what a cell may hold."""

    kind: str  # text, longtext, url, moment, day, language, norms, evidence-url, evidence-file, id
    required: bool = False
    limit: int = 300  # characters; more is taken for a cell pasted into the wrong column
    what: str = ""  # for "the cell is empty" messages

    @property
    def lines(self) -> bool:
        """Its line breaks are the value's (elsewhere a line break is the sheet's wrapping)."""
        return self.kind in ("longtext", "evidence-url", "evidence-file", "norms")


# In the order of the case format.
FIELDS: dict[str, Field] = {
    "id": Field("id", limit=80),
    "title": Field("text"),
    "outlet.name": Field("text", True, what="the outlet's name"),
    "outlet.url": Field("url", limit=2048),
    "outlet.owner": Field("text", limit=1000),
    "outlet.registration.number": Field("text"),
    "outlet.registration.issued": Field("day"),
    "article.title": Field("text", True, 1000, "the article's title"),
    "article.url": Field("url", True, 2048, "the article's address"),
    "article.published": Field("moment"),
    "comment.author": Field("text", True, what="the comment's author (the nickname shown)"),
    "comment.posted": Field("moment"),
    "comment.url": Field("url", limit=2048),
    "comment.language": Field("language", True, what="the comment's language"),
    "comment.text": Field("longtext", True, 20_000, "the comment's text"),
    "comment.translations.kk": Field("longtext", limit=20_000),
    "comment.translations.ru": Field("longtext", limit=20_000),
    "comment.translations.en": Field("longtext", limit=20_000),
    "comment.still_online": Field("moment"),
    "legal_basis.norms": Field("norms", True, 2000, "at least one norm id"),
    "evidence.file": Field("evidence-file", limit=20_000),
    "evidence.url": Field("evidence-url", limit=20_000),
}


@dataclass(frozen=True)
class Source:
    """Where a field comes from: a column (by any of its headers), or one value for every row."""

    headers: tuple[str, ...] = ()
    value: str | None = None  # one value for every row, from a --map file
    note: str | None = None  # the comment written beside the field, in place of data/case-file.yaml's
    where: tuple[str, int, int] | None = None  # the --map file, line and column of `value`


@dataclass(frozen=True)
class Mapping:
    """Where each case field comes from, and the words the cells may use."""

    fields: dict[str, Source]
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
    from .sheets import regular_file

    if not Path(path).exists():
        raise UsageError(f"no such mapping file: {path}", about="mapping")
    regular_file(Path(path), "the mapping file (.yaml)", about="mapping")
    try:
        mine = _read_mapping(read_yaml(path, display=shown(Path(path))), own=True)
    except CaseError as exc:
        raise UsageError(f"the mapping file cannot be read:\n{exc}") from None
    fields = dict(base.fields)
    for name, source in mine.fields.items():
        fields[name] = Source(source.headers, source.value, source.note or base.fields.get(name, Source()).note,
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
    fields: dict[str, Source] = {}
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
            source = Source(source.headers, source.value, source.note, (doc.path, mark.line, mark.column))
        fields[name] = source
    languages: dict[str, str] = {}
    table = data.get("languages")
    if not isinstance(table, dict):
        table = {}
    for code, words in table.items():
        for one in (words if isinstance(words, list) else [words]):
            languages[word(str(one))] = str(code)
    evidence = data.get("evidence")
    if not isinstance(evidence, dict):
        evidence = {}
    hosts = frozenset(str(h).lower() for h in evidence.get("archive_hosts") or [])
    descriptions = {k: v for k, v in evidence.items() if k in ("archive", "url", "file") and isinstance(v, dict)}
    if problems:
        raise UsageError("\n".join(problems))
    return Mapping(fields, languages, hosts, descriptions)


def _source(entry: Any) -> Source | None:
    if isinstance(entry, str) and entry.strip():
        return Source((entry,))
    if isinstance(entry, list) and entry and all(isinstance(h, str) for h in entry):
        return Source(tuple(entry))
    if not isinstance(entry, dict) or not set(entry) <= {"headers", "value", "note"}:
        return None
    headers = entry.get("headers") or ()
    headers = (headers,) if isinstance(headers, str) else tuple(str(h) for h in headers)
    value = entry.get("value")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if not headers and value is None:
        return None
    return Source(headers, value, entry.get("note"))


def _header(text: str) -> str:
    """A header as matched: no spaces, no capitals, ё as е."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold().replace("ё", "е")


# ---------------------------------------------------------------- finding the columns


@dataclass
class Columns:
    """The sheet's header row, and the column each field is read from."""

    header_row: int
    at: dict[str, int]  # field → column index
    headers: list[str]


def find_columns(sheet: Sheet, mapping: Mapping) -> tuple[Columns, list[str]]:
    """Which column holds which field, and notes on the columns (read, doubtful, ignored); a required field
    with neither a column nor a value is a usage error."""
    wanted = {name: [_header(h) for h in source.headers] for name, source in mapping.fields.items()}
    known = {h for hs in wanted.values() for h in hs}
    header_row, headers = 0, list[str]()
    for number, cells, _ in sheet.head:  # a title line or two may sit above the header
        texts = [cell_text(c, None).strip() for c in cells]
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
               if spec.required and name not in at and mapping.fields.get(name, Source()).value is None]
    if missing:
        lines = [f"{sheet.name}: no column for {', '.join(missing)}. The header row (row {header_row}) has: "
                 + ", ".join(f"«{h}»" for h in headers if h) + "."]
        for name in missing:
            looked = ", ".join(f"«{h}»" for h in mapping.fields.get(name, Source()).headers) or "(no headers)"
            lines.append(f"  {name}: looked for {looked}")
        example = missing[0]
        lines.append(f"Name the column in a mapping file and import with it, e.g. `{example}: Your header`"
                     + (", or give one value for every row: `comment.language: {value: ru}`"
                        if "comment.language" in missing else "")
                     + " (complaints/data/import-map.yaml shows the form).")
        raise UsageError("\n".join(lines))
    used = set(at.values())
    ignored = [f"«{h}» ({column_letter(i)})" for i, h in enumerate(headers) if h and i not in used]
    if ignored:
        notes.append(f"columns not imported (no case field reads them): {', '.join(ignored)}")
    return Columns(header_row, at, headers), notes
