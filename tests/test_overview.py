"""The cases at a glance (review/overview.py): each status from the case file, check, the letters and the register;
search and sort."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import LETTER_DATE, write_yaml
from test_check import clean_case, clean_project, edited

from complaints.batch.run import render_batch
from complaints.register.filings import record_filing, record_reply
from complaints.review.overview import STATUSES, overview, search, sort_rows


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the clean project and case (nothing for check to list), the working folder set to it."""
    root = tmp_path / "project"
    write_yaml(root / "complaints.yaml", clean_project())
    write_yaml(root / "nurkz-clean.yaml", clean_case())
    (root / "evidence").mkdir()
    (root / "evidence" / "shot.png").write_bytes(b"\x89PNG screenshot")
    monkeypatch.chdir(root)
    return root


def _render(root: Path) -> None:
    result = render_batch([root], out=root / "letters", letter_date=LETTER_DATE, workers=1)
    assert not result.failed, result


def _status(root: Path, **options: object) -> str:
    (row,) = overview(root, letter_date=LETTER_DATE, **options)  # type: ignore[arg-type]
    return row.status


def _file(root: Path) -> None:
    record_filing(root / "nurkz-clean.yaml", lang="ru", on="2026-11-26T10:00", channel="eotinish",
                  letters=root / "letters", db=root / "complaints.db")


def test_a_clean_case_without_letters_is_a_draft(folder: Path) -> None:
    (row,) = overview(folder, letter_date=LETTER_DATE)
    assert row.status == "draft" and row.problems == [] and row.letters == ()
    assert (row.case_id, row.outlet, row.language, row.relative) == ("nurkz-clean", "Nur.kz", "ru", "nurkz-clean.yaml")
    assert row.posted_text == "2023-10-06 22:53, UTC+6"  # Kazakhstan time then, as the letters give it
    assert not (folder / "complaints.db").exists()  # looking does not make a register


def test_a_clean_case_with_its_letters_is_ready(folder: Path) -> None:
    _render(folder)
    (row,) = overview(folder, letter_date=LETTER_DATE)
    assert row.status == "ready" and row.letters == ("kk", "ru", "en")


def test_letters_of_an_older_version_of_the_case_make_it_a_draft_again(folder: Path) -> None:
    _render(folder)
    write_yaml(folder / "nurkz-clean.yaml", edited(clean_case(), **{"comment.author": "Другой автор"}))
    (row,) = overview(folder, letter_date=LETTER_DATE)
    assert row.status == "draft"
    assert "older version of this case file" in row.problems[0].message


def test_a_letter_language_not_rendered_makes_it_a_draft(folder: Path) -> None:
    render_batch([folder], out=folder / "letters", letter_date=LETTER_DATE, workers=1, languages=["ru"])
    (row,) = overview(folder, letter_date=LETTER_DATE)
    assert row.status == "draft" and row.letters == ("ru",)


def test_a_case_that_does_not_load_needs_attention_with_its_first_problem(folder: Path) -> None:
    (folder / "broken.yaml").write_text("format: 1\nid: broken-case\noutlet: {name: Tengri}\n", encoding="utf-8")
    rows = {r.case_id: r for r in overview(folder, letter_date=LETTER_DATE)}
    broken = rows["broken-case"]
    assert broken.status == "attention" and broken.outlet == "Tengri"
    assert broken.reason is not None and broken.reason.is_error
    assert rows["nurkz-clean"].status == "draft"


