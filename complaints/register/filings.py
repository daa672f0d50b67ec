"""The register's commands as library functions: record a filing, an extension, a reply; list what is due.

Every function opens the register, does one transaction, and closes it. Dates follow the APPC: a filing is
registered on the day it arrives, or the next working day if it arrives after hours or on a day off
(Article 64(3)); the reply is due fifteen working days after registration (Article 76), or on the day the
authority extended the term to. The due date is stored when the filing is recorded, never recomputed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..batch.manifest import listed, sha256_file
from ..case.mail import line_break_problem
from ..case.when import kz_today, kz_zone, parse_day, parse_moment
from ..errors import UsageError, printable
from ..layout import LANGUAGES, shown
from . import listing
from .filing import CHANNELS, OUTCOMES, Annex, Filing, FollowUp
from .listing import LEFT, MAX_WITHIN, STATUS, STATUS_COLUMNS, TABLE
from .store import AlreadyFiled, Register, RegisterError, find_db, regular_file


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
                  registered: str | date | None = None, db: str | Path | None = None,
                  now: datetime | None = None, anyway: bool = False) -> Filing:
    """Record that the `lang` letter of a case was filed `on` (a date and time) through `channel`, with the
    evidence files it was made with: those the letters' manifest lists for it when it is one of the letters
    rendered, else (Filing.evidence_from == "case") the case file's as they are now. A letter with anything
    `complaints check` lists is refused (review.NotReady) unless `anyway`.

    `registered`: the registration date the authority's receipt gives (with `ref`, its number); the due date is
    counted from it. Without it the registration day is computed (APPC Article 64(3); for a postal filing after
    the calendar's delivery allowance), and the follow-up letters say only when the appeal was filed. `now`
    (default: the clock) is what a filing in the future is measured against."""
    from ..case.read import load_case
    from ..letter.context import letter_context

    if channel not in CHANNELS:
        raise UsageError(f"unknown channel '{channel}': choose from {', '.join(CHANNELS)}", about="channel")
    if lang not in LANGUAGES:
        raise UsageError(f"unknown letter language '{lang}': choose from {', '.join(LANGUAGES)}", about="lang")
    filed_at = _filing_moment(on, now)
    _one_line_ref(ref)
    receipt = _registration_day(registered, filed_at, now) if registered is not None else None
    folder = Path(letters) if letters is not None else Path("letters")
    case_path = _case_path(case, folder)
    found = load_case(case_path)
    letter, picked = _letter(found.id, lang, folder, file)
    _intact(letter, "file" if file is not None else None)
    try:
        digest = sha256_file(letter)
    except OSError as exc:
        raise RegisterError(f"cannot read {letter}: {exc.strerror or exc}") from None
    rendered = _rendered(found.id, digest, folder, picked)
    if rendered is None and file is not None:  # a signed copy of a rendered letter: the letter inside it
        rendered = signed_letter(letter, found.id, folder)
    if rendered is not None and rendered.get("language") not in (None, lang):
        # the letter in another language recorded as this one: its due date, reminders and archive would be wrong
        raise UsageError(f"the file filed, {shown(letter)}, is the {rendered['language']} letter, not the {lang} one:"
                         f" record it in {rendered['language']}, or name the {lang} letter", about="lang")
    annexes, evidence_from = _annexes(found, rendered)
    days = found.authority.reply_term.working_days
    calendar = project_calendar(found.project.path)
    day = receipt or calendar.registration_day(
        calendar.delivered(filed_at) if channel == "post" else filed_at)
    due = calendar.due_date(day, days)
    subject = str(letter_context(found, lang)["subject"])
    if not anyway:  # the letter is there and whole: what `check` finds in it is the last thing to refuse it for
        from ..review.run import ready_to_file

        ready_to_file(case_path, folder)
    with Register(find_db(case_path.parent, db)) as register:
        name, digest = register.freeze(letter)
        filing = Filing(id=0, case_id=found.id, lang=lang, channel=channel, ref=ref or None, filed_at=filed_at,
                        registered=day, due=due, extended_until=None, extension_ref=None, replied_on=None,
                        outcome=None, note=None, letter_name=name, letter_sha256=digest, subject=subject,
                        outlet=found.case.outlet.name, authority=found.authority.id or "",
                        project=str(found.project.path.resolve()) if found.project.path else None,
                        evidence_from=evidence_from, registration="receipt" if receipt else None)
        return register.add(filing, again=again, annexes=annexes)


# A filing a few minutes ahead of this machine's clock is the other computer's clock (the eOtinish receipt's time,
# a phone's): accepted. Beyond that it has not happened yet: a mistyped year or month.
CLOCK_SKEW = timedelta(minutes=15)


def _filing_moment(on: str | datetime, now: datetime | None) -> datetime:
    """The moment of filing: a date and a time (the time decides the registration day, APPC Article 64(3)), not
    in the future."""
    if isinstance(on, str):
        try:
            moment = parse_moment(on)
        except ValueError as exc:
            raise UsageError(f"the time of filing: {exc}", about="on") from None
        if not moment.has_time:
            raise UsageError(f"the time of filing: '{printable(on)}' is a date without a time; give the time too, as"
                             f" the receipt or the postal slip shows it (e.g. {moment.day.isoformat()}T14:30): an appeal"
                             " that arrives after working hours is registered the next working day (APPC Article"
                             " 64(3)), so the time decides the due date", about="on")
    filed_at = _moment(on, "the time of filing", "on")
    clock = (now or datetime.now(UTC)).astimezone(kz_zone())
    if filed_at > clock + CLOCK_SKEW:
        raise UsageError(f"the time of filing {filed_at.strftime('%Y-%m-%d %H:%M')} is in the future (it is"
                         f" {clock.strftime('%Y-%m-%d %H:%M')} now in Kazakhstan): record a filing once it is made",
                         about="on")
    return filed_at


def _registration_day(value: str | date, filed_at: datetime, now: datetime | None,
                      about: str = "registered") -> date:
    """The registration date from the receipt: a date, not before the filing, not in the future."""
    day = _day(value, "the registration date", about)
    filed = filed_at.astimezone(kz_zone()).date()
    today = (now or datetime.now(UTC)).astimezone(kz_zone()).date()
    if day < filed:
        raise UsageError(f"the registration date {day.isoformat()} is before the letter was filed,"
                         f" {filed.isoformat()}", about=about)
    if day > today:
        raise UsageError(f"the registration date {day.isoformat()} is in the future (today is {today.isoformat()}"
                         " in Kazakhstan): give the date the receipt shows", about=about)
    return day


def record_registration(case_id: str, *, on: str | date, ref: str | None = None, lang: str | None = None,
                        db: str | Path | None = None, now: datetime | None = None) -> Filing:
    """Record the registration date (and number) of a filing from the authority's receipt or notice, when it came
    after the filing was recorded (a postal filing): the due date is counted from it again."""
    _one_line_ref(ref)
    with Register(find_db(".", db)) as register:
        filing = register.latest(case_id, lang)
        day = _registration_day(on, filing.filed_at, now, "on")
        if filing.answered:
            raise UsageError(f"'{filing.case_id}' ({filing.lang}) has its reply already, of"
                             f" {filing.replied_on}: its registration no longer moves its due date", about="on")
        calendar = project_calendar(Path(filing.project) if filing.project else None)
        from ..case.law import authorities

        profile = authorities().get(filing.authority)
        days = profile.reply_term.working_days if profile is not None else 15
        return register.registration(filing, day, calendar.due_date(day, days), ref or filing.ref)


def record_reminder(case_id: str, *, ref: str | None = None, on: str | date | None = None, lang: str | None = None,
                    db: str | Path | None = None) -> tuple[Filing, FollowUp]:
    """Record the registration number (and filing date) of the last reminder `remind` wrote for a filing."""
    _one_line_ref(ref)
    if ref is None and on is None:
        raise UsageError("give the reminder's registration number, or the date it was filed, or both", about="ref")
    day = _day(on, "the date the reminder was filed", "on") if on is not None else None
    with Register(find_db(".", db)) as register:
        filing = register.latest(case_id, lang)
        reminders = [w for w in register.followups([filing.id])[filing.id] if w.kind == "reminder"]
        if not reminders:
            raise UsageError(f"no reminder was written for '{filing.case_id}' ({filing.lang}): `complaints remind`"
                             " writes it once the reply is overdue", about="ref")
        last = reminders[-1]
        if day is not None and day < last.dated:
            raise UsageError(f"the date the reminder was filed, {day.isoformat()}, is before the reminder's own date,"
                             f" {last.dated.isoformat()}", about="on")
        return filing, register.followup_receipt(last, ref or None, day)


def _one_line_ref(ref: str | None) -> None:
    """A reference number goes in the follow-ups' e-mail Subject: one line, by the e-mail writer's rule."""
    problem = line_break_problem(ref) if ref else None
    if problem:
        raise UsageError(f"the reference number '{printable(ref or '')}' {problem}", about="ref")


def record_extension(case_id: str, *, until: str | date, ref: str | None = None, lang: str | None = None,
                     db: str | Path | None = None) -> Filing:
    """Record that the authority extended the term of a filing to `until` (APPC Article 76: up to two months)."""
    day = _day(until, "the extension date", "until")
    _one_line_ref(ref)
    with Register(find_db(".", db)) as register:
        filing = register.latest(case_id, lang)
        if filing.answered:
            raise UsageError(f"'{filing.case_id}' ({filing.lang}) was answered on {filing.replied_on}: a term that"
                             " has ended with the reply cannot be extended", about="until")
        if day <= filing.due:  # an extension moves the term later; an earlier "term" is a mistyped date
            raise UsageError(f"the extension date {day.isoformat()} is not after the due date"
                             f" {filing.due.isoformat()}", about="until")
        longest = _months_after(filing.due, EXTENSION_MONTHS)
        if day > longest:
            raise UsageError(f"the extension date {day.isoformat()} is more than two months after the due date"
                             f" {filing.due.isoformat()} (APPC Article 76 allows an extension of up to two months,"
                             f" so to {longest.isoformat()} at the latest): check the authority's decision",
                             about="until")
        return register.extend(filing, day, ref or None)


EXTENSION_MONTHS = 2  # APPC Article 76: the term may be extended by up to two months


def _months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter: 31 December + 2 → 28/29 February)."""
    import calendar as months_calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, months_calendar.monthrange(year, month)[1]))


