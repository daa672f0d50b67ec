"""What the advocate gets as plain text, Markdown and HTML: the same letter as the .docx, quotes kept exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from conftest import LETTER_DATE, REPO, case_data, docx_text, write_yaml
from markdown_it import MarkdownIt
from markupsafe import escape

import complaints
from complaints.layout import TEXT_FORMATS as FORMATS
from complaints.letter.context import group_context
from complaints.render.text import markdown_escape, render_text

LANGS = ("kk", "ru", "en")
TEMPLATES = REPO / "templates"
EXAMPLES = sorted(p for p in (REPO / "cases").glob("*.yaml") if p.name != "complaints.yaml")

# A comment that is XML, Jinja and Markdown all at once, in several scripts; every line must come out as written.
SPECIAL = (
    "Tom & Jerry <b>bold</b> \"quoted\" 'single' {{ applicant.iin }} {% if true %}x{% endif %} {# c #}\n"
    "<script>alert(1)</script>\n"
    "# not a heading\n"
    "*bold* **strong** _em_ __strong__ snake_case ~~struck~~ `code` $x$\n"
    "- not a list\n"
    "1. not numbered\n"
    "2) nor this\n"
    "> not a quote\n"
    "---\n"
    "===\n"
    "___\n"
    "[link](https://example.org) <https://example.org> ![img](x.png) [ref]: https://example.org\n"
    "| a | b |\n"
    "```\n"
    "    four spaces, not code\n"
    "\ttab first, then\ttab inside\n"
    "\n"
    "Kazakh әғқңөұүһі ӘҒҚҢӨҰҮҺІ, emoji 😡🇰🇿, right-to-left: مرحبا بالعالم\n"
    "]]> &amp; &lt; &#32; trailing backslash \\"
)


def read(path: Path, **changes: Any) -> complaints.CaseFile:
    """Write the base case with `changes` into the project folder and load it."""
    data = case_data(**changes)
    return complaints.load_case(write_yaml(path / f"{data['id']}.yaml", data), letter_date=LETTER_DATE)


def example_context(path: Path, lang: str) -> dict[str, Any]:
    case = complaints.load_case(path, letter_date=LETTER_DATE)
    return complaints.letter_context(case, lang, letter_date=LETTER_DATE)


def render(context: dict[str, Any], fmt: str) -> str:
    data = render_text(context, fmt, TEMPLATES / f"letter.{fmt}")
    return data.decode("utf-8")


def markdown_html(text: str) -> str:
    """The Markdown as a CommonMark reader with GitHub's tables and strikethrough shows it."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def shown_words(text: str, fmt: str) -> list[str]:
    """The words a reader sees: markup (HTML tags, Markdown markers and escapes) taken away."""
    if fmt == "html":
        return lxml.html.document_fromstring(text.encode("utf-8")).body.text_content().split()
    if fmt == "md":
        return lxml.html.fragment_fromstring(markdown_html(text), create_parent="div").text_content().split()
    return text.split()


def docx_words(context: dict[str, Any]) -> list[str]:
    """The words of the Word letter made from the same context, signature table included."""
    return docx_text(complaints.render_docx(context, TEMPLATES / context["lang"] / "letter.docx")).split()


def blockquote_lines(text: str, fmt: str) -> list[list[str]]:
    """The non-empty lines of each blockquote, as the reader sees them."""
    source = markdown_html(text) if fmt == "md" else text
    tree = lxml.html.fragment_fromstring(source, create_parent="div") if fmt == "md" \
        else lxml.html.document_fromstring(source.encode("utf-8"))
    # Markdown writes the spaces HTML would fold or drop as non-breaking ones (markdown_escape): read, a space
    lines = [q.text_content().replace("\xa0", " ") if fmt == "md" else q.text_content() for q in tree.iter("blockquote")]
    return [[line for line in text.split("\n") if line] for text in lines]


def quote_lines(context: dict[str, Any]) -> list[list[str]]:
    """The quoted lines of every comment (and translation) in the letter, in order, empty lines left out."""
    blocks = []
    for c in context["comments"]:
        blocks.append([line for line in c["quote"] if line])
        if c["translation"]:
            blocks.append([line for line in c["translation"] if line])
    return blocks


def txt_quote_in(text: str, lines: list[str]) -> bool:
    """True when `lines` stand in the text as consecutive lines, each indented by four spaces."""
    want = [f"    {line}" if line else "" for line in lines]
    have = text.split("\n")
    return any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1))