def test_a_file_that_is_not_even_yaml_is_listed_by_its_name(folder: Path) -> None:
    (folder / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    rows = {r.case_id: r for r in overview(folder, letter_date=LETTER_DATE)}
    assert rows["bad"].status == "attention" and rows["bad"].reason is not None


def test_a_warning_needs_attention(folder: Path) -> None:
    write_yaml(folder / "nurkz-clean.yaml", edited(clean_case(), **{"comment.posted": None}))
    (row,) = overview(folder, letter_date=LETTER_DATE)
    assert row.status == "attention" and row.reason is not None and "posted" in row.reason.message


def test_a_finding_of_check_needs_attention_even_with_letters(folder: Path) -> None:
    write_yaml(folder / "complaints.yaml", edited(clean_project(), **{"applicant.email": "me@example.org"}))
    _render(folder)
    (row,) = overview(folder, letter_date=LETTER_DATE)
    assert row.status == "attention" and "example.org" in row.problems[0].message


def test_a_filed_letter_is_filed_and_then_overdue_after_its_term(folder: Path) -> None:
    _render(folder)
    _file(folder)
    assert _status(folder, today=date(2026, 11, 30)) == "filed"
    assert _status(folder, today=date(2027, 3, 1)) == "overdue"


def test_a_filed_case_edited_since_stays_filed(folder: Path) -> None:
    _render(folder)
    _file(folder)
    write_yaml(folder / "nurkz-clean.yaml", edited(clean_case(), **{"comment.posted": None}))
    assert _status(folder, today=date(2026, 11, 30)) == "filed"


def test_a_filing_with_its_reply_is_answered(folder: Path) -> None:
    _render(folder)
    _file(folder)
    record_reply("nurkz-clean", on="2026-11-30", outcome="answered", db=folder / "complaints.db")
    assert _status(folder, today=date(2026, 12, 1)) == "answered"
    assert _status(folder, today=date(2027, 3, 1)) == "answered"  # a reply is never overdue


def test_every_status_is_named() -> None:
    assert STATUSES == ("draft", "attention", "ready", "filed", "answered", "overdue")


def test_search_finds_words_in_id_outlet_author_and_text(folder: Path) -> None:
    write_yaml(folder / "other.yaml", edited(clean_case(), id="tengri-other", **{
        "outlet.name": "Tengrinews", "comment.author": "Ерлан", "comment.text": "Совсем другой текст"}))
    rows = overview(folder, letter_date=LETTER_DATE)
    assert [r.case_id for r in search(rows, "tengri")] == ["tengri-other"]
    assert [r.case_id for r in search(rows, "ЕРЛАН")] == ["tengri-other"]
    assert [r.case_id for r in search(rows, "казахском языке")] == ["nurkz-clean"]
    assert [r.case_id for r in search(rows, "nur.kz zapad")] == ["nurkz-clean"]
    assert len(search(rows, "")) == 2 and search(rows, "nothing-like-it") == []


def test_sort_by_posted_either_way_with_undated_last(folder: Path) -> None:
    write_yaml(folder / "b.yaml", edited(clean_case(), id="b-later", **{"comment.posted": "2024-01-02T10:00"}))
    write_yaml(folder / "c.yaml", edited(clean_case(), id="c-undated", **{"comment.posted": None}))
    rows = overview(folder, letter_date=LETTER_DATE)
    assert [r.case_id for r in sort_rows(rows, "posted")] == ["nurkz-clean", "b-later", "c-undated"]
    assert [r.case_id for r in sort_rows(rows, "posted", descending=True)] == ["b-later", "nurkz-clean", "c-undated"]
    assert [r.case_id for r in sort_rows(rows, "status")][0] in ("nurkz-clean", "b-later")  # drafts before attention
    assert [r.case_id for r in sort_rows(rows, "id", descending=True)] == ["nurkz-clean", "c-undated", "b-later"]


def test_the_case_title_is_listed_and_searched(folder: Path) -> None:
    write_yaml(folder / "other.yaml", edited(clean_case(), id="tengri-other", title="Язык вражды под статьёй о кино"))
    rows = {r.case_id: r for r in overview(folder, letter_date=LETTER_DATE)}
    assert rows["tengri-other"].title == "Язык вражды под статьёй о кино" and rows["nurkz-clean"].title == ""
    assert [r.case_id for r in search(list(rows.values()), "вражды кино")] == ["tengri-other"]


def test_a_case_with_no_evidence_needs_attention(folder: Path) -> None:
    write_yaml(folder / "nurkz-clean.yaml", edited(clean_case(), evidence=None))
    (row,) = overview(folder, letter_date=LETTER_DATE)
    assert row.status == "attention"
    assert row.reason is not None and "gives no evidence" in row.reason.message and row.reason.field == "evidence"
