"""The filing register: an SQLite file (complaints.db beside complaints.yaml) of every letter filed.

    store     one table of filings (no personal data), one of the evidence files each filed letter was made
              with (annexes: name, path, size, SHA-256), one of events (what each command did), the sightings of
              each case's comment online (register/sightings.py), schema versions applied in order
              (PRAGMA user_version), WAL, one transaction per command
    archive   the exact files filed and the replies, frozen by SHA-256 in complaints.archive/ beside the
              database, written before the transaction that names them, so a record never points nowhere

Two processes writing at once queue on SQLite's lock (BEGIN IMMEDIATE, a busy timeout) and lose nothing; a
command killed half-way leaves the register as it was, since its transaction never committed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import ComplaintsError, UsageError
from ..files import write_whole
from ..layout import shown
from .filing import Annex, Filing, FollowUp
from .schema import DB_FILE as DB_FILE
from .schema import MIGRATIONS, TABLES
from .schema import find_db as find_db

_COLUMNS = ", ".join(f.name for f in fields(Filing))  # the table's columns named as Filing's fields, in order
_SHOWN = {"id", "case_id", "lang", "channel", "ref", "filed_at", "registered", "due", "extended_until", "replied_on",
          "outcome", "letter_sha256", "project", "again", "registration"}  # what `status` needs of a filing
_BRIEF = ", ".join(f.name if f.name in _SHOWN else ("''" if f.type == "str" else "NULL") for f in fields(Filing))
_MISSING = object()
ARCHIVE = "complaints.archive"



class RegisterError(ComplaintsError):
    """The register cannot do what was asked (a case filed twice, a filing that does not exist…)."""


class AlreadyFiled(RegisterError):
    """A case is already filed in that language, and this filing was not said to be a new one."""


MAX_ARCHIVED = 256 * 1024 * 1024  # a letter or a reply; a larger file is a mistaken name, not a document


def regular_file(path: Path, what: str, limit: int = MAX_ARCHIVED) -> Path:
    """`path` if it is a regular file (a FIFO or a device would hang or never end) no larger than `limit`."""
    import stat

    try:
        info = path.stat()  # follows a symbolic link: what it points to is what would be read
    except OSError:
        raise UsageError(f"no such file: {shown(path)} ({what})", about="file") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode) \
            else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a regular file"
        raise UsageError(f"{shown(path)} is {kind}, not a file ({what})", about="file")
    if info.st_size > limit:
        raise UsageError(f"{shown(path)} is {info.st_size / 2**20:,.0f} MiB, larger than the {limit // 2**20} MiB"
                         f" a document may be ({what}): is it the right file?", about="file")
    return path


def damaged(path: Path, exc: BaseException) -> RegisterError:
    """SQLite's refusal of the register file as a message saying what is wrong with it and what to do."""
    reason = str(exc) or type(exc).__name__
    low = reason.lower()
    name, archive = shown(path), shown(path.parent / ARCHIVE)
    if "readonly" in low or "read-only" in low or "unable to open" in low or "access permission" in low:
        return RegisterError(f"the register {name} cannot be written ({reason}): make it and its folder writable"
                             " (SQLite keeps its journal beside it), or work on a copy with --db")
    if "locked" in low or "busy" in low:
        return RegisterError(f"the register {name} is busy ({reason}): another command is using it; try again")
    if "disk is full" in low or "disk i/o" in low:
        return RegisterError(f"the register {name} cannot be written ({reason}): free some space, then try again")
    return RegisterError(f"the register {name} is damaged or is not a complaints register ({reason}): restore it"
                         f" from your backup copy (the letters filed stay in {archive}), or try"
                         f" `sqlite3 {name} .recover | sqlite3 recovered.db` and use that with --db")


