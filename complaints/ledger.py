"""The register's commands as library functions: record a filing, an extension, a reply; list what is due.

Every function opens the register, does one transaction, and closes it. Dates follow the APPC: a filing is
registered on the day it arrives, or the next working day if it arrives after hours or on a day off
(Article 64(3)); the reply is due fifteen working days after registration (Article 76), or on the day the
authority extended the term to. The due date is stored when the filing is recorded, never recomputed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import UsageError
from .filing import CHANNELS, OUTCOMES, Filing
from .register import Register, RegisterError, find_db
from .when import kz_today, kz_zone, parse_day, parse_moment


@dataclass(frozen=True, slots=True)
class Standing:
    """A filing as of one day: working days left (negative: overdue by) and its status."""

    filing: Filing
    today: date
    days_left: int
    status: str  # pending, extended, overdue, or the reply's outcome

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"


def record_filing(case: str | Path, *, lang: str, on: str | datetime, channel: str, ref: str | None = None,
                  again: bool = False, letters: str | Path | None = None, file: str | Path | None = None,
                  db: str | Path | None = None) -> Filing:
    """Record that the `lang` letter of a case was filed `on` (a date and time) through `channel`."""
    from .cases import load_case
    from .letter import letter_context

    if channel not in CHANNELS:
        raise UsageError(f"unknown channel '{channel}': choose from {', '.join(CHANNELS)}")
    if lang not in ("kk", "ru", "en"):
        raise UsageError(f"unknown letter language '{lang}': choose from kk, ru, en")
    filed_at = _moment(on)
    case_path, letter = _case_and_letter(case, lang, letters, file)
    found = load_case(case_path)
    days = found.authority.reply_term.working_days
    calendar = _calendar(found.project.path)
    registered = calendar.registration_day(filed_at)
    due = calendar.due_date(registered, days)
    subject = str(letter_context(found, lang)["subject"])
    with Register(find_db(case_path.parent, db)) as register:
        name, digest = register.freeze(letter)
        filing = Filing(id=0, case_id=found.id, lang=lang, channel=channel, ref=ref or None, filed_at=filed_at,
                        registered=registered, due=due, extended_until=None, extension_ref=None, replied_on=None,
                        outcome=None, note=None, letter_name=name, letter_sha256=digest, subject=subject,
                        outlet=found.case.outlet.name, authority=found.authority.id or "",
                        project=str(found.project.path.resolve()) if found.project.path else None)
        return register.add(filing, again=again)


def record_extension(case_id: str, *, until: str | date, ref: str | None = None, lang: str | None = None,
                     db: str | Path | None = None) -> Filing:
    """Record that the authority extended the term of a filing to `until` (APPC Article 76: up to two months)."""
    day = _day(until, "--until")
    with Register(find_db(".", db)) as register:
        filing = register.latest(case_id, lang)
        if day <= filing.registered:
            raise UsageError(f"--until {day.isoformat()} is not after the registration date"
                             f" {filing.registered.isoformat()}")
        return register.extend(filing, day, ref or None)


def record_reply(case_id: str, *, on: str | date, outcome: str, file: str | Path | None = None,
                 note: str | None = None, lang: str | None = None, db: str | Path | None = None) -> Filing:
    """Record the authority's reply to a filing: its date, its outcome, and the reply itself, archived."""
    if outcome not in OUTCOMES:
        raise UsageError(f"unknown outcome '{outcome}': choose from {', '.join(OUTCOMES)}")
    day = _day(on, "--on")
    with Register(find_db(".", db)) as register:
        filing = register.latest(case_id, lang)
        if day < filing.filed_at.astimezone(kz_zone()).date():
            raise UsageError(f"--on {day.isoformat()} is before the letter was filed"
                             f" ({filing.filed_at.date().isoformat()})")
        frozen = register.freeze(file) if file is not None else None
        return register.reply(filing, day, outcome, note, frozen)


