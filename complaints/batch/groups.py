"""Letters about several comments: the cases of a batch grouped by outlet, one letter per outlet per language.

    read     every case file checked, as for single letters; a bad case is reported and left out
    group    the good cases by project file (one applicant) and outlet (its home page's host), in file order
    render   each group's letter in every language and format, numbered comment by comment
    write    each group's letters moved into place whole, journalled; then the manifest

The letter of a group is named after its outlet: OUT/outlet-nur-kz/outlet-nur-kz.ru.docx; the manifest lists,
for every letter, the cases it covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..case.read import CaseFile
from ..errors import ComplaintsError, Problem
from ..layout import LANGUAGES, letter_path
from . import manifest
from .check import Checked, Checker, Options, stage
from .manifest import Fingerprints, Record
from .run import BatchResult, CaseEvent, Interrupts, Progress, claim_id, failed_case


@dataclass
class Group:
    """The comments one letter is about: one applicant, one outlet."""

    id: str
    outlet: str
    cases: list[CaseFile] = field(default_factory=list)
    checked: list[Checked] = field(default_factory=list)

    @property
    def languages(self) -> tuple[str, ...]:
        wanted = {lang for c in self.checked for lang in c.languages}
        return tuple(lang for lang in LANGUAGES if lang in wanted)


def outlet_key(url: str) -> str:
    """An outlet as its home page's host, without `www.`: https://www.Nur.kz/ and http://nur.kz are one outlet."""
    host = (urlsplit(url).hostname or url).lower()
    return host[4:] if host.startswith("www.") else host


def group_cases(cases: list[tuple[Checked, CaseFile]]) -> list[Group]:
    """Checked cases grouped by project file and outlet, groups and their cases in the order first seen."""
    groups: dict[tuple[str, str], Group] = {}
    for checked, case in cases:
        outlet = outlet_key(case.case.outlet.url)
        key = (str(case.project.path or ""), outlet)
        if key not in groups:
            groups[key] = Group("", outlet)
        groups[key].cases.append(case)
        groups[key].checked.append(checked)
    taken: dict[str, int] = {}
    for group in groups.values():  # one outlet under two project files: two letters, the second id numbered
        base = "outlet-" + (re.sub(r"[^a-z0-9]+", "-", group.outlet).strip("-") or "unknown")
        taken[base] = taken.get(base, 0) + 1
        group.id = base if taken[base] == 1 else f"{base}-{taken[base]}"
    return list(groups.values())


def render_groups(files: list[Path], out: Path, options: Options, prints: Fingerprints,
                  progress: Progress | None) -> BatchResult:
    """Every case read and checked, grouped by outlet, and one letter per group and language written."""
    checker = Checker(options)
    result = BatchResult(out, grouped=True)
    good: list[tuple[Checked, CaseFile]] = []
    seen: dict[str, str] = {}
    reported: set[str] = set()
    manifest.start(out)
    journal = manifest.Journal(out)
    interrupted = False
    with Interrupts() as interrupts:
        try:
            for path in files:
                checked, case = checker.load(path)
                claim_id(checked, seen)
                if case is None or not checked.ok:
                    _failed(checked, result, journal, reported, progress)
                    continue
                good.append((checked, case))
            for group in group_cases(good):
                record, event = _write_group(group, checker, out, prints)
                with interrupts.held():
                    journal.add(record)
                _count(result, record, event)
                if progress is not None:
                    progress(event)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            checker.close()
    journal.close()
    header = {"tool": "complaints", "tool_version": prints.version, "letter_date": prints.letter_date,
              "group_by": "outlet"}
    manifest.finish(out, header, journal.records())
    if interrupted:
        raise KeyboardInterrupt
    return result


def _write_group(group: Group, checker: Checker, out: Path, prints: Fingerprints) -> tuple[Record, CaseEvent]:
    source = f"outlet:{group.outlet}"
    covers = [c.case_id for c in group.checked]
    warnings = [str(p) for c in group.checked for p in c.problems if not p.is_error]
    inputs = {"cases": [{"id": c.case_id, "source": c.source} for c in group.checked],
              "evidence": [list(e) for c in group.checked for e in c.evidence], "languages": list(group.languages)}
    staged = []
    try:
        for lang in group.languages:
            for fmt, data in checker.render(group.cases, lang, list(checker.options.formats), group.id):
                staged.append(stage(data, lang, fmt, checker.options.staging))
        manifest.move_into_place(out, {letter_path(group.id, s.language, s.format): s.temp for s in staged})
    except (ComplaintsError, OSError) as exc:
        for letter in staged:
            letter.discard()
        message = f"{source}: error: the letter about {', '.join(c or '' for c in covers)} could not be made: " + (
            f"{exc.strerror or exc}" if isinstance(exc, OSError) else str(exc))
        return Record(source, group.id, errors=[message]), CaseEvent(source, "failed", 0,
                                                                     (Problem(source, 1, 1, "", str(exc)),))
    rows = [{"language": s.language, "format": s.format, "path": letter_path(group.id, s.language, s.format),
             "size": s.size, "sha256": s.sha256, "covers": covers,
             "fingerprint": prints.output(s.language, s.format, {"case": covers})} for s in staged]
    rows.sort(key=lambda r: (LANGUAGES.index(r["language"]), r["format"]))
    return Record(source, group.id, inputs, rows, warnings), CaseEvent(source, "rendered", len(staged),
                                                                       tuple(p for c in group.checked
                                                                             for p in c.problems))


def _failed(checked: Checked, result: BatchResult, journal: manifest.Journal, reported: set[str],
            progress: Progress | None) -> None:
    record, event = failed_case(checked, reported)
    journal.add(record)
    result.failures.append(record)
    if progress is not None:
        progress(event)


def _count(result: BatchResult, record: Record, event: CaseEvent) -> None:
    if record.failed:
        result.failures.append(record)
        return
    result.rendered += 1
    result.letters += event.letters
    result.warnings += len(record.warnings)
