"""The status listing as SQL, and the running count of working days it is counted with, kept in the register.

    columns    what `status` and `due` show of a filing, worked out inside SQLite: its deadline, the working days
               left (the running count at the deadline less that of today), its status, whether its comment is
               still online; the CSV cells as `csv.writer` writes them, formulas defused
    the count  workday_counts: for each project (the project file a filing was made with; '' for none), each day
               of a span and the number of working days from the span's start to it; calendars: the span and the
               SHA-256 of the calendar data it was counted from (the shipped workdays.yaml, the project's own,
               the `holidays` package's version and Kazakhstan module, the code that reads them). A count whose
               data has changed, or whose span does not hold a day asked about, is counted again (filings.py)

Standard library only: the fast path (register/fast.py) reads the register with this before any heavy import.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable
from datetime import date, timedelta
from importlib import import_module
from importlib.machinery import PathFinder
from pathlib import Path
from typing import Any, TextIO


def _sha256() -> Any:
    """SHA-256 without hashlib, whose OpenSSL costs the fast path 25 ms to load: the same digest, from Python's
    own module (_sha2 from 3.12, _sha256 before), else hashlib's."""
    for name in ("_sha2", "_sha256"):
        try:
            return import_module(name).sha256
        except (ImportError, AttributeError):
            continue
    from hashlib import sha256

    return sha256


sha256 = _sha256()

STATUS_COLUMNS = ("case", "language", "channel", "reference", "filed", "registered", "due", "days", "status",
                  "comment")

DEADLINE = "coalesce(f.extended_until, f.due)"  # indexed: the filters read only what they need
# working days left: the running count at the deadline less that of today (w.n: that of today, which `select`
# writes into the query as a number, each project's, rather than look it up for every filing)
LEFT = "(d.n - w.n)"
# The status of a filing, the one place it is worked out: its reply's outcome, else overdue once the day is past
# its deadline (the extended term where there is one), else extended or pending.
STATUS = (f"CASE WHEN f.outcome IS NOT NULL THEN f.outcome WHEN :today > {DEADLINE} THEN 'overdue'"
          " WHEN f.extended_until IS NOT NULL THEN 'extended' ELSE 'pending' END")
# The last column: whether the case's comment is still online, as the register's sightings say (from `watch`;
# register/sightings.py), dates in Kazakhstan: "removed (last seen 2026-12-02, missing 2026-12-03)", "online
# (seen 2026-12-02)", or "" where no check proved anything.
ONLINE = ("CASE WHEN s.first_missed IS NOT NULL THEN 'removed (' || coalesce('last seen ' || substr(s.last_seen, 1, 10)"
          " || ', ', '') || 'missing ' || substr(s.first_missed, 1, 10) || ')'"
          " WHEN s.last_seen IS NOT NULL THEN 'online (seen ' || substr(s.last_seen, 1, 10) || ')' ELSE '' END")
# The status table's cells (STATUS_COLUMNS), as text
TABLE = ["f.case_id", "f.lang", "f.channel", "coalesce(f.ref, '')", "substr(f.filed_at, 1, 10)", "f.registered",
         DEADLINE, f"CASE WHEN f.outcome IS NOT NULL THEN '' WHEN {LEFT} > 0 THEN {LEFT} || ' left'"
         f" WHEN {LEFT} = 0 THEN 'due today' ELSE (-{LEFT}) || ' overdue' END", STATUS, ONLINE]
# What `status --json` says of a filing: its record, the days left and status, and its comment's sighting
JSON = ["f.case_id", "f.lang", "f.channel", "f.ref", "f.filed_at", "f.registered", "f.registration", "f.due",
        "f.extended_until", LEFT, STATUS, "f.replied_on", "f.letter_sha256", "s.case_id IS NOT NULL", "s.url",
        "s.last_seen", "s.first_missed", "s.last_checked", "s.last_outcome"]


# Ten thousand working days are forty years: more than any term, and the dates looked at (2n + 14 days from today)
# stay dates the calendar has (a billion would be past the year 9999: OverflowError).
MAX_WITHIN = 10_000


def select(columns: Iterable[str], today: dict[str, int], *, overdue: bool = False,
           within: int | None = None) -> str:
    """The filings (in case and language order) as `columns`, which may use DEADLINE, LEFT and STATUS; `today`:
    the running count of today of each project (`counts_of`); the query's parameters are those of
    `parameters`."""
    where = []
    if overdue:
        where.append(f"f.outcome IS NULL AND {DEADLINE} < :today")
    if within is not None:
        # no more than 2N + 14 calendar days hold N working days, whatever the holidays
        where.append(f"f.outcome IS NULL AND {DEADLINE} BETWEEN :today AND :horizon AND {LEFT} <= :within")
    if not today:  # no filings
        now = "NULL"
    elif len(today) == 1:
        now = str(int(next(iter(today.values()))))
    else:  # NULL for a project not counted: no filing of it is listed, as the join leaves it out
        now = "CASE coalesce(f.project, '') " + " ".join(
            f"WHEN '{project.replace(chr(39), chr(39) * 2)}' THEN {int(n)}" for project, n in today.items()) + " END"
    return (f"SELECT {', '.join(columns)} FROM filings f"
            f" JOIN workday_counts d ON d.project = coalesce(f.project, '') AND d.day = {DEADLINE}"
            " LEFT JOIN sightings s ON s.case_id = f.case_id"
            f" {'WHERE ' + ' AND '.join(where) if where else ''}"
            " ORDER BY f.case_id, f.lang, f.again").replace("w.n", f"({now})")


def counts_of(db: sqlite3.Connection, day: date) -> dict[str, int]:
    """The running count of `day` of each project counted (the register's, or this command's own: see `keep`)."""
    return {str(project): int(n) for project, n in
            db.execute("SELECT project, n FROM workday_counts WHERE day = ?", (day.isoformat(),))}


