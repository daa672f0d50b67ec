"""Whether each case's comment is still online, as `watch` last saw it: the register's sightings.

    sightings        one row a case: the address checked, when the comment was last seen online, when it was
                     first missed after that, and the last check (its time, outcome, what was seen, its capture)
    sighting_checks  every check, in the order recorded: its time, outcome, HTTP status, what was seen, the
                     capture's file-name stem, and what it changed (seen, missed, back online, a new address)

What a check proves (the outcomes of complaints/evidence/record.py):

    found                         the comment is online: last_seen is the check's time, first_missed is cleared
                                  (a comment back online after being missed is noted in the history)
    not-found, http-error 404/410 the comment is gone: first_missed is the check's time, unless it is already set,
                                  and only if the check is later than the last time the comment was seen
    anything else                 proves nothing (a time-out, a login wall, a network error, a 500): the last
                                  check is noted, the state is as it was

A case's state: "removed" when first_missed is set, "online" when it was seen and not missed since, else
"unknown". Times are kept as ISO 8601 with their UTC offset. Each record is one transaction of the register
(BEGIN IMMEDIATE), so several processes recording at once queue and lose nothing. No personal data: the case id,
the address, the outcome and what the browser saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..case.when import kz_zone
from ..errors import UsageError
from .store import Register

STATES = ("online", "removed", "unknown")
GONE = (404, 410)  # an HTTP status that says the page is gone, not that it could not be had
_STATUS_IN = re.compile(r"\b(?:answered|HTTP(?:/\d(?:\.\d)?)?|status)\s*:?\s*(\d{3})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sighting:
    """What the register knows of one case's comment being online."""

    case_id: str
    url: str  # the address checked
    last_seen: datetime | None  # the last check that found the comment
    first_missed: datetime | None  # the first check after last_seen that found it gone; None while online
    last_checked: datetime
    last_outcome: str  # one of complaints.evidence.record.OUTCOMES
    last_detail: str = ""
    last_capture: str | None = None  # the last check's capture stem (capture-2026-12-02-190312)

    @property
    def state(self) -> str:
        if self.first_missed is not None:
            return "removed"
        if self.last_seen is not None:
            return "online"
        return "unknown"


@dataclass(frozen=True)
class Check:
    """One check of a case's comment, as the history keeps it."""

    case_id: str
    url: str
    at: datetime
    outcome: str
    status: int | None
    detail: str
    capture: str | None
    change: str | None  # "seen" (first time), "missed", "back" (online again), "new-url", or None


def status_of(outcome: str, detail: str, status: int | None = None) -> int | None:
    """The HTTP status of an http-error: `status` where given, else as the detail says it ("the server answered
    404…")."""
    if status is not None or outcome != "http-error":
        return status
    found = _STATUS_IN.search(detail or "")
    return int(found.group(1)) if found else None


def verdict(outcome: str, detail: str = "", status: int | None = None) -> str:
    """What a check's outcome says of the comment: "seen", "missed", or "nothing" (it proves nothing)."""
    if outcome == "found":
        return "seen"
    if outcome == "not-found" or (outcome == "http-error" and status_of(outcome, detail, status) in GONE):
        return "missed"
    return "nothing"


