"""Build the first version of templates/<lang>/letter.docx and followup.docx.

The .docx files in templates/ are the source a lawyer edits in Word or
LibreOffice; this script only made their first version (and can make it again
after a deliberate change of layout). Both share one house style: the page, the
fonts and the paragraph styles come from `_house`, the signature from
`_signature`. Run: python tools/make_templates.py [OUT] [letter] [followup]
(OUT defaults to templates/; naming templates builds only those).
"""

from __future__ import annotations

import re
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
FONT = "Times New Roman"
LANG_TAGS = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-GB"}
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def _fonts(style, size: float, lang: str, bold: bool = False, italic: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        rpr.append(tag)
    tag.set(qn("w:val"), LANG_TAGS[lang])
    tag.set(qn("w:eastAsia"), LANG_TAGS[lang])
    tag.set(qn("w:bidi"), "ar-SA")


def _paragraph_style(doc, name: str, lang: str, *, size: float = 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     first_line: float | None = 1.25, left: float = 0, right: float = 0, bold: bool = False,
                     italic: bool = False, before: float = 0, after: float = 0, keep_next: bool = False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _fonts(style, size, lang, bold, italic)
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = Cm(first_line) if first_line else None
    pf.left_indent = Cm(left)
    pf.right_indent = Cm(right)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.widow_control = True
    return style


def _text(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    # keep spaces at the edges of quoted lines: Word drops them without this
    run._r.find(qn("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _house(lang: str):
    """A blank letter in the house style: A4, margins, Times New Roman 14, and every paragraph style a letter uses.

    The styles are added in one order for every template, so that a template keeps its bytes when another
    template is added; `prune` drops the ones a template does not use.
    """
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # Kazakh office practice: left 30 mm, right 10 mm, top and bottom 20 mm
    section.left_margin, section.right_margin = Mm(30), Mm(10)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)

    normal = doc.styles["Normal"]
    _fonts(normal, 14, lang)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    addressee = _paragraph_style(doc, "Letter Addressee", lang, align=WD_ALIGN_PARAGRAPH.LEFT, first_line=None,
                                 left=8.5)
    heading = _paragraph_style(doc, "Letter Heading", lang, align=WD_ALIGN_PARAGRAPH.CENTER, first_line=None,
                               bold=True, before=12, keep_next=True)
    subject = _paragraph_style(doc, "Letter Subject", lang, align=WD_ALIGN_PARAGRAPH.CENTER, first_line=None,
                               after=12, keep_next=True)
    body = _paragraph_style(doc, "Letter Body", lang)
    section_heading = _paragraph_style(doc, "Letter Section", lang, first_line=1.25, bold=True, before=6,
                                       keep_next=True)
    quote = _paragraph_style(doc, "Letter Quote", lang, align=WD_ALIGN_PARAGRAPH.LEFT, first_line=None, left=1.25,
                             right=1.0, italic=True)
    comment_heading = _paragraph_style(doc, "Letter Comment", lang, italic=True, bold=True, before=6, keep_next=True)
    item = _paragraph_style(doc, "Letter Item", lang)
    annex = _paragraph_style(doc, "Letter Annex", lang, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first_line=None,
                             left=0.6)
    plain = _paragraph_style(doc, "Letter Plain", lang, align=WD_ALIGN_PARAGRAPH.LEFT, first_line=None)

    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None:  # pragma: no cover - python-docx's blank template has none
        first._element.getparent().remove(first._element)
    styles = {"addressee": addressee, "heading": heading, "subject": subject, "body": body,
              "section_heading": section_heading, "quote": quote, "comment_heading": comment_heading,
              "item": item, "annex": annex, "plain": plain}
    return doc, styles


def _writers(doc):
    """`p(style, text)` adds a paragraph; `loop(items, style, var)` a paragraph repeated for each of `items`."""

    def p(style, text: str = ""):
        para = doc.add_paragraph(style=style)
        if text:
            _text(para, text)
        return para

    def loop(items: str, style, var: str = "line", *, keep_last: bool = False):
        p(style, f"{{%p for {var} in {items} %}}")
        if keep_last:  # the last one kept on the page of what follows (the signature is never alone on a page)
            p(style, "{%p if loop.last %}")
            p(style, f"{{{{ {var} }}}}").paragraph_format.keep_with_next = True
            p(style, "{%p else %}")
        p(style, f"{{{{ {var} }}}}")
        if keep_last:
            p(style, "{%p endif %}")
        p(style, "{%p endfor %}")

    return p, loop


def _annexes(p, loop, plain, annex) -> None:
    """The list of annexes, its heading kept with the first and the last kept with the signature under it."""
    p(plain, "{%p if annexes %}")
    heading = p(plain, "{{ annexes_heading }}")
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.keep_with_next = True
    loop("annexes", annex, "annex", keep_last=True)
    p(plain, "{%p endif %}")


def _signature(doc, plain) -> None:
    """The signature table: role, line to sign on and name in a row, the date under them."""
    table = doc.add_table(rows=2, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # 17 cm, the text's width: the name (a full name: surname, name, patronymic) on one line
    widths = (Cm(4.0), Cm(5.5), Cm(7.5))
    for column, width in zip(table.columns, widths):
        column.width = width  # the table's grid, which LibreOffice lays the table out by
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    cells = table.rows[0].cells
    for cell, text, align in zip(cells, ("{{ signature.role }}", "{{ signature.line }}", "{{ signature.name }}"),
                                 (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT)):
        para = cell.paragraphs[0]
        para.style = plain
        para.alignment = align
        para.paragraph_format.space_before = Pt(12)
        para.paragraph_format.keep_with_next = True  # the signature never on one page, its date on the next
        _text(para, text)
    date_cell = table.rows[1].cells[0].merge(table.rows[1].cells[2])  # the date on one line, under the whole row
    date_para = date_cell.paragraphs[0]
    date_para.style = plain
    date_para.paragraph_format.space_before = Pt(6)
    _text(date_para, "{{ signature.date }}")


def _properties(doc, lang: str) -> None:
    props = doc.core_properties
    props.author = "complaints"
    props.title = ""
    props.language = LANG_TAGS[lang]
    props.created = props.modified = FIXED_TIME
    props.last_modified_by = "complaints"
    props.revision = 1


def build(lang: str) -> Document:
    """The letter about one or more comments (context: complaints.letter.context.group_context)."""
    doc, styles = _house(lang)
    p, loop = _writers(doc)
    addressee, heading, subject, body = styles["addressee"], styles["heading"], styles["subject"], styles["body"]
    section_heading, quote, comment_heading = styles["section_heading"], styles["quote"], styles["comment_heading"]
    item, annex, plain = styles["item"], styles["annex"], styles["plain"]

    # the addressee lines name the body (and its official), so its name does not stand above them again
    loop("addressee", addressee)
    p(addressee, "{{ authority_address }}").paragraph_format.space_before = Pt(6)
    p(addressee)
    loop("applicant", addressee)

    p(heading, "{{ heading }}")
    p(subject, "{{ subject }}")
    p(body, "{{ intro }}")

    p(section_heading, "{{ facts_heading }}")
    p(body, "{%p for c in comments %}")
    p(body, "{%p if c.heading %}")
    p(comment_heading, "{{ c.heading }}")
    p(body, "{%p endif %}")
    loop("c.facts", body, "paragraph")
    p(body, "{{ c.quote_intro }}")
    loop("c.quote", quote)
    p(body, "{%p if c.translation %}")
    p(body, "{{ c.translation_intro }}")
    loop("c.translation", quote)
    p(body, "{%p endif %}")
    loop("c.after_quote", body, "paragraph")
    p(body, "{%p endfor %}")

    p(section_heading, "{{ law_heading }}")
    p(body, "{{ law_intro }}")
    p(body, "{%p for c in comments %}")
    p(body, "{%p if c.law_heading %}")
    p(comment_heading, "{{ c.law_heading }}")
    p(body, "{%p endif %}")
    loop("c.norms", item, "norm")
    loop("c.law_after", body, "paragraph")
    p(body, "{%p endfor %}")

    p(section_heading, "{{ requests_heading }}")
    p(body, "{%p if competence %}")
    p(body, "{{ competence }}")
    p(body, "{%p endif %}")
    p(body, "{{ requests_intro }}")
    loop("requests", item, "request")
    p(body, "{{ reply_term }}").paragraph_format.keep_with_next = True  # with the signature, if no annex is between

    _annexes(p, loop, plain, annex)

    _signature(doc, plain)
    _properties(doc, lang)
    return doc


def build_followup(lang: str) -> Document:
    """The follow-up letter: a reminder, or a complaint about inaction (context: complaints.followup)."""
    doc, styles = _house(lang)
    p, loop = _writers(doc)
    addressee, body, item, annex, plain = (styles[k] for k in ("addressee", "body", "item", "annex", "plain"))

    # the addressee lines name the body (and its official), so its name does not stand above them again
    loop("addressee", addressee)
    p(addressee, "{{ authority_address }}").paragraph_format.space_before = Pt(6)
    p(addressee)
    loop("applicant", addressee)

    p(styles["heading"], "{{ heading }}")
    p(styles["subject"], "{{ subject }}")
    loop("paragraphs", body, "paragraph")
    p(body, "{{ requests_intro }}")
    loop("requests", item, "request", keep_last=True)

    _annexes(p, loop, plain, annex)

    _signature(doc, plain)
    _properties(doc, lang)
    return doc


BUILDERS = {"letter": build, "followup": build_followup}


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def prune(path: Path) -> None:
    """Drop what python-docx's blank document carries and a letter never uses: the ~270 unused styles, the
    copy of them for Word 2010 (stylesWithEffects), the thumbnail and custom XML. LibreOffice opens the
    pruned file (and makes its PDF) in less than half the time, and every letter is 45 KB smaller."""
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    dropped = {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml",
               "customXml/_rels/item1.xml.rels", "customXml/itemProps1.xml"}
    document = parts["word/document.xml"].decode("utf-8")
    styles = etree.fromstring(parts["word/styles.xml"])
    ns = {"w": W}
    by_id = {s.get(f"{{{W}}}styleId"): s for s in styles.findall("w:style", ns)}
    keep = set(re.findall(r'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', document))
    keep |= {sid for sid, s in by_id.items() if s.get(f"{{{W}}}default") == "1"}
    todo = list(keep)
    while todo:  # the styles they are based on, and so on
        based = by_id.get(todo.pop())
        parent = based.find("w:basedOn", ns) if based is not None else None
        if parent is not None and parent.get(f"{{{W}}}val") not in keep:
            keep.add(parent.get(f"{{{W}}}val"))
            todo.append(parent.get(f"{{{W}}}val"))
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    latent = styles.find("w:latentStyles", ns)
    if latent is not None:
        styles.remove(latent)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    for name in ("[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"):
        text = parts[name].decode("utf-8")
        text = re.sub(r'<Override [^>]*PartName="/(?:word/stylesWithEffects|docProps/thumbnail|customXml/)[^>]*/>',
                      "", text)
        text = re.sub(r'<Relationship [^>]*Target="(?:stylesWithEffects\.xml|docProps/thumbnail\.jpeg|'
                      r'\.\./customXml/item1\.xml)"[^>]*/>', "", text)
        parts[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name not in dropped:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)


def main(argv: list[str]) -> int:
    names = [a for a in argv[1:] if a in BUILDERS] or list(BUILDERS)
    paths = [a for a in argv[1:] if a not in BUILDERS]
    out = Path(paths[0]) if paths else ROOT / "templates"
    for lang in ("kk", "ru", "en"):
        for name in names:
            target = out / lang / f"{name}.docx"
            target.parent.mkdir(parents=True, exist_ok=True)
            BUILDERS[name](lang).save(target)
            prune(target)
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
