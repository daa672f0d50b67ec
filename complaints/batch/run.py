"""Many cases at once: plan, check and render in parallel, write, journal, and list them in a manifest.

    plan     which letters are missing or out of date (fingerprints against the last manifest)
    check    worker processes read, validate and render those cases (check.py)
    write    workers write each letter whole to a temporary file; this process, in the cases' order,
             moves a case's letters into place and journals them
    finish   the journal becomes manifest.json and manifest.csv

One bad case never stops a batch: it is reported, nothing is written for it,
and every other case goes on. Ctrl-C or SIGTERM stops the batch cleanly: the
files written are whole and the manifest lists exactly them; the next run
does the rest. Nothing heavy is imported until a case needs rendering.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..case.when import kz_today
from ..errors import Problem, UsageError
from ..layout import (
    FORMATS,
    GROUP_BY,
    LANGUAGES,
    find_case_files,
    find_project,
    letter_path,
    shown,
    templates_dir,
)
from . import manifest
from .manifest import Fingerprints, Record

if TYPE_CHECKING:
    from .check import Checked, Options, Todo

__all__ = ["BatchResult", "CaseEvent", "ValidationReport", "find_case_files", "letter_path", "render_batch",
           "templates_dir", "validate_paths"]


@dataclass(frozen=True)
class CaseEvent:
    """What happened to one case, for progress displays: rendered, unchanged or failed."""

    source: str
    status: str
    letters: int
    problems: tuple[Problem, ...] = ()


Progress = Callable[[CaseEvent], None]


def tool_version() -> str:
    from .. import __version__

    return __version__


# ---------------------------------------------------------------- validate

@dataclass
class ValidationReport:
    """Every case checked, with its problems; the project files' own problems apart."""

    results: list[Checked]
    project_problems: list[Problem]

    @property
    def failed(self) -> list[Checked]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or any(p.is_error for p in self.project_problems) else 0


def validate_paths(
    paths: Iterable[str | Path],
    *,
    languages: Iterable[str] | None = None,
    project: str | Path | None = None,
    letter_date: date | None = None,
) -> ValidationReport:
    """Check case files (and their project files) without writing anything."""
    from .check import Checker, Options

    files = _case_files(paths, project)
    options = Options(project, _languages(languages), letter_date or kz_today())
    check = Checker(options)
    seen: dict[str, str] = {}
    results = []
    for path in files:
        result = check(path)
        claim_id(result, seen)
        results.append(result)
    broken = dict.fromkeys(r.project_failed for r in results if r.project_failed)
    return ValidationReport(results, [p for name in broken if name for p in _broken_project(name)])


# ---------------------------------------------------------------- render

