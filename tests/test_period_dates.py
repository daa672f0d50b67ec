"""A period's dates as "from …" and "until …" take them (letter/phrases.py): Kazakh case endings from the phrases'
grammar tables; and a case file's date as a person types it (case/write.py)."""

from __future__ import annotations

from datetime import date

from complaints.case.write import date_as_typed
from complaints.letter.phrases import phrases


def test_kazakh_periods_take_the_ablative_and_the_dative() -> None:
    kk = phrases("kk")
    assert kk.date_from(date(2015, 1, 1)) == "2015 жылғы 1 қаңтардан"
    assert kk.date_from(date(1999, 7, 23)) == "1999 жылғы 23 шілдеден"
    assert kk.date_to(date(2024, 8, 18)) == "2024 жылғы 18 тамызға"
    assert [kk.date_to(date(2020, m, 1)).split()[-1] for m in (4, 9)] == ["сәуірге", "қыркүйекке"]


def test_russian_and_english_periods_are_the_plain_date() -> None:
    assert phrases("ru").date_from(date(2015, 1, 1)) == "1 января 2015 года"
    assert phrases("en").date_to(date(2024, 8, 18)) == "18 August 2024"


def test_a_date_is_shown_as_typed_only_where_it_reads_back_the_same() -> None:
    assert date_as_typed("comment.posted", "2023-10-06T22:53") == "06.10.2023 22:53"
    assert date_as_typed("article.published", "2023-10-06") == "06.10.2023"
    assert date_as_typed("comment.still_online", "2026-11-20T10:00+05:00") == "2026-11-20T10:00+05:00"
    assert date_as_typed("comment.posted", "2023-10-06T22:53:10") == "2023-10-06T22:53:10"
    assert date_as_typed("comment.author", "2023-10-06") == "2023-10-06"
    assert date_as_typed("comment.posted", "not a date") == "not a date"
