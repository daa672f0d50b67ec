"""Cases from a monitoring spreadsheet: one row of a CSV or XLSX sheet, one commented case file.

    sheets    the sheet read: CSV (delimiter sniffed; UTF-8, UTF-8 with BOM or Windows-1251) or XLSX
    mapping   each case field found by its column's header (data/import-map.yaml, or the user's --map file)
    cells     the cells read into case values: dates as case files take them, numbers kept as written
    here      each row made a case, checked as `complaints validate` would, and written by case/write.py:
              created, never over a file; an existing file is left alone, or with --update only its
              imported fields change

Importing the same sheet twice changes nothing: a case's id comes from its content (case.write.suggest_id:
the outlet, the comment's date and a hash of the comment), and a file is only written when its content changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..case import write as case_write
from ..case.load import read_yaml
from ..case.model import ID_PATTERN
from ..case.when import DAY_FORMS
from ..case.write import case_folder, case_text, check_text, header, moment_text, put, suggest_id, updated_text
from ..case.write import wording as case_wording
from ..errors import CaseError, Problem
from ..layout import PROJECT_FILE, find_project, shown
from . import cells
from .cells import CellError
from .mapping import FIELDS, Columns, Mapping, Source, find_columns, load_mapping
from .sheets import Sheet, column_letter, read_sheet

_DERIVED = {"outlet.url"}  # may be left out of a sheet: the article's site is the outlet's home page


EXAMPLES = 10  # case files named of each kind (written, updated, …): the counts are of all


@dataclass
class ImportResult:
    """What one import did: how many case files were written, updated, unchanged or skipped (and the first
    EXAMPLES of each kind, in `examples`), and every bad row. Nothing is kept per good row, so a sheet of a
    million rows is imported in the memory of a small one.

    A problem with a cell is SHEET:ROW:COLUMN: error: FIELD: message, its `line` the row as the spreadsheet
    numbers it (the header is row 1) and its `column` the column's letter; a value given in a --map file is
    reported at its place in that file instead.
    """

    sheet: Path
    out: Path
    rows: int = 0
    written: int = 0  # case files created
    updated: int = 0  # existing case files whose imported fields changed (--update)
    unchanged: int = 0  # existing case files that already say what the row says
    skipped: int = 0  # existing case files that differ from the row, left alone (no --update, or unreadable)
    examples: dict[str, list[Path]] = field(default_factory=dict)  # "written", …: the first EXAMPLES case files
    problems: list[Problem] = field(default_factory=list)
    failed_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None  # CSV only: "UTF-8", "UTF-8 with BOM", "Windows-1251", "UTF-16"
    delimiter: str | None = None  # CSV only
    with_warnings: int = 0  # cases written or unchanged that `complaints validate` will warn about

    def count(self, kind: str, path: Path) -> None:
        """One more case file of this kind ("written", "updated", "unchanged" or "skipped")."""
        setattr(self, kind, getattr(self, kind) + 1)
        named = self.examples.setdefault(kind, [])
        if len(named) < EXAMPLES:
            named.append(path)

    @property
    def failed(self) -> int:
        return len(self.failed_rows)

    @property
    def imported(self) -> int:
        """The rows that gave a case file (new, updated or already there), not refused."""
        return self.written + self.updated + self.unchanged + self.skipped

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_rows else 0


@dataclass(frozen=True)
class ImportedRow:
    """A good row, as `import_sheet` tells it to its `each` callback: what the case is, and what became of its file
    ("written", "updated", "unchanged", "skipped"; in a dry run, what would)."""

    row: int
    id: str
    outlet: str
    author: str
    text: str
    path: Path
    kind: str


# ---------------------------------------------------------------- one row → one case


@dataclass
class _Built:
    """One row read into a case, with where each value came from."""

    row: int
    data: dict[str, Any]
    comments: dict[str, str]  # dotted field → the comment written beside it, in place of data/case-file.yaml's
    origin: dict[str, tuple[str, str, int | None]]  # dotted path → (sheet field, column letter, line of a --map value)
    problems: list[Problem]
    imported: list[tuple[tuple[str, ...], Any]]  # leaves that came from the sheet, for --update
    evidence: list[dict[str, Any]]

    @property
    def id(self) -> str:
        return str(self.data.get("id") or "")


def _build(number: int, row: list[Any], formats: list[str | None], columns: Columns, mapping: Mapping,
           sheet: Sheet, map_problem: Callable[[Source, str, str], Problem]) -> _Built | None:
    """The case one row describes; None for a row with nothing in the mapped columns."""
    values: dict[str, tuple[Any, str | None, Source, str]] = {}
    for name, source in mapping.fields.items():
        if source.value is not None:
            values[name] = (source.value, None, source, "")
        elif name in columns.at:
            i = columns.at[name]
            cell = row[i] if i < len(row) else None
            values[name] = (cell, formats[i] if i < len(formats) else None, source, column_letter(i))
    if all(cells.is_empty(cell) for cell, _, source, _ in values.values() if source.value is None):
        return None

    built = _Built(number, {"format": "1"}, {}, {}, [], [], [])

    def fail(name: str, letter: str, source: Source, message: str) -> None:
        if source.value is not None:
            built.problems.append(map_problem(source, name, message))
        else:
            built.problems.append(Problem(sheet.name, number, letter, name, message))

    for name, (cell, fmt, source, letter) in values.items():
        spec = FIELDS[name]
        if cells.is_empty(cell):
            if spec.required:
                fail(name, letter, source, f"the cell is empty; every case needs {spec.what or 'this field'}")
            continue
        try:
            value: Any
            if spec.kind in ("moment", "day"):
                when = cells.moment(cell, fmt, sheet.epoch)
                written = cells.cell_text(cell, fmt).strip()
                if spec.kind == "day" and when.clock not in (None, time(0)):
                    raise CellError(f"'{written}' has a time; a date alone ({DAY_FORMS}) is expected here")
                if cells.in_future(when):
                    raise CellError(f"'{written}' ({moment_text(when)}) is in the future; a typo in the date?")
                value = moment_text(when) if spec.kind == "moment" else when.day.isoformat()
            else:
                value = cells.text(cell, fmt, limit=spec.limit, lines=spec.lines)
                if spec.kind == "language":
                    value = cells.language(value, mapping.languages)
                if spec.kind in ("text", "longtext", "language"):
                    cells.held(value, spec.kind, sheet.encoding)
                elif spec.kind == "norms":
                    value = cells.norm_ids(value, norm_labels())
        except CellError as exc:
            fail(name, letter, source, str(exc))
            continue
        where = (name, letter, source.where[1] if source.where else None)
        if spec.kind.startswith("evidence"):
            for item in cells.evidence(value, spec.kind.removeprefix("evidence-"), mapping.archive_hosts,
                                       mapping.descriptions):
                built.origin[f"evidence[{len(built.evidence)}]"] = where
                built.evidence.append(item)
            continue
        path = tuple(name.split("."))
        _put(built.data, path, value)
        built.origin[name] = where
        built.imported.append((path, value))
        if source.note:
            built.comments[name] = source.note

    if built.evidence:
        built.data["evidence"] = built.evidence
    _derive_outlet_url(built)
    built.data.setdefault("id", suggest_id(built.data))
    return built


def norm_labels() -> dict[str, list[str]]:
    """How a sheet may name each norm of the catalogue besides its id: its short labels and its citations, in
    every language (complaints/data/norms.yaml)."""
    from ..case import law

    return {norm_id: [*norm.short.values(), *norm.citation.values()] for norm_id, norm in law.catalogue().items()}


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
    built.comments["outlet.url"] = case_wording().derived["outlet.url"]


# ---------------------------------------------------------------- checking and writing


class _Seen:
    """The ids of the rows imported so far, each with the first row that gave it and a digest of that row's
    comment (comment_identity): a fixed size per id, however long the comments, so that a second row with an id
    is told to be the same comment or another one (a collision of the id's hash) without keeping the comments.

    Per id: its 16-byte BLAKE2b digest as the key and 21 bytes (the row, then the comment's 16-byte digest) as
    the value, some 150 bytes with the dict's own share; two ids, or two comments, meet in a 128-bit digest
    with a chance of about n²/2^129 (n = 10^6: 1.5e-27).
    """

    def __init__(self) -> None:
        self._first: dict[bytes, bytes] = {}

    def first(self, case_id: str, row: int, identity: str) -> tuple[int, bool] | None:
        """None the first time `case_id` is met (and `row` and its comment remembered); else the row it was first
        met on, and whether that row's comment is this one."""
        digest = hashlib.blake2b(identity.encode("utf-8"), digest_size=16).digest()
        mine = row.to_bytes(5, "big") + digest
        known = self._first.setdefault(hashlib.blake2b(case_id.encode("utf-8"), digest_size=16).digest(), mine)
        if known is mine:
            return None
        return int.from_bytes(known[:5], "big"), known[5:] == digest


@dataclass
class _Context:
    sheet: Sheet
    out: Path
    mapping: Mapping
    project: Any  # case.read.ProjectFile
    has_project: bool
    update: bool
    result: ImportResult
    dry_run: bool = False
    each: Callable[[ImportedRow], None] | None = None
    seen_ids: _Seen = field(default_factory=lambda: _Seen())
    seen_map_problems: set[str] = field(default_factory=set)


def import_sheet(sheet: Path, out: Path, *, mapping: Path | None = None, update: bool = False,
                 progress: Callable[[int, int], None] | None = None, dry_run: bool = False,
                 each: Callable[[ImportedRow], None] | None = None) -> ImportResult:
    """Write one case file per row of a monitoring sheet into `out`; every bad row is reported, the rest imported.

    An existing case file is never overwritten, unless `update`: then only the fields that come from the
    sheet change, and the user's own fields and comments stay. Raises UsageError for a sheet that cannot
    be read or that lacks a column for a required field, for a mapping file that cannot be used, and for an
    `out` that cannot be a folder.

    `dry_run`: every check made, the same result returned (what would be written, updated, …), and nothing
    written, not even `out`. `each`: told of every good row as it is placed (ImportedRow), for a preview.
    """
    sheet, out = Path(sheet), Path(out)
    the_mapping = load_mapping(mapping)
    table = read_sheet(sheet)
    columns, column_notes = find_columns(table, the_mapping)
    case_folder(out, make=not dry_run)
    result = ImportResult(sheet, out, encoding=table.encoding, delimiter=table.delimiter)
    result.notes += table.notes + column_notes
    ctx = _Context(table, out, the_mapping, *_project(out, result), update=update, result=result, dry_run=dry_run,
                   each=each)

    def map_problem(source: Source, name: str, message: str) -> Problem:
        assert source.where is not None
        file, line, col = source.where
        return Problem(file, line, col, name, message + " (the value given in the mapping file)")

    # rows streamed: read, checked and written one at a time, so memory stays flat however long the sheet
    total = max(table.total - columns.header_row, 0) if table.total is not None else 0
    done = 0
    for number, row, formats in ctx.sheet.rows:
        if number <= columns.header_row:
            continue
        done += 1
        built = _build(number, row, formats, columns, the_mapping, table, map_problem)
        if built is not None:
            result.rows += 1
            _import_row(ctx, built)
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, max(total, done))
    if progress is not None:
        progress(done, done)
    note = warnings_note(result)
    if note is not None:
        result.notes.append(note)
    return result


def warnings_note(result: ImportResult) -> str | None:
    """The note that some cases imported have warnings, for the command line (it names `validate`)."""
    if not result.with_warnings:
        return None
    cases = "1 case has" if result.with_warnings == 1 else f"{result.with_warnings} cases have"
    return (f"{cases} warnings (a missing translation, a norm not in force then, …):"
            f" `complaints validate {shown(result.out)}` lists them")


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


def _check(ctx: _Context, text: str, target: Path, expect: dict[str, Any] | None) -> tuple[list[Problem], bool]:
    """The case's errors as `validate` finds them (those about the applicant left out when there is no project
    file), and whether it has warnings."""
    case, problems = check_text(text, target, project=ctx.project, expect=expect)
    errors = [p for p in problems if p.is_error and (ctx.has_project or not p.field.startswith("applicant"))]
    return errors, not errors and any(not p.is_error for p in problems)


def _import_row(ctx: _Context, built: _Built) -> None:
    problems = list(built.problems)
    duplicate = False
    if not problems:
        # the comment itself (as a 128-bit digest, not the id's 64 bits): the same exactly when the comments are
        seen = ctx.seen_ids.first(built.id, built.row, case_write.comment_identity(built.data))
        if seen is not None:
            first, same = seen
            duplicate = True
            name, letter, _ = built.origin.get("comment.text", ("comment.text", "A", None))
            if same:
                problems.append(Problem(ctx.sheet.name, built.row, letter, name,
                                        f"the same comment as row {first} (the same outlet, article, author, time and"
                                        f" text, so the same case {built.id}); delete one of the two rows"))
            else:  # the same id for another comment: a hash collision, told apart by the comments themselves
                problems.append(Problem(ctx.sheet.name, built.row, letter, name,
                                        f"a different comment from row {first}, but its id {built.id} came out the"
                                        " same (a collision of the id's hash): not imported; add an `id` column"
                                        " giving this row an id of its own"))
    text = case_text(built.data, header=header("import", sheet=Path(ctx.sheet.name).name, row=built.row),
                     comments=built.comments)
    # a bad id still gets its row checked, under a name that stays in the folder
    final = ctx.out / f"{built.id if ID_PATTERN.match(built.id) else f'row-{built.row}'}.yaml"
    warned = False
    if not duplicate:
        errors, warned = _check(ctx, text, final, built.data)
        problems += _located(ctx, built, errors, {p.field for p in problems})
    if problems:
        _fail(ctx, built.row, problems)
        return
    _place(ctx, built, final, text, warned)


def _fail(ctx: _Context, row: int, problems: list[Problem]) -> None:
    order = sorted(problems, key=lambda p: (p.file != ctx.sheet.name, p.line, len(str(p.column)), str(p.column)))
    for problem in order:
        if problem.file != ctx.sheet.name:  # a --map value: once, however many rows it breaks
            if str(problem) in ctx.seen_map_problems:
                continue
            ctx.seen_map_problems.add(str(problem))
        ctx.result.problems.append(problem)
    ctx.result.failed_rows.append(row)


def _located(ctx: _Context, built: _Built, problems: list[Problem], reported: set[str]) -> list[Problem]:
    """The case's problems, each moved back to the cell that gave the field."""
    out: list[Problem] = []
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
            out.append(Problem(file, line, col, name, p.message + " (the value given in the mapping file)"))
        else:
            out.append(Problem(ctx.sheet.name, built.row, letter, name, p.message))
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


def _place(ctx: _Context, built: _Built, final: Path, text: str, warned: bool) -> None:
    """Create the case file; or leave the existing one; or, with --update, update its imported fields."""
    kind = _placed(ctx, built, final, text, warned)
    if kind is not None and ctx.each is not None:
        comment = built.data.get("comment") or {}
        ctx.each(ImportedRow(built.row, built.id, str((built.data.get("outlet") or {}).get("name") or ""),
                             str(comment.get("author") or ""), str(comment.get("text") or ""), final, kind))


def _placed(ctx: _Context, built: _Built, final: Path, text: str, warned: bool) -> str | None:
    """What `_place` did with the row's file (or, in a dry run, would do); None for a row that failed there."""
    result = ctx.result
    try:
        if final.exists():  # saves writing a file only to find the name taken; put() alone decides, though
            raise FileExistsError(final)
        if not ctx.dry_run:
            put(final, text)
    except FileExistsError:
        pass
    else:
        result.count("written", final)
        result.with_warnings += warned
        return "written"
    old = final.read_bytes()
    if old == text.encode("utf-8"):
        result.count("unchanged", final)
        result.with_warnings += warned
        return "unchanged"
    try:
        doc = read_yaml(final, display=shown(final), collect=True)
        broken = [p for p in doc.problems if p.is_error]
        if not isinstance(doc.data, dict):
            broken.append(Problem(doc.path, 1, 1, "", "this is not a case file (a YAML mapping of fields)"))
    except CaseError as exc:
        broken = exc.errors
    if broken:  # the user's file, as it is, cannot be compared with the row: leave it to them
        if not ctx.update:
            result.count("skipped", final)
            return "skipped"
        _fail(ctx, built.row, [Problem(p.file, p.line, p.column, p.field, f"cannot update this case from"
                                       f" row {built.row}: {p.message}") for p in broken])
        return None
    if case_write.comment_identity(doc.data) != case_write.comment_identity(built.data) and suggest_id(doc.data) == built.id:
        # the file's own comment gives this id, and it is another comment: a collision of the id's hash, never
        # a reason to turn one case into another (a file whose comment was edited since gives another id)
        _fail(ctx, built.row, [Problem(shown(final), 1, 1, "id", f"row {built.row} of {ctx.sheet.name} is a different"
                                       f" comment with the same id {built.id} (a collision of the id's hash): the case"
                                       " file was left as it is and the row not imported; add an `id` column giving"
                                       " the row an id of its own")])
        return None
    changes = _changes(doc.data, built)
    if not changes:
        result.count("unchanged", final)
        result.with_warnings += warned
        return "unchanged"
    if not ctx.update:
        result.count("skipped", final)
        return "skipped"
    from ruamel.yaml.error import YAMLError

    try:
        merged = updated_text(old.decode("utf-8"), changes)
    except YAMLError as exc:
        _fail(ctx, built.row, [Problem(shown(final), 1, 1, "", f"cannot update this case from row {built.row}:"
                                       f" its YAML cannot be read for updating ({exc})")])
        return None
    errors, warned = _check(ctx, merged, final, None)
    if errors:
        _fail(ctx, built.row, [Problem(p.file, p.line, p.column, p.field, f"updating this case from row"
                                       f" {built.row} would leave it invalid: {p.message}") for p in errors])
        return None
    if not ctx.dry_run:
        put(final, merged, replace=True)
    result.count("updated", final)
    result.with_warnings += warned
    return "updated"


def _changes(existing: Any, built: _Built) -> list[tuple[tuple[str, ...], Any]]:
    """The imported values the existing file does not have yet (evidence: the items it does not list)."""
    changes = [(path, value) for path, value in built.imported if _get(existing, path) != value]
    have = existing.get("evidence") if isinstance(existing, dict) else None
    have = have if isinstance(have, list) else []
    known = {(item.get("url"), item.get("file")) for item in have if isinstance(item, dict)}
    changes += [(("evidence", "+"), item) for item in built.evidence
                if (item.get("url"), item.get("file")) not in known]
    return changes

