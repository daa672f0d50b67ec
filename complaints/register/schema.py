"""Where the register is and what it holds: its file (complaints.db beside the project's complaints.yaml, or named)
and its schema, one migration a version (PRAGMA user_version). Apart from store.py, which opens and changes the
register, so that the fast path (register/fast.py) finds and checks it with the standard library alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UsageError

DB_FILE = "complaints.db"

# Each entry brings the schema from version i to i + 1; never edit one that has shipped, add another.
MIGRATIONS = (
    """
    CREATE TABLE filings (
        id              INTEGER PRIMARY KEY,
        case_id         TEXT NOT NULL,
        lang            TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
        channel         TEXT NOT NULL,
        ref             TEXT,
        filed_at        TEXT NOT NULL,      -- ISO 8601 with its UTC offset
        registered      TEXT NOT NULL,      -- APPC Article 64(3)
        due             TEXT NOT NULL,      -- APPC Article 76, stored, never recomputed
        extended_until  TEXT,
        extension_ref   TEXT,
        replied_on      TEXT,
        outcome         TEXT,
        note            TEXT,
        reply_name      TEXT,
        reply_sha256    TEXT,
        letter_name     TEXT NOT NULL,
        letter_sha256   TEXT NOT NULL,
        subject         TEXT NOT NULL,
        outlet          TEXT NOT NULL,
        authority       TEXT NOT NULL,
        project         TEXT,
        again           INTEGER NOT NULL DEFAULT 0,
        recorded_at     TEXT NOT NULL,
        UNIQUE (case_id, lang, again)
    );
    CREATE INDEX filings_deadline ON filings (coalesce(extended_until, due));
    CREATE TABLE events (
        id         INTEGER PRIMARY KEY,
        filing_id  INTEGER NOT NULL REFERENCES filings (id),
        kind       TEXT NOT NULL,            -- filed, extended, reply
        at         TEXT NOT NULL,            -- when the command ran (UTC)
        detail     TEXT
    );
    """,
    # 2: the evidence files of each filed letter, from the records (the letters' manifest, or the case file when
    # the file filed is not one the tool rendered), never read back from the letter's text. Filings recorded
    # before this have no rows and evidence_from NULL.
    """
    ALTER TABLE filings ADD COLUMN evidence_from TEXT CHECK (evidence_from IN ('letter', 'group', 'case'));
    CREATE TABLE annexes (
        filing_id  INTEGER NOT NULL REFERENCES filings (id),
        position   INTEGER NOT NULL,         -- 1, 2, … as the record lists them
        name       TEXT NOT NULL,            -- as the case file writes it, relative to the case file
        path       TEXT NOT NULL,            -- relative to the case's root folder (that of complaints.yaml)
        size       INTEGER NOT NULL,
        sha256     TEXT NOT NULL,
        PRIMARY KEY (filing_id, position)
    ) WITHOUT ROWID;
    """,
    # 3: where a filing's registration date comes from ('receipt': the date and number the authority's receipt
    # gives, recorded with `filed --registered`; NULL: computed from the filing, a reading to confirm), and the
    # follow-up letters written for it (a reminder's date and, once its receipt is in, its number), so that the
    # prosecutor is written to only after a reminder has gone unanswered. Filings recorded before this have
    # registration NULL (computed) and no follow-ups.
    """
    ALTER TABLE filings ADD COLUMN registration TEXT CHECK (registration IN ('receipt'));
    CREATE TABLE followups (
        id         INTEGER PRIMARY KEY,
        filing_id  INTEGER NOT NULL REFERENCES filings (id),
        kind       TEXT NOT NULL CHECK (kind IN ('reminder', 'prosecutor')),
        dated      TEXT NOT NULL,            -- the letter's date
        ref        TEXT,                     -- its registration number, from its receipt
        sent_on    TEXT,                     -- when it was filed, from its receipt
        recorded_at TEXT NOT NULL,
        UNIQUE (filing_id, kind, dated)
    );
    """,
    # 4: whether each case's comment is still online, as `watch` saw it (register/sightings.py): one row a case
    # (when last seen, when first missed after that, the last check), and every check in the order recorded.
    # Times ISO 8601 with their UTC offset. Registers from before have no sightings: every case "unknown".
    """
    CREATE TABLE sightings (
        case_id       TEXT PRIMARY KEY,
        url           TEXT NOT NULL,        -- the address checked
        last_seen     TEXT,                 -- the last check that found the comment
        first_missed  TEXT,                 -- the first check after last_seen that found it gone
        last_checked  TEXT NOT NULL,
        last_outcome  TEXT NOT NULL,        -- found, not-found, http-error, timeout...
        last_detail   TEXT,
        last_capture  TEXT                  -- the capture's file-name stem
    ) WITHOUT ROWID;
    CREATE TABLE sighting_checks (
        id       INTEGER PRIMARY KEY,
        case_id  TEXT NOT NULL,
        url      TEXT NOT NULL,
        at       TEXT NOT NULL,             -- when the page was checked
        outcome  TEXT NOT NULL,
        status   INTEGER,                   -- the HTTP status, where known
        detail   TEXT,
        capture  TEXT,
        change   TEXT CHECK (change IN ('seen', 'missed', 'back', 'new-url'))
    );
    CREATE INDEX sighting_checks_case ON sighting_checks (case_id, id);
    """,
    # 5: the running count of working days that `status` and `due` count the days left with (register/listing.py),
    # kept instead of made for every command: for each project ('' for filings made without a project file), each
    # day of a span and the working days from the span's start to it, and the SHA-256 of the calendar data it was
    # counted from. Counted again when that data changes or a day outside the span is asked about. Registers from
    # before have none: the first listing counts it. The index finds each project's earliest and latest deadline
    # without reading every filing.
    """
    CREATE TABLE calendars (
        project  TEXT PRIMARY KEY,          -- as filings.project, '' for none
        digest   TEXT NOT NULL,             -- SHA-256 of the calendar data counted from
        first    TEXT NOT NULL,             -- the span counted, YYYY-MM-DD
        last     TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE workday_counts (
        project  TEXT NOT NULL,
        day      TEXT NOT NULL,             -- YYYY-MM-DD
        n        INTEGER NOT NULL,          -- working days in (first, day]
        PRIMARY KEY (day, project)          -- the day first: a filing's deadline found comparing dates, not paths
    ) WITHOUT ROWID;
    CREATE INDEX filings_project_deadline ON filings (coalesce(project, ''), coalesce(extended_until, due));
    """,
)
TABLES = frozenset(re.findall(r"CREATE TABLE (\w+)", "".join(MIGRATIONS)))  # the tables a register of ours has


def find_db(start: str | Path = ".", explicit: str | Path | None = None) -> Path:
    """The register's file: `explicit`, else complaints.db beside the complaints.yaml found walking up."""
    if explicit is not None:
        return Path(explicit)
    from ..layout import find_project

    project = find_project(start)
    if project is not None:
        return project.parent / DB_FILE
    # run from the folder that holds the cases folder (cases/complaints.yaml): the one register just below
    below = sorted(Path(start).glob(f"*/{DB_FILE}"))
    if len(below) == 1:
        return below[0]
    raise UsageError("no complaints.yaml here or above, so no register beside it: run this in your cases"
                     " folder, or name the register"
                     + (f" (there are {len(below)} below: {', '.join(map(str, below))})" if below else ""),
                     about="db")
