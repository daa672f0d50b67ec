"""The plan of a batch: its letter sets, and which of their letters must be (re)made, judged by fingerprints
against the last manifest without reading the cases whose letters are up to date.

A letter's fingerprint hashes everything it is made from: the tool's version, the letter date, its templates,
the law and the wording, and its cases' files, project files and evidence. To group letters by outlet the plan
must know each case's outlet: the manifest keeps it beside the case's hashes, so only the cases that are new or
changed are read for it (by the workers).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..layout import LANGUAGES, find_project, made_from, shown, template_file
from .check import Checked, Options, claim_id, taken
from .groups import LetterSet, Member, letter_sets
from .manifest import Record, interrupted, on_disk, sha256_file
from .workers import Job, Todo, Workers


class Fingerprints:
    """Everything a letter is made from, hashed: the same fingerprint means the same letter."""

    def __init__(self, version: str, letter_date: str, templates: Path, *, pdfa: bool = False,
                 formats: tuple[str, ...] = ()):
        self.version = version
        self.formats = formats
        self.letter_date = letter_date
        self.templates = templates
        self.pdfa = pdfa
        self._files: dict[str, str] = {}
        self._shared: dict[tuple[str, str, str | None], str] = {}
        data = resources.files("complaints") / "data"
        self._data = [str(data / "norms.yaml"), str(data / "authorities.yaml")]
        self._phrases = {lang: str(data / "phrases" / f"{lang}.yaml") for lang in LANGUAGES}

    def file(self, path: Path | str | None) -> str | None:
        """The SHA-256 of a file, read once per run (None for a file that is not there)."""
        if path is None:
            return None
        key = str(path)
        if key not in self._files:
            try:
                self._files[key] = sha256_file(Path(key))
            except FileNotFoundError:
                self._files[key] = ""
        return self._files[key] or None

    def hashed(self) -> dict[str, str]:
        """Every file hashed so far, by its path: its SHA-256 ("" where it was not there)."""
        return dict(self._files)

    def _made_with(self, lang: str, fmt: str) -> list[Any]:
        """The templates a letter in this format is made from, and how."""
        made: list[Any] = [self.file(template_file(self.templates, lang, f"letter.{name}")) for name in made_from(fmt)]
        if fmt == "pdf":
            made.append({"pdfa": self.pdfa})
        if fmt == "eml":  # it attaches the PDF where the batch makes PDFs, else the DOCX
            made.append({"attach": "pdf", "pdfa": self.pdfa} if "pdf" in self.formats else {"attach": "docx"})
        return made

    def output(self, lang: str, fmt: str, inputs: dict[str, Any], *, attach: str | None = None) -> str:
        """The fingerprint of one letter whose own inputs (its case's, or its cases') are `inputs`. `attach`: for
        an e-mail, the letter it attaches where that is not the batch's choice (the DOCX, LibreOffice failing)."""
        shared = self._shared.get((lang, fmt, attach))
        if shared is None:  # what every letter in this language and format is made with
            made = self._made_with(lang, fmt)
            if attach is not None and fmt == "eml":
                made[-1] = {"attach": attach, "pdfa": self.pdfa} if attach == "pdf" else {"attach": attach}
            # written once as JSON: what json.dumps writes of the whole list begins with it
            shared = self._shared[(lang, fmt, attach)] = "[" + ", ".join(json.dumps(part) for part in [
                self.version, self.letter_date, lang, fmt, made,
                [self.file(p) for p in self._data], self.file(self._phrases.get(lang)),
            ])
        parts = [inputs.get("case"), inputs.get("project"), sorted(e[3] for e in inputs.get("evidence", []))]
        if "cases" in inputs:  # a letter about several cases: each one's file and project file, in its order
            parts.append(_members(inputs))
        return hashlib.sha256((shared + ", " + json.dumps(parts)[1:]).encode("utf-8")).hexdigest()

    def current(self, row: dict[str, Any], inputs: dict[str, Any]) -> bool:
        """A letter of the last run is what this run would make of it (an e-mail: attaching either letter)."""
        lang, fmt, made = row.get("language"), row.get("format"), row.get("fingerprint")
        if not isinstance(lang, str) or not isinstance(fmt, str):
            return False
        if fmt == "eml":
            return made in (self.output(lang, fmt, inputs, attach="pdf"), self.output(lang, fmt, inputs, attach="docx"))
        return made == self.output(lang, fmt, inputs)


