"""What the advocate gets: the text read back out of the rendered .docx letters."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, docx_paragraphs, docx_text, write_yaml
from docx.shared import Mm, Pt

import complaints
from complaints.layout import templates_dir

LANGS = ("kk", "ru", "en")


def render(folder: Path, data: dict, lang: str, *, project: dict | None = None) -> str:
    """Write `data` as a case in `folder`, render the `lang` letter, return its text."""
    if project is not None:
        write_yaml(folder / "complaints.yaml", project)
    path = write_yaml(folder / f"{data['id']}.yaml", data)
    case = complaints.load_case(path, letter_date=LETTER_DATE)
    context = complaints.letter_context(case, lang, letter_date=LETTER_DATE)
    return docx_text(complaints.render_docx(context, templates_dir() / lang / "letter.docx"))


def quote_in(paragraphs: list[str], lines: list[str]) -> bool:
    """True when `lines` stand in the letter as consecutive paragraphs, character for character."""
    n = len(lines)
    return any(paragraphs[i:i + n] == lines for i in range(len(paragraphs) - n + 1))


# ------------------------------------------------------------------ the example cases

def test_examples_render_six_letters_naming_ministry_and_article_174(tmp_path: Path) -> None:
    result = complaints.render_batch([complaints.templates_dir().parent / "cases"], out=tmp_path / "out",
                                     letter_date=LETTER_DATE)
    assert result.exit_code == 0
    files = sorted((tmp_path / "out").glob("*/*.docx"))
    assert len(files) == 6
    expected_names = {lang: complaints.authorities()["mki-rk"].name[lang] for lang in LANGS}
    for file in files:
        lang = file.name.split(".")[-2]
        text = docx_text(file)
        assert expected_names[lang] in text, (file.name, "names the ministry")
        assert {"kk": "174-бабының («", "ru": "часть 1 статьи 174 («", "en": "part 1 of Article 174 (“"}[lang] in text


def test_nurkz_example_dates_and_offsets_in_three_languages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    complaints.render_batch([templates_dir().parent / "cases"], out=out, letter_date=LETTER_DATE)
    base = out / "nurkz-2023-10-06-kazakh-language" / "nurkz-2023-10-06-kazakh-language"
    kk, ru, en = (docx_text(Path(f"{base}.{lang}.docx")) for lang in LANGS)
    assert "2023 жылғы 6 қазанда Қазақстан уақытымен сағат 22:53-те (UTC+6)" in kk
    assert "6 октября 2023 года в 22:53 по казахстанскому времени (UTC+6)" in ru
    assert "6 October 2023 at 22:53 Kazakhstan time (UTC+6)" in en
    assert "2026 жылғы 25 қараша" in kk and "25 ноября 2026 года" in ru and "25 November 2026" in en
    original = "Не хватает слов в казахском языке, чтобы переводить человеческие языки?"
    for text in (kk, ru, en):
        assert original in text


# ------------------------------------------------------------------ quoting exactly

NASTY = (
    "Tom & Jerry <b>bold</b> \"quoted\" 'single' {{ applicant.iin }} {% if true %}x{% endif %} {# c #}\n"
    "   leading spaces kept, Kazakh әғқңөұүһі ӘҒҚҢӨҰҮҺІ, emoji 😡🇰🇿\n"
    "\n"
    "right-to-left: مرحبا بالعالم ]]> &amp; &lt;\n"
    "docxtpl's own escapes stay as written: {_{ a }_} {_% b %_} snake_case"
)


@pytest.mark.parametrize("lang", LANGS)
def test_comment_with_xml_and_template_characters_is_quoted_verbatim(project_dir: Path, lang: str) -> None:
    data = case_data(**{"comment.text": NASTY, "comment.author": "A&B <x> {{ y }}",
                        "article.title": "Title {% raw %} & <tag>"})
    text = render(project_dir, data, lang)
    paragraphs = text.split("\n")
    assert quote_in(paragraphs, NASTY.split("\n"))
    assert "A&B <x> {{ y }}" in text
    assert "Title {% raw %} & <tag>" in text
    assert "900101300126" in text  # the real IIN, in its own line; the {{ applicant.iin }} above stays literal
    assert text.count("900101300126") == 1


def test_translation_lines_are_quoted_verbatim(project_dir: Path) -> None:
    translation = "Line one & <two>\nLine {{ three }}"
    data = case_data(**{"comment.translations": {"en": translation}})
    paragraphs = render(project_dir, data, "en").split("\n")
    assert quote_in(paragraphs, translation.split("\n"))


def test_letter_context_carries_the_quote_unchanged(project_dir: Path) -> None:
    path = write_yaml(project_dir / "c.yaml", case_data(**{"comment.text": NASTY + "\n"}))
    case = complaints.load_case(path, letter_date=LETTER_DATE)
    context = complaints.letter_context(case, "ru", letter_date=LETTER_DATE)
    assert context["comments"][0]["quote"] == NASTY.split("\n")


# ------------------------------------------------------------------ time zones and dates

@pytest.mark.parametrize(
    ("posted", "clock", "offset"),
    [
        ("2023-10-06T22:53", "22:53", "UTC+6"),
        ("2024-06-01T12:00", "12:00", "UTC+5"),
        ("2024-02-29T22:59", "22:59", "UTC+6"),
        ("2024-03-01T00:30", "00:30", "UTC+5"),
        ("2024-06-01T07:00Z", "12:00", "UTC+5"),
        ("2023-10-06T16:53:00+00:00", "22:53", "UTC+6"),
        ("2024-06-01T10:00+03:00", "12:00", "UTC+5"),
    ],
)
def test_times_are_kazakhstan_time_with_the_offset_then_in_force(project_dir: Path, posted: str, clock: str,
                                                                 offset: str) -> None:
    data = case_data(**{"comment.posted": posted})
    for lang in LANGS:
        text = render(project_dir, data, lang)
        assert f"{clock}" in text and f"({offset})" in text, (lang, posted)


def test_offset_moves_the_date_across_midnight(project_dir: Path) -> None:
    # 20:30 UTC on 5 October 2023 is 02:30 on 6 October in Kazakhstan (UTC+6)
    text = render(project_dir, case_data(**{"comment.posted": "2023-10-05T20:30Z"}), "en")
    assert "posted on 6 October 2023 at 02:30 Kazakhstan time (UTC+6)" in text


def test_date_only_gives_no_time(project_dir: Path) -> None:
    data = case_data(**{"comment.posted": "2018-07-12", "article.published": None})  # no article date after it
    assert "posted on 12 July 2018; the website does not show the time" in render(project_dir, data, "en")
    assert "Комментарий размещён 12 июля 2018 года; время размещения" in render(project_dir, data, "ru")
    kk = render(project_dir, data, "kk")
    assert "Пікір 2018 жылғы 12 шілдеде орналастырылған" in kk
    assert "UTC" not in kk.split("Пікір 2018")[1].split("\n")[0]


def test_absent_posting_date_is_bounded_by_the_article(project_dir: Path) -> None:
    data = case_data(**{"comment.posted": None})
    en = render(project_dir, data, "en")
    assert "does not show the date on which the comment was posted" in en
    assert "no earlier than 6 October 2023" in en


@pytest.mark.parametrize(
    ("month", "kk_locative"),
    [(1, "қаңтарда"), (2, "ақпанда"), (3, "наурызда"), (4, "сәуірде"), (5, "мамырда"), (6, "маусымда"),
     (7, "шілдеде"), (8, "тамызда"), (9, "қыркүйекте"), (10, "қазанда"), (11, "қарашада"), (12, "желтоқсанда")],
)
def test_kazakh_month_endings(project_dir: Path, month: int, kk_locative: str) -> None:
    data = case_data(**{"comment.posted": f"2025-{month:02d}-15"})
    assert f"2025 жылғы 15 {kk_locative}" in render(project_dir, data, "kk")


@pytest.mark.parametrize(("clock", "ending"), [("22:53", "22:53-те"), ("10:00", "10:00-да"), ("10:02", "10:02-де"),
                                               ("09:40", "09:40-та"), ("00:00", "00:00-де"), ("12:06", "12:06-да")])
def test_kazakh_time_endings(project_dir: Path, clock: str, ending: str) -> None:
    data = case_data(**{"comment.posted": f"2025-05-15T{clock}"})
    assert f"сағат {ending}" in render(project_dir, data, "kk")


# ------------------------------------------------------------------ every field that reaches the letter

FIELD_CASES = [
    ("outlet.name", "Zonakz.net", "Zonakz.net"),
    ("outlet.url", "https://zonakz.net/", "https://zonakz.net/"),
    ("outlet.owner", "ТОО «Пример Медиа»", "ТОО «Пример Медиа»"),
    ("outlet.registration", {"kind": "лицензия", "number": "KZ-777", "issued": "2015-01-02"}, "KZ-777"),
    ("article.title", "Совсем другой заголовок", "Совсем другой заголовок"),
    ("article.url", "https://example.kz/other/", "https://example.kz/other/"),
    ("article.published", "2023-09-30", "30 September 2023"),
    ("comment.author", "Slava Voznyak", "Slava Voznyak"),
    ("comment.posted", "2024-02-03T04:05", "3 February 2024 at 04:05"),  # after the article (2023-10-06)
    ("comment.url", "https://www.nur.kz/a/#comment-9", "https://www.nur.kz/a/#comment-9"),
    ("comment.text", "Совершенно иной текст", "Совершенно иной текст"),
    ("comment.translations", {"en": "A different translation"}, "A different translation"),
    ("comment.still_online", "2026-11-20T10:00+05:00", "As of 20 November 2026, 10:00 (UTC+5)"),
    ("legal_basis.norms", ["criminal-code-174-1", "online-platforms-2023-art-9-4"], "Article 9(4)"),
    ("legal_basis.norms", [{"citation": "Article 99 of an inline law", "text": "The inline text."}],
     "Article 99 of an inline law: “The inline text”."),
    ("legal_basis.licence_clause", {"reference": "clause 7.1 of the terms", "text": "No hate."},
     "clause 7.1 of the terms, “No hate”."),
    ("evidence", [{"url": "https://web.archive.org/x", "description": "Archived page", "taken": "2026-11-20"}],
     "Archived page: https://web.archive.org/x; saved on 20 November 2026."),
    ("requests", ["reply_in_writing"], "1) inform me in writing"),
    ("title", "A label for people only", None),
]


@pytest.mark.parametrize(("field", "value", "expected"), FIELD_CASES)
def test_each_case_field_reaches_the_letter(project_dir: Path, field: str, value: object,
                                            expected: str | None) -> None:
    text = render(project_dir, case_data(**{field: value}), "en")
    if expected is None:
        assert str(value) not in text  # labels and x- notes are never rendered
    else:
        assert expected in text


def test_requests_keep_their_order_and_numbering(project_dir: Path) -> None:
    data = case_data(requests=["refer_to_police", "assess"])
    text = render(project_dir, data, "ru")
    assert "1) при выявлении признаков уголовного правонарушения направить материалы в органы внутренних дел" in text
    assert "2) рассмотреть указанный комментарий" in text
    assert "прошу" in text and "3)" not in text.split("прошу:")[1].split("Срок")[0]


def test_evidence_file_is_listed_with_size_and_sha256(project_dir: Path) -> None:
    evidence = project_dir / "evidence" / "shot.png"
    evidence.parent.mkdir()
    evidence.write_bytes(b"\x89PNG fake screenshot bytes" * 100)
    import hashlib

    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    data = case_data(evidence=[{"file": "evidence/shot.png", "description": {"kk": "Скриншот", "ru": "Снимок",
                                                                              "en": "Screenshot"},
                                "taken": "2026-11-20T10:02+05:00"}])
    en = render(project_dir, data, "en")
    assert f"Screenshot: file shot.png, 2,600 bytes, SHA-256: {digest}; captured on 20 November 2026 at 10:02 (UTC+5)." in en
    assert f"2\u00a0600 байт, SHA-256: {digest}" in render(project_dir, data, "ru")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", {"kk": "Әлия", "ru": "Алия", "en": "Aliya"}, "Applicant: Aliya"),
        ("address", "Somewhere 5, Almaty", "Address: Somewhere 5, Almaty"),
        ("phone", "+7 777 123 45 67", "Telephone: +7 777 123 45 67"),
        ("email", "someone@example.kz", "E-mail: someone@example.kz"),
        ("iin", "000000000000", "IIN: 000000000000"),
    ],
)
def test_each_applicant_field_reaches_the_letter(project_dir: Path, field: str, value: object, expected: str) -> None:
    project = {**PROJECT, "applicant": {**PROJECT["applicant"], field: value}}
    assert expected in render(project_dir, case_data(), "en", project=project)


def test_organisation_applicant_signs_through_its_signatory(project_dir: Path) -> None:
    project = {**PROJECT, "applicant": {
        "kind": "organisation", "name": "Public Foundation Til", "bin": "123456789013",
        "address": "Astana", "signatory": {"name": "Aigerim Bekova", "position": "Chair"}}}
    text = render(project_dir, case_data(), "en", project=project)
    assert "BIN: 123456789013" in text
    assert "we, Public Foundation Til, hereby submit" in text
    assert "we respectfully request" in text
    assert "Chair" in text and "Aigerim Bekova" in text
    assert "IIN" not in text


def test_authority_override_changes_the_addressee(project_dir: Path) -> None:
    project = {**PROJECT, "authority": {"base": "mki-rk", "addressee": {"en": ["The Minister", "Somebody New"]}}}
    text = render(project_dir, case_data(), "en", project=project)
    assert "Somebody New" in text and "Aida Balayeva" not in text


def test_missing_translation_is_said_not_invented(project_dir: Path) -> None:
    data = case_data(**{"comment.translations": {}})
    en = render(project_dir, data, "en")
    assert "I have not supplied an English translation" in en
    assert "English translation of the comment:" not in en
    ru = render(project_dir, data, "ru")
    assert "Перевод комментария" not in ru  # the original is Russian: nothing to translate


def test_reply_term_cites_article_76(project_dir: Path) -> None:
    text = {lang: render(project_dir, case_data(), lang) for lang in LANGS}
    assert "15 working days" in text["en"] and "Article 76" in text["en"]
    assert "15 рабочих дней" in text["ru"] and "статья 76" in text["ru"]
    assert "15 жұмыс күні" in text["kk"] and "76-бабы" in text["kk"]


def test_norm_text_is_quoted_only_where_the_catalogue_has_it(project_dir: Path) -> None:
    text = render(project_dir, case_data(), "ru")
    norm = complaints.norm("criminal-code-174-1")
    assert norm.text is None  # unconfirmed wording is never quoted
    assert "часть 1 статьи 174 («Возбуждение социальной, национальной, родовой, расовой, сословной или религиозной " \
           "розни») Уголовного кодекса Республики Казахстан" in text


# ------------------------------------------------------------------ the page

@pytest.mark.parametrize("lang", LANGS)
def test_templates_are_a4_times_new_roman_14(lang: str) -> None:
    from docx import Document

    doc = Document(str(templates_dir() / lang / "letter.docx"))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.left_margin - Mm(30)) < Mm(1) and abs(section.right_margin - Mm(10)) < Mm(1)
    assert abs(section.top_margin - Mm(20)) < Mm(1) and abs(section.bottom_margin - Mm(20)) < Mm(1)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)


def test_a_template_with_an_unknown_variable_is_an_error_not_a_blank(project_dir: Path, tmp_path: Path) -> None:
    from docx import Document
    from docxtpl import DocxTemplate  # noqa: F401  (the real library renders the broken template)

    custom = tmp_path / "templates"
    shutil.copytree(templates_dir(), custom)
    doc = Document(str(custom / "en" / "letter.docx"))
    doc.add_paragraph("{{ no_such_value }}")
    doc.save(str(custom / "en" / "letter.docx"))
    write_yaml(project_dir / "c.yaml", case_data())
    result = complaints.render_batch([project_dir], out=tmp_path / "out", languages=["en"], templates=custom,
                                     letter_date=LETTER_DATE)
    assert result.exit_code == 1
    assert "no_such_value" in result.failures[0].errors[0]
    assert not list((tmp_path / "out").glob("*/*.docx"))


def test_paragraphs_hold_no_leftover_template_tags(tmp_path: Path) -> None:
    complaints.render_batch([templates_dir().parent / "cases"], out=tmp_path / "out", letter_date=LETTER_DATE)
    for file in (tmp_path / "out").glob("*/*.docx"):
        for paragraph in docx_paragraphs(file):
            assert "{{" not in paragraph and "{%" not in paragraph, (file.name, paragraph)