def parameters(today: date, within: int | None) -> dict[str, object]:
    return {"today": today.isoformat(), "within": within,
            "horizon": (today + timedelta(days=2 * (within or 0) + 14)).isoformat()}


# ---------------------------------------------------------------- CSV cells

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_row(row: Iterable[object]) -> list[object]:
    """A row for a spreadsheet: a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
    leading ' , which spreadsheets show as text and do not display (OWASP's convention for CSV injection)."""
    return [f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA) else cell for cell in row]


class LineEnds:
    """A text stream for csv.writer, rows ending in LF: the writer is told CRLF, so that a cell holding a CR is
    quoted too (it quotes only the line terminator's characters), and each row's CRLF is written as LF."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream  # None: sys.stdout as it is at each row (a test's runner replaces it)

    def write(self, text: str) -> int:
        return (self.stream or sys.stdout).write(text[:-2] + "\n" if text.endswith("\r\n") else text)


# ---------------------------------------------------------------- the running count of working days

def calendar_digest(project: str) -> str | None:
    """The SHA-256 of everything the working days of `project` (a project file's path, '' for none) are
    counted from; None where some of it cannot be read (the count is then made afresh for each command)."""
    sha = sha256(b"complaints working days 1\0")
    try:
        here = Path(__file__).parent  # the files workdays.py reads (through importlib.resources: these)
        for part in (here.parent / "data" / "workdays.yaml", here / "workdays.py"):
            sha.update(part.read_bytes() + b"\0")
        package = PathFinder.find_spec("holidays")
        if package is None or not package.submodule_search_locations:
            return None
        folder = Path(list(package.submodule_search_locations)[0])
        sha.update((folder / "countries" / "kazakhstan.py").read_bytes() + b"\0")
        versions = sorted(n for n in os.listdir(folder.parent) if n.startswith("holidays-")
                          and n.endswith((".dist-info", ".egg-info")))
        if not versions:
            return None
        sha.update("\n".join(versions).encode() + b"\0")
        own = Path(project).parent / "workdays.yaml" if project else None
        sha.update(own.read_bytes() if own is not None and own.is_file() else b"(none)")
    except OSError:
        return None
    return sha.hexdigest()


def spans(db: sqlite3.Connection, today: date) -> dict[str, tuple[date, date]]:
    """The days each project's count must hold to list its filings as of `today`: from the earliest of their
    deadlines and today to the latest. Read from the index on (project, deadline), one project after another,
    not from every filing."""
    project = "coalesce(f.project, '')"
    found = {}
    for name, first, last in db.execute(
            f"WITH RECURSIVE p(x) AS (SELECT (SELECT {project} FROM filings f ORDER BY 1 LIMIT 1) UNION ALL"
            f" SELECT (SELECT {project} FROM filings f WHERE {project} > p.x ORDER BY 1 LIMIT 1) FROM p"
            f" WHERE p.x IS NOT NULL)"
            f" SELECT x, (SELECT min({DEADLINE}) FROM filings f WHERE {project} = p.x),"
            f" (SELECT max({DEADLINE}) FROM filings f WHERE {project} = p.x) FROM p WHERE p.x IS NOT NULL"):
        found[str(name)] = (min(date.fromisoformat(first), today), max(date.fromisoformat(last), today))
    return found


def stale(db: sqlite3.Connection, needed: dict[str, tuple[date, date]]) -> dict[str, tuple[date, date]]:
    """The projects of `needed` whose count in the register is missing, was counted from other calendar data, or
    does not hold the span needed; with the span to count (the span needed, widened by what the register
    holds, and a year ahead so that the count serves every day of the coming year)."""
    kept = {row[0]: row[1:] for row in db.execute("SELECT project, digest, first, last FROM calendars")}
    found = {}
    for project, (first, last) in needed.items():
        digest, lo, hi = kept.get(project, (None, None, None))
        if digest is not None and digest == calendar_digest(project) and lo <= first.isoformat() \
                and last.isoformat() <= hi:
            continue
        if digest is not None and digest == calendar_digest(project):
            first, last = min(first, date.fromisoformat(lo)), max(last, date.fromisoformat(hi))
        found[project] = (first, min(last + timedelta(days=366), date(9999, 12, 31)))
    return found


def keep(db: sqlite3.Connection, project: str, digest: str | None, first: date, running: list[int]) -> None:
    """The running count of `project`'s working days from `first` (running[i]: working days in (first, first + i]),
    counted from the calendar data of `digest`, written into the register (in the caller's transaction); with
    `digest` None, into this connection's own table, which the listing's query then reads instead of the
    register's (for every project: a register that cannot be written, calendar data that cannot be read)."""
    if digest is None:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS workday_counts (project TEXT NOT NULL, day TEXT NOT NULL,"
                   " n INTEGER NOT NULL, PRIMARY KEY (project, day)) WITHOUT ROWID")
        table = "temp.workday_counts"
    else:
        last = date.fromordinal(first.toordinal() + len(running) - 1)
        db.execute("DELETE FROM main.calendars WHERE project = ?", (project,))
        db.execute("INSERT INTO main.calendars (project, digest, first, last) VALUES (?, ?, ?, ?)",
                   (project, digest, first.isoformat(), last.isoformat()))
        table = "main.workday_counts"
    db.execute(f"DELETE FROM {table} WHERE project = ?", (project,))
    start = first.toordinal()
    db.executemany(f"INSERT INTO {table} (project, day, n) VALUES (?, ?, ?)",
                   ((project, date.fromordinal(start + i).isoformat(), n) for i, n in enumerate(running)))