def evidence_unchanged(evidence: list[list[Any]]) -> bool:
    """Every evidence file as it was: same size and time, or else the same content."""
    for path, size, mtime_ns, sha in evidence:
        try:
            st = os.stat(path)
        except OSError:
            return False
        if st.st_size != size:
            return False
        if st.st_mtime_ns != mtime_ns and sha256_file(Path(path)) != sha:
            return False
    return True


@dataclass(slots=True)  # one per letter for the whole run: kept small, so memory stays flat with the batch
class Step:
    """One letter set in the plan: what to render of it (None: everything; (): nothing) and what is kept."""

    letters: LetterSet
    todo: Todo | None
    inputs: dict[str, Any]  # the hashes of what its letters are made from, as far as the plan knows them
    kept: Record | None = None  # its letters from the last run that stay as they are
    previous: Record | None = None  # what the last run made of it
    failed: Checked | None = None  # a case that could not be read to be grouped: no letter
    stale: tuple[dict[str, Any], ...] = ()  # its letters from the last run, in languages or formats not asked for
    # this time, that are no longer what it would make (another letter date, a changed template): removed

    @property
    def job(self) -> Job:
        """What a worker is given to render it."""
        return tuple(case.path for case in self.letters.cases), self.letters.id, self.todo


class Jobs(Sequence[Job]):
    """What the workers are given for the steps with something to do, each made when it is handed out (not
    all at once: a batch of any size holds no second copy of its plan)."""

    def __init__(self, steps: list[Step]):
        self.steps = [step for step in steps if step.todo != ()]

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: Any) -> Any:  # the workers take jobs one at a time, never a slice
        return self.steps[index].job


def plan(files: list[str], out: Path, state: dict[str, Record], prints: Fingerprints, options: Options,
         workers: Workers) -> list[Step]:
    """For each letter set, which of its letters must be (re)made; cases that cannot be grouped first."""
    cases = _hashed(files, options.project, prints)
    failed = _learn_groups(cases, state, workers) if options.group_by else []
    ready = [case for case in cases if case.group is not None] if options.group_by else cases
    return failed + [_step(letters, out, state, prints, options) for letters in letter_sets(ready, options.group_by)]


def nothing_to_do(steps: list[Step], state: dict[str, Record], out: Path) -> bool:
    """Every letter unchanged, none added or removed, and no interrupted run to finish."""
    return (all(step.todo == () and step.failed is None and not step.stale for step in steps)
            and len(steps) == len(state)
            and {_key(step.letters) for step in steps} == set(state) and not interrupted(out))


def remember(steps: list[Step], state: dict[str, Record]) -> None:
    """Each step told what the last run made of its letter set, where it was planned without (`--force`)."""
    for step in steps:
        if step.previous is None:
            step.previous = state.get(_key(step.letters))


def left_out(steps: list[Step], state: dict[str, Record]) -> list[Record]:
    """What the last run made of letter sets that are not in this one (a case not named this time, or gone)."""
    planned = {_key(step.letters) for step in steps}
    return [record for key, record in state.items() if key not in planned]


def _key(letters: LetterSet) -> str:
    """What the last manifest knows a letter set by (manifest.previous_state): its case file, or its id."""
    return letters.id if letters.id is not None else letters.source


def _hashed(files: list[str], project: str | Path | None, prints: Fingerprints) -> list[Member]:
    """Each case file with the hashes of its file and its project file, judged without reading the case."""
    folders: dict[str, Path | None] = {}
    shared: dict[Path, list[str | None]] = {}  # a project file's part: one list for all its cases, not a copy each
    cases = []
    for path in files:
        if project is not None:
            project_file: Path | None = Path(project)
        else:
            parent = os.path.dirname(path) or "."
            if parent not in folders:
                folders[parent] = find_project(parent)
            project_file = folders[parent]
        if project_file is not None and project_file not in shared:
            shared[project_file] = [str(project_file), prints.file(project_file)]
        try:
            if not os.path.isfile(path):  # a FIFO or a device would never end: the checker refuses it
                raise OSError(f"{path} is not a regular file")
            inputs: dict[str, Any] | None = {"case": sha256_file(path),
                                             "project": shared[project_file] if project_file else None}
        except OSError:
            inputs = None  # the checker says what is wrong with it
        source = shown(Path(path))
        cases.append(Member(path, path if source == path else source, inputs))  # one string, where they are one
    return cases


