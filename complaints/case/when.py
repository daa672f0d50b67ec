"""Dates and times as users write them, and Kazakhstan civil time.

The one date reader: case files, the wizard and --from-json, imported sheets, and every option of the command
line that takes a date (--date, --on, --until, --today) read dates through `parse_moment` and `parse_day`, and
accept the same forms (FORMS): ISO 8601, or day first as dates are written in Kazakhstan.

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
# day first, as in Kazakhstan: 06.10.2023, 6.10.23, 06/10/2023, 06.10.2023 22:53, 06.10.2023 22.53, 06.10.2023, 22:53
_DAY_FIRST = re.compile(
    r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})"
    r"(?:(?:\s*,\s*|\s+|T)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?$"
)
_YEAR_WORD = re.compile(r"\s*(г|ж)\.?$")  # "06.10.2023 г." (ru), "06.10.2023 ж." (kk)

# What every refusal of a date lists: the forms a user may write.
FORMS = "2023-10-06, 2023-10-06T22:53 (or with +05:00), 06.10.2023, 06.10.2023 22:53 or 06.10.2023 22.53"
DAY_FORMS = "2023-10-06 or 06.10.2023"

# The years a date may fall in: wide enough for any law, outlet or comment, narrow enough that a date with any
# UTC offset still converts to Kazakhstan time, and that counting working days from it stays quick (no
# OverflowError at year 1 or 9999, no minutes-long walk from year 1 to today).
MIN_YEAR, MAX_YEAR = 1900, 2200


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


class _Refused(ValueError):
    """What is wrong with a date, before the forms a user may write are added."""


class _OutOfRange(ValueError):
    """A real date the tool does not handle: said as it is, without the forms (it is written well)."""


def parse_moment(value: object) -> Moment:
    """A date, or a date and time, in any of FORMS (or a date/datetime already); ValueError naming the forms."""
    try:
        return _moment(value)
    except _Refused as exc:
        raise ValueError(f"{exc}; write it as one of {FORMS}") from None


def parse_day(value: object) -> date:
    """A date alone, in any of DAY_FORMS (or a date already); ValueError naming the forms."""
    if isinstance(value, datetime):
        raise ValueError(f"expected a date alone ({DAY_FORMS}), without a time")
    if isinstance(value, date):
        return value
    try:
        moment = _moment(value)
    except _Refused as exc:
        raise ValueError(f"{exc}; write it as {DAY_FORMS}") from None
    if moment.clock is not None:
        raise ValueError(f"'{value}' has a time; a date alone ({DAY_FORMS}) is expected")
    return moment.day


def _moment(value: object) -> Moment:
    moment = _read_moment(value)
    if not MIN_YEAR <= moment.day.year <= MAX_YEAR:
        raise _OutOfRange(f"'{value}' is out of range: the tool takes dates from {MIN_YEAR} to {MAX_YEAR}")
    return moment


def _read_moment(value: object) -> Moment:
    if isinstance(value, Moment):
        return value
    if isinstance(value, datetime):
        off = value.utcoffset()
        return Moment(value.date(), value.time().replace(tzinfo=None), off)
    if isinstance(value, date):
        return Moment(value)
    if not isinstance(value, str):
        raise _Refused("expected a date or a date and time")
    text = value.strip()
    m = _MOMENT.match(text)
    if not m:
        return _day_first(value, _YEAR_WORD.sub("", text))
    try:
        day = date.fromisoformat(m["date"])
        clock = time.fromisoformat(m["time"]) if m["time"] else None
    except ValueError as exc:
        raise _Refused(f"'{value}' is not a real date or time ({exc})") from None
    offset = None
    if m["tz"]:
        if m["tz"] == "Z":
            offset = timedelta(0)
        else:
            sign = -1 if m["tz"][0] == "-" else 1
            digits = m["tz"][1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 14 or minutes > 59:
                raise _Refused(f"'{m['tz']}' is not a UTC offset")
            offset = sign * timedelta(hours=hours, minutes=minutes)
    return Moment(day, clock, offset)


def _day_first(value: str, text: str) -> Moment:
    m = _DAY_FIRST.match(text)
    if not m:
        raise _Refused(f"'{value}' is not a date")
    year = int(m["y"])
    if len(m["y"]) == 2:  # 6.10.23: this century up to this year, else the last
        year += 2000 if year <= kz_today().year % 100 else 1900
    try:
        day = date(year, int(m["m"]), int(m["d"]))
        clock = time(int(m["H"]), int(m["M"]), int(m["S"] or 0)) if m["H"] is not None else None
    except ValueError as exc:
        raise _Refused(f"'{value}' is not a real date or time ({exc})") from None
    return Moment(day, clock)


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



def kz_time_text(moment: datetime, *, seconds: bool = True) -> str:
    """2026-12-02 19:03:12 UTC+05:00: an instant in Kazakhstan time with its offset, as the tool's records, the
    close-up's header and the command line say it (a letter's times go through Babel, in its language)."""
    at = moment.astimezone(kz_zone())
    offset = at.strftime("%z")
    return f"{at.strftime('%Y-%m-%d %H:%M:%S' if seconds else '%Y-%m-%d %H:%M')} UTC{offset[:3]}:{offset[3:]}"