def record_reply(case_id: str, *, on: str | date, outcome: str, file: str | Path | None = None,
                 note: str | None = None, lang: str | None = None, db: str | Path | None = None,
                 replace: bool = False) -> Filing:
    """Record the authority's reply to a filing: its date, its outcome, and the reply itself, archived. A filing
    with its reply recorded already is refused unless `replace` (the earlier record is kept in the events)."""
    if outcome not in OUTCOMES:
        raise UsageError(f"unknown outcome '{outcome}': choose from {', '.join(OUTCOMES)}", about="outcome")
    day = _day(on, "the date of the reply", "on")
    if file is not None:
        regular_file(Path(file), "the reply to archive")
    with Register(find_db(".", db)) as register:
        filing = register.latest(case_id, lang)
        if filing.answered and not replace:
            raise UsageError(f"'{filing.case_id}' ({filing.lang}) has a reply recorded already, of"
                             f" {filing.replied_on} ({filing.outcome}): to record this one in its place, say so",
                             about="replace")
        filed = filing.filed_at.astimezone(kz_zone()).date()
        if day < filed:
            raise UsageError(f"the date of the reply {day.isoformat()} is before the letter was filed,"
                             f" {filed.isoformat()}", about="on")
        today = datetime.now(UTC).astimezone(kz_zone()).date()
        if day > today:
            raise UsageError(f"the date of the reply {day.isoformat()} is in the future (today is {today.isoformat()}"
                             " in Kazakhstan): give the date the reply shows", about="on")
        frozen = register.freeze(file) if file is not None else None
        return register.reply(filing, day, outcome, note, frozen)