def _learn_groups(cases: list[Member], state: dict[str, Record], workers: Workers) -> list[Step]:
    """Each case's id and group: from the last manifest where the case and its project file are unchanged,
    else by reading the case. Ids are claimed in file order; the cases that fail are returned as steps."""
    known = {entry["source"]: entry for record in state.values() for entry in record.inputs.get("cases", ())}

    def told(case: Member) -> dict[str, Any] | None:
        entry = known.get(case.source)
        if (entry is None or case.inputs is None or "group" not in entry or entry.get("case") != case.inputs["case"]
                or entry.get("project") != case.inputs["project"]):
            return None
        return entry

    unknown = [case for case in cases if told(case) is None]
    read = workers.map("read", [case.path for case in unknown])
    to_read = set(map(id, unknown))
    seen: dict[str, str] = {}
    failed = []
    for case in cases:
        if id(case) in to_read:
            checked: Checked = next(read)
            if not claim_id(checked, seen):
                failed.append(Step(LetterSet(None, case.source, [case]), (), {}, failed=checked))
                continue
            case.case_id, case.group = checked.case_id, checked.group
            continue
        entry = told(case)
        assert entry is not None
        if entry["id"] in seen:
            problem = Problem(case.source, 1, 1, "id", taken(entry["id"], seen))
            failed.append(Step(LetterSet(None, case.source, [case]), (), {},
                               failed=Checked(case.source, entry["id"], [problem])))
            continue
        seen[entry["id"]] = case.source
        case.case_id, case.group = entry["id"], (entry["group"][0], entry["group"][1])
    return failed


def _step(letters: LetterSet, out: Path, state: dict[str, Record], prints: Fingerprints, options: Options) -> Step:
    """One letter set against what the last run made of it."""
    previous = state.get(_key(letters))
    if letters.id is None:
        inputs = letters.cases[0].inputs
        if inputs is None:
            return Step(letters, None, {}, previous=previous)
        same = previous is not None and (previous.inputs.get("case"), previous.inputs.get("project")) == (
            inputs["case"], inputs["project"])
    else:
        inputs = {"cases": [{"id": case.case_id, "source": case.source, **(case.inputs or {}),
                             "group": list(case.group or ())} for case in letters.cases]}
        same = previous is not None and _members(previous.inputs) == _members(inputs)
    if (previous is None or not same or previous.failed
            or not evidence_unchanged(previous.inputs.get("evidence", []))):
        return Step(letters, None, inputs, previous=previous)
    rows = {(f["language"], f["format"]): f for f in previous.files}
    wanted = [(lang, fmt) for lang in options.languages or tuple(previous.inputs.get("languages", ()))
              for fmt in options.formats]
    keep, todo = [], []
    for lang, fmt in wanted:
        row = rows.get((lang, fmt))
        if row is not None and row.get("fingerprint") == prints.output(lang, fmt, previous.inputs) \
                and on_disk(out, row):
            keep.append(row)
        else:
            todo.append((lang, fmt))
    # letters in languages or formats not asked for this time stay listed while they are on disk and still what
    # this run would make of them; those made from anything else (another date, template, wording) are removed
    stale: list[dict[str, Any]] = []
    for key, row in rows.items():
        if key not in wanted and on_disk(out, row):
            (keep if prints.current(row, previous.inputs) else stale).append(row)
    kept = Record(previous.source, previous.case_id, previous.inputs, keep, previous.warnings)
    return Step(letters, tuple(todo), previous.inputs, kept, previous, stale=tuple(stale))


def _members(inputs: dict[str, Any]) -> list[list[Any]]:
    """A letter's cases as the plan compares them: each one's file, its hash and its project file's."""
    return [[entry.get("source"), entry.get("case"), entry.get("project")] for entry in inputs.get("cases", ())]
