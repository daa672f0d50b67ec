"""Kazakhstan's working days, and the reply term of an appeal counted in them.

The calendar is the `holidays` package's for Kazakhstan (country KZ: weekends,
the holidays of the Law «О праздниках» (No. 267-II of 2001) with their
moves off weekends, and the government's transfers of days off as far as the
package has them), corrected by complaints/data/workdays.yaml and, if a project
has one, by its own file of the same form.

APPC Article 64(3): an appeal is registered on the day it arrives; if it arrives
after working hours or on a non-working day, on the next working day. An appeal
that arrives on a working day before the start of working hours is registered
that same day; one that arrives at the end of working hours (18:30 by default)
or later is registered on the next working day.

APPC Article 76: the term is fifteen working days «со дня поступления
обращения». Counted here (a reading a lawyer should confirm): the day of
registration is not counted; the term ends at the end of the fifteenth working
day after it. Counting the day of registration as the first day would end the
term one working day earlier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import holidays
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ..case.load import Document, read_yaml
from ..case.model import Day, NonEmpty, Url, structure_problems
from ..case.when import kz_zone
from ..errors import CaseError, DataError, Problem

FORMAT = 1
DEFAULT_HOURS = (time(9, 0), time(18, 30))
REPLY_TERM_DAYS = 15  # APPC Article 76
# A postal filing's registration date, when the receipt is not in: the letter is taken to arrive this many working
# days after it was posted (workdays.yaml: post_delivery_days). A reading, not a fact: `filed --registered` wins.
DEFAULT_POST_DELIVERY_DAYS = 5
SHIPPED = "complaints/data/workdays.yaml"

_HHMM = re.compile(r"^\d{2}:\d{2}$")
_ONE_DAY = timedelta(days=1)


# ---------------------------------------------------------------- the data file

def _clock(value: Any) -> time:
    if isinstance(value, time) and value.tzinfo is None:
        return value
    text = value.strip() if isinstance(value, str) else ""
    if _HHMM.match(text):
        try:
            return time.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a time of day (HH:MM, 24-hour, e.g. 09:00 or 18:30)")


Clock = Annotated[time, PlainValidator(_clock), WithJsonSchema({"type": "string", "pattern": _HHMM.pattern})]


def _list_or_empty(value: Any) -> Any:
    return [] if value is None else value


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkingHours(_Data):
    """The body's working day, Astana time."""

    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _in_order(self) -> WorkingHours:
        if self.start >= self.end:
            raise ValueError(f"start ({self.start:%H:%M}) must be before end ({self.end:%H:%M})")
        return self


class DayEntry(_Data):
    """One day of days_off or working_days, with the official text it comes from."""

    date: Day
    name: NonEmpty
    source: Url
    checked: Day


Entries = Annotated[list[DayEntry], BeforeValidator(_list_or_empty)]


class WorkdaysFile(_Data):
    """A workdays.yaml file: the shipped one or a project's."""

    format: int
    working_hours: WorkingHours | None = None
    post_delivery_days: Annotated[int, Field(ge=0, le=60)] | None = None
    days_off: Entries = Field(default_factory=list)
    working_days: Entries = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT:
            raise ValueError(f"format {value} is not known; this version reads format {FORMAT}")
        return value


def _clashes(doc: Document, data: WorkdaysFile) -> list[Problem]:
    """A day listed twice, or both as a day off and as a working day."""
    problems = []
    seen: dict[date, str] = {}
    for key in ("days_off", "working_days"):
        for i, entry in enumerate(getattr(data, key)):
            here = f"{key}[{i}]"
            if entry.date in seen:
                message = f"{entry.date.isoformat()} is already listed as {seen[entry.date]}"
                problems.append(doc.problem((key, i, "date"), message))
            else:
                seen[entry.date] = here
    return problems


def read_workdays(path: str | Path, *, display: str | None = None) -> WorkdaysFile:
    """Read and check one workdays.yaml; DataError names the file, line and field of every problem."""
    shown = display or str(path)
    try:
        doc = read_yaml(path, display=shown)
    except CaseError as exc:
        raise DataError(str(exc)) from None
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else "not a mapping"
        raise DataError(str(doc.problem((), f"the file is {what}; it must hold format: {FORMAT}, "
                                            "working_hours, days_off and working_days")))
    try:
        data = WorkdaysFile.model_validate(doc.data)
    except ValidationError as exc:
        raise DataError("\n".join(str(p) for p in structure_problems(doc, exc, WorkdaysFile))) from None
    problems = _clashes(doc, data)
    if problems:
        raise DataError("\n".join(str(p) for p in problems))
    return data


@lru_cache(maxsize=1)
def _shipped() -> WorkdaysFile:
    """complaints/data/workdays.yaml."""
    with resources.as_file(resources.files("complaints") / "data" / "workdays.yaml") as path:
        return read_workdays(path, display=SHIPPED)


