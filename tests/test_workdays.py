"""Working days and the APPC reply term, on the real `holidays` package's Kazakhstan calendar.

Every due date is counted by hand in the comment beside it: the working days
after the day of registration, numbered, days off in brackets. The day of
registration itself is not counted (see complaints/workdays.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import holidays
import pytest
from conftest import REPO, write_yaml

from complaints.case.when import kz_zone
from complaints.errors import DataError
from complaints.register.workdays import DEFAULT_HOURS, Calendar, calendar, read_workdays

UTC6 = timezone(timedelta(hours=6))
UTC5 = timezone(timedelta(hours=5))


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return calendar()


def kz(y: int, m: int, d: int, hh: int = 12, mm: int = 0, ss: int = 0) -> datetime:
    """A moment on Kazakhstan's clocks."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=kz_zone())


def entry(day: str, **more: Any) -> dict[str, Any]:
    return {"date": day, "name": "Test entry", "source": "https://adilet.zan.kz/rus/docs/example",
            "checked": "2026-11-25", **more}


# ---------------------------------------------------------------- what the package says

def test_package_kz_days_off_on_weekdays_2024_2027() -> None:
    """The package's calendar as the due dates below rely on it; if an upgrade changes it, check it against the law."""
    kz_days = holidays.country_holidays("KZ", years=range(2024, 2028))
    weekday_days_off = sorted(d for d in kz_days if d.weekday() < 5)
    assert weekday_days_off == [
        # 2024: 7 Jan (Sunday, Orthodox Christmas: not moved), 23 Mar (Sat) → 25 Mar, 4 May (Sat) made a working day
        # and its day off moved to Wed 8 May (decree of 2024), Kurban Ait 16 Jun (Sun, not moved), 6 Jul (Sat) → 8 Jul.
        date(2024, 1, 1), date(2024, 1, 2), date(2024, 3, 8), date(2024, 3, 21), date(2024, 3, 22),
        date(2024, 3, 25), date(2024, 5, 1), date(2024, 5, 7), date(2024, 5, 8), date(2024, 5, 9),
        date(2024, 7, 8), date(2024, 8, 30), date(2024, 10, 25), date(2024, 12, 16),
        # 2025: the day off of Sun 5 Jan moved to Fri 3 Jan (decree of 2024 for 2025); 8 Mar (Sat) → 10 Mar;
        # 22, 23 Mar (Sat, Sun) → 24, 25 Mar; 6 Jul (Sun) → 7 Jul; 30 Aug (Sat) → 1 Sep; 25 Oct (Sat) → 27 Oct.
        date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3), date(2025, 1, 7), date(2025, 3, 10),
        date(2025, 3, 21), date(2025, 3, 24), date(2025, 3, 25), date(2025, 5, 1), date(2025, 5, 7),
        date(2025, 5, 9), date(2025, 6, 6), date(2025, 7, 7), date(2025, 9, 1), date(2025, 10, 27),
        date(2025, 12, 16),
        # 2026: 8 Mar (Sun) → 9 Mar; 21, 22 Mar (Sat, Sun) → 24, 25 Mar; 9 May (Sat) → 11 May; Kurban Ait 27 May
        # (the package's estimate; also the date announced for 2026); 25 Oct (Sun) → 26 Oct. No Constitution Day
        # (the package: not held in 2026, 15 March from 2027), so 31 Aug 2026 is a working day here: see the report
        # and the data file for that open question.
        date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 7), date(2026, 3, 9), date(2026, 3, 23),
        date(2026, 3, 24), date(2026, 3, 25), date(2026, 5, 1), date(2026, 5, 7), date(2026, 5, 11),
        date(2026, 5, 27), date(2026, 7, 6), date(2026, 10, 26), date(2026, 12, 16),
        # 2027: 2 Jan (Sat) → 4 Jan; Constitution Day 15 Mar; 21 Mar (Sun) → 24 Mar (22, 23 are Nauryz already);
        # 1 May (Sat) → 3 May; 9 May (Sun) → 10 May; Kurban Ait 16 May (Sun, estimate; not moved).
        date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 7), date(2027, 3, 8), date(2027, 3, 15),
        date(2027, 3, 22), date(2027, 3, 23), date(2027, 3, 24), date(2027, 5, 3), date(2027, 5, 7),
        date(2027, 5, 10), date(2027, 7, 6), date(2027, 10, 25), date(2027, 12, 16),
    ]
    # Weekend days made working days by a transfer.
    assert sorted(d for d in kz_days.weekend_workdays if 2024 <= d.year <= 2027) == [date(2024, 5, 4), date(2025, 1, 5)]


