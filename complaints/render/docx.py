"""The Word letter: the language's template filled in by docxtpl, escaped and strict."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError, UndefinedError
from markupsafe import Markup, escape

from ..errors import DataError
from ..templating import environment

# After rendering, docxtpl turns these into "{{", "}}", "{%" and "%}" wherever they are, values included.
_DOCXTPL_MARKS = ("{_{", "}_}", "{_%", "%_}")


def _verbatim(value: Any) -> Any:
    """A value as the letter must show it: a quoted "{_{" stays "{_{" (its "_" written as &#95;)."""
    if isinstance(value, str) and not isinstance(value, Markup) and "_" in value \
            and any(mark in value for mark in _DOCXTPL_MARKS):
        text = str(escape(value))
        for mark in _DOCXTPL_MARKS:
            text = text.replace(mark, mark.replace("_", "&#95;"))
        return Markup(text)
    return value


def template_environment() -> Environment:
    """The Jinja environment of the Word templates: every value escaped, a missing variable an error."""
    return environment("docx", finalize=_verbatim)


def template_error(template: str | Path, exc: TemplateError) -> DataError:
    """What a broken template, or one asking for a value the letter lacks, tells the user."""
    if isinstance(exc, UndefinedError):
        return DataError(f"{template}: the template uses a value the letter does not have: {exc.message}")
    return DataError(f"{template}: the template is broken: {exc}")


def render_docx(context: dict[str, Any], template: str | Path) -> bytes:
    """The letter as .docx bytes; the same context and template always give the same bytes."""
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(template))
    try:
        doc.render(context, jinja_env=template_environment(), autoescape=True)
    except TemplateError as exc:
        raise template_error(template, exc) from None
    buffer = io.BytesIO()
    doc.save(buffer)
    return stable_zip(buffer.getvalue())


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps and attributes, so equal content gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return assemble([compress(info.filename, src.read(info.filename)) for info in src.infolist()])


@dataclass(frozen=True)
class Member:
    """One zip member, compressed once: a template's unchanging parts are reused letter after letter."""

    name: bytes
    crc: int
    size: int
    data: bytes


def compress(name: str, data: bytes) -> Member:
    """Deflate one member (raw deflate, as zip wants it).

    Level 1: for a letter's 12 KB of XML it is 2.5 times faster than the default level and only
    about 400 bytes larger; at thousands of letters the time matters more than the bytes.
    """
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return Member(name.encode("utf-8"), zlib.crc32(data), len(data), packer.compress(data) + packer.flush())


_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, 00:00:00


def _local(m: Member) -> bytes:
    """A member's local header and data."""
    flags = 0x800 if any(b > 127 for b in m.name) else 0
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, _DOS_DATE, m.crc, len(m.data), m.size,
                       len(m.name), 0) + m.name + m.data


def _central_head(m: Member) -> bytes:
    """A member's central directory entry up to (not including) its offset and name."""
    flags = 0x800 if any(b > 127 for b in m.name) else 0
    return struct.pack("<IHHHHHHIIIHHHHHI", 0x02014B50, 20, 20, flags, 8, 0, _DOS_DATE, m.crc, len(m.data),
                       m.size, len(m.name), 0, 0, 0, 0, 0)


def _finish(local: bytes, entries: list[tuple[bytes, int, bytes]]) -> bytes:
    central = b"".join(head + struct.pack("<I", offset) + name for head, offset, name in entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return local + central + end


def assemble(members: list[Member]) -> bytes:
    """A plain zip of already compressed members, with fixed dates: same members, same bytes."""
    locals_ = [_local(m) for m in members]
    offsets = [sum(len(x) for x in locals_[:i]) for i in range(len(members))]
    return _finish(b"".join(locals_), [(_central_head(m), off, m.name) for m, off in zip(members, offsets)])


class ZipFrame:
    """A zip whose members are fixed but one: the fixed ones are packed once, the one is filled in per letter.

    `frame.fill(member)` gives exactly what `assemble` gives for the same members.
    """

    def __init__(self, before: list[Member], after: list[Member]):
        self._before = b"".join(_local(m) for m in before)
        self._after = b"".join(_local(m) for m in after)
        self._heads_before = self._entries(before, 0)
        self._heads_after = self._entries(after, 0)

    @staticmethod
    def _entries(members: list[Member], start: int) -> list[tuple[bytes, int, bytes]]:
        out, offset = [], start
        for m in members:
            out.append((_central_head(m), offset, m.name))
            offset += len(_local(m))
        return out

    def fill(self, member: Member) -> bytes:
        middle = _local(member)
        shift = len(self._before) + len(middle)
        entries = [*self._heads_before, (_central_head(member), len(self._before), member.name),
                   *((head, offset + shift, name) for head, offset, name in self._heads_after)]
        return _finish(self._before + middle + self._after, entries)
