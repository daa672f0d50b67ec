"""One case file read and checked: what is wrong with it, and the case where nothing is (load → validate)."""

from __future__ import annotations

import hashlib
import os
import signal
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CaseError, Problem, ProjectError
from ..render.glyphs import glyph_warnings
from .groups import group_key

if TYPE_CHECKING:
    from ..case.read import CaseFile, ProjectFile


@dataclass(frozen=True)
class Options:
    """What every case of a batch is checked and rendered with."""

    project: str | Path | None
    languages: tuple[str, ...] | None
    letter_date: date
    formats: tuple[str, ...] = ()
    templates: Path | None = None  # None: check only, render nothing
    staging: Path | None = None  # where rendered letters wait for the writer (render only)
    pdfa: bool = False  # PDF letters as PDF/A-2b
    group_by: str | None = None  # letters about several cases: what gathers them (GROUP_BY)
    final: bool = False  # letters to sign: a case with anything `check` finds gets none (review/)


@dataclass
class Checked:
    """The outcome of checking one case file."""

    source: str
    case_id: str | None
    problems: list[Problem]
    languages: tuple[str, ...] = ()
    evidence: list[tuple[str, int, int, str]] = field(default_factory=list)  # (path, size, mtime_ns, sha256)
    id_at: tuple[int, int] = (1, 1)
    project_failed: str | None = None  # the broken project file this case depends on
    group: tuple[str, str] | None = None  # what its letter is gathered by (Options.group_by), where it is
    sha256: str | None = None  # of the bytes that were checked (and rendered): what the manifest records
    project_read: list[str | None] | None = None  # its project file and the SHA-256 of the bytes read of it

    @property
    def ok(self) -> bool:
        return self.case_id is not None and not any(p.is_error for p in self.problems)


@dataclass
class Projects:
    """Project files, read once each; a broken one fails every case under it."""

    explicit: str | Path | None
    languages: tuple[str, ...] | None
    cache: dict[Path | None, ProjectFile | CaseError] = field(default_factory=dict)
    hashes: dict[Path | None, str | None] = field(default_factory=dict)  # of the bytes each one was read from
    found: dict[Path, Path | None] = field(default_factory=dict)  # case folder → its complaints.yaml
    resolved: dict[Path, Path] = field(default_factory=dict)  # a project file's path → its real path

    def _key(self, where: Path | None) -> Path | None:
        if where is None:
            return None
        if where not in self.resolved:
            self.resolved[where] = where.resolve()
        return self.resolved[where]

    def path_for(self, case: Path) -> Path | None:
        """The project file that governs a case (the one named, or the nearest above it)."""
        from ..layout import find_project

        if self.explicit is not None:
            return Path(self.explicit)
        folder = case.parent
        if folder not in self.found:
            self.found[folder] = find_project(folder)
        return self.found[folder]

    def read_as(self, path: Path) -> list[str | None] | None:
        """The project file of a case as the manifest lists it, [path, SHA-256 of the bytes read], once read."""
        where = self.path_for(path)
        if where is None:
            return None
        return [str(where), self.hashes.get(self._key(where))]

    def for_case(self, path: Path) -> ProjectFile:
        from ..case.read import load_project

        where = self.path_for(path)
        key = self._key(where)
        for _attempt in range(3):  # hashed before and after it is read: one saved meanwhile is read again
            if key in self.cache:
                break
            before = _sha256(where) if where is not None else None
            try:
                self.cache[key] = load_project(where, languages=self.languages)
            except CaseError as exc:
                self.cache[key] = exc
            after = _sha256(where) if where is not None else None
            self.hashes[key] = after
            if after != before:  # saved while it was read: read again
                self.hashes[key] = None  # kept changing: listed as unknown, so the next run makes its letters again
                del self.cache[key]
        if key not in self.cache:  # kept changing: the last reading, whatever it read, its hash unknown
            try:
                self.cache[key] = load_project(where, languages=self.languages)
            except CaseError as exc:
                self.cache[key] = exc
        found = self.cache[key]
        if isinstance(found, CaseError):
            raise found
        return found


