"""The Word letter: the language's template filled in by docxtpl, escaped and strict."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError

from ..errors import DataError

_EPOCH = (1980, 1, 1, 0, 0, 0)


def template_environment() -> Environment:
    """The Jinja environment of the Word templates: every value escaped, a missing variable an error."""
    return Environment(undefined=StrictUndefined, autoescape=True)


def render_docx(context: dict[str, Any], template: str | Path) -> bytes:
    """The letter as .docx bytes; the same context and template always give the same bytes."""
    doc = DocxTemplate(str(template))
    try:
        doc.render(context, jinja_env=template_environment(), autoescape=True)
    except UndefinedError as exc:
        raise DataError(f"{template}: the template uses a value the letter does not have: {exc.message}") from None
    except TemplateError as exc:
        raise DataError(f"{template}: the template is broken: {exc}") from None
    buffer = io.BytesIO()
    doc.save(buffer)
    return stable_zip(buffer.getvalue())


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps and attributes, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
