"""Letter sets: the cases each letter of a batch is about. Without grouping every case is its own letter;
`group_by="outlet"`: one letter per applicant and outlet about all its comments, numbered comment by comment.
Pure functions: nothing here reads a file.

An outlet is its home page's host (https://www.Nur.kz/ and http://nur.kz are one outlet); its letter is named
after it, OUT/outlet-nur-kz/outlet-nur-kz.ru.docx, and listed in the manifest under "outlet:nur.kz" with the
cases it covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..layout import host_slug

if TYPE_CHECKING:
    from ..case.read import CaseFile


@dataclass(slots=True)  # one per case for the whole run: kept small, so memory stays flat with the batch
class Member:
    """A case file as the plan knows it: the hashes of what its letters are made from, and, once known, its id
    and what its letter is gathered by."""

    path: str  # the case file as listed (text: a Path costs some 300 bytes more, ten thousand times)
    source: str  # the case file as the user will recognise it (and the manifest lists it)
    inputs: dict[str, Any] | None  # {"case": its SHA-256, "project": [project file, SHA-256]}; None: unreadable
    case_id: str | None = None
    group: tuple[str, str] | None = None  # (project file, outlet): one applicant, one outlet


@dataclass(slots=True)
class LetterSet:
    """The cases one letter is about: one case, or one applicant's cases on one outlet, in file order."""

    id: str | None  # None: the case's own id, learned when it is read
    source: str  # what the manifest lists the letter under: the case file, or outlet:<host>
    cases: list[Member]

    @property
    def grouped(self) -> bool:
        return self.id is not None


def outlet_key(url: str) -> str:
    """An outlet as its home page's host, without `www.`: https://www.Nur.kz/ and http://nur.kz are one outlet."""
    host = (urlsplit(url).hostname or url).lower()
    return host[4:] if host.startswith("www.") else host


def group_key(case: CaseFile, group_by: str) -> tuple[str, str]:
    """What a case's letter is gathered by: its project file (one applicant) and its outlet."""
    assert group_by == "outlet"  # the batch refuses anything else first
    return str(case.project.path or ""), outlet_key(case.case.outlet.url)


def letter_sets(cases: list[Member], group_by: str | None) -> list[LetterSet]:
    """The batch's letters: one per case, or one per group (`group_by`), groups and their cases in the order
    first seen. One outlet under two project files is two letters, the second id numbered."""
    if group_by is None:
        return [LetterSet(None, case.source, [case]) for case in cases]
    groups: dict[tuple[str, str], LetterSet] = {}
    for case in cases:
        assert case.group is not None  # the plan has learnt it
        if case.group not in groups:
            groups[case.group] = LetterSet("", f"outlet:{case.group[1]}", [])
        groups[case.group].cases.append(case)
    taken: dict[str, int] = {}
    for (_, outlet), letters in groups.items():
        base = "outlet-" + (host_slug(outlet) or "unknown")  # named as case ids name outlets
        taken[base] = taken.get(base, 0) + 1
        letters.id = base if taken[base] == 1 else f"{base}-{taken[base]}"
    return list(groups.values())
