"""`complaints status` and `complaints due` as CSV or JSON, answered with the standard library alone: the
register read with sqlite3, its rows written straight out by csv (or as json.dumps would write them), with the
running count of working days the register keeps (listing.py), before Typer, Rich, pydantic, YAML or the
`holidays` calendar are imported.

It answers only where it is sure to print what the full command prints: the options it knows, a register of
this version whose count of working days was made from the calendar data as it is now, CSV or JSON asked for
(or output that is not a terminal). Anything else (an unknown option, a date to refuse, a register to migrate or
to count again, a terminal's table) returns None, and the full command runs, says what is wrong or counts anew.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date, datetime
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) writes a string as
from pathlib import Path
from typing import Any

from ..case.when import kz_today, parse_day
from ..errors import ComplaintsError
from . import listing
from .schema import MIGRATIONS, TABLES, find_db

CHUNK = 5000  # rows fetched and written at a time

_COMMANDS = {  # command: (value options, flags)
    "status": (("--today", "--db"), ("--overdue", "--csv", "--json")),
    "due": (("--within", "--today", "--db"), ("--csv", "--json")),
}


def answer(args: list[str]) -> int | None:
    """The exit status of `status` or `due` answered here, or None: run the full command."""
    options = _options(args)
    if options is None:
        return None
    command, values, flags = options
    as_json = "--json" in flags
    if not as_json and "--csv" not in flags and not _not_a_terminal():
        return None  # a terminal: the full command's table (Rich)
    try:
        today = parse_day(values["--today"]) if "--today" in values else kz_today()
    except (ValueError, LookupError, OSError, ImportError):  # a date to refuse; no time zone data
        return None
    within: int | None = None
    if command == "due":
        text = values.get("--within", "5")
        if not (text.isascii() and text.isdigit()) or int(text) > listing.MAX_WITHIN:
            return None
        within = int(text)
    try:
        path = find_db(".", values.get("--db"))
    except (ComplaintsError, OSError):
        return None
    db = _open(path, today)
    if db is None:
        return None
    parameters = listing.parameters(today, within)
    try:
        filters: dict[str, Any] = {"today": listing.counts_of(db, today), "overdue": "--overdue" in flags,
                                   "within": within}
        if as_json:
            return _json(db.execute(listing.select(_JSON, **filters), parameters))
        return _csv(db, filters, parameters, path)
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _options(args: Sequence[str]) -> tuple[str, dict[str, str], set[str]] | None:
    """The command, its value options (the last of each) and its flags, read as Typer reads them; None for
    anything else (an argument, an unknown option, a value missing, --help)."""
    if not args or args[0] not in _COMMANDS:
        return None
    known_values, known_flags = _COMMANDS[args[0]]
    values: dict[str, str] = {}
    flags: set[str] = set()
    rest = list(args[1:])
    i = 0
    while i < len(rest):
        item = rest[i]
        i += 1
        name, eq, inline = item.partition("=")
        if name in known_flags and not eq:
            flags.add(name)
        elif name in known_values and eq:
            values[name] = inline
        elif name in known_values and i < len(rest):
            values[name] = rest[i]
            i += 1
        else:
            return None
    return args[0], values, flags


def _not_a_terminal() -> bool:
    """True where Rich would not take standard output for a terminal (the full command then writes CSV); False
    where it might (a terminal, or the variables that tell Rich so)."""
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    try:
        return sys.stdout is not None and not sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _open(path: Path, today: date) -> sqlite3.Connection | None:
    """The register at `path`, open for reading, if it needs nothing the full command would do first: made,
    migrated, turned to WAL, its count of working days made again; else None."""
    try:
        if not path.is_file():
            return None
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=30,
                             isolation_level=None)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        db.execute("PRAGMA query_only = ON")  # this path never writes
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = db.execute("PRAGMA user_version").fetchone()[0]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        if version != len(MIGRATIONS) or "filings" not in tables or tables - TABLES or mode != "wal":
            db.close()
            return None
        db.execute("PRAGMA mmap_size = 268435456")  # as the full command reads it
        db.execute("PRAGMA cache_size = -65536")
        db.execute("BEGIN")  # one snapshot: the count checked is the count read, whatever is written meanwhile
        if listing.stale(db, listing.spans(db, today)):
            db.close()
            return None
    except (sqlite3.Error, ValueError, TypeError):
        db.close()
        return None
    return db


# ---------------------------------------------------------------- CSV

_CELLS = len(listing.TABLE)
_SEP = "\x1f"  # between the cells of a row as SQLite joins them (printf: NULL as '', as csv writes None)
# printf ends a text at a NUL character, which csv writes: a row whose free text (a case id, a reference number:
# the web's forms can carry one) holds one is NULL, and written cell by cell. The other cells are the tool's own
# (dates, statuses) or checked when recorded (language, channel, outcome).
_LINE = (f"CASE WHEN instr(f.case_id, char(0)) OR instr(f.ref, char(0)) THEN NULL"
         f" ELSE printf('{_SEP.join(['%s'] * _CELLS)}', {', '.join(listing.TABLE)}) END")


def _csv(db: sqlite3.Connection, filters: dict[str, Any], parameters: dict[str, object], path: Path) -> int | None:
    """The rows as the full command writes them (cli/register.py: csv.writer through listing.LineEnds, each row
    through listing.safe_row), a chunk at a time, each row joined by SQLite: a chunk where no cell holds a comma,
    a quote, a line break or the separator, and none begins with a character safe_row defuses, is the CSV
    itself once its separators are commas; any other chunk is written cell by cell as the full command does.
    Where standard output writes UTF-8 as it is (no newline translation), the plain chunks go to it as the bytes
    SQLite holds, checked to be UTF-8, never made into text."""
    out = sys.stdout
    raw = _utf8_beneath(out)
    try:
        db.text_factory = bytes if raw is not None else str
        cursor = db.execute(listing.select([_LINE], **filters), parameters)
        lines = cursor.fetchmany(CHUNK)
    except sqlite3.Error:
        return None  # nothing written yet: the full command reads it and says what is wrong
    rows = csv.writer(listing.LineEnds(out), lineterminator="\r\n")
    rows.writerow(listing.STATUS_COLUMNS)
    done = 0
    try:
        while lines:
            if raw is not None:
                data = _joined(lines, b"\n", _SEP.encode())
                if data is not None and _plain(data, len(lines), _BYTES):
                    out.flush()
                    raw.write(data.replace(_SEP.encode(), b","))
                    done += len(lines)
                    lines = cursor.fetchmany(CHUNK)
                    continue
            chunk = _decoded(lines) if raw is not None else lines
            text = _joined(chunk, "\n", _SEP) if chunk is not None else None
            if chunk is not None and text is not None and _plain(text, len(chunk), _TEXT):
                out.write(text.replace(_SEP, ","))
            elif chunk is not None and text is not None:  # each row's cells are those between its separators
                rows.writerows(listing.safe_row(line.split(_SEP)) for (line,) in chunk)
            else:  # these rows again, as cells (a cell holds the separator or a NUL character; not UTF-8)
                db.text_factory = str
                query = f"{listing.select(listing.TABLE, **filters)} LIMIT {CHUNK} OFFSET {done}"
                rows.writerows(map(listing.safe_row, db.execute(query, parameters).fetchall()))
                db.text_factory = bytes if raw is not None else str
            done += CHUNK
            lines = cursor.fetchmany(CHUNK)
    except sqlite3.DatabaseError as exc:  # a damaged page half-way through: said as the full command says it
        from .store import damaged

        out.flush()
        sys.stderr.write(f"error: {damaged(path, exc)}\n")
        return 1
    out.flush()
    return 0


def _utf8_beneath(out: Any) -> Any:
    """The binary stream beneath standard output where writing UTF-8 bytes to it is exactly what writing the
    text would do (UTF-8, no newline translation: not on Windows), else None."""
    import codecs

    try:
        if os.name != "posix" or codecs.lookup(out.encoding).name != "utf-8":
            return None
        return out.buffer
    except (AttributeError, LookupError, TypeError):
        return None


def _joined(lines: list[Any], newline: Any, separator: Any) -> Any:
    """The chunk's rows, each ending in a newline; None where a row is NULL (a NUL character in it), not valid
    UTF-8 (bytes), or has a cell holding the separator."""
    try:
        text = newline.join([line for (line,) in lines]) + newline
        if isinstance(text, bytes):
            text.decode("utf-8")  # as SQLite's text would be read: the full command refuses what is not UTF-8
    except (TypeError, UnicodeDecodeError):
        return None
    return text if text.count(separator) == (_CELLS - 1) * len(lines) else None


def _decoded(lines: list[Any]) -> list[Any] | None:
    try:
        return [(line.decode("utf-8"),) for (line,) in lines]
    except (AttributeError, UnicodeDecodeError):
        return None


# what `_plain` looks for: the newline, characters csv.writer quotes, those listing.safe_row defuses anywhere,
# and a '-' where a cell begins (after the separator or a newline)
_TEXT = ("\n", (",", '"', "\r", "=", "+", "@", "\t", _SEP + "-", "\n-"), "-")
_BYTES = (b"\n", tuple(n.encode() for n in _TEXT[1]), b"-")


def _plain(text: Any, rows: int, needles: tuple[Any, tuple[Any, ...], Any]) -> bool:
    """True where `rows` rows joined by the separator, each ending in a newline, have no cell csv.writer would
    quote (a comma, a quote, a CR or LF) and none beginning with a character listing.safe_row defuses: their
    CSV is the text with commas for separators."""
    newline, anywhere, first = needles
    if text.count(newline) != rows or text.startswith(first):
        return False
    return not any(needle in text for needle in anywhere)


# ---------------------------------------------------------------- JSON

# A filing's JSON as SQLite writes most of it: json_quote writes a text as json.dumps(ensure_ascii=False) does,
# every character (tests/test_register_fast.py); the dates and times (which the full command reads and writes
# again) and the sighting of its comment are left to Python.
_JSON = [
    "printf(' {\n  \"case_id\": %s,\n  \"language\": %s,\n  \"channel\": %s,\n  \"reference\": %s,\n"
    "  \"filed_at\": ', json_quote(f.case_id), json_quote(f.lang), json_quote(f.channel), json_quote(f.ref))",
    "f.filed_at", "f.registered",
    "CASE WHEN f.registration = 'receipt' THEN '\"receipt\"' ELSE '\"computed\"' END",
    "f.due", "f.extended_until",
    f"printf(',\n  \"working_days_left\": %d,\n  \"status\": %s,\n  \"replied_on\": ', {listing.LEFT},"
    f" json_quote({listing.STATUS}))",
    "f.replied_on",
    "printf(',\n  \"letter_sha256\": %s,\n  \"comment\": ', json_quote(f.letter_sha256))",
    "s.case_id IS NOT NULL", "s.url", "s.last_seen", "s.first_missed", "s.last_checked", "s.last_outcome",
]


def _json(cursor: sqlite3.Cursor) -> int | None:
    """The filings as `status --json` writes them (cli/register.py: json.dumps(…, ensure_ascii=False, indent=1));
    None (the full command) for a value it would not write so."""
    days: dict[object, str] = {None: "null"}  # each date once: a few hundred for 100,000 filings

    def day(value: object) -> str:
        found = days.get(value)
        if found is None:
            found = days[value] = encode_basestring(date.fromisoformat(str(value)).isoformat())
        return found

    items = []
    try:
        while rows := cursor.fetchmany(CHUNK):
            for (head, filed_at, registered, registered_from, due, extended_until, middle, replied_on, tail,
                 sighted, *sighting) in rows:
                if registered is None or due is None:
                    return None
                items.append(f"{head}{encode_basestring(datetime.fromisoformat(str(filed_at)).isoformat())},\n"
                             f'  "registered": {day(registered)},\n  "registered_from": {registered_from},\n'
                             f'  "due": {day(due)},\n  "extended_until": {day(extended_until)}{middle}'
                             f"{day(replied_on)}{tail}{_comment(*sighting) if sighted else 'null'}\n }}")
    except (ValueError, TypeError, AttributeError):
        return None
    sys.stdout.write("[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n")
    return 0


def _comment(url: object, last_seen: object, first_missed: object, last_checked: object, outcome: object) -> str:
    """The comment's sighting as the full command writes it (cli/register.py `_online`)."""
    if not last_checked:
        raise ValueError("a sighting without its last check")
    state = "removed" if first_missed else "online" if last_seen else "unknown"
    return (f'{{\n   "state": "{state}",\n   "url": {encode_basestring(str(url))},\n'
            f'   "last_seen": {_moment(last_seen)},\n   "first_missed": {_moment(first_missed)},\n'
            f'   "last_checked": {_moment(last_checked)},\n   "last_outcome": {encode_basestring(str(outcome))}\n  }}')


def _moment(value: object) -> str:
    return encode_basestring(datetime.fromisoformat(str(value)).isoformat()) if value else "null"