def standings(*, db: str | Path | None = None, today: date | None = None, overdue: bool = False,
              within: int | None = None, full: bool = False) -> list[Standing]:
    """Every filing as of `today` (default: today in Kazakhstan): days left or overdue, and status; `overdue`
    and `within` filter as `status_rows` does. `full`: each filing with all it holds (the file filed, the reply's
    note and file), not only what `status` shows."""
    day = today or kz_today()
    with Register(find_db(".", db)) as register:
        worked_out = {row[0]: (row[1], row[2]) for row in
                      _query(register, day, ["f.id", LEFT, STATUS], overdue=overdue, within=within)}
        filings = register.filings(brief=not full)
    return [Standing(f, day, *worked_out[f.id]) for f in filings if f.id in worked_out]


def status_rows(*, db: str | Path | None = None, today: date | None = None, overdue: bool = False,
                within: int | None = None) -> Iterator[tuple[str, ...]]:
    """The status table as rows of text (STATUS_COLUMNS), worked out inside SQLite, fast enough for 100,000
    filings. `within`: only filings still waiting whose term ends in that many working days or fewer (not those
    already overdue: `overdue` lists them)."""
    _within(within)  # refused now, not at the first row: a CSV header before an error is no table
    register = Register(find_db(".", db))
    return _rows(register, today or kz_today(), TABLE, overdue=overdue, within=within)


