"""Many cases at once, as one pipeline, whether each case gets its own letter or an outlet's cases share one:

    find      the case files (layout.find_case_files)
    plan      the letter sets (groups.py) and which of their letters are missing or out of date (plan.py)
    workers   processes load, validate, word and render each letter set, staging its files (workers.py)
    write     this process, in the plan's order, moves each set's letters into place and journals them (write.py)
    manifest  the journal becomes manifest.json and manifest.csv (manifest.py)

One bad case never stops a batch: it is reported, nothing is written for it, and every other case goes on.
Ctrl-C or SIGTERM stops the batch cleanly: the files written are whole and the manifest lists exactly them; the
next run does the rest. Nothing heavy is imported until a case needs rendering.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..case.when import kz_today
from ..errors import Problem, UsageError
from ..files import output_folder
from ..layout import (
    GROUP_BY,
    LANGUAGES,
    PROJECT_FILE,
    find_case_files,
    find_project,
    formats_for,
    letter_path,
    templates_dir,
)
from . import manifest, unchanged
from .check import Checked, Checker, Options, broken_project, claim_id
from .plan import Fingerprints, Jobs, left_out, nothing_to_do, plan, remember
from .workers import Workers, worker_count
from .write import BatchResult, CaseEvent, FolderBusy, Progress, Writer, only_writer

__all__ = ["BatchResult", "CaseEvent", "FolderBusy", "ValidationReport", "find_case_files", "letter_path", "render_batch",
           "templates_dir", "validate_paths"]


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
    final: bool = False,
    listed: Sequence[str | Path] | None = None,
) -> BatchResult:
    """Validate and render every case into OUT/<id>/<id>.<lang>.<format>, with OUT/manifest.json and .csv.

    Letters whose inputs have not changed since the last run are left as they are (`force`: render all).
    `workers` processes render (default: the CPU count); this process writes in the cases' order, so ids are
    claimed and the manifest listed the same way every run. `group_by="outlet"`: one letter per outlet and
    language about all its comments (groups.py). PDF letters (`pdfa`: PDF/A-2b) come with their DOCX; without
    LibreOffice the rest is still written. `final`: letters to sign, every case checked again, and a case with
    anything `complaints check` would list (review.content_findings) fails with it, unwritten. Ctrl-C or
    SIGTERM: the manifest is written for what is on disk, then KeyboardInterrupt is raised. `listed`: the case
    files of `paths`, where the caller has listed them already (find_case_files).

    A complete run (every letter written and listed, no case failed) leaves the summary that lets the next run
    with nothing to do answer before its imports (unchanged.py).
    """
    out = Path(out)
    paths = list(paths)
    # kept as text for the whole run (a Path costs some 300 bytes more a case)
    files = [str(f) for f in (_case_files(paths, project) if listed is None else listed)]
    options, prints, office_error = _options(out, project, languages, formats, letter_date, templates, pdfa, group_by)
    if final:  # every case read and checked again, whatever the last run made of it
        options, force = replace(options, final=True), True
    output_folder(out, "the letters' folder")
    writer = Writer(out, prints, progress, group_by=group_by)
    processes, capped = worker_count(workers, len(files))
    if capped:
        writer.result.notes.append(capped)
    try:
        _run(out, writer, files, options, prints, processes, force, group_by)
    except BaseException:
        if writer.sets is not None:  # the run stopped: nothing of its summary is kept
            writer.sets.discard()
        raise
    if office_error:
        writer.result.errors.append(office_error)
    notes, writer.sets = writer.sets, None
    if notes is not None:
        if files and writer.result.exit_code == 0 and not final:
            asked = unchanged.key(paths, out, languages=options.languages, formats=options.formats,
                                  letter_date=letter_date, day=options.letter_date, project=project,
                                  templates=options.templates or templates_dir(templates), pdfa=pdfa,
                                  group_by=group_by)
            unchanged.remember(out, asked, files, notes, {k: v for k, v in prints.hashed().items()
                                                          if k not in files})  # a few: no set of every file
        notes.discard()
    if not files:  # no case to check it with: the project file is checked on its own, as `validate` does
        writer.result.project_problems += [p for found in _project_files(paths, project)
                                           for p in _project_problems(found, options.languages)]
        writer.result.warnings += sum(1 for p in writer.result.project_problems if not p.is_error)
    return writer.result


def _run(out: Path, writer: Writer, files: list[str], options: Options, prints: Fingerprints, processes: int,
         force: bool, group_by: str | None) -> None:
    """The batch itself, one writer at a time in `out`: planned, rendered by the workers, written by `writer`."""
    with only_writer(out):
        unchanged.forget(out)  # written again at the end, if this run is complete
        manifest.clear_leftovers(out)  # before any worker starts: what is in the temporary folder is a killed run's
        try:
            with Workers(options, processes) as pool:
                state = manifest.previous_state(out, by_id=group_by is not None)
                # reads only the cases it must, to group them; `force`: every letter made again
                steps = plan(files, out, {} if force else state, prints, options, pool)
                if force:
                    remember(steps, state)  # what the last run made, to be replaced (or deleted) by this run's
                if not force and nothing_to_do(steps, state, out):  # the manifest on disk already says it all
                    writer.unchanged(steps)
                else:  # the workers render, this process writes and journals, then the manifest
                    writer.write(steps, pool.map("render", Jobs(steps)),
                                 others=left_out(steps, state))
        finally:  # the workers have stopped: their LibreOffice scratch files go with the temporary folder
            manifest.drop_scratch(out)


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
    files = _case_files(paths, project)
    check = Checker(Options(project, _languages(languages), letter_date or kz_today()))
    seen: dict[str, str] = {}
    results = []
    for path in files:
        result = check(path)
        claim_id(result, seen)
        results.append(result)
    broken = dict.fromkeys(r.project_failed for r in results if r.project_failed)
    problems = [p for name in broken if name for p in broken_project(name)]
    read = {key for key in check.projects.cache if key is not None}
    for found in _project_files(paths, project):  # those no case was checked with: a folder with no cases yet
        if found.resolve() not in read:
            read.add(found.resolve())
            problems += _project_problems(found, _languages(languages))
    return ValidationReport(results, problems)


def _project_files(paths: Iterable[str | Path], project: str | Path | None) -> list[Path]:
    """The project files that govern the paths named: the one given, else the nearest above each path and every
    complaints.yaml inside the folders named (hidden folders skipped, as find_case_files does)."""
    if project is not None:
        return [Path(project)]
    found: dict[Path, Path] = {}  # each one once, however it was reached
    for raw in paths:
        text = str(raw)
        for match in ([Path(m) for m in sorted(glob.glob(text, recursive=True))] if glob.has_magic(text)
                      else [Path(text)]):
            above = find_project(match if match.is_dir() else match.parent)
            if above is not None:
                found.setdefault(above.resolve(), above)
            if match.is_dir():
                for here, dirs, names in os.walk(match):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    if PROJECT_FILE in names and Path(here, PROJECT_FILE).is_file():
                        found.setdefault(Path(here, PROJECT_FILE).resolve(), Path(here, PROJECT_FILE))
    return list(found.values())


def _project_problems(path: Path, languages: tuple[str, ...] | None) -> list[Problem]:
    """A project file's own problems (errors and warnings), read on its own."""
    from ..case.read import load_project
    from ..errors import CaseError

    try:
        return list(load_project(path, languages=languages).warnings)
    except CaseError as exc:
        return list(exc.problems)


def _options(out: Path, project: str | Path | None, languages: Iterable[str] | None, formats: Iterable[str],
             letter_date: date | None, templates: str | Path | None, pdfa: bool,
             group_by: str | None) -> tuple[Options, Fingerprints, str | None]:
    """A batch's arguments checked: the options every letter is made with, what its letters' fingerprints are
    made of, and, without LibreOffice, what to tell (the batch goes on without PDF letters)."""
    if group_by is not None and group_by not in GROUP_BY:
        raise UsageError(f"cannot group letters by '{group_by}': choose {', '.join(GROUP_BY)}")
    fmts, office_error = _office_problem(formats_for(formats))
    day, folder = letter_date or kz_today(), templates_dir(templates)
    options = Options(project, _languages(languages), day, fmts, folder, manifest.temp_dir(out), pdfa, group_by)
    return options, Fingerprints(_tool_version(), day.isoformat(), folder, pdfa=pdfa, formats=fmts), office_error


def _tool_version() -> str:
    from .. import __version__

    return __version__


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