def test_weekend_days_and_transfers(cal: Calendar) -> None:
    assert cal.is_working_day(date(2026, 11, 25))  # a Wednesday
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday
    assert not cal.is_working_day(date(2026, 11, 29))  # Sunday
    assert cal.is_working_day(date(2024, 5, 4))  # Saturday made a working day (day off moved to 8 May 2024)
    assert not cal.is_working_day(date(2024, 5, 8))
    assert cal.is_working_day(date(2025, 1, 5))  # Sunday made a working day (day off moved to 3 Jan 2025)
    assert not cal.is_working_day(date(2025, 1, 3))
    assert cal.is_working_day(date(2024, 1, 8))  # Christmas on Sunday 7 Jan 2024 is not moved
    assert cal.is_working_day(date(2024, 6, 17))  # nor Kurban Ait on Sunday 16 Jun 2024
    assert cal.is_working_day(date(2027, 8, 30))  # Constitution Day is 15 March from 2027
    assert not cal.is_working_day(date(2027, 3, 15))


def test_dates_and_times_are_not_mixed(cal: Calendar) -> None:
    with pytest.raises(TypeError, match="registration_day"):
        cal.is_working_day(kz(2026, 11, 25))


# ---------------------------------------------------------------- arithmetic

def test_next_working_day(cal: Calendar) -> None:
    assert cal.next_working_day(date(2026, 11, 25)) == date(2026, 11, 26)  # Wed → Thu
    assert cal.next_working_day(date(2026, 11, 27)) == date(2026, 11, 30)  # Fri → Mon
    assert cal.next_working_day(date(2026, 3, 20)) == date(2026, 3, 26)  # Fri → [21–25 Mar Nauryz, weekend] → Thu
    assert cal.next_working_day(date(2024, 5, 3)) == date(2024, 5, 4)  # Fri → the working Saturday


def test_add_working_days_and_between(cal: Calendar) -> None:
    d = date(2026, 11, 25)
    assert cal.add_working_days(d, 0) == d
    assert cal.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)  # n = 0 is the day itself, whatever it is
    assert cal.add_working_days(d, 3) == date(2026, 11, 30)  # 26 Thu (1), 27 Fri (2), [28, 29], 30 Mon (3)
    with pytest.raises(ValueError, match="0 or more"):
        cal.add_working_days(d, -1)
    assert cal.working_days_between(d, d) == 0
    assert cal.working_days_between(d, date(2026, 11, 30)) == 3
    assert cal.working_days_between(date(2026, 11, 30), d) == -3
    assert cal.working_days_between(date(2026, 11, 27), date(2026, 11, 29)) == 0  # (Fri, Sun]: the weekend
    assert cal.working_days_between(date(2026, 11, 28), date(2026, 11, 30)) == 1  # (Sat, Mon]: Monday
    assert cal.working_days_between(date(2024, 12, 27), date(2025, 1, 22)) == 15


# ---------------------------------------------------------------- due dates (APPC Article 76)