def _rows(register: Register, today: date, columns: list[str], **filters: Any) -> Iterator[tuple[str, ...]]:
    with register:
        cursor = _query(register, today, columns, **filters)
        while rows := cursor.fetchmany(5000):  # not a row at a time: 100,000 rows are 0.4 s of Python less
            yield from rows


def due_within(n: int, *, db: str | Path | None = None, today: date | None = None) -> list[Standing]:
    """The filings still waiting for a reply whose term ends within the next `n` working days."""
    _within(n)
    return standings(db=db, today=today, within=n)


def _within(n: int | None) -> None:
    if n is not None and n < 0:
        raise UsageError(f"the number of working days ahead must be 0 or more, not {n}", about="within")
    if n is not None and n > MAX_WITHIN:
        raise UsageError(f"the number of working days ahead must be at most {MAX_WITHIN:,} (forty years), not {n:,}",
                         about="within")


def _query(register: Register, today: date, columns: list[str], *, overdue: bool = False,
           within: int | None = None) -> sqlite3.Cursor:
    """The filings (in case and language order) as `columns`, which may use listing's DEADLINE, LEFT and STATUS;
    the running count of working days they are counted with made first where the register's is missing or stale
    (listing.py), or, where the register cannot keep it, made for this command alone."""
    db = register.db
    needed = listing.spans(db, today)
    if listing.stale(db, needed):
        try:
            with register.transaction():
                todo = listing.stale(db, needed)  # another process may have counted it meanwhile
                digests = {project: listing.calendar_digest(project) for project in todo}
                if None in digests.values():
                    raise _NotKept
                for project, (first, last) in todo.items():
                    count = _Count(project_calendar(Path(project) if project else None), first, last)
                    listing.keep(db, project, digests[project], first, count.running)
        except (_NotKept, RegisterError):  # calendar data unreadable, or a register that cannot be written
            for project, (first, last) in needed.items():
                count = _Count(project_calendar(Path(project) if project else None), first, last)
                listing.keep(db, project, None, first, count.running)
    cursor = db.cursor()
    cursor.row_factory = None
    return cursor.execute(listing.select(columns, listing.counts_of(db, today), overdue=overdue, within=within),
                          listing.parameters(today, within))


class _NotKept(Exception):
    """The count cannot be kept in the register: it is made for this command alone."""


# ---------------------------------------------------------------- helpers

class _Count:
    """Working days between two dates in [first, last], by a running count made once (100,000 filings, one
    pass over the calendar)."""

    def __init__(self, calendar: Any, first: date, last: date):
        self.first = first.toordinal()
        self.running = [0]
        for n in range(1, last.toordinal() - self.first + 1):
            self.running.append(self.running[-1] + calendar.is_working_day(date.fromordinal(self.first + n)))


def _moment(on: str | datetime, what: str, about: str) -> datetime:
    try:
        moment = parse_moment(on)
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}", about=about) from None
    # a date alone: received that day (registered that day if it is a working day)
    return moment.instant().astimezone(kz_zone()) if moment.has_time else datetime.combine(
        moment.day, datetime.min.time(), tzinfo=kz_zone())


def _day(value: str | date, what: str, about: str) -> date:
    try:
        return parse_day(value)
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}", about=about) from None


def project_calendar(project: Path | None):  # noqa: ANN201 - workdays.Calendar, imported late
    """The working days of a project: the shipped calendar, with its workdays.yaml on top where it has one."""
    from .workdays import calendar

    extra = project.parent / "workdays.yaml" if project is not None else None
    return calendar(extra if extra is not None and extra.is_file() else None)


