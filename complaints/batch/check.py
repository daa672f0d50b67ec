"""One case file checked, and rendered where asked: the work a batch hands to its worker processes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..case.read import CaseFile, ProjectFile, find_project, load_case, load_project
from ..errors import CaseError, ComplaintsError, Problem, ProjectError, UsageError
from ..letter.context import group_context
from ..letter.phrases import warm_up
from ..render.fastdocx import PreparedTemplate
from ..render.pdf import Office

Todo = tuple[tuple[str, str], ...]  # (language, format) pairs to render; None: every one the case has


@dataclass
class Checked:
    """The outcome of checking (or rendering) one case file."""

    source: str
    case_id: str | None
    problems: list[Problem]
    letters: list[Staged] = field(default_factory=list)  # render only
    languages: tuple[str, ...] = ()
    evidence: list[tuple[str, int, int, str]] = field(default_factory=list)  # (path, size, mtime_ns, sha256)
    id_at: tuple[int, int] = (1, 1)
    project_failed: str | None = None  # the broken project file this case depends on
    unaddressed: int = 0  # e-mails written with no To: address (the authority profile has no e-mail)

    @property
    def ok(self) -> bool:
        return self.case_id is not None and not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class Staged:
    """A letter written whole to the batch's temporary folder, waiting to be moved into place."""

    language: str
    format: str
    temp: str
    size: int
    sha256: str

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.temp)


@dataclass(frozen=True)
class Options:
    """What every case of a batch is checked and rendered with."""

    project: str | Path | None
    languages: tuple[str, ...] | None
    letter_date: date
    formats: tuple[str, ...] = ()
    templates: Path | None = None
    staging: Path | None = None  # where rendered letters wait for the writer (render only)
    pdfa: bool = False  # PDF letters as PDF/A-2b


@dataclass
class Projects:
    """Project files, read once each; a broken one fails every case under it."""

    explicit: str | Path | None
    languages: tuple[str, ...] | None
    cache: dict[Path | None, ProjectFile | CaseError] = field(default_factory=dict)
    found: dict[Path, Path | None] = field(default_factory=dict)  # case folder → its complaints.yaml

    def path_for(self, case: Path) -> Path | None:
        """The project file that governs a case (the one named, or the nearest above it)."""
        if self.explicit is not None:
            return Path(self.explicit)
        folder = case.parent
        if folder not in self.found:
            self.found[folder] = find_project(folder)
        return self.found[folder]

    def for_case(self, path: Path) -> ProjectFile:
        where = self.path_for(path)
        key = where.resolve() if where is not None else None
        if key not in self.cache:
            try:
                self.cache[key] = load_project(where, languages=self.languages)
            except CaseError as exc:
                self.cache[key] = exc
        found = self.cache[key]
        if isinstance(found, CaseError):
            raise found
        return found


@dataclass
class _Templates:
    """Each language's Word template, prepared once per worker."""

    folder: Path
    ready: dict[str, PreparedTemplate] = field(default_factory=dict)

    def __getitem__(self, lang: str) -> PreparedTemplate:
        if lang not in self.ready:
            self.ready[lang] = PreparedTemplate(self.folder / lang / "letter.docx")
        return self.ready[lang]


class Checker:
    """Checks (and, given templates, renders) one case file at a time, keeping what it read once."""

    def __init__(self, options: Options):
        self.options = options
        self.projects = Projects(options.project, options.languages)
        self.templates = _Templates(options.templates) if options.templates is not None else None
        self.office: Office | None = None  # LibreOffice, started by the first PDF this process makes

    def close(self) -> None:
        """Stop what this checker started (LibreOffice)."""
        if self.office is not None:
            self.office.close()

    def load(self, path: Path) -> tuple[Checked, CaseFile | None]:
        """One case file read and checked: what is wrong with it, and the case where nothing is."""
        o = self.options
        shown = str(path)
        try:
            project_file = self.projects.for_case(path)
            case = load_case(path, project=project_file, languages=o.languages, letter_date=o.letter_date)
        except ProjectError as exc:
            return Checked(shown, None, [Problem(shown, 1, 1, "", f"its project file {exc.path} has errors")],
                           project_failed=exc.path), None
        except CaseError as exc:
            return Checked(exc.path, None, exc.problems), None
        shown = case.document.path if case.document else shown
        at = case.document.mark(("id",)) if case.document else None
        languages = o.languages or case.languages
        result = Checked(shown, case.id, list(case.warnings), languages=tuple(languages),
                         evidence=[(str(e.path), e.size, e.mtime_ns, e.sha256) for e in case.evidence_files.values()],
                         id_at=(at.line, at.column) if at else (1, 1))
        return result, case

    def render(self, cases: list[CaseFile], lang: str, fmts: list[str], letter_id: str) -> list[tuple[str, bytes]]:
        """The letter about `cases` (one, or several on one outlet) in one language, in each of `fmts`."""
        return _render(cases, lang, fmts, self, letter_id)

    def __call__(self, path: Path, todo: Todo | None = None) -> Checked:
        o = self.options
        result, case = self.load(path)
        if case is None:
            return result
        shown = result.source
        languages = result.languages
        if self.templates is not None:
            wanted = todo if todo is not None else tuple((lang, fmt) for lang in languages for fmt in o.formats)
            try:
                for lang in dict.fromkeys(lang for lang, _ in wanted):
                    fmts = [fmt for each, fmt in wanted if each == lang]
                    for fmt, data in _render([case], lang, fmts, self):
                        result.letters.append(stage(data, lang, fmt, o.staging))
                        result.unaddressed += fmt == "eml" and not case.authority.email
            except ComplaintsError as exc:
                result.problems.append(Problem(shown, 1, 1, "", str(exc)))
            except OSError as exc:
                result.problems.append(Problem(shown, 1, 1, "", f"could not write the letters: {exc.strerror or exc}"))
            if not result.ok:
                for letter in result.letters:
                    letter.discard()
                result.letters = []
        return result


