"""Verbatim or refused (issue 12, "What to build" 1): a text the letter quotes is read exactly as written, or
`validate` refuses the file at the place YAML would change it, saying how to write it (a `|` block); YAML's own
syntax errors are said in plain words at the line of the mistake. Files the tool writes (`new`, `import`) and
files PyYAML writes at its default width (which folds long lines) are never refused for it."""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import PROJECT, case_data, docx_paragraphs, write_yaml
from typer.testing import CliRunner

from complaints.case.read import load_case
from complaints.cli import app

runner = CliRunner()
DATE = "2026-11-25"

CASE = """\
format: 1
id: test-case
outlet:
  name: Nur.kz
  url: https://www.nur.kz
article:
  title: "Заголовок статьи"
  url: https://www.nur.kz/a/
  published: 2023-10-06
comment:
  author: ZapadNamNePomozhet
  posted: 2023-10-06T22:53
  language: ru
  text: "Не хватает слов в казахском языке?"
  translations:
    en: "Not enough words in Kazakh?"
    kk: "Қазақ тілінде сөз жетпей ме?"
legal_basis:
  norms:
    - criminal-code-174-1
"""
TEXT_LINE = 14  # `  text: …`
AUTHOR_LINE = 11


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def project(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    (folder / "c.yaml").write_text(text, encoding="utf-8")
    return folder


def replaced(line: int, new: str, text: str = CASE) -> str:
    lines = text.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


def validate(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    """`complaints validate` on a case of this text: its exit status and its error lines, each without the path."""
    folder = project(tmp_path, text)
    result = run("validate", folder, "--date", DATE)
    shown = str(folder / "c.yaml") + ":"
    errors = [line[len(shown):] for line in result.output.splitlines() if line.startswith(shown) and ": error: " in line]
    return result.exit_code, errors


# ------------------------------------------------------------------ what YAML would change: refused at its place

REFUSED = [
    # (the line(s) in place of line 14, line, column, field, words of the message)
    pytest.param("  text: Уезжайте отсюда #казахстандляказахов и точка", 14, 25, "comment.text",
                 ["YAML reads ' #' and what follows as a comment", "`  text: |` then",
                  "Уезжайте отсюда #казахстандляказахов и точка"], id="hashtag"),
    pytest.param("  text: Уезжайте отсюда\t#казахстандляказахов", 14, 25, "comment.text",
                 ["the text stops before '#казахстандляказахов'"], id="hashtag-after-a-tab"),
    pytest.param("  text: Уезжайте отсюда\n    и точка", 14, 9, "comment.text",
                 ["the line break on line 14 is lost", "YAML joins the lines of a plain (unquoted) value",
                  "`  text: |` then `    Уезжайте отсюда`"], id="plain-over-two-lines"),
    pytest.param("  text: первая строка\n\n    после пустой строки", 14, 9, "comment.text",
                 ["the line break on line 14 is lost"], id="plain-paragraphs"),
    pytest.param('  text: "первая строка\n    вторая строка"', 14, 9, "comment.text",
                 ["the line break on line 14 is lost", "a quoted value"], id="quoted-over-two-lines"),
    pytest.param("  text: >\n    первая строка\n    вторая строка", 14, 9, "comment.text",
                 ["a `>` block joins its lines", "write `|` instead of `>`"], id="folded-block"),
    pytest.param("  text: yes", 14, 9, "comment.text", ["YAML reads `yes` as a yes/no value", '`text: "yes"`'],
                 id="yes"),
    pytest.param("  text: no", 14, 9, "comment.text", ["`no` as a yes/no value"], id="no"),
    pytest.param("  text: on", 14, 9, "comment.text", ["`on` as a yes/no value"], id="on"),
    pytest.param("  text: null", 14, 9, "comment.text", ["`null` as no value at all"], id="null"),
    pytest.param("  text: ~", 14, 9, "comment.text", ["`~` as no value at all"], id="tilde"),
    pytest.param("  text: 1_000", 14, 9, "comment.text", ["`1_000` as a number"], id="number-with-underscore"),
    pytest.param("  text: 3.14", 14, 9, "comment.text", ["`3.14` as a number"], id="float"),
    pytest.param("  text: 2023-10-06", 14, 9, "comment.text", ["`2023-10-06` as a date"], id="date"),
    pytest.param("  text: !важно Уезжайте", 14, 9, "comment.text", ["'!' at the start of a value is YAML's tag"],
                 id="tag"),
    pytest.param("  text: &x Уезжайте", 14, 9, "comment.text", ["'&x' before the text is an anchor"], id="anchor"),
    pytest.param("  text:\n    - Уезжайте отсюда", 14, 3, "comment.text",
                 ["expected text here, not a list", "a text starting with '- ' is a list to YAML", "`|` block"],
                 id="leading-dash-on-its-own-line"),
    pytest.param("  text: - Уезжайте отсюда", 14, 9, "comment.text",
                 ["YAML syntax: a value cannot start with '- '", "`|` block"], id="leading-dash"),
    pytest.param("  text: Внимание: они тут", 14, 17, "comment.text",
                 ["YAML syntax: ': ' inside the value of `text`", "takes `Внимание:` for a field name",
                  "`  text: |` then `    Внимание: они тут`"], id="colon-inside"),
    pytest.param("  text: Внимание\n    они: тут", 15, 8, "comment.text",
                 ["': ' inside the value of `text` (which starts on line 14 and goes on here)"],
                 id="colon-inside-on-the-next-line"),
    pytest.param('  text: "Текст" комментария"', 14, 17, "comment.text",
                 ["the text goes on after its closing quote", 'write a quote as \\"'], id="quote-inside-quotes"),
    pytest.param("  text: 'it's here'", 14, 13, "comment.text",
                 ["the text goes on after its closing quote", "an apostrophe as ''"], id="apostrophe"),
    pytest.param("  text: @user привет", 14, 9, "comment.text", ["a value cannot start with '@'"], id="at-sign"),
    pytest.param("  text: *жирный* текст", 14, 9, "comment.text", ["'*' at the start of a value is YAML's alias"],
                 id="asterisk"),
    pytest.param("  text: [мнение] всё плохо", 14, 9, "comment.text",
                 ["a value starting with '[' or '{' is a list or a mapping"], id="bracket"),
]


@pytest.mark.parametrize("lines, line, column, field, words", REFUSED)
def test_a_text_yaml_would_change_is_refused_at_its_place(tmp_path: Path, lines: str, line: int, column: int,
                                                          field: str, words: list[str]) -> None:
    status, errors = validate(tmp_path, replaced(TEXT_LINE, lines))
    assert status == 1
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{line}:{column}: error: {field}: "), errors[0]
    for said in words:
        assert said in errors[0]
    # and render writes no letter for it
    out = tmp_path / "out"
    rendered = run("render", tmp_path / "cases", "--out", out, "--format", "txt", "--lang", "ru", "--date", DATE)
    assert rendered.exit_code != 0 and not list(out.glob("*/*.txt"))


@pytest.mark.parametrize("lines, line, column, field, words", [
    pytest.param("  author: Патриот #77", 11, 19, "comment.author",
                 ["the text stops before '#77'", '`author: "Патриот #77"`'], id="author-hashtag"),
    pytest.param("  author: no", 11, 11, "comment.author", ["`no` as a yes/no value", '`author: "no"`'],
                 id="author-no"),
    pytest.param("  author: 12345", 11, 11, "comment.author", ["`12345` as a number"], id="author-number"),
    pytest.param("  author Патриот_77", 11, 9, "comment.author",
                 ["YAML syntax: `author Патриот_77` has no ':' after the field name `author`",
                  "write `author: Патриот_77`"], id="author-without-its-colon"),
    pytest.param("\tauthor: ZapadNamNePomozhet", 11, 1, "comment.author",
                 ["YAML syntax: a tab used for indentation", "replace the tab with spaces"], id="tab-indent"),
])
def test_the_author_and_yaml_mistakes_on_its_line(tmp_path: Path, lines: str, line: int, column: int, field: str,
                                                 words: list[str]) -> None:
    status, errors = validate(tmp_path, replaced(AUTHOR_LINE, lines))
    assert status == 1 and len(errors) == 1, errors
    assert errors[0].startswith(f"{line}:{column}: error: {field}: "), errors[0]
    for said in words:
        assert said in errors[0]


@pytest.mark.parametrize("at, new, field", [
    (7, "  title: Внимание #срочно", "article.title"),
    (17, "    kk: Кетіңдер #қазақстан", "comment.translations.kk"),
    (16, "    en: Leave here #kazakhstanforkazakhs", "comment.translations.en"),
    (16, "    en: yes", "comment.translations.en"),
    (16, "    en: Leave\n      here", "comment.translations.en"),
])
def test_every_quoted_field_is_verbatim_or_refused(tmp_path: Path, at: int, new: str, field: str) -> None:
    status, errors = validate(tmp_path, replaced(at, new))
    assert status == 1 and len(errors) == 1, errors
    assert errors[0].split(": error: ")[1].startswith(f"{field}: ")


def test_a_licence_clause_text_and_an_inline_norm_text_are_quoted_fields_too(tmp_path: Path) -> None:
    text = CASE.replace("    - criminal-code-174-1\n", "    - criminal-code-174-1\n"
                        "    - citation: Закон\n      text: Статья 1 #важно\n"
                        "  licence_clause:\n    reference: пункт 3.2\n    text:\n"
                        "      ru: Не допускается\n        распространение\n      kk: x\n      en: x\n")
    status, errors = validate(tmp_path, text)
    assert status == 1
    assert [e.split(": error: ")[1].split(":")[0] for e in errors] == [
        "legal_basis.norms[1].text", "legal_basis.licence_clause.text.ru"]


def test_an_unclosed_quote_is_reported_where_it_opens_not_lines_later(tmp_path: Path) -> None:
    """YAML notices the quote never closed at the next quote, three lines on (or nine); the error is where it
    opens."""
    status, errors = validate(tmp_path, replaced(TEXT_LINE, '  text: "Не хватает слов в казахском языке?'))
    assert status == 1 and len(errors) == 1, errors
    assert errors[0].startswith("14:9: error: comment.text: YAML syntax: the quote \" opened here is not closed on"
                                " its line, so YAML reads on to the next \" on line 16"), errors[0]
    # a whole block of fields swallowed, further down the file
    longer = replaced(TEXT_LINE, "  text: |\n    строка\n" + "".join(f"    строка {i}\n" for i in range(8))
                      + "  url: 'https://www.nur.kz/a/#c1")
    status, errors = validate(tmp_path, longer)
    assert status == 1 and len(errors) == 1, errors
    assert errors[0].startswith("24:8: error: comment.url: YAML syntax: the quote ' opened here"), errors[0]


def test_notes_after_values_are_still_notes(tmp_path: Path) -> None:
    """A note aligned two spaces or more after a value, as the README and the examples write them, is the user's:
    not a hashtag."""
    text = replaced(AUTHOR_LINE, "  author: ZapadNamNePomozhet   # the nickname the outlet shows")
    text = replaced(12, "  posted: 2023-10-06T22:53 # 10:53 pm", text)
    text = replaced(TEXT_LINE, "  text: |   # exactly as published\n    Не хватает слов #тег", text)
    status, errors = validate(tmp_path, text)
    assert (status, errors) == (0, [])
    case = load_case(tmp_path / "cases" / "c.yaml")
    assert case.case.comment.author == "ZapadNamNePomozhet" and case.case.comment.text == "Не хватает слов #тег\n"


# ------------------------------------------------------------------ written as a `|` block: quoted exactly

QUOTE = ["- Уезжайте отсюда #казахстандляказахов и точка", "Внимание: они тут", "yes", "~", "1_000 # и всё"]




def test_a_block_with_hash_colon_dash_and_yes_is_quoted_exactly_in_every_format(office: None, tmp_path: Path) -> None:
    block = "  text: |\n" + "".join(f"    {line}\n" for line in QUOTE)
    text = replaced(TEXT_LINE, block.rstrip("\n"))
    text = replaced(AUTHOR_LINE, '  author: "Патриот #77: - yes"', text)
    text = text.replace('    en: "Not enough words in Kazakh?"', "    en: |\n      Leave here #kazakhstanforkazakhs\n"
                        "      Attention: they are here")
    status, errors = validate(tmp_path, text)
    assert (status, errors) == (0, [])
    out = tmp_path / "out"
    rendered = run("render", tmp_path / "cases", "--out", out, "--format", "docx,pdf,txt,html", "--lang", "ru,en",
                   "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    letters = out / "test-case"
    english = ["Leave here #kazakhstanforkazakhs", "Attention: they are here"]
    for lang, lines in (("ru", QUOTE), ("en", english)):
        base = letters / f"test-case.{lang}.docx"
        docx = docx_paragraphs(base.with_suffix(".docx"))
        pdf = [line.strip() for line in subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-layout", str(base.with_suffix(".pdf")), "-"],
            capture_output=True, check=True).stdout.decode().splitlines()]
        txt = [line.strip() for line in base.with_suffix(".txt").read_text("utf-8").splitlines()]
        tree = lxml.html.fromstring(base.with_suffix(".html").read_bytes())
        html = [line.strip() for line in tree.text_content().splitlines()]
        for name, got in (("docx", "\n".join(docx).splitlines()), ("pdf", pdf), ("txt", txt), ("html", html)):
            got = [line.strip() for line in got]
            assert any(got[i:i + len(lines)] == lines for i in range(len(got))), (lang, name, got)
            assert any("Патриот #77: - yes" in line for line in got), (lang, name)


# ------------------------------------------------------------------ files a writer made are never refused for it

_WORDS = ("Уезжайте отсюда казахстандляказахов и точка Внимание они тут Қазақ тілінде сөз жетпей ме "
          "Leave here now people yes no on null 1_000 2023-10-06 #тег #hashtag : - ' \" [x] {y} & * ! % @ ` | >").split()


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 70))]
        glue = [rng.choice([" ", " ", " ", " ", ": ", " #", "\n", "  ", "\n\n", ", "]) for _ in words]
        texts.append("".join(w + g for w, g in zip(words, glue)).strip() or "x")
    return texts