@lru_cache(maxsize=1)
def _package_calendar() -> holidays.HolidayBase:
    """The holidays package's Kazakhstan calendar (years filled in as they are asked for)."""
    # the class itself, not country_holidays("KZ"): that looks the country up in a registry, 0.1 s a run
    from holidays.countries.kazakhstan import Kazakhstan

    return Kazakhstan()


# ---------------------------------------------------------------- the calendar

def _plain_day(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError(f"expected a date, not a date and time ({day.isoformat()}); "
                        "for a moment of arrival use registration_day()")
    return day


def _check_hours(hours: tuple[time, time]) -> tuple[time, time]:
    start, end = hours
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError("working hours are Astana clock times: give them without a time zone")
    if start >= end:
        raise ValueError(f"working hours: start ({start:%H:%M}) must be before end ({end:%H:%M})")
    return start, end


@dataclass(frozen=True)
class Calendar:
    """Kazakhstan's working days: the holidays package's KZ calendar plus the project's data file."""

    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    working_hours: tuple[time, time] = DEFAULT_HOURS
    post_delivery_days: int = DEFAULT_POST_DELIVERY_DAYS
    package: holidays.HolidayBase = field(default_factory=_package_calendar, compare=False, repr=False)

    def __post_init__(self) -> None:
        _check_hours(self.working_hours)
        both = self.days_off & self.working_days
        if both:
            raise ValueError(f"listed both as a day off and as a working day: {', '.join(map(str, sorted(both)))}")

    def is_working_day(self, day: date) -> bool:
        """True for a day the body works: not a weekend, holiday or transferred day off, or made a working day."""
        day = _plain_day(day)
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return bool(self.package.is_working_day(day))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day = _plain_day(day) + _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """The `n`th working day after `day` (`day` itself not counted; `day` again for n = 0)."""
        if n < 0:
            raise ValueError(f"cannot add {n} working days: n must be 0 or more")
        day = _plain_day(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days in (start, end]; negative (those in (end, start]) if end < start."""
        start, end = _plain_day(start), _plain_day(end)
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count

    def registration_day(self, received: datetime) -> date:
        """APPC 64(3): `received` (aware) in Kazakhstan time; that day if working and before closing, else the next."""
        if not isinstance(received, datetime):
            raise TypeError("expected the date and time the appeal was received (a datetime with a time zone)")
        if received.tzinfo is None or received.utcoffset() is None:
            raise ValueError(
                f"the moment of receipt {received.isoformat()} has no time zone, so its day in Kazakhstan is "
                "unknown; give it with one (e.g. tzinfo=complaints.when.kz_zone() for Kazakhstan time)"
            )
        local = received.astimezone(kz_zone())
        day = local.date()
        if self.is_working_day(day) and local.time() < self.working_hours[1]:
            return day
        return self.next_working_day(day)

    def delivered(self, posted: datetime) -> datetime:
        """When a letter posted at `posted` is taken to arrive, for want of the authority's receipt: the
        `post_delivery_days`th working day after the posting day, at the start of working hours. A reading for a
        lawyer to confirm: the registration date the authority gives wins."""
        local = posted.astimezone(kz_zone())
        day = self.add_working_days(local.date(), self.post_delivery_days)
        return datetime.combine(day, self.working_hours[0], tzinfo=kz_zone())

    def due_date(self, registered: date, days: int = REPLY_TERM_DAYS) -> date:
        """APPC 76: the term's last day, `days` working days after registration (not counted; a non-working day moves on)."""
        registered = _plain_day(registered)
        if not self.is_working_day(registered):
            registered = self.next_working_day(registered)
        return self.add_working_days(registered, days)


def calendar(extra: Path | None = None, *, working_hours: tuple[time, time] | None = None) -> Calendar:
    """The calendar (cached): the shipped data file, then `extra` (a project's workdays.yaml) on top."""
    if working_hours is not None:
        working_hours = _check_hours(working_hours)
    stamp: tuple[int, int] | None = None
    if extra is not None:
        extra = Path(extra).resolve()
        try:
            st = extra.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None  # read_workdays says why it cannot be read
    return _calendar(extra, stamp, working_hours)


@lru_cache(maxsize=16)
def _calendar(extra: Path | None, stamp: tuple[int, int] | None, working_hours: tuple[time, time] | None) -> Calendar:
    """Build a calendar; `stamp` (the file's mtime and size) makes an edited file read again."""
    files = [_shipped()]
    if extra is not None:
        files.append(read_workdays(extra))
    off: set[date] = set()
    on: set[date] = set()
    hours = DEFAULT_HOURS
    post = DEFAULT_POST_DELIVERY_DAYS
    for data in files:  # a later file wins over an earlier one
        for entry in data.days_off:
            off.add(entry.date)
            on.discard(entry.date)
        for entry in data.working_days:
            on.add(entry.date)
            off.discard(entry.date)
        if data.working_hours is not None:
            hours = (data.working_hours.start, data.working_hours.end)
        if data.post_delivery_days is not None:
            post = data.post_delivery_days
    return Calendar(frozenset(off), frozenset(on), working_hours or hours, post)
