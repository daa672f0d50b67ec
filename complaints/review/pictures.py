"""The screenshot says what the letter says: each case's comment looked for, by OCR, in its screenshot
(evidence/ocr.py), and a finding at the evidence item where it is not found. Optional: without Tesseract nothing
is checked and one note says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .findings import Finding, signs

if TYPE_CHECKING:
    from ..case.read import CaseFile

KIND = "screenshot-text-missing"
NOT_AVAILABLE = ("OCR not available ({reason}): the screenshots were not checked against the comments' text"
                 " (an optional check; install tesseract-ocr with tesseract-ocr-kaz, -rus and -eng to have it, or"
                 " pass --no-ocr to skip it)")


@dataclass
class PictureCheck:
    """What the OCR check found over some cases: findings by case file (as shown), and notes for the user."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    pictures: int = 0  # pictures read (or taken from what this process read before)
    seconds: float = 0.0  # the time OCR took over them


def pictures_of(case: CaseFile) -> list[int]:
    """The evidence items whose pictures are read: a capture's close-ups of the comment where the case has one,
    else every picture (PNG, JPEG, WebP; never a PDF); only files the case's reading found in its folder."""
    s = signs().ocr
    named = {i: (case.case.evidence[i].file or "").lower() for i in sorted(case.evidence_files)}
    close = [i for i, name in named.items() if name.endswith(s.close_up.lower())]
    if close:
        return close
    return [i for i, name in named.items() if any(name.endswith(end.lower()) for end in s.pictures)]


def langs_of(language: str) -> list[str]:
    """Tesseract's languages for a comment in `language`: its own first, then the others."""
    table = signs().ocr.languages
    own = table.get(language)
    return ([own] if own else []) + [lang for code, lang in table.items() if lang != own]


def picture_findings(cases: Iterable[tuple[CaseFile, list[Finding]]]) -> PictureCheck:
    """Each case's screenshots read and compared with its comment's text. `cases`: each case with the findings
    already made for it (an evidence file check already marks a placeholder is not read again)."""
    from ..evidence.ocr import text_in_picture

    result = PictureCheck()
    said: set[str] = set()
    for case, already in cases:
        doc = case.document
        if doc is None:
            continue
        text = case.case.comment.text.strip()
        placeholders = {f.field for f in already if f.kind == "placeholder"}
        for i in pictures_of(case):
            where = f"evidence[{i}].file"
            if where in placeholders:
                continue
            name = case.case.evidence[i].file or ""
            match = text_in_picture(case.evidence_files[i].path, text, langs_of(case.case.comment.language))
            if not match.available:
                note = NOT_AVAILABLE.format(reason=(match.error or "").removeprefix("OCR not available: "))
                if note not in said:
                    said.add(note)
                    result.notes.append(note)
                return result  # nothing more can be read
            result.pictures += 1
            result.seconds += match.seconds
            if not match.checked:
                result.notes.append(f"{doc.path}: {where}: {name} {match.error}: not checked by OCR")
                continue
            if match.found:
                continue
            at = doc.mark(("evidence", i, "file"))
            result.findings.setdefault(doc.path, []).append(Finding(
                doc.path, at.line, at.column, where, KIND,
                f"the comment's text was not found in the screenshot {name} (OCR score {match.score:.2f},"
                f" threshold {match.threshold:.2f}): check that the picture shows this comment"))
    return result