@pytest.mark.parametrize("unicode", [True, False], ids=["allow_unicode", "escaped"])
def test_files_pyyaml_writes_at_its_default_width_read_back_exactly(tmp_path: Path, unicode: bool) -> None:
    """yaml.safe_dump folds a long line at its default width of 80: a fold of the writer's, not a line break of
    the user's, never refused; and every text reads back as it was."""
    write_yaml(tmp_path / "complaints.yaml", PROJECT)
    for i, text in enumerate(_texts(12 + unicode, 150)):
        author = text.replace("\n", " ")[:60].strip() or "x"
        data = case_data(**{"comment.text": text, "comment.author": author, "article.title": text + " " + text,
                            "comment.translations": {"en": text, "kk": text[::-1].strip() or "x"}})
        path = tmp_path / f"c{i}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=unicode, sort_keys=False), encoding="utf-8")
        comment = load_case(path).case.comment
        assert (comment.text, comment.author) == (text, author)
        assert comment.translations["en"] == text


def test_files_complaints_new_writes_read_back_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_yaml(tmp_path / "complaints.yaml", PROJECT)
    for i, text in enumerate(_texts(7, 40)):
        data = case_data(**{"id": f"case-{i}", "comment.text": text, "comment.author": text.split("\n")[0][:40] or "x",
                            "article.title": (text.replace("\n", " ") + " ") * 3,
                            "comment.translations": {"en": text, "kk": "Пікір #тег: - yes"}})
        (tmp_path / "case.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = run("new", "--out", "cases", "--from-json", "case.json")
        assert result.exit_code == 0, result.output
        written = tmp_path / "cases" / f"case-{i}.yaml"
        comment = load_case(written).case.comment
        assert comment.text == text and comment.translations["kk"] == "Пікір #тег: - yes"
        assert load_case(written).case.article.title == data["article"]["title"]
    assert run("validate", "cases", "--date", DATE).exit_code == 0


def test_a_long_line_broken_by_hand_is_still_refused(tmp_path: Path) -> None:
    """A fold looks like a writer's only where the line runs past 80 characters to its first single space there;
    a long line a person broke themselves has words past 80 and is refused."""
    first = "  text: " + " ".join(["слово"] * 18)  # 8 + 18*6-1 = 115 characters, spaces well past 80
    status, errors = validate(tmp_path, replaced(TEXT_LINE, first + "\n    вторая строка"))
    assert status == 1 and re.match(r"14:9: error: comment\.text: the line break on line 14 is lost", errors[0])


def test_a_hashtag_inside_braces_and_a_block_line_indented_too_little(tmp_path: Path) -> None:
    flow = CASE.replace('  translations:\n    en: "Not enough words in Kazakh?"\n    kk: "Қазақ тілінде сөз жетпей ме?"',
                        "  translations: {en: Leave here #x, kk: Кетіңдер}")
    status, errors = validate(tmp_path, flow)
    assert status == 1 and len(errors) == 1, errors
    assert errors[0].startswith("15:33: error: comment.translations: YAML syntax: ' #' inside `{…}` or `[…]` starts"
                                " a note to YAML"), errors[0]
    status, errors = validate(tmp_path, replaced(TEXT_LINE, "  text: |\n    первая строка\n   вторая строка"))
    assert status == 1 and len(errors) == 1, errors
    assert errors[0].startswith("16:4: error: comment.text: YAML syntax: this line is indented less than the first"
                                " line of the `|` block on line 14"), errors[0]


def test_the_loader_records_every_section_a_quoted_field_is_in() -> None:
    from complaints.case import load, verbatim

    assert {pattern[0] for pattern in verbatim._VERBATIM} <= load._QUOTED_IN


def test_a_quote_never_closed_to_the_end_of_the_file_is_reported_where_it_opens(tmp_path: Path) -> None:
    status, errors = validate(tmp_path, replaced(17, '    kk: "Қазақ тілінде сөз жетпей ме?'))
    assert status == 1 and len(errors) == 1, errors
    assert errors[0].startswith('17:9: error: comment.translations.kk: YAML syntax: the quote " opened here is never'
                                " closed"), errors[0]