def record_sighting(db: Path, case_id: str, url: str, when: datetime, outcome: str, detail: str,
                    capture: str | None = None, *, status: int | None = None) -> Sighting:
    """Record one check of `case_id`'s comment at `url` made at `when` (aware), and return what the register
    knows now. Times are kept in Kazakhstan time, with its offset. A check older than the last one recorded (a
    slow process) still goes into the history and moves last_seen / first_missed where it proves something, but
    does not replace the last check. A check of another address than the one recorded (the case's address was
    corrected) starts afresh: what was seen at the old address says nothing of the new one. `status`: the HTTP
    status of an http-error, else read from `detail` ("the server answered 404")."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise UsageError("a sighting's time must have its UTC offset (Kazakhstan time, +05:00)", about="when")
    if not case_id:
        raise UsageError("a sighting needs the case's id", about="case_id")
    from ..evidence.record import OUTCOMES

    if outcome not in OUTCOMES:
        raise UsageError(f"'{outcome}' is not an outcome of a capture ({', '.join(OUTCOMES)})", about="outcome")
    code = status_of(outcome, detail, status)
    said = verdict(outcome, detail, code)
    when = when.astimezone(kz_zone())  # kept in Kazakhstan time: its date is the date a letter would say
    at = when.isoformat(timespec="seconds")
    with Register(db) as register, register.transaction() as conn:
        row = conn.execute("SELECT url, last_seen, first_missed, last_checked FROM sightings WHERE case_id = ?",
                           (case_id,)).fetchone()
        change: str | None = None
        if row is None or row["url"] != url:
            change = "new-url" if row is not None else None
            seen = missed = None
            checked: datetime | None = None
        else:
            seen, missed, checked = _time(row["last_seen"]), _time(row["first_missed"]), _time(row["last_checked"])
        if said == "seen":
            if missed is not None and when >= missed:
                missed, change = None, "back"
            if seen is None or when > seen:
                change = change or ("seen" if seen is None else None)
                seen = when
        elif said == "missed" and missed is None and (seen is None or when > seen):
            missed, change = when, change if change == "new-url" else "missed"
        newest = checked is None or when >= checked
        values = (url, _text(seen), _text(missed))
        if row is None:
            conn.execute("INSERT INTO sightings (case_id, url, last_seen, first_missed, last_checked, last_outcome,"
                         " last_detail, last_capture) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (case_id, *values, at, outcome, detail, capture))
        elif newest:
            conn.execute("UPDATE sightings SET url = ?, last_seen = ?, first_missed = ?, last_checked = ?,"
                         " last_outcome = ?, last_detail = ?, last_capture = ? WHERE case_id = ?",
                         (*values, at, outcome, detail, capture, case_id))
        else:
            conn.execute("UPDATE sightings SET url = ?, last_seen = ?, first_missed = ? WHERE case_id = ?",
                         (*values, case_id))
        conn.execute("INSERT INTO sighting_checks (case_id, url, at, outcome, status, detail, capture, change)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (case_id, url, at, outcome, code, detail, capture, change))
        found = conn.execute("SELECT * FROM sightings WHERE case_id = ?", (case_id,)).fetchone()
    return _sighting(found)


def sightings(db: Path) -> dict[str, Sighting]:
    """Every case's sighting, by case id; none where there is no register (it is not made by looking)."""
    if not Path(db).is_file():
        return {}
    with Register(db) as register:
        rows = register.db.execute("SELECT * FROM sightings ORDER BY case_id").fetchall()
    return {row["case_id"]: _sighting(row) for row in rows}


def history(db: Path, case_id: str | None = None) -> list[Check]:
    """Every check recorded (of one case, where given), in the order recorded."""
    if not Path(db).is_file():
        return []
    with Register(db) as register:
        rows = register.db.execute("SELECT * FROM sighting_checks" + (" WHERE case_id = ?" if case_id else "")
                                   + " ORDER BY id", (case_id,) if case_id else ()).fetchall()
    return [Check(r["case_id"], r["url"], datetime.fromisoformat(r["at"]), r["outcome"], r["status"],
                  r["detail"] or "", r["capture"], r["change"]) for r in rows]


def _sighting(row: object) -> Sighting:
    r: dict[str, object] = dict(row)  # type: ignore[call-overload]
    checked = _time(r["last_checked"])
    assert checked is not None
    return Sighting(str(r["case_id"]), str(r["url"]), _time(r["last_seen"]), _time(r["first_missed"]), checked,
                    str(r["last_outcome"]), str(r["last_detail"] or ""),
                    str(r["last_capture"]) if r["last_capture"] else None)


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _text(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None