@pytest.mark.parametrize(
    ("registered", "due"),
    [
        # New Year 2025 and the working Sunday: 30 Dec (1), 31 Dec (2), [1, 2 Jan New Year, 3 Jan transferred day off,
        # 4 Jan Sat], 5 Jan Sun made a working day (3), 6 Mon (4), [7 Tue Christmas], 8 (5), 9 (6), 10 (7),
        # 13–17 (8–12), 20 (13), 21 (14), 22 Wed (15).
        (date(2024, 12, 27), date(2025, 1, 22)),
        # New Year and Christmas 2026: [1, 2 Jan Thu, Fri; 3, 4 weekend], 5 Mon (1), 6 (2), [7 Wed Christmas],
        # 8 (3), 9 (4), 12–16 (5–9), 19–23 (10–14), 26 Mon (15).
        (date(2025, 12, 31), date(2026, 1, 26)),
        # Christmas on Sunday 7 Jan 2024, not moved: 4 Thu (1), 5 Fri (2), 8 Mon (3), 9–12 (4–7), 15–19 (8–12),
        # 22 (13), 23 (14), 24 Wed (15).
        (date(2024, 1, 3), date(2024, 1, 24)),
        # 8 March and Nauryz 2026 on weekends: [8 Mar Sun → 9 Mar Mon], 10–13 (1–4), 16–20 (5–9), [21 Sat, 22 Sun,
        # 23 Mon Nauryz; 24, 25 the days off of 21 and 22], 26 Thu (10), 27 (11), 30 (12), 31 (13), 1 Apr (14),
        # 2 Apr Thu (15).
        (date(2026, 3, 6), date(2026, 4, 2)),
        # 8 March 2025 on Saturday → 10 Mar; Nauryz 21 Fri, 22 Sat, 23 Sun → 24, 25 Mar: 11–14 (1–4), 17–20 (5–8),
        # [21–25], 26 Wed (9), 27 (10), 28 (11), 31 (12), 1 Apr (13), 2 (14), 3 Apr Thu (15).
        (date(2025, 3, 7), date(2025, 4, 3)),
        # Nauryz 2024, 23 Mar on Saturday → 25 Mar: [21 Thu, 22 Fri, 23 Sat, 24 Sun, 25 Mon], 26–29 (1–4),
        # 1–5 Apr (5–9), 8–12 (10–14), 15 Apr Mon (15).
        (date(2024, 3, 20), date(2024, 4, 15)),
        # May 2024 with the transfer of Sat 4 May to Wed 8 May: [1 Wed], 2 (1), 3 (2), 4 Sat working (3), [5 Sun],
        # 6 Mon (4), [7 Tue, 8 Wed, 9 Thu], 10 Fri (5), 13–17 (6–10), 20–24 (11–15) → 24 May.
        (date(2024, 4, 30), date(2024, 5, 24)),
        # May 2026: [1 May Fri], 4 (1), 5 (2), 6 (3), [7 Thu], 8 Fri (4), [9 Sat Victory Day → 11 Mon], 12–15 (5–8),
        # 18–22 (9–13), 25 (14), 26 Tue (15).
        (date(2026, 4, 30), date(2026, 5, 26)),
        # Kurban Ait 2026, Wed 27 May: 18–22 (1–5), 25 (6), 26 (7), [27], 28 (8), 29 (9), 1–5 Jun (10–14), 8 Jun (15).
        (date(2026, 5, 15), date(2026, 6, 8)),
        # Kurban Ait 2025, Fri 6 Jun: 5 Thu (1), [6], 9–13 (2–6), 16–20 (7–11), 23–26 (12–15) → Thu 26 Jun.
        (date(2025, 6, 4), date(2025, 6, 26)),
        # Kurban Ait 2024 on Sunday 16 Jun, not moved: 17–21 (1–5), 24–28 (6–10), 1–5 Jul (11–15) → Fri 5 Jul.
        (date(2024, 6, 14), date(2024, 7, 5)),
        # Capital Day 2024 on Saturday → Mon 8 Jul: 2–5 (1–4), [6, 7, 8], 9–12 (5–8), 15–19 (9–13), 22 (14), 23 (15).
        (date(2024, 7, 1), date(2024, 7, 23)),
        # Capital Day 2026 on Monday: [6 Jul], 7–10 (1–4), 13–17 (5–9), 20–24 (10–14), 27 Mon (15).
        (date(2026, 7, 3), date(2026, 7, 27)),
        # Constitution Day 2024 on Friday 30 Aug: [30], 2–6 Sep (1–5), 9–13 (6–10), 16–20 (11–15) → Fri 20 Sep.
        (date(2024, 8, 29), date(2024, 9, 20)),
        # Constitution Day 2025 on Saturday → Mon 1 Sep: [30, 31, 1 Sep], 2–5 (1–4), 8–12 (5–9), 15–19 (10–14),
        # 22 Sep Mon (15).
        (date(2025, 8, 29), date(2025, 9, 22)),
        # Republic Day 2024 on Friday 25 Oct: [25], 28 Oct–1 Nov (1–5), 4–8 (6–10), 11–15 (11–15) → Fri 15 Nov.
        (date(2024, 10, 24), date(2024, 11, 15)),
        # Republic Day 2025 on Saturday → Mon 27 Oct: [25, 26, 27], 28–31 (1–4), 3–7 Nov (5–9), 10–14 (10–14),
        # 17 Nov Mon (15).
        (date(2025, 10, 24), date(2025, 11, 17)),
        # Independence Day 2025, Tue 16 Dec, into New Year 2026: [16], 17–19 (1–3), 22–26 (4–8), 29–31 (9–11),
        # [1, 2 Jan], 5 (12), 6 (13), [7 Christmas], 8 (14), 9 Jan Fri (15).
        (date(2025, 12, 15), date(2026, 1, 9)),
        # 2027, Constitution Day on 15 March: [8 Mar Mon], 9–12 (1–4), [15 Mon], 16–19 (5–8), [21 Sun, 22, 23 Nauryz,
        # 24 Wed the day off of 21], 25 Thu (9), 26 (10), 29 (11), 30 (12), 31 (13), 1 Apr (14), 2 Apr Fri (15).
        (date(2027, 3, 5), date(2027, 4, 2)),
        # An ordinary April: 7–10 (1–4), 13–17 (5–9), 20–24 (10–14), 27 Apr Mon (15) (the example in the data file).
        (date(2026, 4, 6), date(2026, 4, 27)),
    ],
)
def test_due_date(cal: Calendar, registered: date, due: date) -> None:
    assert cal.is_working_day(registered)
    assert cal.due_date(registered) == due
    assert cal.is_working_day(due)
    assert cal.working_days_between(registered, due) == 15


