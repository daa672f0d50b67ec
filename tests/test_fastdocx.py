"""The fast Word path gives exactly what docxtpl's own render + save gives, part for part."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, write_yaml

import complaints
from complaints.render import PreparedTemplate, render_docx

LANGS = ("kk", "ru", "en")
EXAMPLES = sorted((complaints.templates_dir().parent / "cases").glob("*-*.yaml"))
LONG = "\n".join(f"Строка {i}: " + "очень длинный текст комментария " * 20 for i in range(60))
QUOTES = ("He said \"no\" & 'yes' <b>{{ x }}</b>\n\n   after a blank line, 😡 مرحبا ]]> &amp;\n"
          "docxtpl's own marks: {_{ x }_} {_% y %_} a_b")
SPECIAL = ("Tom & Jerry <b>x</b> \"q\" {{ applicant.iin }} {% if 1 %}y{% endif %} {#c#}\n\tтаб, 😡 مرحبا\n\n"
           "   ведущие пробелы ]]> &amp;")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _contexts(tmp_path: Path) -> list[tuple[str, dict]]:
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    variants = {
        "special": case_data(id="special", **{"comment.text": SPECIAL, "article.title": "A & <B> {{ c }}",
                                              "comment.translations": {"en": SPECIAL}}),
        "quotes": case_data(id="quotes", **{"comment.text": QUOTES, "comment.author": "O'Brien \"X\"",
                                            "comment.translations": {"en": QUOTES, "kk": "x"}}),
        "long": case_data(id="long", **{"comment.text": LONG, "comment.posted": None}),
        "organisation": case_data(id="organisation", applicant={
            "kind": "organisation", "name": "Фонд «Тіл»", "bin": "123456789013", "address": "Астана",
            "signatory": {"name": "Айгерім Бекова", "position": "Төраға"}}),
    }
    paths = list(EXAMPLES) + [write_yaml(folder / f"{key}.yaml", data) for key, data in variants.items()]
    out = []
    for path in paths:
        case = complaints.load_case(path, letter_date=LETTER_DATE)
        for lang in LANGS:
            out.append((f"{case.id}.{lang}", complaints.letter_context(case, lang, letter_date=LETTER_DATE)))
    return out


def test_fast_path_equals_docxtpl_for_every_example_and_special_case(tmp_path: Path) -> None:
    prepared = {lang: PreparedTemplate(complaints.templates_dir() / lang / "letter.docx") for lang in LANGS}
    contexts = _contexts(tmp_path)
    assert len(contexts) == 3 * (len(EXAMPLES) + 4)
    for name, context in contexts:
        lang = context["lang"]
        slow = render_docx(context, complaints.templates_dir() / lang / "letter.docx")
        fast = prepared[lang].render(context)
        assert _parts(fast) == _parts(slow), name
        assert fast == slow, name  # and, written by the same zip writer, the same bytes


def test_prepared_template_is_reusable_in_any_order(tmp_path: Path) -> None:
    prepared = PreparedTemplate(complaints.templates_dir() / "ru" / "letter.docx")
    contexts = [c for _, c in _contexts(tmp_path) if c["lang"] == "ru"]
    first = [prepared.render(c) for c in contexts]
    again = [prepared.render(c) for c in reversed(contexts)]
    assert first == list(reversed(again))


def test_tags_outside_the_body_are_refused_clearly(tmp_path: Path) -> None:
    from docx import Document

    doc = Document(str(complaints.templates_dir() / "en" / "letter.docx"))
    doc.sections[0].header.paragraphs[0].text = "{{ case_id }}"
    doc.save(str(tmp_path / "letter.docx"))
    with pytest.raises(complaints.DataError, match="keep them in the body"):
        PreparedTemplate(tmp_path / "letter.docx")


def test_both_of_the_fast_paths_are_taken_and_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Text goes straight in where it can (no tab, form feed or carriage return); else lxml's round trip.
    prepared = PreparedTemplate(complaints.templates_dir() / "en" / "letter.docx")
    spliced = []
    original = PreparedTemplate._spliced
    monkeypatch.setattr(PreparedTemplate, "_spliced", lambda self, xml: spliced.append(1) or original(self, xml))
    contexts = [c for _, c in _contexts(tmp_path) if c["lang"] == "en"]
    for context in contexts:
        assert prepared.render(context) == render_docx(context, complaints.templates_dir() / "en" / "letter.docx")
    assert 0 < len(spliced) < len(contexts)


def test_a_preparation_kept_in_the_cache_makes_the_same_letters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A template's preparation is kept in the user's cache: a later one reads it instead of opening the template
    with docxtpl, and makes the same bytes as docxtpl for every letter, those that must take docxtpl's own path
    too (a tab or a line break in a quote). A kept file that cannot be read is prepared again; a changed template
    is another file."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept_in = tmp_path / "cache" / "complaints" / "templates"
    source = complaints.templates_dir() / "en" / "letter.docx"
    contexts = [c for _, c in _contexts(tmp_path) if c["lang"] == "en"]
    first = PreparedTemplate(source)
    assert first._tpl is not None  # prepared with docxtpl
    (kept,) = kept_in.glob("*.marshal")

    again = PreparedTemplate(source)
    assert again._tpl is None  # read from the cache
    for context in contexts:
        assert again.render(context) == render_docx(context, source)
    assert again._tpl is not None  # a quote with a tab took docxtpl's path, made when it was needed

    for broken in (kept.read_bytes()[:200], b"not a preparation"):
        kept.write_bytes(broken)
        third = PreparedTemplate(source)
        assert third._tpl is not None  # prepared again, and kept anew
        assert third.render(contexts[0]) == render_docx(contexts[0], source)
        assert PreparedTemplate(source)._tpl is None

    changed = tmp_path / "letter.docx"
    changed.write_bytes(source.read_bytes() + b"\0")  # another file's bytes (a zip reads past what follows it)
    PreparedTemplate(changed)
    assert len(list(kept_in.glob("*.marshal"))) == 2


def test_empty_elements_are_closed_as_the_pattern_closes_them() -> None:
    """self_closed finds `<x …></x>` by its end tag; it gives what the pattern it replaced gives, on every mix of
    names, attributes, nesting and near misses."""
    import random
    import re

    from complaints.render.fastdocx import self_closed

    names = (b"w:t", b"w:r", b"w:rPr")
    pattern = re.compile(b"<(" + b"|".join(map(re.escape, names)) + rb")((?: [^<>]*)?)></\1>")
    pieces = [b"<w:t>", b"</w:t>", b"<w:t xml:space=\"preserve\">", b"<w:r>", b"</w:r>", b"<w:rPr>", b"</w:rPr>",
              b"<w:rPrx>", b"</w:rPrx>", b"<w:b/>", b">", b"<", b"text", b" ", b"<w:t a=\"/\">", b"<w:tx>",
              b"</w:tx>", b"<w:r w:x='1'>", b"\xd0\xb0"]
    rng = random.Random(15)
    for _ in range(5000):
        xml = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert self_closed(xml, names) == pattern.sub(rb"<\1\2/>", xml), xml
