"""Verbatim means verbatim in every format (issue 11, "Why" 15): characters the PDF cannot draw are a warning
naming them and the font to install; a carriage return is a line break everywhere; Markdown keeps every space
a reader sees. Through the real command, asserting on what the user gets."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import lxml.html
import pytest
from conftest import PROJECT, case_data, docx_paragraphs, write_yaml
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from complaints.cli import app
from complaints.render.glyphs import coverage, missing_glyphs

runner = CliRunner()
DATE = "2026-11-25"
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # man, woman, girl joined by ZWJ
# what no font of a Debian with only LibreOffice's own (Liberation, DejaVu, OpenSymbol) has, and the package to name
UNDRAWABLE = [("\U0002070E", ["U+2070E CJK UNIFIED IDEOGRAPH-2070E"], "fonts-hanazono"),
              ("\U0001F1F0\U0001F1FF", ["U+1F1F0 REGIONAL INDICATOR SYMBOL LETTER K",
                                        "U+1F1FF REGIONAL INDICATOR SYMBOL LETTER Z"], "fonts-symbola"),
              (FAMILY, ["U+1F468 MAN", "U+1F469 WOMAN", "U+1F467 GIRL"], "fonts-symbola")]
# wired: the batch's Checker adds render.glyphs.glyph_warnings to a case's warnings (see the h4 report)


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    return " ".join(text.split())




def one_case(tmp_path: Path, text: str) -> Path:
    """A project folder with one case quoting `text`, in Russian."""
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    write_yaml(folder / "c.yaml", case_data(**{"comment.text": text}))
    return folder


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout.decode()


# ------------------------------------------------------------------ characters no font can draw

@pytest.mark.parametrize("chars,named,package", UNDRAWABLE, ids=["ext-b", "flag", "zwj-family"])
def test_fontconfig_knows_the_fonts_lack_them(chars: str, named: list[str], package: str) -> None:
    if coverage() is None:
        pytest.skip("fontconfig (fc-list) is not installed: the fonts cannot be known")
    found = missing_glyphs(f"Қазақ {chars} ǅ 𝐀")
    if not found:
        pytest.skip("this machine has a font for them")
    assert [f"U+{ord(c):04X} {unicodedata.name(c)}" for c in found] == named  # the ZWJ needs no glyph


@pytest.mark.parametrize("chars,named,package", UNDRAWABLE, ids=["ext-b", "flag", "zwj-family"])
def test_validate_and_render_warn_of_characters_the_pdf_cannot_draw(office: None, tmp_path: Path, chars: str,
                                                                      named: list[str], package: str) -> None:
    if not missing_glyphs(chars):
        pytest.skip("this machine has a font for them")
    folder = one_case(tmp_path, f"Слово {chars} слово")
    checked = run("validate", str(folder), "--date", DATE)
    assert checked.exit_code == 0, checked.output  # a warning: the letter can still be made
    said = flat(checked.output)
    assert "warning: comment.text: no installed font can draw" in said
    assert all(name in said for name in named) and f"sudo apt install {package}" in said

    out = tmp_path / "out"
    rendered = run("render", str(folder), "--out", str(out), "--format", "pdf,docx", "--lang", "ru", "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    assert all(name in flat(rendered.output) for name in named)
    warnings = " ".join(w for record in json.loads((out / "manifest.json").read_text("utf-8"))["files"]
                        for w in record.get("warnings", []))
    assert all(name in warnings for name in named) and package in warnings


def test_docx_and_text_letters_alone_do_not_warn_of_the_pdf(tmp_path: Path) -> None:
    if not missing_glyphs(FAMILY):
        pytest.skip("this machine has a font for them")
    folder = one_case(tmp_path, f"Слово {FAMILY}")
    out = tmp_path / "out"
    rendered = run("render", str(folder), "--out", str(out), "--format", "docx,txt", "--lang", "ru", "--date", DATE)
    assert rendered.exit_code == 0 and "U+1F468" not in rendered.output
    # and the validate that does not know the formats says it (it is the check before rendering PDF letters)
    assert "U+1F468 MAN" in run("validate", str(folder), "--date", DATE).output


def test_characters_the_fonts_have_reach_the_pdf_without_a_warning(office: None, tmp_path: Path) -> None:
    quote = "Қазақ тілі ӘҒҚҢӨҰҮҺІ, Ελληνικά, 𝐀 ∑ ǅ, e\u0301, ½ № — «ёлка»"
    assert missing_glyphs(quote) == []
    folder = one_case(tmp_path, quote)
    out = tmp_path / "out"
    rendered = run("render", str(folder), "--out", str(out), "--format", "pdf", "--lang", "ru", "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    assert "no installed font" not in rendered.output
    shown = unicodedata.normalize("NFC", flat(pdf_text(out / "test-case" / "test-case.ru.pdf")))
    for word in unicodedata.normalize("NFC", quote).split():
        assert word in shown


# ------------------------------------------------------------------ a carriage return alone

@pytest.mark.parametrize("first,second", [("\r", "\r\n"), ("\u2028", "\u2029")], ids=["cr", "unicode-separators"])
def test_every_kind_of_line_break_is_a_line_break_in_every_format(office: None, tmp_path: Path, first: str,
                                                                 second: str) -> None:
    """A lone CR, and Unicode's line and paragraph separators (which the PDF dropped, joining the words), are a
    line break in every format."""
    folder = one_case(tmp_path, f"первая строка{first}вторая строка{second}третья строка")
    out = tmp_path / "out"
    rendered = run("render", str(folder), "--out", str(out), "--format", "docx,pdf,txt,md,html", "--lang", "ru",
                   "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    letter = out / "test-case" / "test-case.ru.docx"
    lines = ["первая строка", "вторая строка", "третья строка"]

    pdf_lines = [line.strip() for line in pdf_text(letter.with_suffix(".pdf")).splitlines()]
    assert any(pdf_lines[i:i + 3] == lines for i in range(len(pdf_lines)))
    # Word: each line its own line of the quote (a break, never the space Word makes of a CR)
    paragraphs = "\n".join(docx_paragraphs(letter.with_suffix(".docx")))
    assert "\r" not in paragraphs and "\n".join(lines) in paragraphs
    txt = letter.with_suffix(".txt").read_text("utf-8")
    assert first not in txt and "\n".join(f"    {line}" for line in lines) in txt
    assert blockquote(letter.with_suffix(".md").read_text("utf-8"))[0] == lines
    html = letter.with_suffix(".html").read_bytes()
    assert b"\r" not in html and "\n".join(lines).encode() in html


# ------------------------------------------------------------------ spaces in Markdown

BREAK = "\ue000"  # a private-use character marks where a hard line break stood


def blockquote(markdown: str) -> list[list[str]]:
    """The lines of each blockquote as a browser shows the Markdown: rendered by markdown-it, then HTML's white
    space rules (a run of spaces, tabs and line ends folds into one space; none at a line's start or end)."""
    html = MarkdownIt("commonmark").render(markdown)
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    shown = []
    for quote in tree.iter("blockquote"):
        for br in quote.iter("br"):
            br.tail = BREAK + (br.tail or "")  # a hard break: a line end a browser keeps
        text = quote.text_content().strip(" \t\r\n\f")  # HTML white space only: never a non-breaking space
        lines = [re.sub(r"[ \t\r\n\f]+", " ", line).strip(" \t\r\n\f") for line in text.split(BREAK)]
        shown.append([line.replace("\xa0", " ") for line in lines])
    return shown


def test_markdown_keeps_leading_repeated_and_trailing_spaces(tmp_path: Path) -> None:
    quote = ["  два пробела в начале", "много   пробелов  между", "    четыре, не код", "пробелы в конце  ",
             "обычная строка"]
    folder = one_case(tmp_path, "\n".join(quote))
    out = tmp_path / "out"
    rendered = run("render", str(folder), "--out", str(out), "--format", "md", "--lang", "ru", "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    markdown = (out / "test-case" / "test-case.ru.md").read_text("utf-8")
    assert blockquote(markdown)[0] == quote
    assert "<pre>" not in MarkdownIt("commonmark").render(markdown)  # four spaces first are not code
