"""Many cases at once: find them, check them, letter them, write them, list them in a manifest.

One bad case never stops a batch: it is reported, nothing is written for it,
and every other case goes on.
"""

from __future__ import annotations

import glob
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path

from .cases import PROJECT_FILE, CaseFile, ProjectFile, find_project, load_case, load_project
from .errors import CaseError, ComplaintsError, Problem, ProjectError, UsageError
from .letter import letter_context
from .model import LANGUAGES
from .render import FORMATS
from .render.fastdocx import PreparedTemplate
from .when import kz_today
from .write import Failure, Manifest, Output, write_files

Progress = Callable[[str, str], None]  # (case file, "rendered" | "failed")


def tool_version() -> str:
    try:
        return metadata.version("complaints")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def letter_path(case_id: str, lang: str, fmt: str) -> str:
    """Where a letter goes inside the output folder: <id>/<id>.<lang>.<format>."""
    return f"{case_id}/{case_id}.{lang}.{fmt}"


def templates_dir(override: str | Path | None = None) -> Path:
    """Where the Word templates are: the given folder, the repository's templates/, or the installed copy."""
    if override is not None:
        folder = Path(override)
        if not folder.is_dir():
            raise UsageError(f"no templates folder at {folder}")
        return folder
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "templates", here / "templates"):
        if (candidate / "ru" / "letter.docx").is_file():
            return candidate
    raise UsageError("the letter templates are missing; reinstall the tool")  # pragma: no cover


def find_case_files(paths: Iterable[str | Path]) -> list[Path]:
    """Case files named by files, folders (searched recursively) or globs, in a stable order."""
    found: dict[Path, None] = {}
    for raw in paths:
        text = str(raw)
        matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))] if glob.has_magic(text) else [Path(text)]
        if not matches or not all(m.exists() for m in matches):
            raise UsageError(f"no such file or folder: {text}")
        for match in matches:
            if match.is_dir():
                for ext in ("*.yaml", "*.yml"):
                    for item in sorted(match.rglob(ext)):
                        if item.name != PROJECT_FILE and item.is_file() and not _hidden(item, match):
                            found.setdefault(item, None)
            elif match.name != PROJECT_FILE or len(matches) == 1 and not glob.has_magic(text):
                found.setdefault(match, None)
    return sorted(found, key=lambda p: str(p))


def _case_files(paths: Iterable[str | Path], project: str | Path | None) -> list[Path]:
    """The case files of a batch, after checking that a named project file exists."""
    files = find_case_files(paths)
    if project is not None and not Path(project).is_file():
        raise UsageError(f"no such project file: {project}")
    return files


def _hidden(item: Path, base: Path) -> bool:
    return any(part.startswith(".") for part in item.relative_to(base).parts[:-1])


@dataclass
class _Projects:
    """Project files, read once each; a broken one fails every case under it."""

    explicit: str | Path | None
    languages: tuple[str, ...] | None
    cache: dict[Path | None, ProjectFile | CaseError] = field(default_factory=dict)
    found: dict[Path, Path | None] = field(default_factory=dict)  # case folder → its complaints.yaml

    def for_case(self, path: Path) -> ProjectFile:
        if self.explicit is not None:
            where: Path | None = Path(self.explicit)
        else:
            folder = path.parent
            if folder not in self.found:
                self.found[folder] = find_project(folder)
            where = self.found[folder]
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
class Checked:
    """The outcome of checking (or rendering) one case file."""

    source: str
    case_id: str | None
    problems: list[Problem]
    letters: list[tuple[str, str, bytes]] = field(default_factory=list)  # (language, format, bytes): render only
    id_at: tuple[int, int] = (1, 1)
    project_failed: str | None = None  # the broken project file this case depends on

    @property
    def ok(self) -> bool:
        return self.case_id is not None and not any(p.is_error for p in self.problems)


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


