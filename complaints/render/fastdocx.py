"""The Word letter, fast: the template read, patched and compiled once, then only its body rendered per letter.

docxtpl's own `render` + `save` re-reads the template, re-patches and re-compiles
its XML and re-serializes every part for every letter. Here that is done once:
each letter renders the one part that holds tags (the document body) with
docxtpl's own steps, in docxtpl's order, and every other zip member is reused
as docxtpl would have written it. The result is identical, part for part, to
`render_docx` (tests/test_fastdocx.py checks it).

What the preparing makes of a template whose letters can be spliced (its parts, its body's compiled code) is kept
in the user's cache (kept.py), named by the template's content and the versions of what prepares it: a later run
reads it and imports neither docxtpl nor python-docx until a letter needs docxtpl's own path.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from ..errors import DataError
from .docx import Member, ZipFrame, compress, template_environment, template_error

_DOCUMENT = "word/document.xml"
_TAG = re.compile(r"\{[{%#]")
_MARK = "complaints-body-goes-here"
# elements whose whole content is template tags: rendered empty, lxml writes them <x/>
_MAYBE_EMPTY = re.compile(r"<([A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*)(?: [^<>]*)?>(?:\{[{%#].*?[}%#]\})+</\1>")
_TAG_IN_ATTRIBUTE = re.compile(r'="[^"<>]*\{[{%]')
_BREAK = re.compile(r"\n<w:p[ >]")  # a line break before a paragraph, which docxtpl's joining would take away
# what prepares a template: a change to any of them (an upgrade, an edit) is another kept preparation (kept.py)
_PREPARED_BY = ("complaints.render.fastdocx", "complaints.render.docx", "complaints.templating", "docxtpl", "docx",
                "lxml.etree", "jinja2", "markupsafe")


class PreparedTemplate:
    """One language's template, ready to render many letters; not for sharing between threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._tpl: Any = None  # docxtpl's template, for the letters that take its path (made when one does)
        self._root: Any = None
        from ..kept import kept_path

        kept = kept_path("templates", self.path.read_bytes(), _PREPARED_BY)
        if self._recall(kept):
            return
        self._prepare()
        if self._splice is not None:
            self._keep(kept)

    def _docxtpl(self) -> Any:
        """docxtpl's template, rendered once without values as preparing does (its core properties normalised)."""
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(str(self.path))
        tpl.render_init()
        self._tpl = tpl
        return tpl

    def _prepare(self) -> None:
        from docx.opc.oxml import serialize_part_xml

        tpl = self._docxtpl()
        env = template_environment()
        self._refuse_tags_outside_the_body()
        patched = tpl.patch_xml(tpl.get_xml())
        # docxtpl breaks the line before each paragraph for Jinja (its messages then name a line), and joins the
        # lines again once rendered; without a break before a paragraph in the template, a template rendered
        # without them gives the same text: it is rendered so, and any mistake in it is told from the broken one
        body = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
        self._joins = _BREAK.search(patched) is not None
        try:
            self._code = env.compile(body if self._joins else patched)
        except TemplateError:
            try:
                env.compile(body)
            except TemplateError as exc:
                raise template_error(self.path, exc) from None
            raise  # pragma: no cover - one is broken, the other is not
        self._body = env.template_class.from_code(env, self._code, env.make_globals(None), None)
        # docxtpl renders the core properties too; without tags in them that only normalises them once.
        tpl.render_properties({}, env)
        self._root = tpl.docx._element
        saved = io.BytesIO()
        tpl.docx.save(saved)
        with zipfile.ZipFile(saved) as z:
            names = [info.filename for info in z.infolist()]
            members = {name: compress(name, z.read(name)) for name in names if name != _DOCUMENT}
        slot = names.index(_DOCUMENT)
        self._members = ([members[n] for n in names[:slot]], [members[n] for n in names[slot + 1:]])
        self._frame = ZipFrame(*self._members)
        self._splice = self._can_splice(body, serialize_part_xml)

    def _keep(self, where: Path | None) -> None:
        """What preparing made, kept at `where` for the next run (kept.py)."""
        from ..kept import keep

        assert self._splice is not None
        before, after = self._members
        keep(where, {"code": self._code, "joins": self._joins, "splice": self._splice,
                     "empty": list(self._empty),
                     "before": [(m.name, m.crc, m.size, m.data) for m in before],
                     "after": [(m.name, m.crc, m.size, m.data) for m in after]})

    def _recall(self, where: Path | None) -> bool:
        """The preparation kept at `where` taken up; False where there is none, or it cannot be read."""
        from ..kept import recall

        kept = recall(where)
        try:
            env = template_environment()
            self._body = env.template_class.from_code(env, kept["code"], env.make_globals(None), None)
            self._code, self._joins = kept["code"], kept["joins"]
            before, after = ([Member(*m) for m in kept[side]] for side in ("before", "after"))
            self._splice = tuple(kept["splice"])
            self._empty = tuple(bytes(name) for name in kept["empty"])
        except (TypeError, KeyError, ValueError):  # nothing kept, or not a preparation
            return False
        self._members = (before, after)
        self._frame = ZipFrame(before, after)
        return True

    def _docx_path(self) -> Any:
        """docxtpl's template and its document, for a letter that takes docxtpl's own path: as preparing left them
        (made now where the preparation was taken from the cache)."""
        if self._tpl is None or self._root is None:
            tpl = self._docxtpl()
            tpl.render_properties({}, template_environment())
            self._root = tpl.docx._element
        return self._tpl

    def _can_splice(self, body: str, serialize_part_xml: Any) -> tuple[bytes, bytes] | None:
        """The document around its body, when the rendered body can go in as text.

        docxtpl parses the rendered body and lxml writes it out again. For a body without tables that
        tags reshape (docxtpl's fix_tables), pictures (fix_docpr_ids) or tags inside attributes, that
        round trip changes only what the escaping of values writes differently (quotes, and elements whose
        content is all tags and rendered empty), and `render` makes those changes as text. Otherwise every
        letter takes docxtpl's own path. (A tag block that spans elements and leaves one empty would be
        written <x></x> where lxml writes <x/>: the same XML to Word, but not the same bytes.)
        """
        if "<w:tbl" in body and ("{%tc" in body or "{%tr" in body) or "docPr" in body \
                or _TAG_IN_ATTRIBUTE.search(body):
            return None
        body_element = self._root.body
        placeholder = copy.deepcopy(body_element)
        placeholder.clear()
        placeholder.text = _MARK
        self._root.replace(body_element, placeholder)
        whole = serialize_part_xml(self._root).decode("utf-8")
        self._root.replace(placeholder, body_element)
        before, _, after = whole.partition(f"<w:body>{_MARK}</w:body>")
        names = sorted(set(_MAYBE_EMPTY.findall(body)))
        self._empty = tuple(name.encode("utf-8") for name in names)
        return ((before + "<w:body>").encode("utf-8"), ("</w:body>" + after).encode("utf-8")) if after else None

    def _refuse_tags_outside_the_body(self) -> None:
        """Headers, footers, footnotes and properties with tags need docxtpl's full path."""
        tpl = self._tpl
        for part in tpl.docx.part.package.iter_parts():
            if part is tpl.docx.part:
                continue
            blob = part.blob if isinstance(part.blob, bytes) else b""
            if part.content_type.endswith("+xml") and _TAG.search(blob.decode("utf-8", "replace")):
                raise DataError(f"{self.path}: tags in {part.partname} are not supported; keep them in the body")

    def render(self, context: dict[str, Any]) -> bytes:
        """The letter as .docx bytes, the same as `render_docx(context, path)` gives."""
        try:
            xml = self._body.render(context)
        except TemplateError as exc:
            raise template_error(self.path, exc) from None
        # docxtpl's steps after rendering, on the UTF-8 bytes (the same, its marks being ASCII, and faster)
        data = xml.encode("utf-8")
        if self._joins:
            data = data.replace(b"\n<w:p ", b"<w:p ").replace(b"\n<w:p>", b"<w:p>")  # its re.sub, without re
        if b"{" in data or b"}" in data:  # each mark has one (one byte is found many times faster than three)
            data = data.replace(b"{_{", b"{{").replace(b"}_}", b"}}").replace(b"{_%", b"{%").replace(b"%_}", b"%}")
        if self._splice is not None and not any(ch in data for ch in (b"\t", b"\a", b"\n", b"\f", b"\r")):
            return self._frame.fill(compress(_DOCUMENT, self._spliced(data)))
        from docx.opc.oxml import serialize_part_xml

        xml = data.decode("utf-8")
        tpl = self._docx_path()
        if any(ch in xml for ch in "\t\a\n\f"):  # docxtpl's listing step changes nothing otherwise
            xml = tpl.resolve_listing(xml)
        tree = tpl.fix_tables(xml)
        tpl.docx_ids_index = 1000
        tpl.fix_docpr_ids(tree)
        self._root.replace(self._root.body, tree)
        document = compress(_DOCUMENT, serialize_part_xml(self._root))
        return self._frame.fill(document)

    def _spliced(self, xml: bytes) -> bytes:
        """The document part as lxml would write it, from the rendered body (UTF-8)."""
        assert self._splice is not None
        before, after = self._splice
        # markupsafe escapes quotes, and _verbatim writes some "_" as &#95;: lxml writes them as they are
        if b"#" in xml:  # each of them has one
            xml = xml.replace(b"&#34;", b'"').replace(b"&#39;", b"'").replace(b"&#95;", b"_")
        if self._empty and b"></" in xml:
            xml = self_closed(xml, self._empty)
        return before + xml[xml.index(b">") + 1:xml.rindex(b"</w:body>")] + after


def self_closed(xml: bytes, names: tuple[bytes, ...]) -> bytes:
    """Each element of `names` with nothing in it, `<x …></x>`, written `<x …/>` as lxml writes it: what the
    pattern `<(names)((?: [^<>]*)?)></\1>` replaced by `<\1\2/>` gives, found by the end tags (a search for a
    few bytes, not a pattern tried at every `<`)."""
    cuts = []
    for name in names:
        close = b"></" + name + b">"
        at = xml.find(close)
        while at != -1:
            start = xml.rfind(b"<", 0, at)  # the tag that `>` ends: nothing between can be a `<`
            head = xml[start + 1:at]
            if start != -1 and (head == name or head.startswith(name + b" ") and b">" not in head):
                cuts.append((at, at + len(close)))
            at = xml.find(close, at + len(close))
    if not cuts:
        return xml
    parts, last = [], 0
    for at, end in sorted(cuts):
        parts += [xml[last:at], b"/>"]
        last = end
    parts.append(xml[last:])
    return b"".join(parts)