@contextmanager
def _told(path: Path) -> Iterator[None]:
    """Any SQLite error but a broken constraint (which the register turns into its own message) as a message
    saying what is wrong with the register and what to do."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None


class _Cursor(sqlite3.Cursor):
    """A cursor whose every SQLite error (a damaged page met half-way through a read) is a RegisterError."""

    path: Path

    def execute(self, *args: Any) -> _Cursor:
        with _told(self.path):
            return super().execute(*args)

    def executemany(self, *args: Any) -> _Cursor:
        with _told(self.path):
            return super().executemany(*args)

    def fetchone(self) -> Any:
        with _told(self.path):
            return super().fetchone()

    def fetchall(self) -> list[Any]:
        with _told(self.path):
            return super().fetchall()

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        with _told(self.path):
            return super().fetchmany(size)

    def __next__(self) -> Any:
        with _told(self.path):
            return super().__next__()


class _Connection(sqlite3.Connection):
    """A connection whose statements run on _Cursor, so no sqlite3 error reaches the user as a traceback."""

    path: Path

    def cursor(self, factory: Any = None) -> _Cursor:  # type: ignore[override]
        cursor = super().cursor(factory or _Cursor)
        cursor.path = self.path
        return cursor

    def execute(self, sql: str, parameters: Any = ()) -> _Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any) -> _Cursor:
        return self.cursor().executemany(sql, parameters)


class Register:
    """An open register: read its filings, or change them in one transaction."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.archive = self.path.parent / ARCHIVE
        if self.path.exists() and not self.path.is_file():
            raise RegisterError(f"the register {shown(self.path)} is not a file: name the register file with --db")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, factory=_Connection)
        except (OSError, sqlite3.Error) as exc:
            raise damaged(self.path, exc) from None
        self.db.path = self.path
        self.db.row_factory = sqlite3.Row
        try:
            self._open()
        except BaseException:
            self.db.close()
            raise

    def _open(self) -> None:
        # a file that is not SQLite at all is refused by the first read
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        newer = version > len(MIGRATIONS) and "filings" in tables  # said by _migrate: update the tool
        if not newer and (tables - TABLES or (version and "filings" not in tables) or (tables and not version)):
            raise RegisterError(f"{shown(self.path)} is an SQLite database of another program, not a complaints register"
                                f" (its tables: {', '.join(sorted(tables)) or 'none'}): name the register with --db,"
                                " or move that file away")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")  # a filing recorded is a filing kept, even after a power cut
        self.db.execute("PRAGMA foreign_keys = ON")
        # reading 100,000 filings: from memory-mapped pages and a large cache, not a read() per page
        self.db.execute("PRAGMA mmap_size = 268435456")
        self.db.execute("PRAGMA cache_size = -65536")
        self.db.execute("PRAGMA temp_store = MEMORY")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema
    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise RegisterError(f"the register {self.path} was made by a newer version of complaints"
                                f" (schema {version}); update the tool")
        if version == len(MIGRATIONS):
            return
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
            for number in range(version, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One command's changes: all of them, or (killed, or an error) none."""
        self.db.execute("BEGIN IMMEDIATE")  # take the write lock now: a second writer waits, then sees ours
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:
                try:
                    self.db.execute("ROLLBACK")
                except RegisterError:
                    pass  # the first error is the one to tell
            raise
        _fault("before-commit")
        self.db.execute("COMMIT")

    # -- archive
    def freeze(self, source: str | Path) -> tuple[str, str]:
        """A copy of a file in the archive, named by its SHA-256; returns (its name, its SHA-256)."""
        source = Path(source)
        regular_file(source, "the file to archive")
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise RegisterError(f"cannot read {source}: {exc.strerror or exc}") from None
        digest = hashlib.sha256(data).hexdigest()
        target = self.archived(digest)
        if not target.exists():
            write_whole(target, data, durable=True)
        return source.name, digest

    def archived(self, sha256: str) -> Path:
        """Where the archive keeps the file with this SHA-256."""
        return self.archive / sha256[:2] / sha256

    # -- reading
    def filings(self, where: str = "", params: tuple[object, ...] = (), *, brief: bool = False) -> list[Filing]:
        """The filings, in case and language order; `brief`: only what `status` shows (subject, outlet, names and
        notes left empty), which reads 100,000 filings twice as fast."""
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples, in Filing's order: the fastest way to read 100,000 rows
        rows = cursor.execute(f"SELECT {_BRIEF if brief else _COLUMNS} FROM filings {where}"
                              " ORDER BY case_id, lang, again", params).fetchall()
        days: dict[str | None, Any] = {None: None}  # each day parsed once: a few hundred for 100,000 filings

        def day(value: str | None) -> Any:
            found = days.get(value, _MISSING)
            if found is _MISSING:
                found = days[value] = date.fromisoformat(str(value))
            return found

        return [Filing(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5]), day(r[6]),
                       day(r[7]), day(r[8]), r[9], day(r[10]), *r[11:]) for r in rows]

    def latest(self, case_id: str, lang: str | None = None) -> Filing:
        """The last filing of a case (in `lang`, or its only language filed)."""
        found = self.filings("WHERE case_id = ?" + (" AND lang = ?" if lang else ""),
                             (case_id, lang) if lang else (case_id,))
        if not found:
            what = f"'{case_id}'" + (f" in '{lang}'" if lang else "")
            raise RegisterError(f"no filing of {what} in the register {self.path}: record it first with"
                                " `complaints filed`")
        langs = sorted({f.lang for f in found})
        if lang is None and len(langs) > 1:
            raise UsageError(f"'{case_id}' was filed in {', '.join(langs)}: say in which language", about="lang")
        return max(found, key=lambda f: f.again)

    def annexes(self, filing_ids: Sequence[int]) -> dict[int, list[Annex]]:
        """The evidence files each of these filings was made with, in order (none for a filing recorded before
        the register kept them: see Filing.evidence_from)."""
        found: dict[int, list[Annex]] = {i: [] for i in filing_ids}
        for start in range(0, len(filing_ids), 500):  # SQLite's limit on parameters, with room to spare
            chunk = list(filing_ids[start:start + 500])
            for row in self.db.execute("SELECT filing_id, position, name, path, size, sha256 FROM annexes"
                                       f" WHERE filing_id IN ({', '.join('?' for _ in chunk)})"
                                       " ORDER BY filing_id, position", chunk):
                found[row[0]].append(Annex(*row[1:]))
        return found

    # -- changing
    def add(self, filing: Filing, *, again: bool = False, annexes: Sequence[Annex] = ()) -> Filing:
        """Record a new filing and the evidence files its letter was made with; a second filing of the same case
        in the same language needs `again`."""
        with self.transaction() as db:
            previous = db.execute("SELECT max(again), max(filed_at) FROM filings WHERE case_id = ? AND lang = ?",
                                  (filing.case_id, filing.lang)).fetchone()
            if previous[0] is not None and not again:
                raise AlreadyFiled(f"'{filing.case_id}' in '{filing.lang}' is already in the register, filed"
                                   f" {previous[1][:16].replace('T', ' ')}")
            number = 0 if previous[0] is None else previous[0] + 1
            values = {f.name: getattr(filing, f.name) for f in fields(Filing) if f.name != "id"}
            values["again"] = number
            values["recorded_at"] = _now()
            names = ", ".join(values)
            cursor = db.execute(f"INSERT INTO filings ({names}) VALUES ({', '.join('?' for _ in values)})",
                                [_sql(v) for v in values.values()])
            _fault("after-insert")
            filing_id = int(cursor.lastrowid or 0)
            db.executemany("INSERT INTO annexes (filing_id, position, name, path, size, sha256)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           [(filing_id, a.position, a.name, a.path, a.size, a.sha256) for a in annexes])
            _event(db, filing_id, "filed", f"{filing.channel} {filing.ref or ''}".strip())
        return self.filings("WHERE id = ?", (filing_id,))[0]

    def extend(self, filing: Filing, until: date, ref: str | None) -> Filing:
        with self.transaction() as db:
            db.execute("UPDATE filings SET extended_until = ?, extension_ref = ? WHERE id = ?",
                       (until.isoformat(), ref, filing.id))
            _event(db, filing.id, "extended", f"{until.isoformat()} {ref or ''}".strip())
        return self.filings("WHERE id = ?", (filing.id,))[0]

    def reply(self, filing: Filing, on: date, outcome: str, note: str | None,
              file: tuple[str, str] | None) -> Filing:
        with self.transaction() as db:
            db.execute("UPDATE filings SET replied_on = ?, outcome = ?, note = ?, reply_name = ?, reply_sha256 = ?"
                       " WHERE id = ?", (on.isoformat(), outcome, note, file[0] if file else None,
                                         file[1] if file else None, filing.id))
            _event(db, filing.id, "reply", outcome)
        return self.filings("WHERE id = ?", (filing.id,))[0]

    def registration(self, filing: Filing, on: date, due: date, ref: str | None) -> Filing:
        """The registration date (and number) from the authority's receipt, and the due date counted from it."""
        with self.transaction() as db:
            db.execute("UPDATE filings SET registered = ?, due = ?, ref = ?, registration = 'receipt' WHERE id = ?",
                       (on.isoformat(), due.isoformat(), ref, filing.id))
            _event(db, filing.id, "registered", f"{on.isoformat()} {ref or ''}".strip())
        return self.filings("WHERE id = ?", (filing.id,))[0]

    # -- follow-ups
    def followups(self, filing_ids: Sequence[int]) -> dict[int, list[FollowUp]]:
        """The follow-up letters written for these filings, oldest first."""
        found: dict[int, list[FollowUp]] = {i: [] for i in filing_ids}
        for start in range(0, len(filing_ids), 500):
            chunk = list(filing_ids[start:start + 500])
            for row in self.db.execute("SELECT id, filing_id, kind, dated, ref, sent_on FROM followups"
                                       f" WHERE filing_id IN ({', '.join('?' for _ in chunk)})"
                                       " ORDER BY filing_id, dated, id", chunk):
                found[row[1]].append(FollowUp(row[0], row[1], row[2], date.fromisoformat(row[3]), row[4],
                                              date.fromisoformat(row[5]) if row[5] else None))
        return found

    def wrote(self, filing: Filing, kind: str, dated: date) -> None:
        """Record that a follow-up letter of `kind`, dated `dated`, was written for `filing` (once per date)."""
        with self.transaction() as db:
            cursor = db.execute("INSERT OR IGNORE INTO followups (filing_id, kind, dated, recorded_at)"
                                " VALUES (?, ?, ?, ?)", (filing.id, kind, dated.isoformat(), _now()))
            if cursor.rowcount:
                _event(db, filing.id, kind, dated.isoformat())

    def followup_receipt(self, followup: FollowUp, ref: str | None, sent_on: date | None) -> FollowUp:
        """The registration number (and filing date) of a follow-up letter, from its receipt."""
        with self.transaction() as db:
            db.execute("UPDATE followups SET ref = coalesce(?, ref), sent_on = coalesce(?, sent_on) WHERE id = ?",
                       (ref, sent_on.isoformat() if sent_on else None, followup.id))
            _event(db, followup.filing_id, f"{followup.kind}-registered", f"{ref or ''} {sent_on or ''}".strip())
        return next(f for f in self.followups([followup.filing_id])[followup.filing_id] if f.id == followup.id)

    def add_many(self, filings: list[Filing]) -> None:
        """Record many filings in one transaction (imports, benchmarks); none is a second filing."""
        with self.transaction() as db:
            now = _now()
            names = [f.name for f in fields(Filing) if f.name != "id"]
            db.executemany(f"INSERT INTO filings ({', '.join(names)}, recorded_at) VALUES"
                           f" ({', '.join('?' for _ in names)}, ?)",
                           ([*(_sql(getattr(f, n)) for n in names), now] for f in filings))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _event(db: sqlite3.Connection, filing_id: int, kind: str, detail: str | None) -> None:
    db.execute("INSERT INTO events (filing_id, kind, at, detail) VALUES (?, ?, ?, ?)",
               (filing_id, kind, _now(), detail))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sql(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fault(point: str) -> None:
    """Tests only: COMPLAINTS_FAULT=<point> kills the process there, to show a half-done command leaves nothing."""
    if os.environ.get("COMPLAINTS_FAULT") == point:
        os.kill(os.getpid(), 9)
