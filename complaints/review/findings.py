"""What a signer must look at, one finding a place: its kind, where it is, and what to do; and what is looked for
(complaints/data/check.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import Problem

# The kinds of finding, in the order a summary counts them.
KINDS = (
    "placeholder",  # PLACEHOLDER, or an example value (example.org, KZ00…0000, a sample IIN, "example" in a URL)
    "unconfirmed",  # a profile field its data marks unconfirmed (the Ministry's address, the Minister's initials)
    "script",  # text in the wrong script for its language (Cyrillic in English, Kazakh without Kazakh letters)
    "lost-letters",  # `?` inside a Cyrillic word: letters lost to Windows-1251
    "untranslated",  # a translation equal to the original
    "licence",  # a licence clause for an outlet that is registered, not licensed
    "norm",  # a norm not in force on the letter's date
    "no-evidence",  # a case with no evidence at all: its letter lists no annexes
    "evidence",  # an evidence file changed since the letters were rendered
    "comment-removed",  # the register says the comment was removed (`watch` missed it after it was last seen)
    "stale",  # a letter older than its case, or a letter file the manifest does not list
    "screenshot-text-missing",  # OCR does not find the quoted comment in its screenshot (evidence/ocr.py; optional)
)


@dataclass(frozen=True, order=True)
class Finding:
    """One thing to look at before signing, at one place in one file."""

    file: str
    line: int
    column: int
    field: str
    kind: str  # one of KINDS
    message: str  # what it is and what to do

    def __str__(self) -> str:
        return str(Problem(self.file, self.line, self.column, self.field, self.message, self.kind))

    def problem(self, severity: str = "error") -> Problem:
        """The finding as a problem of its case (`render --final` refuses the letter with it)."""
        return Problem(self.file, self.line, self.column, self.field, f"{self.kind}: {self.message}", severity)


class OcrSigns(BaseModel):
    """check.yaml's `ocr`: how the screenshots are read and how alike their text must be to the comment's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(ge=0, le=1)
    languages: dict[str, str]  # the case's language code → Tesseract's (kk → kaz)
    pictures: list[str]  # the file name endings read as pictures
    close_up: str  # the ending of a capture's close-up of the comment: read alone when a case has one
    min_width: int = Field(ge=1)
    timeout: float = Field(gt=0)


class Signs(BaseModel):
    """complaints/data/check.yaml: what marks a placeholder, an example, a text in the wrong script."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    markers: list[str]
    example_domains: list[str]
    example_suffixes: list[str]
    example_words: list[str]
    sample_numbers: list[str]
    zero_run: int
    kazakh_letters: str
    quotes: list[str]
    names: list[str]
    ocr: OcrSigns


@lru_cache(maxsize=1)
def signs() -> Signs:
    """The data `check` looks with, read once."""
    from ..case.law import read_data

    signs_data: Signs = read_data("check.yaml", Signs)
    return signs_data


def counts(findings: list[Any]) -> str:
    """'3 placeholder, 1 norm': how many of each kind, in KINDS order."""
    tally = {kind: sum(1 for f in findings if f.kind == kind) for kind in KINDS}
    return ", ".join(f"{n} {kind}" for kind, n in tally.items() if n)