@dataclass(frozen=True)
class _Options:
    """What every case of a batch is checked and rendered with."""

    project: str | Path | None
    languages: tuple[str, ...] | None
    letter_date: date
    formats: tuple[str, ...] = ()
    templates: Path | None = None


class _Checker:
    """Checks (and, given templates, renders) one case file at a time, keeping what it read once."""

    def __init__(self, options: _Options):
        self.options = options
        self.projects = _Projects(options.project, options.languages)
        self.templates = _Templates(options.templates) if options.templates is not None else None

    def __call__(self, path: Path) -> Checked:
        o = self.options
        shown = str(path)
        try:
            project_file = self.projects.for_case(path)
            case = load_case(path, project=project_file, languages=o.languages, letter_date=o.letter_date)
        except ProjectError as exc:
            return Checked(shown, None, [Problem(shown, 1, 1, "", f"its project file {exc.path} has errors")],
                           project_failed=exc.path)
        except CaseError as exc:
            return Checked(exc.path, None, exc.problems)
        shown = case.document.path if case.document else shown
        at = case.document.mark(("id",)) if case.document else None
        result = Checked(shown, case.id, list(case.warnings), id_at=(at.line, at.column) if at else (1, 1))
        if self.templates is not None:
            try:
                result.letters = [
                    (lang, fmt, _render(case, lang, fmt, o.letter_date, self.templates))
                    for lang in (o.languages or case.languages)
                    for fmt in o.formats
                ]
            except ComplaintsError as exc:
                result.problems.append(Problem(shown, 1, 1, "", str(exc)))
        return result


def _claim_id(result: Checked, seen: dict[str, str]) -> None:
    """Ids name the output files: the first case with an id keeps it, a later one fails."""
    if not result.ok or result.case_id is None:
        return
    if result.case_id in seen:
        line, column = result.id_at
        result.problems.append(Problem(result.source, line, column, "id",
                                       f"id '{result.case_id}' is already used by {seen[result.case_id]}; ids name"
                                       " the output files and must be unique in a batch"))
        result.letters = []
        return
    seen[result.case_id] = result.source


_WORKER: _Checker | None = None


def _start_worker(options: _Options) -> None:
    global _WORKER
    _WORKER = _Checker(options)


def _work(path: Path) -> Checked:
    assert _WORKER is not None
    return _WORKER(path)


def _stream(files: list[Path], options: _Options, workers: int) -> Iterator[Checked]:
    """Each case checked (and rendered), in the files' order, by `workers` processes; results as they come."""
    if workers <= 1 or len(files) <= 1:
        check = _Checker(options)
        for path in files:
            yield check(path)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(options,)) as pool:
        yield from pool.imap(_work, files, chunksize=4)


def _project_problems(results: list[Checked], options: _Options) -> list[Problem]:
    projects = _Projects(options.project, options.languages)
    broken: dict[str, list[Problem]] = {}
    for result in results:
        if result.project_failed and result.project_failed not in broken:
            try:
                projects.for_case(Path(result.source))
            except CaseError as exc:
                broken[result.project_failed] = exc.problems
    return [p for problems in broken.values() for p in problems]


def _check_all(paths: Iterable[str | Path], *, languages: tuple[str, ...] | None, project: str | Path | None,
               letter_date: date) -> tuple[list[Checked], list[Problem]]:
    files = _case_files(paths, project)
    options = _Options(project, languages, letter_date)
    seen: dict[str, str] = {}
    results = []
    for result in _stream(files, options, 1):
        _claim_id(result, seen)
        results.append(result)
    return results, _project_problems(results, options)


def validate_paths(
    paths: Iterable[str | Path],
    *,
    languages: Iterable[str] | None = None,
    project: str | Path | None = None,
    letter_date: date | None = None,
) -> ValidationReport:
    """Check case files (and their project files) without writing anything."""
    langs = _languages(languages)
    results, project_problems = _check_all(paths, languages=langs, project=project,
                                           letter_date=letter_date or kz_today())
    return ValidationReport(results, project_problems)