class Checker:
    """Reads and checks one case file at a time, keeping the project files it read."""

    def __init__(self, options: Options, *, faults: bool = True):
        self.options = options
        self.projects = Projects(options.project, options.languages)
        self.faults = faults  # tests' injected faults (COMPLAINTS_FAULT) happen here; not in `check`'s reading

    def load(self, path: Path) -> tuple[Checked, CaseFile | None]:
        """One case file read and checked: what is wrong with it, and the case where nothing is. Whatever goes
        wrong (a bug too) is that case's failure, never the batch's."""
        try:
            return self._load(path)
        except Exception as exc:  # the boundary of one case: any bug fails this case alone
            return Checked(str(path), None, [internal_error(str(path), exc, "checking it")]), None

    def _load(self, path: Path) -> tuple[Checked, CaseFile | None]:
        from ..case.read import load_case

        o = self.options
        shown = str(path)
        # The hash recorded is that of the very bytes checked and rendered (the reading takes it), so a file saved
        # while the batch runs is rendered again next run; a file that changed while it was read is read again.
        for _attempt in range(3):
            try:
                if self.faults:
                    fault("check", path)
                project_file = self.projects.for_case(path)
                case = load_case(path, project=project_file, languages=o.languages, letter_date=o.letter_date)
            except ProjectError as exc:
                return Checked(shown, None, [Problem(shown, 1, 1, "", f"its project file {exc.path} has errors")],
                               project_failed=exc.path), None
            except CaseError as exc:
                return Checked(exc.path, None, exc.problems), None
            digest = case.document.sha256 if case.document is not None else None
            if digest is not None and _sha256(path) == digest:
                break
        else:
            return Checked(shown, None, [Problem(shown, 1, 1, "", "the file kept changing while it was read; run"
                                                 " again once it is saved")]), None
        shown = case.document.path if case.document else shown
        at = case.document.mark(("id",)) if case.document else None
        warnings = list(case.warnings)
        if o.templates is None or "pdf" in o.formats:  # validate, or PDF letters: what their fonts cannot draw
            warnings += glyph_warnings(case.document)
        if o.final:  # letters to sign: whatever a signer must look at first is an error of the case
            from ..review.content import content_findings

            warnings += [finding.problem("error") for finding in content_findings(case, o.letter_date)]
        result = Checked(shown, case.id, warnings, languages=tuple(o.languages or case.languages),
                         evidence=[(str(e.path), e.size, e.mtime_ns, e.sha256) for e in case.evidence_files.values()],
                         id_at=(at.line, at.column) if at else (1, 1),
                         group=group_key(case, o.group_by) if o.group_by else None, sha256=digest,
                         project_read=self.projects.read_as(path))
        return result, case

    def __call__(self, path: Path) -> Checked:
        return self.load(path)[0]


def internal_error(source: str, exc: BaseException, doing: str) -> Problem:
    """A bug met in one case, as that case's error: the exception's type only, never its text, which could
    quote the case (its applicant's IIN)."""
    return Problem(source, 1, 1, "", f"internal error while {doing} — please report it (a {type(exc).__name__});"
                                     " no letter is written for this case, the others go on")


class InjectedFault(RuntimeError):
    """Tests only: the bug COMPLAINTS_FAULT=<point>:<case file name> makes happen in one case."""


def fault(point: str, path: Path) -> None:
    """Tests only: raise InjectedFault at `point` (check, render or render-<format>) of the case file named in
    COMPLAINTS_FAULT, its message quoting the file (as a careless bug's could), to show one bug fails one case."""
    if os.environ.get("COMPLAINTS_FAULT") == f"{point}:{path.name}":
        raise InjectedFault(path.read_text(encoding="utf-8", errors="replace"))
    if os.environ.get("COMPLAINTS_FAULT") == f"kill-{point}:{path.name}":  # the process killed, as by the OOM killer
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))  # Windows: TerminateProcess, as abrupt


def _sha256(path: Path) -> str | None:
    if not path.is_file():  # a FIFO or a device would never end: the reading refuses it
        return None
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None  # the reading says what is wrong with it


def claim_id(checked: Checked, seen: dict[str, str]) -> bool:
    """Ids name the output files: the first case with an id keeps it (True), a later one fails (False)."""
    if not checked.ok or checked.case_id is None:
        return False
    if checked.case_id in seen:
        line, column = checked.id_at
        checked.problems.append(Problem(checked.source, line, column, "id", taken(checked.case_id, seen)))
        return False
    seen[checked.case_id] = checked.source
    return True


def taken(case_id: str, seen: dict[str, str]) -> str:
    """Why a case cannot have the id an earlier case of the batch has."""
    return (f"id '{case_id}' is already used by {seen[case_id]}; ids name the output files and must be unique in a"
            " batch")


def broken_project(project_file: str) -> list[Problem]:
    """The problems of a project file that failed its cases, to report once."""
    from ..case.read import load_project

    try:
        load_project(project_file)
    except CaseError as exc:
        return list(exc.problems)
    return []  # pragma: no cover - it failed a moment ago