def test_due_date_2026_constitution_day_as_the_package_has_it(cal: Calendar) -> None:
    # The package (≥ 0.101) holds no Constitution Day in 2026, so Monday 31 Aug 2026 counts: 31 Aug (1), 1–4 Sep
    # (2–5), 7–11 (6–10), 14–18 (11–15) → Fri 18 Sep. Calendars published early in 2026 had 31 Aug as a day off;
    # if a lawyer confirms it was, complaints/data/workdays.yaml gets the entry and this becomes 21 Sep
    # (see test_project_day_off_moves_the_due_date).
    assert cal.due_date(date(2026, 8, 28)) == date(2026, 9, 18)


def test_due_date_other_terms_and_non_working_registration(cal: Calendar) -> None:
    # Three working days (forwarding, telling of an extension): 26 Thu (1), 27 Fri (2), 30 Mon (3).
    assert cal.due_date(date(2026, 11, 25), days=3) == date(2026, 11, 30)
    # "Registered" on Saturday 28 Nov 2026: registration moves to Mon 30 Nov (APPC 64(3)); then 1–4 Dec (1–4),
    # 7–11 (5–9), 14, 15 (10, 11), [16 Wed Independence Day], 17 (12), 18 (13), 21 (14), 22 Tue (15).
    assert cal.due_date(date(2026, 11, 28)) == date(2026, 12, 22)
    assert cal.due_date(date(2026, 11, 30)) == date(2026, 12, 22)


# ---------------------------------------------------------------- registration (APPC Article 64(3))

@pytest.mark.parametrize(
    ("received", "registered"),
    [
        (kz(2026, 11, 25, 9, 0), date(2026, 11, 25)),  # Wed at opening
        (kz(2026, 11, 25, 8, 0), date(2026, 11, 25)),  # before opening: that day (not "after" working hours)
        (kz(2026, 11, 25, 0, 5), date(2026, 11, 25)),
        (kz(2026, 11, 25, 18, 29, 59), date(2026, 11, 25)),  # the last second of working hours
        (kz(2026, 11, 25, 18, 30), date(2026, 11, 26)),  # at closing: after hours → Thu
        (kz(2026, 11, 25, 23, 59), date(2026, 11, 26)),
        (kz(2026, 11, 27, 19, 0), date(2026, 11, 30)),  # Fri evening → Mon
        (kz(2026, 11, 28, 10, 0), date(2026, 11, 30)),  # Saturday → Mon
        (kz(2026, 11, 29, 8, 0), date(2026, 11, 30)),  # Sunday → Mon
        (kz(2026, 5, 1, 11, 0), date(2026, 5, 4)),  # on a holiday (Fri 1 May 2026) → Mon 4 May
        (kz(2026, 5, 6, 18, 30), date(2026, 5, 8)),  # the eve of a holiday after hours: [7 May] → Fri 8 May
        (kz(2024, 5, 4, 10, 0), date(2024, 5, 4)),  # the working Saturday of 2024
        (kz(2025, 1, 4, 10, 0), date(2025, 1, 5)),  # Saturday 4 Jan 2025 → the working Sunday 5 Jan
    ],
)
def test_registration_day(cal: Calendar, received: datetime, registered: date) -> None:
    assert cal.registration_day(received) == registered