@pytest.fixture
def special(project_dir: Path) -> dict[str, dict[str, Any]]:
    """Each language's context of a letter whose comment, author, title and translations are full of markup."""
    case = read(project_dir, **{"comment.text": SPECIAL, "comment.author": "A&B <x> {{ y }} *star*",
                                "article.title": "Title {% raw %} & <tag> _under_ #1",
                                "comment.translations": {"en": "Translated *line* one\n# line two",
                                                         "kk": "Аударма <i>&</i>\n1. жол"}})
    return {lang: complaints.letter_context(case, lang, letter_date=LETTER_DATE) for lang in LANGS}


# ------------------------------------------------------------------ the example cases

def test_there_are_example_cases() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_render_with_the_quote_as_written(path: Path, lang: str, fmt: str) -> None:
    context = example_context(path, lang)
    text = render(context, fmt)
    assert text.endswith("\n") and not text.endswith("\n\n") and "\r" not in text
    assert context["subject"] in text or str(escape(context["subject"])) in text
    for lines in quote_lines(context):
        if fmt == "txt":
            assert txt_quote_in(text, lines)
        elif fmt == "md":
            assert lines in blockquote_lines(text, fmt)
        else:
            assert all(str(escape(line)) in text for line in lines)
            assert lines in blockquote_lines(text, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_say_the_same_words_as_the_docx(path: Path, lang: str, fmt: str) -> None:
    context = example_context(path, lang)
    assert shown_words(render(context, fmt), fmt) == docx_words(context)


def test_txt_is_paragraphs_with_the_addressee_first_and_the_signature_last() -> None:
    context = example_context(EXAMPLES[0], "ru")
    text = render(context, "txt")
    blocks = text.rstrip("\n").split("\n\n")
    # one addressee block: the dative lines name the body, so its nominative name does not stand above them
    assert blocks[0].split("\n") == [*context["addressee"], context["authority_address"]]
    assert blocks[1].split("\n") == context["applicant"]
    assert blocks[2:5] == [context["heading"], context["subject"], context["intro"]]
    assert "\n".join(context["requests"]) in blocks
    s = context["signature"]
    assert blocks[-1] == f"{s['role']} {s['line']} {s['name']}\n{s['date']}"
    # no hard wrapping: every paragraph of the context is one line of the text
    assert context["intro"] in text.split("\n") and context["reply_term"] in text.split("\n")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_eotinish_text_is_the_text_letters_body_without_its_header_and_signature(path: Path, lang: str) -> None:
    from complaints.render import Kit, render_eotinish

    context = example_context(path, lang)
    whole = render(context, "txt")
    text = render_eotinish(context, Kit())
    assert text.startswith(context["heading"] + "\n\n") and text.endswith(context["annexes"][-1] + "\n")
    # the body, word for word and line for line as in the text letter, between its header and its signature
    assert text.rstrip("\n") in whole
    for line in (*context["addressee"], context["authority_address"], *context["applicant"]):
        assert line not in text.split("\n")
    s = context["signature"]
    assert s["line"] not in text and s["name"] not in text and s["date"] not in text
    for lines in quote_lines(context):
        assert txt_quote_in(text, lines)


def test_rendering_is_deterministic() -> None:
    context = example_context(EXAMPLES[0], "kk")
    for fmt in FORMATS:
        path = TEMPLATES / f"letter.{fmt}"
        assert render_text(context, fmt, path) == render_text(context, fmt, path)


# ------------------------------------------------------------------ special characters and grouped letters

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_special_characters_say_the_same_words_as_the_docx(special: dict[str, Any], lang: str, fmt: str) -> None:
    context = special[lang]
    assert shown_words(render(context, fmt), fmt) == docx_words(context)


@pytest.mark.parametrize("lang", LANGS)
def test_special_characters_are_quoted_verbatim_in_txt(special: dict[str, Any], lang: str) -> None:
    text = render(special[lang], "txt")
    assert txt_quote_in(text, SPECIAL.split("\n"))
    assert "A&B <x> {{ y }} *star*" in text and "Title {% raw %} & <tag> _under_ #1" in text
    assert text.count("900101300126") == 1  # the IIN line; "{{ applicant.iin }}" in the quote stays literal
    assert "{{ applicant.iin }}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_special_characters_are_escaped_in_html(special: dict[str, Any], lang: str) -> None:
    context = special[lang]
    text = render(context, "html")
    assert str(escape(SPECIAL)) in text
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert str(escape("A&B <x> {{ y }} *star*")) in text
    assert blockquote_lines(text, "html")[0] == [line for line in SPECIAL.split("\n") if line]


@pytest.mark.parametrize("lang", LANGS)
def test_special_characters_show_literally_in_markdown(special: dict[str, Any], lang: str) -> None:
    context = special[lang]
    shown = markdown_html(render(context, "md"))
    # the letter's own markup: one title, three section headings, the quote (and translation) blockquotes
    assert shown.count("<h1>") == 1 and shown.count("<h2>") == 3 and "<h3>" not in shown
    for tag in ("<em>", "<strong>", "<script", "<s>", "<del>", "<code>", "<pre>", "<a ", "<img", "<hr",
                "<ul>", "<ol>", "<li>", "<table>", "<b>", "<i>"):
        assert tag not in shown, tag
    assert blockquote_lines(render(context, "md"), "md")[0] == [line for line in SPECIAL.split("\n") if line]
    text = lxml.html.fragment_fromstring(shown, create_parent="div").text_content()
    assert "A&B <x> {{ y }} *star*" in text and "Title {% raw %} & <tag> _under_ #1" in text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_letter_about_two_comments_says_the_same_words_as_the_docx(project_dir: Path, lang: str, fmt: str) -> None:
    first = read(project_dir, id="first-comment", **{"comment.text": SPECIAL})
    second = read(project_dir, id="second-comment", **{"comment.author": "Second_Author",
                                                         "comment.text": "Second *comment*\n  # two"})
    context = group_context([first, second], lang, letter_date=LETTER_DATE)
    assert [c["heading"] for c in context["comments"]] != ["", ""]
    text = render(context, fmt)
    assert shown_words(text, fmt) == docx_words(context)
    if fmt == "txt":
        assert txt_quote_in(text, SPECIAL.split("\n")) and txt_quote_in(text, ["Second *comment*", "  # two"])
    else:
        assert blockquote_lines(text, fmt) == quote_lines(context)
        assert ["Second *comment*", "  # two"] in quote_lines(context)


# ------------------------------------------------------------------ the HTML page

@pytest.mark.parametrize("lang", LANGS)
def test_html_is_a_well_formed_page_without_scripts(special: dict[str, Any], lang: str) -> None:
    context = special[lang]
    data = render_text(context, "html", TEMPLATES / "letter.html")
    assert data.startswith(b"<!DOCTYPE html>\n")
    root = lxml.etree.fromstring(data)  # XML-strict: every tag closed, every value escaped
    assert root.tag == "html" and root.get("lang") == lang
    head = root.find("head")
    assert head.find("meta").get("charset") == "utf-8"
    assert head.findtext("title") == context["subject"]
    assert not list(root.iter("script"))
    assert not [e for e in root.iter() if e.get("src") or e.get("href")]  # nothing fetched from elsewhere
    assert "@import" not in data.decode() and "url(" not in data.decode()
    page = lxml.html.document_fromstring(data)  # and as a browser's HTML parser reads it
    assert not page.xpath("//script") and page.body is not None


# ------------------------------------------------------------------ the md filter and broken templates

def test_markdown_escape_leaves_plain_words_alone() -> None:
    assert markdown_escape("Серікұлы Нұрлан, snake_case, https://www.nur.kz/a_b/") \
        == "Серікұлы Нұрлан, snake_case, https://www.nur.kz/a_b/"
    assert markdown_escape("1. # *a* _b_ <c> & d\n- e") == "1\\. \\# \\*a\\* \\_b\\_ \\<c> \\& d\n\\- e"
    assert markdown_escape("  x") == "&nbsp;&nbsp;x"


def test_undefined_value_names_the_template_and_line(tmp_path: Path) -> None:
    template = tmp_path / "letter.txt"
    template.write_text("{{ heading }}\n\n{{ no_such_value }}\n", encoding="utf-8")
    with pytest.raises(complaints.DataError) as caught:
        render_text({"heading": "H"}, "txt", template)
    assert f"{template}:3:" in str(caught.value) and "no_such_value" in str(caught.value)


def test_broken_template_names_the_template_and_line(tmp_path: Path) -> None:
    template = tmp_path / "letter.html"
    template.write_text("<p>{{ heading }}</p>\n{% if %}\n", encoding="utf-8")
    with pytest.raises(complaints.DataError) as caught:
        render_text({"heading": "H"}, "html", template)
    assert f"{template}:2:" in str(caught.value)


def test_missing_template_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(complaints.DataError, match="letter.md"):
        render_text({}, "md", tmp_path / "letter.md")


def test_edited_template_is_read_again(tmp_path: Path) -> None:
    template = tmp_path / "letter.txt"
    template.write_text("A {{ heading }}", encoding="utf-8")
    assert render_text({"heading": "<h>"}, "txt", template) == b"A <h>\n"
    template.write_text("Bb {{ heading }}\r\n\r\n\r\n", encoding="utf-8")
    assert render_text({"heading": "<h>"}, "txt", template) == b"Bb <h>\n"