def _case_path(case: str | Path, folder: Path) -> Path:
    """The case file: `case` itself, or the file of the case with that id in the letters' manifest."""
    path = Path(case)
    if path.is_file():
        return path
    rows = listed(folder) or []
    sources = sorted({r["source"] for r in rows if r.get("case_id") == str(case) and not _grouped(r)})
    if not sources:
        if any(str(case) in (r.get("covers") or []) or r.get("case_id") == str(case) for r in rows):
            raise UsageError(f"'{case}' is in {folder / 'manifest.json'} only as a letter about an outlet's comments;"
                             " record its filing by the case file of one of them, naming the letter file you filed",
                             about="case")
        raise UsageError(f"no case file '{case}', and no case with that id in {folder / 'manifest.json'}",
                         about="case")
    # the manifest names the case file as it was typed where `render` ran: most often the folder that holds
    # the letters' folder; else where this command runs
    for candidate in (folder.parent / sources[0], Path(sources[0])):
        if candidate.is_file():
            return candidate
    return Path(sources[0])


def _grouped(row: dict[str, Any]) -> bool:
    """A manifest row of a letter about an outlet's comments (its source is outlet:<host>, not a file)."""
    return str(row.get("source", "")).startswith("outlet:")


def _letter(case_id: str, lang: str, folder: Path, file: str | Path | None) -> tuple[Path, dict[str, Any] | None]:
    """The letter file that was filed: `file`, else the one the last render wrote (the PDF, else the DOCX), with
    the manifest's row of it in that case."""
    if file is not None:
        return regular_file(Path(file), "the letter filed"), None
    mine = {r["format"]: r for r in listed(folder) or [] if r.get("case_id") == case_id and r.get("language") == lang}
    for fmt in ("pdf", "docx"):  # the PDF is what goes into eOtinish, signed; else the Word letter
        if fmt in mine and (folder / mine[fmt]["path"]).is_file():
            return folder / mine[fmt]["path"], mine[fmt]
    raise UsageError(f"no {lang} letter of '{case_id}' in {folder}: render it first, or name the file that was"
                     " filed", about="file")


def _intact(letter: Path, about: str | None) -> None:
    """Refuse a letter that is no longer a document of its kind (a DOCX that is no Word file, a PDF that is
    none: damaged since it was rendered, or cut short in copying), rather than archive it as the letter filed."""
    import zipfile

    kind = letter.suffix.lower()
    problem = None
    if kind == ".docx":
        try:
            with zipfile.ZipFile(letter) as docx:
                if "word/document.xml" not in docx.namelist():
                    problem = "it has no word/document.xml"
                elif (bad := docx.testzip()) is not None:
                    problem = f"its part {bad} is damaged"
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            problem = f"it cannot be opened as one ({exc})"
    elif kind in (".cms", ".p7s"):
        if signature_container(letter.read_bytes()) is None:
            problem = "it is no CMS/PKCS#7 signature container (SignedData)"
    elif kind == ".pdf":
        with open(letter, "rb") as fh:
            if b"%PDF-" not in fh.read(1024):
                problem = "it does not begin as a PDF does (%PDF-)"
    if problem is not None:
        raise UsageError(f"{shown(letter)} is not a valid {kind[1:].upper()} file: {problem}. It was damaged since it"
                         " was rendered, or is not the letter: render it again, or name the file you filed",
                         about=about or "file")


def _rendered(case_id: str, digest: str, folder: Path, picked: dict[str, Any] | None) -> dict[str, Any] | None:
    """The manifest's row of the letter filed: the one with its SHA-256 (this case's own letter before one
    about several cases), else the one it was picked by (a rendered letter edited since: still the letter made
    with that evidence); None for a file the tool did not render."""
    same = [r for r in listed(folder) or [] if r.get("sha256") == digest]
    mine = [r for r in same if case_id == r.get("case_id") or case_id in (r.get("covers") or [])]
    if mine:
        return min(mine, key=lambda r: len(r.get("covers") or [r.get("case_id")]))
    if same:  # the very bytes of a letter rendered for another case: filing it for this one is a mistake
        other = same[0]
        raise UsageError(f"the file filed is the letter of '{other.get('case_id')}' ({shown(folder / other['path'])}),"
                         f" not of '{case_id}'", about="file")
    return picked