def standings(*, db: str | Path | None = None, today: date | None = None, overdue: bool = False) -> list[Standing]:
    """Every filing as of `today` (default: today in Kazakhstan): days left or overdue, and status."""
    day = today or kz_today()
    with Register(find_db(".", db)) as register:
        filings = register.filings(brief=True)
        projects = {f.project for f in filings}
    deadlines = [f.deadline for f in filings]
    counts = {p: _Count(_calendar(Path(p) if p else None), min([day, *deadlines]), max([day, *deadlines]))
              for p in projects}
    result = []
    for filing in filings:
        left = counts[filing.project].between(day, filing.deadline)
        if filing.outcome:
            status = filing.outcome
        elif day > filing.deadline:
            status = "overdue"
        elif filing.extended_until:
            status = "extended"
        else:
            status = "pending"
        standing = Standing(filing, day, left, status)
        if not overdue or standing.overdue:
            result.append(standing)
    return result


STATUS_COLUMNS = ("case", "language", "channel", "reference", "filed", "registered", "due", "days", "status")


def status_rows(*, db: str | Path | None = None, today: date | None = None, overdue: bool = False,
                within: int | None = None) -> Iterator[tuple[str, ...]]:
    """The status table as rows of text (STATUS_COLUMNS), worked out inside SQLite: the same as `standings`,
    fast enough for 100,000 filings. `within`: only filings still waiting whose term ends in that many working
    days or fewer (not those already overdue: `overdue` lists them)."""
    day = (today or kz_today()).isoformat()
    with Register(find_db(".", db)) as register:
        db_ = register.db
        db_.execute("CREATE TEMP TABLE IF NOT EXISTS workdays (project TEXT, day TEXT, n INTEGER,"
                    " PRIMARY KEY (project, day)) WITHOUT ROWID")
        db_.execute("CREATE TEMP TABLE IF NOT EXISTS today (project TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
        db_.execute("DELETE FROM temp.workdays")
        db_.execute("DELETE FROM temp.today")
        spans = db_.execute("SELECT coalesce(project, ''), min(coalesce(extended_until, due)),"
                            " max(coalesce(extended_until, due)) FROM filings GROUP BY 1").fetchall()
        for project, first, last in spans:
            lo, hi = min(date.fromisoformat(first), date.fromisoformat(day)), max(date.fromisoformat(last),
                                                                                  date.fromisoformat(day))
            count = _Count(_calendar(Path(project) if project else None), lo, hi)
            db_.executemany("INSERT INTO temp.workdays VALUES (?, ?, ?)",
                            ((project, date.fromordinal(count.first + i).isoformat(), n)
                             for i, n in enumerate(count.running)))
            db_.execute("INSERT INTO temp.today VALUES (?, ?)",
                        (project, count.running[date.fromisoformat(day).toordinal() - count.first]))
        left = "(d.n - w.n)"
        status = ("CASE WHEN f.outcome IS NOT NULL THEN f.outcome WHEN :today > coalesce(f.extended_until, f.due)"
                  " THEN 'overdue' WHEN f.extended_until IS NOT NULL THEN 'extended' ELSE 'pending' END")
        deadline = "coalesce(f.extended_until, f.due)"  # indexed: the filters below read only what they need
        where = []
        if overdue:
            where.append(f"f.outcome IS NULL AND {deadline} < :today")
        if within is not None:
            # no more than 2N + 14 calendar days hold N working days, whatever the holidays
            where.append(f"f.outcome IS NULL AND {deadline} BETWEEN :today AND :horizon AND {left} <= :within")
        cursor = db_.cursor()
        cursor.row_factory = None
        columns = ["f.case_id", "f.lang", "f.channel", "coalesce(f.ref, '')", "substr(f.filed_at, 1, 10)",
                   "f.registered", "coalesce(f.extended_until, f.due)",
                   f"CASE WHEN f.outcome IS NOT NULL THEN '' WHEN {left} > 0 THEN {left} || ' left'"
                   f" WHEN {left} = 0 THEN 'due today' ELSE (-{left}) || ' overdue' END", status]
        cursor.execute(
            f"SELECT {', '.join(columns)}"
            f" FROM filings f"
            f" JOIN temp.workdays d ON d.project = coalesce(f.project, '') AND d.day = coalesce(f.extended_until, f.due)"
            f" JOIN temp.today w ON w.project = coalesce(f.project, '')"
            f" {'WHERE ' + ' AND '.join(where) if where else ''}"
            f" ORDER BY f.case_id, f.lang, f.again",
            {"today": day, "within": within,
             "horizon": (date.fromisoformat(day) + timedelta(days=2 * (within or 0) + 14)).isoformat()})
        yield from cursor


def due_within(n: int, *, db: str | Path | None = None, today: date | None = None) -> list[Standing]:
    """The filings still waiting for a reply whose term ends within the next `n` working days."""
    if n < 0:
        raise UsageError("--within takes a number of working days, 0 or more")
    return [s for s in standings(db=db, today=today) if s.status in ("pending", "extended") and s.days_left <= n]


# ---------------------------------------------------------------- helpers

class _Count:
    """Working days between two dates in [first, last], by a running count made once (100,000 filings, one
    pass over the calendar)."""

    def __init__(self, calendar: Any, first: date, last: date):
        self.first = first.toordinal()
        self.running = [0]
        for n in range(1, last.toordinal() - self.first + 1):
            self.running.append(self.running[-1] + calendar.is_working_day(date.fromordinal(self.first + n)))

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative, those in (end, start], when end is before start."""
        return self.running[end.toordinal() - self.first] - self.running[start.toordinal() - self.first]


def _moment(on: str | datetime) -> datetime:
    try:
        moment = parse_moment(on)
    except ValueError as exc:
        raise UsageError(f"--on: {exc}") from None
    # a date alone: received that day (registered that day if it is a working day)
    return moment.instant().astimezone(kz_zone()) if moment.has_time else datetime.combine(
        moment.day, datetime.min.time(), tzinfo=kz_zone())


def _day(value: str | date, option: str) -> date:
    try:
        return parse_day(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _calendar(project: Path | None):  # noqa: ANN202 - workdays.Calendar, imported late
    from .workdays import calendar

    extra = project.parent / "workdays.yaml" if project is not None else None
    return calendar(extra if extra is not None and extra.is_file() else None)


def _case_and_letter(case: str | Path, lang: str, letters: str | Path | None,
                     file: str | Path | None) -> tuple[Path, Path]:
    """The case file, and the letter file that was filed: `file`, else the one the last render wrote."""
    path = Path(case)
    folder = Path(letters) if letters is not None else None
    rows = _manifest_rows(folder) if folder is not None or file is None else []
    if not path.is_file():  # a case id: its file is the source the manifest names
        sources = {r["source"] for r in rows if r.get("case_id") == str(case)}
        if not sources:
            raise UsageError(f"no case file '{case}', and no case with that id in"
                             f" {(folder or Path('letters')) / 'manifest.json'}")
        path = Path(sorted(sources)[0])
    if file is not None:
        letter = Path(file)
        if not letter.is_file():
            raise UsageError(f"--file: no such file: {letter}")
        return path, letter
    case_id = _case_id(path)
    mine = {r["format"]: r for r in rows if r.get("case_id") == case_id and r.get("language") == lang}
    for fmt in ("pdf", "docx"):  # the PDF is what goes into eOtinish, signed; else the Word letter
        if fmt in mine:
            letter = (folder or Path("letters")) / mine[fmt]["path"]
            if letter.is_file():
                return path, letter
    raise UsageError(f"no {lang} letter of '{case_id}' in {(folder or Path('letters'))}: render it first, or name"
                     " the file you filed with --file")


def _manifest_rows(folder: Path | None) -> list[dict[str, object]]:
    manifest = (folder or Path("letters")) / "manifest.json"
    if not manifest.is_file():
        return []
    try:
        return list(json.loads(manifest.read_text(encoding="utf-8")).get("files", []))
    except ValueError:
        raise UsageError(f"{manifest} is not a manifest the tool wrote") from None


def _case_id(path: Path) -> str:
    from .cases import load_case

    return load_case(path).id


__all__ = ["STATUS_COLUMNS", "RegisterError", "Standing", "due_within", "record_extension", "record_filing",
           "record_reply", "standings", "status_rows"]
