"""Dates and times as case files write them, and Kazakhstan civil time.

Kazakhstan moved from UTC+6 to UTC+5 at 00:00 on 1 March 2024. The zone rules
are read from the `tzdata` package (pinned ≥ 2024.1), never from the machine,
whose own database may predate the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

KZ_ZONE_NAME = "Asia/Almaty"

_MOMENT = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)


@lru_cache(maxsize=1)
def kz_zone() -> ZoneInfo:
    """Asia/Almaty from the tzdata package, whatever the machine's own database says."""
    with resources.files("tzdata.zoneinfo").joinpath(*KZ_ZONE_NAME.split("/")).open("rb") as fh:
        return ZoneInfo.from_file(fh, key=KZ_ZONE_NAME)


@dataclass(frozen=True)
class Moment:
    """A date, or a date and time; with `offset` when the file gave one, else Kazakhstan civil time."""

    day: date
    clock: time | None = None
    offset: timedelta | None = None

    @property
    def has_time(self) -> bool:
        return self.clock is not None

    def instant(self) -> datetime:
        """The moment as an aware datetime (midnight Kazakhstan time for a date alone)."""
        naive = datetime.combine(self.day, self.clock or time(0, 0))
        if self.offset is not None:
            return naive.replace(tzinfo=timezone(self.offset))
        return naive.replace(tzinfo=kz_zone())

    def in_kazakhstan(self) -> datetime:
        """The same instant on Kazakhstan's clocks."""
        return self.instant().astimezone(kz_zone())

    def kz_date(self) -> date:
        return self.in_kazakhstan().date() if self.has_time else self.day

    def is_ambiguous(self) -> bool:
        """True for a local time that happened twice (the hour before 1 March 2024)."""
        if self.offset is not None or self.clock is None:
            return False
        naive = datetime.combine(self.day, self.clock)
        zone = kz_zone()
        return naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset()

    def iso(self) -> str:
        if self.clock is None:
            return self.day.isoformat()
        return self.instant().isoformat(timespec="minutes" if self.clock.second == 0 else "seconds")


def parse_moment(value: object) -> Moment:
    """Read `2023-10-06`, `2023-10-06T22:53`, `2023-10-06T22:53:10`, `…+05:00` or `…Z`."""
    if isinstance(value, Moment):
        return value
    if isinstance(value, datetime):
        off = value.utcoffset()
        return Moment(value.date(), value.time().replace(tzinfo=None), off)
    if isinstance(value, date):
        return Moment(value)
    if not isinstance(value, str):
        raise ValueError("expected a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)")
    m = _MOMENT.match(value.strip())
    if not m:
        raise ValueError(
            f"'{value}' is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM, optionally with +05:00)"
        )
    try:
        day = date.fromisoformat(m["date"])
        clock = time.fromisoformat(m["time"]) if m["time"] else None
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date or time ({exc})") from None
    offset = None
    if m["tz"]:
        if m["tz"] == "Z":
            offset = timedelta(0)
        else:
            sign = -1 if m["tz"][0] == "-" else 1
            digits = m["tz"][1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 14 or minutes > 59:
                raise ValueError(f"'{m['tz']}' is not a UTC offset")
            offset = sign * timedelta(hours=hours, minutes=minutes)
    return Moment(day, clock, offset)


def parse_day(value: object) -> date:
    """Read a date alone (YYYY-MM-DD)."""
    if isinstance(value, datetime):
        raise ValueError("expected a date alone (YYYY-MM-DD), without a time")
    if isinstance(value, date):
        return value
    moment = parse_moment(value)
    if moment.clock is not None:
        raise ValueError(f"'{value}' has a time; a date alone (YYYY-MM-DD) is expected")
    return moment.day


def kz_today() -> date:
    """Today's date in Kazakhstan."""
    return datetime.now(kz_zone()).date()


def utc_offset_label(dt: datetime) -> str:
    """`UTC+6`, `UTC+5`, `UTC+5:30`: the offset of an aware datetime."""
    off = dt.utcoffset() or timedelta(0)
    total = int(off.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