def test_registration_across_the_2024_time_zone_change(cal: Calendar) -> None:
    # 29 Feb 2024 at 18:00 UTC+6 (Kazakhstan's offset that day): within working hours → that Thursday.
    assert cal.registration_day(datetime(2024, 2, 29, 18, 0, tzinfo=UTC6)) == date(2024, 2, 29)
    # 29 Feb 2024 at 12:45 UTC is 18:45 in Kazakhstan (UTC+6 until 1 March): after hours → Fri 1 Mar.
    # (Read with the later UTC+5 it would be 17:45, wrongly the same day.)
    assert cal.registration_day(datetime(2024, 2, 29, 12, 45, tzinfo=UTC)) == date(2024, 3, 1)
    assert kz(2024, 2, 29, 18, 0).utcoffset() == timedelta(hours=6)
    # 1 Mar 2024 at 18:15 UTC+5 (the new offset): within hours → that Friday; the same instant given in UTC too.
    assert cal.registration_day(datetime(2024, 3, 1, 18, 15, tzinfo=UTC5)) == date(2024, 3, 1)
    assert cal.registration_day(datetime(2024, 3, 1, 13, 15, tzinfo=UTC)) == date(2024, 3, 1)
    assert cal.registration_day(kz(2024, 3, 1, 18, 15)) == date(2024, 3, 1)
    assert kz(2024, 3, 1, 18, 15).utcoffset() == timedelta(hours=5)
    # (Read with the old UTC+6, 13:15 UTC would be 19:15, after hours: Mon 4 Mar.)
    # A moment in another zone entirely: 23:30 UTC on Wed 25 Nov 2026 is 04:30 on Thu 26 Nov in Kazakhstan.
    assert cal.registration_day(datetime(2026, 11, 25, 23, 30, tzinfo=UTC)) == date(2026, 11, 26)
    # Due dates: from Thu 29 Feb 2024: 1 Mar (1), 4–7 (2–5), [8 Mar], 11–15 (6–10), 18–20 (11–13),
    # [21, 22 Nauryz, 23 Sat, 24 Sun, 25 Mon the day off of 23], 26 (14), 27 Mar Wed (15).
    assert cal.due_date(date(2024, 2, 29)) == date(2024, 3, 27)
    # From Fri 1 Mar 2024: 4–7 (1–4), [8], 11–15 (5–9), 18–20 (10–12), [21–25], 26 (13), 27 (14), 28 Mar Thu (15).
    assert cal.due_date(date(2024, 3, 1)) == date(2024, 3, 28)


def test_naive_datetime_is_refused(cal: Calendar) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        cal.registration_day(datetime(2026, 11, 25, 12, 0))
    with pytest.raises(TypeError, match="time zone"):
        cal.registration_day(date(2026, 11, 25))  # type: ignore[arg-type]


def test_working_hours_can_be_set(cal: Calendar) -> None:
    assert cal.working_hours == DEFAULT_HOURS == (time(9, 0), time(18, 30))
    early = calendar(working_hours=(time(9, 0), time(18, 0)))
    assert early.registration_day(kz(2026, 11, 25, 18, 15)) == date(2026, 11, 26)
    assert cal.registration_day(kz(2026, 11, 25, 18, 15)) == date(2026, 11, 25)
    with pytest.raises(ValueError, match="before end"):
        calendar(working_hours=(time(18, 0), time(9, 0)))


# ---------------------------------------------------------------- the data files

def test_shipped_data_file_reads() -> None:
    data = read_workdays(REPO / "complaints" / "data" / "workdays.yaml")
    assert data.format == 1
    assert data.working_hours is not None
    assert (data.working_hours.start, data.working_hours.end) == DEFAULT_HOURS
    package = holidays.country_holidays("KZ")
    for e in data.days_off:  # each entry corrects the package, else it is not needed
        assert package.is_working_day(e.date), f"{e.date} is already a day off in the holidays package"
    for e in data.working_days:
        assert not package.is_working_day(e.date), f"{e.date} is already a working day in the holidays package"