SIGNED_TYPES = (".pdf", ".cms", ".p7s")  # a signed PDF; a CMS/PKCS#7 signature container (NCALayer, eOtinish)
_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")  # the OID of CMS SignedData (1.2.840.113549.1.7.2), DER


def signature_container(data: bytes) -> bytes | None:
    """The DER bytes of a CMS/PKCS#7 signature container (as written, or Base64, or PEM as NCALayer may save it),
    or None for a file that is none: only its form is looked at (a SEQUENCE naming SignedData), not the signature."""
    import base64
    import binascii

    if not data.startswith(b"\x30"):
        text = data.strip()
        if text.startswith(b"-----BEGIN"):
            text = b"".join(line for line in text.splitlines() if not line.startswith(b"-----"))
        try:
            data = base64.b64decode(b"".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
    return data if data.startswith(b"\x30") and _SIGNED_DATA in data[:64] else None


def signed_letter(file: str | Path, case_id: str, folder: str | Path) -> dict[str, Any] | None:
    """The letters' manifest row of the rendered letter of `case_id` that `file` carries whole, byte for byte: a
    signed PDF that begins with it (the signature added as an incremental update, as signing tools do), or a
    signature container (.cms, .p7s) with it inside (an attached signature). None where no rendered letter of the
    case is found so (a detached signature, a PDF printed anew, another file). Only the bytes are compared: the
    signature itself (who signed, whether it is valid) is not verified."""
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    container = signature_container(data) if path.suffix.lower() in (".cms", ".p7s") else None
    for row in listed(Path(folder)) or []:
        if row.get("case_id") != case_id and case_id not in (row.get("covers") or []):
            continue
        rendered = Path(folder) / str(row.get("path", ""))
        try:
            letter = rendered.read_bytes() if rendered.is_file() else b""
        except OSError:
            continue
        if not letter or hashlib.sha256(letter).hexdigest() != row.get("sha256") or len(letter) >= len(data):
            continue
        if container is not None and letter in container or container is None and data.startswith(letter):
            return row
    return None


def archived_file(sha256: str, *, db: str | Path | None = None) -> tuple[Path, str] | None:
    """The register's archived copy of a file filed or of a reply, by its SHA-256, with the name it was recorded
    under; None for a hash the register does not name (or whose copy is gone)."""
    import re

    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        return None
    with Register(find_db(".", db)) as register:
        row = register.db.execute("SELECT letter_name FROM filings WHERE letter_sha256 = ? UNION ALL"
                                  " SELECT reply_name FROM filings WHERE reply_sha256 = ? LIMIT 1",
                                  (sha256, sha256)).fetchone()
        path = register.archived(sha256)
    if row is None or not path.is_file():
        return None
    return path, str(row[0] or sha256)


def _annexes(found: Any, rendered: dict[str, Any] | None) -> tuple[list[Annex], str]:
    """The evidence files the letter filed was made with, and where that is known from (Filing.evidence_from)."""
    root = found.root.resolve()
    case_dir = found.path.parent.resolve()
    names = {str(e.path): found.case.evidence[i].file for i, e in found.evidence_files.items()}
    if rendered is not None:
        files = [(str(e[0]), int(e[1]), str(e[3])) for e in rendered.get("inputs", {}).get("evidence", [])]
        covers = rendered.get("covers") or [rendered.get("case_id")]
        source = "group" if len(covers) > 1 or str(rendered.get("source", "")).startswith("outlet:") else "letter"
    else:
        files = [(str(e.path), e.size, e.sha256) for e in found.evidence_files.values()]
        source = "case"
    return [Annex(n, names.get(real) or _posix(os.path.relpath(real, case_dir)), _posix(os.path.relpath(real, root)),
                  size, sha) for n, (real, size, sha) in enumerate(files, 1)], source


def _posix(path: str) -> str:
    return Path(path).as_posix()


__all__ = ["SIGNED_TYPES", "STATUS_COLUMNS", "AlreadyFiled", "RegisterError", "Standing", "archived_file", "due_within",
           "signature_container", "signed_letter", "record_extension", "record_filing",
           "record_registration", "record_reminder", "record_reply", "standings", "status_rows"]
