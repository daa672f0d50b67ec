"""`check` as one function: every case at some paths read, and what its letters' signer must look at listed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..case.when import kz_today, parse_day
from ..errors import ComplaintsError, Problem
from ..layout import find_case_files, shown
from .content import authority_findings, case_findings, scan
from .findings import Finding
from .ondisk import Letters, evidence_findings
from .online import online_findings

if TYPE_CHECKING:
    from ..case.read import CaseFile


@dataclass
class CaseReview:
    """One case: its findings (those of its project file apart), or why it could not be read."""

    source: str
    case_id: str | None
    findings: list[Finding] = field(default_factory=list)
    project: str | None = None  # its project file, as shown, whose findings are its letters' too
    problems: list[Problem] = field(default_factory=list)  # the errors that keep it from being read
    path: Path | None = None  # the case file
    case: CaseFile | None = None  # the case as read, where it could be (its warnings, its fields)

    @property
    def readable(self) -> bool:
        return self.case_id is not None


LINK_OUT = ("a link to a file outside the project folder: not read (put the case file itself in the project"
            " folder)")


def outside_ok(path: Path, within: Path) -> bool:
    """True if the case file `path` really is inside the folder `within` (not a link that leads out of it)."""
    try:
        return path.resolve().is_relative_to(within.resolve())
    except (OSError, RuntimeError):
        return False


@dataclass
class CheckReport:
    """Every case checked; the findings of project files once each, however many cases share them."""

    cases: list[CaseReview]
    projects: dict[str, list[Finding]]
    letter_date: date
    notes: list[str] = field(default_factory=list)  # what was not checked, and why (OCR not installed)

    def of(self, case: CaseReview) -> list[Finding]:
        """All a case's letters need looked at: its own findings and its project file's."""
        return sorted(self.projects.get(case.project or "", []) + case.findings)

    @property
    def findings(self) -> list[Finding]:
        shared = [f for fs in self.projects.values() for f in fs]
        return sorted(shared + [f for c in self.cases for f in c.findings])

    @property
    def to_look_at(self) -> list[CaseReview]:
        """The cases whose letters are not ready to sign (findings, or not readable)."""
        return [c for c in self.cases if not c.readable or self.of(c)]

    @property
    def exit_code(self) -> int:
        return 1 if self.to_look_at or any(self.projects.values()) else 0


def check_paths(
    paths: Iterable[str | Path],
    *,
    letters: str | Path | None = None,
    project: str | Path | None = None,
    languages: Iterable[str] | None = None,
    letter_date: date | None = None,
    within: Path | None = None,
    ocr: bool = True,
) -> CheckReport:
    """Every case at `paths` (files, folders, globs): what a signer must look at in its letters, from the case
    and project files and, where `letters` (default `letters/`) has a manifest, from the letters on disk. The
    letter date (for the norms in force) is `letter_date`, else the manifest's, else today in Kazakhstan.
    `within`: a folder no case file may lead out of (the web desk's project): a link to a file elsewhere is
    listed as not read, and is not read. `ocr`: each comment looked for in its screenshot (review/pictures.py),
    where Tesseract is installed (a note says when it is not)."""
    from ..batch.check import Checker, Options

    files = find_case_files(paths)
    on_disk = Letters(Path(letters) if letters is not None else Path("letters"))
    day = letter_date or _day(on_disk.letter_date) or kz_today()
    checker = Checker(Options(project, tuple(languages) if languages else None, day), faults=False)
    cases: list[CaseReview] = []
    projects: dict[str, list[Finding]] = {}
    docs = {}
    readable: list[Path] = []
    for path in files:
        if within is not None and not outside_ok(path, within):
            cases.append(CaseReview(shown(path), None, path=path, problems=[Problem(
                shown(path), 1, 1, "", LINK_OUT)]))
            continue
        checked, case = checker.load(path)
        if case is None or case.document is None:
            cases.append(CaseReview(checked.source, None, problems=[p for p in checked.problems if p.is_error],
                                    path=path))
            continue
        docs[case.document.path] = case.document
        readable.append(path)
        review = CaseReview(case.document.path, case.id, path=path, case=case)
        review.findings = scan(case.document, case.path) + case_findings(case, day)
        where, addressee = authority_findings(case)
        if case.project.document is not None:
            review.project = case.project.document.path
            if review.project not in projects:
                projects[review.project] = scan(case.project.document, case.project.path)
            if where is case.project.document:  # the same for every case that takes the project's addressee
                projects[review.project] += addressee
        if where is not case.project.document:
            review.findings += addressee
        review.findings += on_disk.findings(case.document, case.path, case.project.path)
        review.findings += online_findings(case)
        cases.append(review)
    for source, found in evidence_findings(readable, docs, on_disk).items():
        for review in cases:
            if review.source == source:
                review.findings += found
    notes: list[str] = []
    if ocr:
        from .pictures import picture_findings

        pictures = picture_findings((r.case, r.findings) for r in cases if r.case is not None)
        notes += pictures.notes
        for review in cases:
            review.findings += pictures.findings.get(review.source, [])
    for review in cases:
        review.findings = sorted(set(review.findings))
    for name in projects:
        projects[name] = sorted(set(projects[name]))
    return CheckReport(cases, projects, day, notes)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        return None


def summary(report: CheckReport) -> str:
    """One line: how many cases were checked, how many are ready to sign, and what the rest need."""
    from .findings import counts

    total = len(report.cases)
    waiting = report.to_look_at
    unreadable = [c for c in waiting if not c.readable]
    word = "case file" if total == 1 else "case files"
    if not waiting and not report.findings:
        return f"{total} {word} checked: nothing to look at; the letters can be signed as they are"
    text = f"{total} {word} checked: {len(waiting)} to look at before signing"
    if report.findings:
        n = len(report.findings)
        text += f" ({n} finding{'' if n == 1 else 's'}: {counts(report.findings)})"
    if unreadable:
        text += f"; {len(unreadable)} with errors (`complaints validate` says what)"
    shared = [(name, len(fs)) for name, fs in report.projects.items() if fs]
    for name, n in shared:
        users = sum(1 for c in report.cases if c.project == name)
        text += (f"; {n} of them in {name}, which {users} case{'' if users == 1 else 's'}"
                 f" {'uses' if users == 1 else 'use'}")
    return text


class NotReady(ComplaintsError):
    """A letter recorded as filed while `check` still lists things to look at in it."""

    def __init__(self, case_id: str, findings: list[Finding], problems: list[Problem]):
        self.findings = findings
        self.problems = problems  # the case's own problems (a file check cannot read): before the findings
        lines = [str(p) for p in problems] + [str(f) for f in findings]
        n = len(lines)
        super().__init__(f"the letter of '{case_id}' has {n} thing{'' if n == 1 else 's'} to look at before it is"
                         " signed and filed:\n" + "\n".join(lines))


def ready_to_file(case_path: Path, letters: Path | None) -> None:
    """NotReady unless `check` finds nothing for the case (with its letters in `letters`): what `filed` asks."""
    report = check_paths([case_path], letters=letters)
    case = report.cases[0]
    found = report.of(case)
    if found or case.problems:
        raise NotReady(case.case_id or str(case_path), found, case.problems)
