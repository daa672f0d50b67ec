"""Many cases at once: find them, check them, letter them, write them, list them in a manifest.

One bad case never stops a batch: it is reported, nothing is written for it,
and every other case goes on.
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Callable, Iterable
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


def _hidden(item: Path, base: Path) -> bool:
    return any(part.startswith(".") for part in item.relative_to(base).parts[:-1])


@dataclass
class _Projects:
    """Project files, read once each; a broken one fails every case under it."""

    explicit: str | Path | None
    languages: tuple[str, ...] | None
    cache: dict[Path | None, ProjectFile | CaseError] = field(default_factory=dict)

    def for_case(self, path: Path) -> ProjectFile:
        where = Path(self.explicit) if self.explicit is not None else find_project(path)
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

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        for item in self.cache.values():
            if isinstance(item, CaseError):
                out += item.problems
            elif item.warnings:
                out += item.warnings
        return out


@dataclass
class Checked:
    """The outcome of checking (or rendering) one case file."""

    source: str
    case: CaseFile | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.case is not None and not any(p.is_error for p in self.problems)


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


def _check_all(paths: Iterable[str | Path], *, languages: tuple[str, ...] | None, project: str | Path | None,
               letter_date: date) -> tuple[list[Checked], _Projects]:
    files = find_case_files(paths)
    if project is not None and not Path(project).is_file():
        raise UsageError(f"no such project file: {project}")
    projects = _Projects(project, languages)
    results: list[Checked] = []
    seen: dict[str, str] = {}
    for path in files:
        shown = str(path)
        try:
            project_file = projects.for_case(path)
            case = load_case(path, project=project_file, languages=languages, letter_date=letter_date)
        except CaseError as exc:
            if isinstance(exc, ProjectError):
                results.append(Checked(shown, None, [Problem(shown, 1, 1, "", f"its project file {exc.path} has errors")]))
            else:
                results.append(Checked(exc.path, None, exc.problems))
            continue
        problems = list(case.warnings)
        shown = case.document.path if case.document else shown
        if case.id in seen:
            where = case.document.mark(("id",)) if case.document else None
            problems.append(Problem(shown, where.line if where else 1, where.column if where else 1, "id",
                                    f"id '{case.id}' is already used by {seen[case.id]}; ids name the output"
                                    " files and must be unique in a batch"))
            results.append(Checked(shown, None, problems))
            continue
        seen[case.id] = shown
        results.append(Checked(shown, case, problems))
    return results, projects


def validate_paths(
    paths: Iterable[str | Path],
    *,
    languages: Iterable[str] | None = None,
    project: str | Path | None = None,
    letter_date: date | None = None,
) -> ValidationReport:
    """Check case files (and their project files) without writing anything."""
    langs = _languages(languages)
    results, projects = _check_all(paths, languages=langs, project=project, letter_date=letter_date or kz_today())
    return ValidationReport(results, projects.problems())


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
) -> BatchResult:
    """Validate and render every case into OUT/<id>/<id>.<lang>.<format>, with OUT/manifest.json and .csv."""
    out = Path(out)
    langs = _languages(languages)
    fmts = _formats(formats)
    day = letter_date or kz_today()
    prepared = _Templates(templates_dir(templates))

    results, projects = _check_all(paths, languages=langs, project=project, letter_date=day)
    manifest = Manifest(day.isoformat(), tool_version())
    for result in results:
        if not result.ok or result.case is None:
            errors = tuple(str(p) for p in result.problems if p.is_error)
            manifest.failures.append(Failure(result.source, None, errors))
            _tell(progress, result.source, "failed")
            continue
        case = result.case
        try:
            files = {
                out / case.id / f"{case.id}.{lang}.{fmt}": _render(case, lang, fmt, day, prepared)
                for lang in (langs or case.languages)
                for fmt in fmts
            }
            write_files(files)
        except (ComplaintsError, OSError) as exc:
            message = f"{result.source}:1:1: error: {_describe(exc)}"
            manifest.failures.append(Failure(result.source, case.id, (message,)))
            result.problems.append(Problem(result.source, 1, 1, "", _describe(exc)))
            _tell(progress, result.source, "failed")
            continue
        warnings = tuple(str(p) for p in result.problems if not p.is_error)
        for target, data in files.items():
            lang, fmt = target.name[len(case.id) + 1:].split(".", 1)
            manifest.outputs.append(Output(case.id, lang, fmt, target.relative_to(out).as_posix(), len(data),
                                           _sha256(data), result.source, warnings))
        _tell(progress, result.source, "rendered")
    manifest.write(out)
    report = ValidationReport(results, projects.problems())
    return BatchResult(out, manifest, report)


@dataclass
class _Templates:
    """Each language's Word template, prepared once per batch."""

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


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
