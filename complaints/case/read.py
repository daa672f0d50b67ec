"""Reading a case file with its project file into a validated, ready-to-letter case."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import CaseError, Problem, ProjectError
from ..layout import LANGUAGES, find_project
from ..layout import shown as _shown
from . import law, verbatim
from .load import Document, read_yaml
from .mail import line_break_problem
from .model import EVIDENCE_LIST, Applicant, AuthorityRef, Case, Evidence, Project, RequestId, structure_problems
from .rules import check_applicant, check_case, check_dates, check_requests
from .when import kz_today


@dataclass(frozen=True)
class ProjectFile:
    """complaints.yaml, read and checked (or the empty project when there is none)."""

    path: Path | None
    project: Project
    document: Document | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.project.languages or LANGUAGES)

    @cached_property
    def real_root(self) -> Path | None:
        """Its folder with every link resolved, worked out once for all its cases."""
        return self.path.parent.resolve() if self.path else None


@dataclass(frozen=True)
class EvidenceFile:
    path: Path
    size: int
    sha256: str
    mtime_ns: int = 0  # lets a later run see the file is unchanged without reading it again


@dataclass(frozen=True)
class CaseFile:
    """A validated case with everything its letters need: applicant, addressee, evidence hashes."""

    path: Path
    root: Path
    case: Case
    applicant: Applicant
    authority: law.Authority
    languages: tuple[str, ...]
    project: ProjectFile
    warnings: tuple[Problem, ...] = ()
    evidence_files: dict[int, EvidenceFile] = field(default_factory=dict)
    document: Document | None = None

    @property
    def id(self) -> str:
        return self.case.id


def load_project(path: str | Path | None, *, languages: tuple[str, ...] | None = None,
                 content: bytes | None = None) -> ProjectFile:
    """Read and check a project file; ProjectError carries every problem in it. `content`: the bytes the file is
    about to hold, checked as the file `path` without being written or read."""
    if path is None:
        return ProjectFile(None, Project())
    path = Path(path)
    doc = read_yaml(path, display=_shown(path), collect=True, content=content)
    if doc.data is None:
        doc.data = {}
    langs = languages or _languages_of(doc.data)
    context = {"languages": langs}
    try:
        project = Project.model_validate(doc.data, context=context)
    except ValidationError as exc:
        raise ProjectError(doc.path, doc.problems + structure_problems(doc, exc, Project)) from None
    problems = list(doc.problems)
    if project.applicant is not None:
        problems += check_applicant(doc, project.applicant, ("applicant",))
    problems += _check_authority_ref(doc, project.authority, ("authority",))
    if any(p.is_error for p in problems):
        raise ProjectError(doc.path, problems)
    return ProjectFile(path, project, doc, tuple(problems))


def load_case(
    path: str | Path,
    *,
    project: ProjectFile | str | Path | None = None,
    languages: tuple[str, ...] | list[str] | None = None,
    letter_date: date | None = None,
    content: bytes | None = None,
) -> CaseFile:
    """Read, validate and prepare one case file; CaseError carries every problem with its place.

    The project file is found by walking up from the case unless one is given.
    `languages` are the letter languages to check localized text for (default:
    the project's, else kk, ru, en); `letter_date` is the date warnings are
    judged against (default: today in Kazakhstan). `content`: the bytes the file is about to hold, checked as
    the file `path` (its evidence and project found from there) without being written or read.
    """
    path = Path(path)
    if not isinstance(project, ProjectFile):
        project = load_project(project if project is not None else find_project(path),
                               languages=tuple(languages) if languages else None)
    langs = tuple(languages) if languages else project.languages
    doc = read_yaml(path, display=_shown(path), collect=True, content=content)
    context = {"languages": langs, "norm_ids": set(law.catalogue())}
    root = project.real_root or path.parent.resolve()
    # a quoted field YAML would read otherwise than it is written: refused at the place (and said once, so not
    # again as the empty or not-a-text value it became)
    changed = verbatim.problems(doc)
    said = {p.field for p in changed}
    doc.problems += changed
    try:
        case = Case.model_validate(doc.data, context=context)
    except ValidationError as exc:
        # The sections that are themselves valid still get their cross-field checks,
        # so that one reading shows every problem of the file.
        problems = doc.problems + [p for p in structure_problems(doc, exc, Case) if p.field not in said]
        sections = _valid_sections(doc.data, exc, context)
        problems += _cross_checks(doc, project, path, root, **sections)[1]
        raise CaseError(doc.path, problems) from None

    evidence, problems = _cross_checks(doc, project, path, root, evidence=case.evidence, requests=case.requests,
                                       applicant=case.applicant, authority=case.authority, present=set(doc.data))
    problems = list(doc.problems) + problems + check_case(doc, case, langs, letter_date or kz_today())
    problems += check_dates(doc, case)
    if any(p.is_error for p in problems):
        raise CaseError(doc.path, problems)
    applicant = case.applicant or project.project.applicant
    authority = law.resolve_authority(case.authority or project.project.authority)
    assert applicant is not None
    return CaseFile(path, root, case, applicant, authority, langs, project,
                    tuple(problems), evidence, doc)


_SECTIONS: dict[str, Any] = {
    "evidence": EVIDENCE_LIST,
    "requests": TypeAdapter(list[RequestId]),
    "applicant": TypeAdapter(Applicant),
    "authority": TypeAdapter(AuthorityRef),
}


def _valid_sections(data: object, exc: ValidationError, context: dict[str, Any]) -> dict[str, Any]:
    """The sections of an invalid case that are valid on their own, for the checks that join fields."""
    raw = data if isinstance(data, dict) else {}
    broken = {err["loc"][0] for err in exc.errors() if err["loc"]}
    sections: dict[str, Any] = {"present": set(raw)}
    for name, adapter in _SECTIONS.items():
        if name in raw and name not in broken:
            try:
                sections[name] = adapter.validate_python(raw[name], context=context)
            except ValidationError:  # pragma: no cover - reported already
                pass
    return sections


def _cross_checks(
    doc: Document,
    project: ProjectFile,
    path: Path,
    root: Path,
    *,
    present: set[str],
    evidence: list[Evidence] | None = None,
    requests: Sequence[str] | None = None,
    applicant: Applicant | None = None,
    authority: object = None,
) -> tuple[dict[int, EvidenceFile], list[Problem]]:
    """The rules that join fields or look outside the file: applicant, addressee, requests, evidence files."""
    problems: list[Problem] = []
    if applicant is not None:
        problems += check_applicant(doc, applicant, ("applicant",))
    elif "applicant" not in present and project.project.applicant is None:
        problems.append(doc.problem(("applicant",), "no applicant: give one in complaints.yaml (or under"
                                                   " `applicant:` here); anonymous appeals are not considered"
                                                   " (APPC, Article 63)"))
    problems += _check_authority_ref(doc, authority, ("authority",))
    if requests is not None:
        problems += check_requests(doc, requests)
    found: dict[int, EvidenceFile] = {}
    if evidence is not None:
        found, evidence_problems = _evidence_files(doc, evidence, path, root)
        problems += evidence_problems
    return found, problems


def _check_authority_ref(doc: Document, ref: object, at: tuple[str, ...]) -> list[Problem]:
    if ref is None:
        return []
    name = ref if isinstance(ref, str) else getattr(ref, "base", None)
    if name not in law.authorities():
        known = ", ".join(sorted(law.authorities()))
        where = at if isinstance(ref, str) else at + ("base",)
        return [doc.problem(where, f"'{name}' is not a known authority profile (known: {known})")]
    return []


def _evidence_files(doc: Document, evidence: list[Evidence], path: Path,
                    root: Path) -> tuple[dict[int, EvidenceFile], list[Problem]]:
    found: dict[int, EvidenceFile] = {}
    problems: list[Problem] = []
    for i, item in enumerate(evidence):
        at = ("evidence", i)
        problems += _stamps_problems(doc, item, at)
        if (item.file is None) == (item.url is None):
            problems.append(doc.problem(at, "give exactly one of `file:` or `url:`"))
            continue
        if item.file is None:
            if item.sha256 is not None:
                problems.append(doc.problem(at + ("sha256",), "a SHA-256 is a file's: give it on a `file:` item, or"
                                                             " remove this line"))
            continue
        rel = Path(item.file)
        if line_break_problem(item.file):
            problems.append(doc.problem(at + ("file",), f"'{item.file}': a file name with a line break cannot be"
                                                         " listed in the letter's annexes or attached to an e-mail:"
                                                         " rename the file"))
            continue
        if rel.is_absolute():
            problems.append(doc.problem(at + ("file",), "give the path relative to the case file, not from /"))
            continue
        target = (path.parent / rel)
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            problems.append(doc.problem(at + ("file",), f"no such file: {item.file}"))
            continue
        if not real.is_relative_to(root):
            problems.append(doc.problem(at + ("file",), f"'{item.file}' is outside the case's root folder ({root.name}/);"
                                                         " evidence must stay inside it"))
            continue
        if not real.is_file():
            problems.append(doc.problem(at + ("file",), f"'{item.file}' is not a file"))
            continue
        if line_break_problem(real.name):  # what an e-mail attaches it as: the name of the file itself
            problems.append(doc.problem(at + ("file",), f"'{item.file}' is a link to '{real.name}', a file name with"
                                                         " a line break, which cannot be attached to an e-mail:"
                                                         " rename the file"))
            continue
        try:
            found[i] = _hash(real)
        except OSError as exc:
            problems.append(doc.problem(at + ("file",), f"cannot read '{item.file}': {exc.strerror or exc}"))
            continue
        if item.sha256 is not None and item.sha256 != found[i].sha256:
            problems.append(doc.problem(at + ("sha256",), _changed_since_taken(item.file, item.sha256,
                                                                             found[i].sha256)))
        for k, name in enumerate(item.timestamped_by or ()):  # the letter says so: the token must be there
            token = _token_of(real, name)
            if token is not None and not token.is_file():
                problems.append(doc.problem(at + ("timestamped_by", k), f"the letter would say '{item.file}' was"
                                            f" time-stamped by {name}, but its token {token.name} is not beside it:"
                                            " put the token back (from a backup or git), or remove this name"))
    return found, problems


def _token_of(file: Path, authority: str) -> Path | None:
    """Where a capture keeps the token of `authority` over the record that covers `file` (None: `file` is not a
    capture's, so the tool cannot tell where its token is)."""
    from ..evidence.record import STEM_PATTERN, token_name

    match = re.match(f"^({STEM_PATTERN})-", file.name)
    return file.parent / token_name(match[1], authority) if match else None


def _changed_since_taken(file: str, taken: str, now: str) -> str:
    """What to say of an evidence file that is not the one taken: a letter must never annex it as that one."""
    return (f"'{file}' has changed since it was taken: its SHA-256 is now {_short(now)}, this line gives"
            f" {_short(taken)}, and a letter must never annex another file as the one taken. Restore the file as"
            " it was (from a backup or git), or capture the page again (complaints capture), or, if you replaced"
            " the file on purpose, remove this sha256 line (and timestamped_by: its time stamps are not of this file)")


def _short(sha256: str) -> str:
    return f"{sha256[:12]}…"


def _stamps_problems(doc: Document, item: Evidence, at: tuple[str | int, ...]) -> list[Problem]:
    """The names of `timestamped_by`: each a name the annex line can give (its token is `evidence --verify`'s)."""
    if not item.timestamped_by:  # none, or an empty list (no authority gave a token): the letter claims no stamp
        return []
    if item.url is not None and item.file is None:
        return [doc.problem(at + ("timestamped_by",), "the letter says a file was time-stamped, not a web address:"
                                                      " give it on a `file:` item, or remove this line")]
    if item.sha256 is None:  # else the letter would say a file was time-stamped that nothing ties to the stamp
        return [doc.problem(at + ("timestamped_by",), "a time stamp covers the file by its SHA-256: give the"
                                                      " file's `sha256:` as it was taken, or remove this line")]
    problems = []
    for k, name in enumerate(item.timestamped_by):
        if not name.strip():
            problems.append(doc.problem(at + ("timestamped_by", k), "must be the name of a time-stamping"
                                                                    " authority, not empty"))
        elif "\n" in name or "\r" in name:
            problems.append(doc.problem(at + ("timestamped_by", k), "has a line break: write the authority's name"
                                                                    " on one line, as the annex line gives it"))
    return problems


def _hash(path: Path) -> EvidenceFile:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        mtime_ns = os.fstat(fh.fileno()).st_mtime_ns
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return EvidenceFile(path, size, digest.hexdigest(), mtime_ns)


def _languages_of(data: object) -> tuple[str, ...]:
    if isinstance(data, dict) and isinstance(data.get("languages"), list):
        langs = tuple(x for x in data["languages"] if x in LANGUAGES)
        if langs:
            return langs
    return LANGUAGES