@dataclass
class BatchResult:
    """What `render` did: the manifest it wrote and every problem it met."""

    out: Path
    manifest: Manifest
    report: ValidationReport

    @property
    def exit_code(self) -> int:
        return 1 if self.manifest.failures or self.report.exit_code else 0


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
) -> BatchResult:
    """Validate and render every case into OUT/<id>/<id>.<lang>.<format>, with OUT/manifest.json and .csv.

    `workers` processes check and render the cases (default: the CPU count); this process writes the
    files, in the cases' order, so that ids are claimed and the manifest listed the same way every run.
    """
    out = Path(out)
    langs = _languages(languages)
    fmts = _formats(formats)
    day = letter_date or kz_today()
    options = _Options(project, langs, day, fmts, templates_dir(templates))
    files = _case_files(paths, project)

    manifest = Manifest(day.isoformat(), tool_version())
    seen: dict[str, str] = {}
    results: list[Checked] = []
    for result in _stream(files, options, workers or os.cpu_count() or 1):
        _claim_id(result, seen)
        case_id = result.case_id or ""
        named = [(letter_path(case_id, lang, fmt), lang, fmt, data) for lang, fmt, data in result.letters]
        if result.ok:
            try:
                write_files({out / rel: data for rel, _, _, data in named})
            except OSError as exc:
                result.problems.append(Problem(result.source, 1, 1, "", _describe(exc)))
        if result.ok:
            warnings = tuple(str(p) for p in result.problems if not p.is_error)
            for rel, lang, fmt, data in named:
                manifest.outputs.append(Output(case_id, lang, fmt, rel, len(data), hashlib.sha256(data).hexdigest(),
                                               result.source, warnings))
            _tell(progress, result.source, "rendered")
        else:
            errors = tuple(str(p) for p in result.problems if p.is_error)
            manifest.failures.append(Failure(result.source, result.case_id, errors))
            _tell(progress, result.source, "failed")
        result.letters = []  # written: keep only what the report needs
        results.append(result)
    manifest.write(out)
    report = ValidationReport(results, _project_problems(results, options))
    return BatchResult(out, manifest, report)


@dataclass
class _Templates:
    """Each language's Word template, prepared once per worker."""

    folder: Path
    ready: dict[str, PreparedTemplate] = field(default_factory=dict)

    def __getitem__(self, lang: str) -> PreparedTemplate:
        if lang not in self.ready:
            self.ready[lang] = PreparedTemplate(self.folder / lang / "letter.docx")
        return self.ready[lang]


def _render(case: CaseFile, lang: str, fmt: str, day: date, templates: _Templates) -> bytes:
    context = letter_context(case, lang, letter_date=day)
    if fmt == "docx":
        return templates[lang].render(context)
    raise UsageError(f"format '{fmt}' is not available")  # pragma: no cover - _formats() refuses it first


def _languages(languages: Iterable[str] | None) -> tuple[str, ...] | None:
    if languages is None:
        return None
    langs = tuple(dict.fromkeys(languages))
    bad = [lang for lang in langs if lang not in LANGUAGES]
    if bad or not langs:
        raise UsageError(f"unknown letter language '{bad[0] if bad else ''}': choose from {', '.join(LANGUAGES)}")
    return langs


def _formats(formats: Iterable[str]) -> tuple[str, ...]:
    fmts = tuple(dict.fromkeys(formats))
    later = {"pdf", "txt", "html", "md", "eml"}
    for fmt in fmts:
        if fmt in later:
            raise UsageError(f"format '{fmt}' is not available in this version yet; use docx")
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}': choose from {', '.join(FORMATS)}")
    return fmts or ("docx",)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"could not write the letters: {exc.strerror or exc} ({exc.filename or ''})"
    return str(exc)


def _tell(progress: Progress | None, source: str, status: str) -> None:
    if progress is not None:
        progress(source, status)


