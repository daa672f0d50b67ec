"""Letter contexts → file bytes. `render_letter` is the one place a format is chosen; one module per format:

    docx             docx.py (render_docx, the reference) and fastdocx.py (PreparedTemplate, what batches use)
    pdf              pdf.py: LibreOffice turns the very DOCX into a PDF
    txt, md, html    text.py: the language's text layouts
    eml              email.py: the text as its body, the letter attached (the PDF where PDFs are made, else the DOCX)

A `Kit` is what letters are rendered with: the templates folder, each language's Word template prepared once,
LibreOffice started by the first PDF, the letter date, and the formats of the whole run. Nothing heavy is
imported until a letter needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ComplaintsError, DataError, UsageError
from ..layout import FORMATS, TEXT_FORMATS, template_file, templates_dir

if TYPE_CHECKING:
    from .fastdocx import PreparedTemplate
    from .pdf import Office

__all__ = ["EOTINISH", "MAIL_LIMIT", "Kit", "PreparedTemplate", "render_docx", "render_eotinish", "render_letter"]

# What the files an e-mail attaches may come to, at most: 25 MB is the common limit of mail servers (Gmail: "You
# can send up to 25 MB in attachments", support.google.com/mail/answer/6584; Outlook.com allows less). Checked from
# the files' sizes before any is read, so a huge evidence file is a message, not gigabytes read into memory.
MAIL_LIMIT = 25_000_000


class Kit:
    """What letters are rendered with, kept for many letters; `close` stops the LibreOffice it started.

    `document` names the templates: letter.* for letters, followup.* for follow-ups (see `template`). `formats`
    are the formats of the whole run: an e-mail attaches the PDF where they include it, else the DOCX.
    `pdfa`: PDF letters as PDF/A-2b. `scratch`: the folder LibreOffice's scratch files are made in (the output's
    own temporary folder, so that nothing is left outside it). Not for sharing between threads or processes.
    """

    def __init__(self, templates: str | Path | None = None, *, letter_date: date | None = None,
                 formats: Sequence[str] = (), pdfa: bool = False, document: str = "letter",
                 scratch: str | Path | None = None):
        from ..case.when import kz_today

        self.templates = templates_dir(templates)
        self.letter_date = letter_date or kz_today()
        self.formats = tuple(formats)
        self.pdfa = pdfa
        self.document = document
        self.scratch = scratch  # where LibreOffice's scratch files go (None: the system's temporary folder)
        self._word: dict[str, PreparedTemplate] = {}
        self._office: Office | None = None
        self._last: tuple[dict[str, Any], dict[str, bytes]] | None = None

    def template(self, lang: str, fmt: str) -> Path:
        """The template of one language and format: <templates>/<lang>/<document>.<fmt> where there is one (the
        Word templates), else the layout the languages share, <templates>/<document>.<fmt>."""
        return template_file(self.templates, lang, f"{self.document}.{fmt}")

    def word(self, lang: str) -> PreparedTemplate:
        """The language's Word template, prepared on first use."""
        if lang not in self._word:
            from .fastdocx import PreparedTemplate  # docxtpl loads only when a Word letter is asked for

            path = self.template(lang, "docx")
            if not path.is_file():
                raise DataError(f"{path}: no such template")
            self._word[lang] = PreparedTemplate(path)
        return self._word[lang]

    @property
    def office(self) -> Office:
        """The LibreOffice that makes the PDFs: made on first use, started by its first PDF (or `launch`)."""
        if self._office is None:
            from .pdf import Office

            self._office = Office(self.scratch)
        return self._office

    def made(self, context: dict[str, Any]) -> dict[str, bytes]:
        """The formats the letter of `context` has been rendered in so far, so that none is made twice for it
        (a PDF is made from the DOCX, an e-mail attaches one of them). Only the last letter is remembered."""
        if self._last is None or self._last[0] is not context:
            self._last = (context, {})  # holding the context keeps its id from being reused
        return self._last[1]

    def close(self) -> None:
        """Stop LibreOffice, if this kit started it."""
        if self._office is not None:
            self._office.close()


def render_letter(context: dict[str, Any], fmt: str, kit: Kit, *, name: str | None = None,
                  attachments: Sequence[tuple[str, Path]] = ()) -> bytes:
    """The letter (or follow-up) of `context` in `fmt`, as the file's bytes: the same context, kit and
    templates always give the same bytes.

    For an e-mail only: `name` is what the attached letter is called, without its format (default
    <letter id>.<lang>), and `attachments` are the files sent with it after the letter, as (name, path).
    """
    made = kit.made(context)
    if fmt not in made:
        made[fmt] = _render(context, fmt, kit, name, attachments)
    return made[fmt]


EOTINISH = "eotinish.txt"  # the layout of the text for eOtinish's form: <templates>/letter.eotinish.txt


def render_eotinish(context: dict[str, Any], kit: Kit) -> str:
    """The letter's text to paste into eOtinish's appeal field: the text letter's body, without the addressee's
    and the applicant's lines (the form has fields of its own for them) and without the signature block (the
    applicant signs the appeal there with the digital signature). Laid out by <templates>/letter.eotinish.txt."""
    from .text import render_text

    return render_text(context, "txt", kit.template(str(context["lang"]), EOTINISH)).decode("utf-8")


def _render(context: dict[str, Any], fmt: str, kit: Kit, name: str | None,
            attachments: Sequence[tuple[str, Path]]) -> bytes:
    lang = str(context["lang"])
    if fmt == "docx":
        return kit.word(lang).render(context)
    if fmt == "pdf":
        docx = render_letter(context, "docx", kit)
        return kit.office.convert(docx, pdfa=kit.pdfa, letter_date=kit.letter_date)
    if fmt in TEXT_FORMATS:
        from .text import render_text

        return render_text(context, fmt, kit.template(lang, fmt))
    if fmt == "eml":
        from .email import draft

        stem = name or f"{context['letter_id']}.{lang}"
        letter = "pdf" if "pdf" in kit.formats else "docx"
        sizes = [Path(path).stat().st_size for _, path in attachments]
        if sum(sizes) > MAIL_LIMIT:
            raise ComplaintsError(f"the files the e-mail attaches come to {sum(sizes):,} bytes, more than an e-mail can"
                             f" carry ({MAIL_LIMIT:,} bytes, the common limit of mail servers)")
        files = [(f"{stem}.{letter}", render_letter(context, letter, kit))]
        files += [(file_name, Path(path).read_bytes()) for file_name, path in attachments]
        body = render_letter(context, "txt", kit).decode("utf-8")
        return draft(context, body=body, attachments=files, day=kit.letter_date,
                     ref=f"{stem}.{kit.letter_date.isoformat()}")
    raise UsageError(f"unknown format '{fmt}': choose from {', '.join(FORMATS)}")


def __getattr__(name: str) -> Any:
    # the Word renderers load docxtpl: only when asked for
    if name == "render_docx":
        from .docx import render_docx

        return render_docx
    if name == "PreparedTemplate":
        from .fastdocx import PreparedTemplate

        return PreparedTemplate
    raise AttributeError(f"module 'complaints.render' has no attribute '{name}'")