def test_calendar_is_cached() -> None:
    assert calendar() is calendar()


def test_project_day_off_moves_the_due_date(tmp_path: Path, cal: Calendar) -> None:
    extra = write_yaml(tmp_path / "workdays.yaml", {"format": 1, "days_off": [entry("2026-08-31")]})
    project = calendar(extra)
    assert not project.is_working_day(date(2026, 8, 31))
    # [31 Aug], 1–4 Sep (1–4), 7–11 (5–9), 14–18 (10–14), 21 Sep Mon (15); without the entry, Fri 18 Sep.
    assert project.due_date(date(2026, 8, 28)) == date(2026, 9, 21)
    assert cal.due_date(date(2026, 8, 28)) == date(2026, 9, 18)
    assert project.registration_day(kz(2026, 8, 28, 18, 45)) == date(2026, 9, 1)
    assert calendar(extra) is project


def test_project_working_day_and_hours(tmp_path: Path) -> None:
    extra = write_yaml(tmp_path / "workdays.yaml", {
        "format": 1,
        "working_hours": {"start": "09:00", "end": "18:00"},
        "working_days": [entry("2026-08-29", name="A Saturday worked (test)")],
    })
    project = calendar(extra)
    assert project.is_working_day(date(2026, 8, 29))
    # 29 Sat (1), 31 (2), 1–4 Sep (3–6), 7–11 (7–11), 14–17 (12–15) → Thu 17 Sep.
    assert project.due_date(date(2026, 8, 28)) == date(2026, 9, 17)
    assert project.working_hours == (time(9, 0), time(18, 0))
    assert project.registration_day(kz(2026, 11, 25, 18, 15)) == date(2026, 11, 26)
    # The keyword wins over both files.
    assert calendar(extra, working_hours=DEFAULT_HOURS).registration_day(kz(2026, 11, 25, 18, 15)) == date(2026, 11, 25)


def test_project_file_overrides_a_package_holiday_and_is_reread(tmp_path: Path) -> None:
    path = tmp_path / "workdays.yaml"
    write_yaml(path, {"format": 1, "working_days": [entry("2026-05-27", name="Kurban Ait moved (test)")]})
    assert calendar(path).is_working_day(date(2026, 5, 27))
    write_yaml(path, {"format": 1, "days_off": [entry("2026-05-28", name="Kurban Ait on another day (test)")],
                      "working_days": [entry("2026-05-27", name="Kurban Ait moved (test)")]})
    edited = calendar(path)
    assert edited.is_working_day(date(2026, 5, 27)) and not edited.is_working_day(date(2026, 5, 28))


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ({"format": 1, "days_off": [entry("2026-02-30")]}, "days_off[0].date", "not a real date"),
        ({"format": 1, "days_off": [entry("2026-08-31", source="adilet.zan.kz")]}, "days_off[0].source",
         "not a web address"),
        ({"format": 1, "working_days": [{"date": "2026-08-29", "name": "x", "checked": "2026-11-25"}]},
         "working_days[0].source", "missing"),
        ({"format": 1, "days_off": [entry("2026-08-31", dat="x")]}, "days_off[0].dat", "unknown field"),
        ({"format": 1, "working_hours": {"start": "9am", "end": "18:30"}}, "working_hours.start",
         "not a time of day"),
        ({"format": 1, "working_hours": {"start": "18:30", "end": "09:00"}}, "working_hours", "before end"),
        ({"format": 2}, "format", "format 2 is not known"),
        ({"format": 1, "days_off": [entry("2026-08-31")], "working_days": [entry("2026-08-31")]},
         "working_days[0].date", "already listed as days_off[0]"),
    ],
)
def test_bad_project_file_names_file_and_field(tmp_path: Path, content: dict[str, Any], where: str,
                                               message: str) -> None:
    path = write_yaml(tmp_path / "workdays.yaml", content)
    with pytest.raises(DataError) as caught:
        calendar(path)
    text = str(caught.value)
    assert str(path.resolve()) in text
    assert f"{where}: " in text
    assert message in text


def test_missing_or_empty_project_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read the file"):
        calendar(tmp_path / "nowhere.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="empty.yaml:1:1: error: the file is empty"):
        calendar(empty)