def stage(data: bytes, lang: str, fmt: str, folder: Path | None) -> Staged:
    """Write a letter to the temporary folder; the writer renames it into place once its case is whole."""
    fd, temp = tempfile.mkstemp(suffix=f".{lang}.{fmt}", dir=folder)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Staged(lang, fmt, temp, len(data), hashlib.sha256(data).hexdigest())


def _render(cases: list[CaseFile], lang: str, fmts: list[str], checker: Checker,
            letter_id: str | None = None) -> list[tuple[str, bytes]]:
    """One letter in one language, in each of `fmts`, all from the same context (the PDF from the DOCX)."""
    o, templates = checker.options, checker.templates
    assert templates is not None
    context = group_context(cases, lang, letter_date=o.letter_date, letter_id=letter_id)
    made: dict[str, bytes] = {}

    def docx() -> bytes:
        if "docx" not in made:
            made["docx"] = templates[lang].render(context)
        return made["docx"]

    def pdf() -> bytes:
        if "pdf" not in made:
            if checker.office is None:
                checker.office = Office()
            made["pdf"] = checker.office.convert(docx(), pdfa=o.pdfa, letter_date=o.letter_date)
        return made["pdf"]

    def text(fmt: str) -> bytes:
        if fmt not in made:
            from ..render.text import render_text

            made[fmt] = render_text(context, fmt, templates.folder / lang / f"letter.{fmt}")
        return made[fmt]

    out = []
    for fmt in fmts:
        if fmt == "docx":
            out.append((fmt, docx()))
        elif fmt == "pdf":
            out.append((fmt, pdf()))
        elif fmt in ("txt", "md", "html"):
            out.append((fmt, text(fmt)))
        elif fmt == "eml":
            # the letter as it is filed: the PDF where this batch makes PDFs, else the DOCX
            letter = ("pdf", pdf()) if "pdf" in o.formats else ("docx", docx())
            out.append((fmt, _email(cases, lang, context, text("txt").decode("utf-8"), letter, o.letter_date)))
        else:  # pragma: no cover - the batch refuses it first
            raise UsageError(f"format '{fmt}' is not available")
    return out


def _email(cases: list[CaseFile], lang: str, context: dict[str, object], body: str, letter: tuple[str, bytes],
           day: date) -> bytes:
    """The letter as an e-mail ready to send from the applicant's mail program: text, letter and evidence."""
    from ..render.email import draft

    fmt, data = letter
    letter_id = str(context["letter_id"])
    attachments = [(f"{letter_id}.{lang}.{fmt}", data)]
    files = {found.sha256: found.path for each in cases for found in each.evidence_files.values()}  # once each
    attachments += [(path.name, path.read_bytes()) for path in files.values()]
    return draft(context, body=body, attachments=attachments, day=day, ref=f"{letter_id}.{lang}.{day.isoformat()}")


_WORKER: Checker | None = None


def start_worker(options: Options) -> None:
    """A worker process: Ctrl-C is the main process's to handle; the worker just stops when told."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the batch's own handler, inherited through fork
    # What a worker raises reaches the main process with the result; the only thing a worker would print
    # itself is the broken pipe of a main process that was killed, which is noise to the user.
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the life of the process
    if _WORKER is None or _WORKER.options != options:  # else prepared before the fork, and shared
        _WORKER = Checker(options)
    from multiprocessing.util import Finalize

    Finalize(_WORKER, _WORKER.close, exitpriority=10)  # LibreOffice stops with the worker
    if "pdf" in options.formats:  # LibreOffice gets ready while the first letters are checked
        _WORKER.office = Office()
        with contextlib.suppress(ComplaintsError):  # told when the first PDF is asked for
            _WORKER.office.launch()


def prepare_before_fork(options: Options, languages: tuple[str, ...]) -> None:
    """Prepare the templates and the wording once in the main process, for forked workers to inherit."""
    global _WORKER
    _WORKER = Checker(options)
    if _WORKER.templates is not None:
        for lang in languages:
            _WORKER.templates[lang]  # noqa: B018 - prepares and keeps it
    warm_up(languages)


def work(job: tuple[Path, Todo | None]) -> Checked:
    assert _WORKER is not None
    return _WORKER(*job)