@dataclass
class BatchResult:
    """What `render` did, counted; the failed cases with their errors."""

    out: Path
    rendered: int = 0  # cases with at least one letter written in this run
    letters: int = 0  # letters written in this run
    unchanged: int = 0  # cases whose letters were all up to date
    failures: list[Record] = field(default_factory=list)
    warnings: int = 0
    project_problems: list[Problem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what went wrong for the whole batch (no LibreOffice)
    notes: list[str] = field(default_factory=list)  # what the user should know about the whole batch
    grouped: bool = False  # letters per outlet: `rendered` counts outlets

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures or self.errors or any(p.is_error for p in self.project_problems) else 0


@dataclass(slots=True)  # one per case for the whole run: kept small, so memory stays flat with the batch
class _Step:
    """One case file in the plan: what to render (None: everything; (): nothing) and what is kept."""

    path: Path
    todo: Todo | None
    kept: Record | None
    case: str | None = None  # the case file's SHA-256
    project: list[str | None] | None = None  # the project file and its SHA-256, one list shared by its cases

    @property
    def inputs(self) -> dict[str, Any]:
        if self.kept is not None:
            return self.kept.inputs
        return {"case": self.case, "project": self.project} if self.case is not None else {}


def render_batch(
    paths: Iterable[str | Path],
    *,
    out: str | Path = "letters",
    languages: Iterable[str] | None = None,
    formats: Iterable[str] = ("docx",),
    letter_date: date | None = None,
    project: str | Path | None = None,
    templates: str | Path | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    force: bool = False,
    pdfa: bool = False,
    group_by: str | None = None,
) -> BatchResult:
    """Validate and render every case into OUT/<id>/<id>.<lang>.<format>, with OUT/manifest.json and .csv.

    Letters whose inputs have not changed since the last run are left as they are (`force`: render all).
    `workers` processes check and render (default: the CPU count); this process moves each case's letters
    into place in the cases' order, so ids are claimed and the manifest listed the same way every run.
    Ctrl-C or SIGTERM: the manifest is written for what is on disk, then KeyboardInterrupt is raised.
    PDF letters (`pdfa`: PDF/A-2b) come with their DOCX; without LibreOffice the rest is still written.
    `group_by="outlet"`: one letter per outlet and language about all its comments (see groups.py), always
    rendered in full.
    """
    out = Path(out)
    langs = _languages(languages)
    fmts, office_error = _office_problem(_formats(formats))
    day = letter_date or kz_today()
    folder = templates_dir(templates)
    files = _case_files(paths, project)

    if group_by is not None and group_by not in GROUP_BY:
        raise UsageError(f"cannot group letters by '{group_by}': choose {', '.join(GROUP_BY)}")

    out.mkdir(parents=True, exist_ok=True)
    with _only_writer(out):
        if group_by is not None:
            from .check import Options
            from .groups import render_groups

            options = Options(project, langs, day, fmts, folder, manifest.temp_dir(out), pdfa)
            prints = Fingerprints(tool_version(), day.isoformat(), folder, pdfa=pdfa, formats=fmts)
            result = render_groups(files, out, options, prints, progress)
        else:
            result = _render(files, out, langs, fmts, day, project, folder, progress, workers, force, pdfa)
    if office_error:
        result.errors.append(office_error)
    return result


def _render(files: list[Path], out: Path, langs: tuple[str, ...] | None, fmts: tuple[str, ...], day: date,
            project: str | Path | None, folder: Path, progress: Progress | None, workers: int | None,
            force: bool, pdfa: bool) -> BatchResult:
    prints = Fingerprints(tool_version(), day.isoformat(), folder, pdfa=pdfa, formats=fmts)
    state = {} if force else manifest.previous_state(out)
    plan = _plan(files, out, state, prints, project, langs, fmts)

    result = BatchResult(out)
    seen: dict[str, str] = {}
    if _nothing_to_do(plan, state, out):  # the manifest on disk already says all there is to say
        for step in plan:
            record, event = _unchanged(step, seen)
            _count(result, record, event)
            if progress is not None:
                progress(event)
        return result
    manifest.start(out)
    journal = manifest.Journal(out)
    reported: set[str] = set()  # broken project files already reported
    done = 0
    unaddressed = 0
    interrupted = False
    jobs = [(step.path, step.todo) for step in plan if step.todo != ()]
    with Interrupts() as interrupts:
        try:
            from .check import Options

            options = Options(project, langs, day, fmts, folder, manifest.temp_dir(out), pdfa)
            stream = _stream(jobs, options, workers or os.cpu_count() or 1)
            try:
                for step in plan:
                    checked = next(stream) if step.todo != () else None
                    with interrupts.held():  # a case's letters and its journal line: both or neither
                        if checked is None:
                            record, event = _unchanged(step, seen)
                        else:
                            record, event = _finish_case(checked, step, out, prints, seen, reported)
                            unaddressed += checked.unaddressed if not record.failed else 0
                        journal.add(record)
                    _count(result, record, event)
                    if progress is not None:
                        progress(event)
                    done += 1
            finally:
                stream.close()  # stops the workers
        except KeyboardInterrupt:
            interrupted = True
    journal.close()

    records: Iterable[Record | None] = journal.records()
    if interrupted:  # the cases not reached keep what an earlier run made, where it is still on disk
        records = itertools.chain(records, (_still_there(state.get(shown(s.path)), out) for s in plan[done:]))
    header = {"tool": "complaints", "tool_version": prints.version, "letter_date": prints.letter_date}
    manifest.finish(out, header, (r for r in records if r is not None))
    if interrupted:
        raise KeyboardInterrupt
    if unaddressed:
        result.notes.append(f"note: {unaddressed} e-mail messages have no To: address, because the authority profile"
                            " gives no e-mail address; fill it in in your mail program before sending, or set"
                            " authority.email in complaints.yaml")
    return result


def _nothing_to_do(plan: list[_Step], state: dict[str, Record], out: Path) -> bool:
    """Every case unchanged, none added or removed, and no interrupted run to finish."""
    return (all(step.todo == () for step in plan) and len(plan) == len(state)
            and {step.kept.source for step in plan if step.kept} == set(state)
            and not manifest.work_dir(out).exists())


def _plan(files: list[Path], out: Path, state: dict[str, Record], prints: Fingerprints,
          project: str | Path | None, langs: tuple[str, ...] | None, fmts: tuple[str, ...]) -> list[_Step]:
    """For each case file, which of its letters must be (re)made, judged without reading the case."""
    folders: dict[Path, Path | None] = {}
    shared: dict[Path, list[str | None]] = {}
    plan = []
    for path in files:
        if project is not None:
            project_file: Path | None = Path(project)
        else:
            if path.parent not in folders:
                folders[path.parent] = find_project(path.parent)
            project_file = folders[path.parent]
        try:
            inputs: dict[str, Any] = {
                "case": manifest.sha256_file(path),
                "project": _project_inputs(project_file, prints, shared) if project_file else None,
            }
        except OSError:
            plan.append(_Step(path, None, None))  # the checker says what is wrong with it
            continue
        previous = state.get(shown(path))
        if (previous is None or previous.failed
                or previous.inputs.get("case") != inputs["case"] or previous.inputs.get("project") != inputs["project"]
                or not manifest.evidence_unchanged(previous.inputs.get("evidence", []), prints)):
            plan.append(_Step(path, None, None, inputs["case"], inputs["project"]))
            continue
        rows = {(f["language"], f["format"]): f for f in previous.files}
        wanted = [(lang, fmt) for lang in langs or tuple(previous.inputs.get("languages", ())) for fmt in fmts]
        keep, todo = [], []
        for lang, fmt in wanted:
            row = rows.get((lang, fmt))
            if (row is not None and row.get("fingerprint") == prints.output(lang, fmt, previous.inputs)
                    and manifest.on_disk(out, row)):
                keep.append(row)
            else:
                todo.append((lang, fmt))
        # letters in languages or formats not asked for this time stay listed while they are on disk
        keep += [row for key, row in rows.items() if key not in wanted and manifest.on_disk(out, row)]
        kept = Record(previous.source, previous.case_id, previous.inputs, keep, previous.warnings)
        plan.append(_Step(path, tuple(todo), kept))
    return plan


def _project_inputs(project_file: Path, prints: Fingerprints, shared: dict[Path, list[str | None]]) -> list[str | None]:
    """A project file's part of the inputs: one list for all its cases, not a copy each."""
    if project_file not in shared:
        shared[project_file] = [str(project_file), prints.file(project_file)]
    return shared[project_file]


def _stream(jobs: list[tuple[Path, Todo | None]], options: Options, workers: int) -> Iterator[Checked]:
    """Each job checked and rendered, in order, by `workers` processes, at most a few ahead of the writer."""
    if not jobs:
        return
    from .check import Checker, prepare_before_fork, start_worker, work

    if workers <= 1 or len(jobs) <= 1:
        check = Checker(options)
        try:
            for job in jobs:
                yield check(*job)
        finally:
            check.close()
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        prepare_before_fork(options, options.languages or LANGUAGES)
    waiting = iter(jobs)
    in_flight: deque[Any] = deque()  # a few cases ahead of the writer: memory stays flat
    with multiprocessing.get_context(method).Pool(workers, initializer=start_worker, initargs=(options,)) as pool:
        while True:
            while len(in_flight) < 4 * workers:
                job = next(waiting, None)
                if job is None:
                    break
                in_flight.append(pool.apply_async(work, (job,)))
            if not in_flight:
                return
            yield in_flight.popleft().get()


def _finish_case(checked: Checked, step: _Step, out: Path, prints: Fingerprints, seen: dict[str, str],
                 reported: set[str]) -> tuple[Record, CaseEvent]:
    """Write one checked case's letters, whole, and say what it now is."""
    claim_id(checked, seen)
    warnings = [str(p) for p in checked.problems if not p.is_error]
    if checked.ok:
        inputs = {**step.inputs, "evidence": [list(e) for e in checked.evidence],
                  "languages": list(checked.languages)}
        case_id = checked.case_id or ""
        try:
            manifest.move_into_place(out, {letter_path(case_id, s.language, s.format): s.temp
                                           for s in checked.letters})
        except OSError as exc:
            checked.problems.append(Problem(checked.source, 1, 1, "", f"could not write the letters:"
                                            f" {exc.strerror or exc} ({exc.filename or ''})"))
        else:
            rows = list(step.kept.files) if step.kept is not None else []
            for s in checked.letters:
                rows.append({"language": s.language, "format": s.format,
                             "path": letter_path(case_id, s.language, s.format), "size": s.size, "sha256": s.sha256,
                             "fingerprint": prints.output(s.language, s.format, inputs)})
            rows.sort(key=lambda r: (LANGUAGES.index(r["language"]), r["format"]))
            record = Record(checked.source, case_id, inputs, rows, warnings)
            return record, CaseEvent(checked.source, "rendered", len(checked.letters), tuple(checked.problems))
    return failed_case(checked, reported)


def failed_case(checked: Checked, reported: set[str]) -> tuple[Record, CaseEvent]:
    """A case that gets no letters: its letters made so far dropped, its errors recorded; the problems of the
    broken project file it depends on told with the first such case (`reported` keeps which were told)."""
    for letter in checked.letters:
        letter.discard()
    errors = [str(p) for p in checked.problems if p.is_error]
    problems = list(checked.problems)
    if checked.project_failed and checked.project_failed not in reported:
        reported.add(checked.project_failed)
        problems = _broken_project(checked.project_failed) + problems
    return Record(checked.source, checked.case_id, errors=errors), CaseEvent(checked.source, "failed", 0,
                                                                              tuple(problems))


def _unchanged(step: _Step, seen: dict[str, str]) -> tuple[Record, CaseEvent]:
    record = step.kept
    assert record is not None
    if record.case_id in seen:  # a new case earlier in the batch has taken this id
        message = (f"{record.source}:1:1: error: id: id '{record.case_id}' is already used by {seen[record.case_id]};"
                   " ids name the output files and must be unique in a batch")
        return Record(record.source, record.case_id, errors=[message]), CaseEvent(record.source, "failed", 0)
    seen[record.case_id or ""] = record.source
    return record, CaseEvent(record.source, "unchanged", 0)


def _count(result: BatchResult, record: Record, event: CaseEvent) -> None:
    if record.failed:
        result.failures.append(record)
    elif event.status == "rendered":
        result.rendered += 1
        result.letters += event.letters
    else:
        result.unchanged += 1
    result.warnings += len(record.warnings) if not record.failed else 0
    result.project_problems.extend(p for p in event.problems if p.file != event.source)  # the project file's own


def _still_there(record: Record | None, out: Path) -> Record | None:
    if record is None or record.failed:
        return None
    files = [f for f in record.files if manifest.on_disk(out, f)]
    return Record(record.source, record.case_id, record.inputs, files, record.warnings) if files else None


@contextmanager
def _only_writer(out: Path) -> Iterator[None]:
    """One `render` at a time writes to a folder: a second one is told so instead of mixing their files."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Windows
        yield
        return
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another `complaints render` is writing to {out}; wait for it to finish") from None
        yield
    finally:
        os.close(fd)


class Interrupts:
    """While a batch runs, Ctrl-C and SIGTERM stop it, but never between a case's letters and its journal line."""

    def __enter__(self) -> Interrupts:
        self.holding = False
        self.pending = False
        self.previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if self.holding:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending:
            raise KeyboardInterrupt


# ---------------------------------------------------------------- shared

def claim_id(result: Checked, seen: dict[str, str]) -> None:
    """Ids name the output files: the first case with an id keeps it, a later one fails."""
    if not result.ok or result.case_id is None:
        return
    if result.case_id in seen:
        line, column = result.id_at
        result.problems.append(Problem(result.source, line, column, "id",
                                       f"id '{result.case_id}' is already used by {seen[result.case_id]}; ids name"
                                       " the output files and must be unique in a batch"))
        for letter in result.letters:
            letter.discard()
        result.letters = []
        return
    seen[result.case_id] = result.source


def _broken_project(project_file: str) -> list[Problem]:
    """The problems of a project file that failed its cases, to report once."""
    from ..case.read import load_project
    from ..errors import CaseError

    try:
        load_project(project_file)
    except CaseError as exc:
        return list(exc.problems)
    return []  # pragma: no cover - it failed a moment ago


def _case_files(paths: Iterable[str | Path], project: str | Path | None) -> list[Path]:
    """The case files of a batch, after checking that a named project file exists."""
    files = find_case_files(paths)
    if project is not None and not Path(project).is_file():
        raise UsageError(f"no such project file: {project}")
    return files


def _languages(languages: Iterable[str] | None) -> tuple[str, ...] | None:
    if languages is None:
        return None
    langs = tuple(dict.fromkeys(languages))
    bad = [lang for lang in langs if lang not in LANGUAGES]
    if bad or not langs:
        raise UsageError(f"unknown letter language '{bad[0] if bad else ''}': choose from {', '.join(LANGUAGES)}")
    return langs


def _formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, in the order of FORMATS; a PDF always comes with the DOCX it is made from."""
    asked = set(formats) or {"docx"}
    for fmt in sorted(asked - set(FORMATS)):
        raise UsageError(f"unknown format '{fmt}': choose from {', '.join(FORMATS)}")
    if "pdf" in asked:
        asked.add("docx")  # so the advocate can correct a word in Word and make the PDF again
    return tuple(fmt for fmt in FORMATS if fmt in asked)


def _office_problem(fmts: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """Without LibreOffice, the batch goes on without PDF letters, and says what to install."""
    if "pdf" not in fmts:
        return fmts, None
    from ..render.pdf import OfficeMissing, find_office

    try:
        find_office()
    except OfficeMissing as exc:
        return tuple(f for f in fmts if f != "pdf"), f"error: {exc}. The other formats are written; no PDF is."
    return fmts, None
