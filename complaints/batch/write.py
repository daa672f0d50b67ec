"""This process's part of a batch: the letters the workers staged moved into place and journalled, letter set
by letter set in the plan's order; what became of each case told (CaseEvent) and counted (BatchResult); at
the end the journal becomes the manifest.

Single letters claim their case's id as they are written, so ids are claimed the same way every run. Ctrl-C
or SIGTERM stops the batch, but never between a letter set's letters and its journal lines: the manifest then
lists exactly what is on disk, and KeyboardInterrupt is raised.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import files
from ..counts import counted, verb
from ..errors import Problem, UsageError
from ..layout import letter_path
from ..locks import Busy, hold_folder
from . import manifest, unchanged
from .check import Checked, broken_project, claim_id, internal_error, taken
from .manifest import Record
from .plan import Fingerprints, Step
from .workers import Made

Outcome = tuple[Record, list["CaseEvent"]]  # a manifest record, and what became of each of its cases


@dataclass(frozen=True)
class CaseEvent:
    """What happened to one case, for progress displays: rendered, unchanged or failed."""

    source: str
    status: str
    letters: int  # letters written: one per language of its letter set
    problems: tuple[Problem, ...] = ()
    files: int = 0  # the files of those letters: one per format
    told: tuple[str, ...] = ()  # the warnings of letters kept from the last run, as they were told then


Progress = Callable[[CaseEvent], None]


@dataclass
class BatchResult:
    """What `render` did, counted; the failed cases (and letters) with their errors."""

    out: Path
    rendered: int = 0  # letters sets with at least one letter written in this run: cases, or outlets
    letters: int = 0  # letters written in this run: a letter set's letter in one language, in any formats
    files: int = 0  # the files written in this run: each letter in each of its formats
    unchanged: int = 0  # cases whose letters were all up to date
    failures: list[Record] = field(default_factory=list)
    warnings: int = 0  # the warnings told in this run (CaseEvent.problems), the project files' too
    removed: list[str] = field(default_factory=list)  # letters of an earlier run no longer made, deleted (paths)
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


class Writer:
    """Writes a batch's letter sets in the plan's order, journals them, and counts what became of them."""

    def __init__(self, out: Path, prints: Fingerprints, progress: Progress | None, *, group_by: str | None = None):
        self.out = out
        self.prints = prints
        self.progress = progress
        self.group_by = group_by
        self.result = BatchResult(out, grouped=group_by is not None)
        self.seen: dict[str, str] = {}  # the ids single letters have claimed so far
        self.reported: set[str] = set()  # broken project files already reported
        self.unaddressed = 0
        # the letters written in this run: each letter id (its folder), and the languages and formats written there
        # (one tuple shared by every set written alike: a batch of any size holds little more than its names)
        self.written: dict[str, tuple[tuple[str, str], ...]] = {}
        self._alike: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        self.covered: set[str] = set()  # the case ids that letters about several cases written in this run cover
        self.later: list[Record] = []  # earlier letters of sets that have none this run, listed where still whole
        self.office: str | None = None  # LibreOffice found but failing: told once for the batch
        # each letter set as an unchanged run would tell it, for the run's summary (unchanged.py); None once the
        # run is not complete (a case failed, earlier letters listed beside this run's, the manifest not written)
        self.sets: unchanged.Notes | None = unchanged.Notes(out)

    def unchanged(self, steps: list[Step]) -> None:
        """A batch with nothing to do: each letter set told and counted; the manifest stays as it is."""
        for step in steps:
            outcome = self._kept(step)
            self._note(outcome[0])
            self._tell(outcome)

    def write(self, steps: list[Step], made: Generator[Made, None, None], others: Iterable[Record] = ()) -> None:
        """Each letter set's letters moved into place and journalled, `made` by the workers for the steps with
        something to do; then the manifest, which also lists the letters of `others` (letter sets of the last
        run not in this one) still on disk. KeyboardInterrupt, once the manifest lists what is on disk."""
        self.later.extend(others)
        manifest.start(self.out)
        journal = manifest.Journal(self.out)
        done = 0
        interrupted = False
        with Interrupts() as interrupts:
            try:
                try:
                    for step in steps:
                        result = next(made) if step.todo != () else None
                        with interrupts.held():  # a letter set's letters and its journal lines: both or neither
                            try:
                                outcomes = self._outcomes(step, result)
                            except Exception as exc:  # a bug in this letter set fails it alone, not the batch
                                if result is not None:
                                    result.discard()
                                outcomes = [self._broken(step, exc)]
                            for record, _ in outcomes:
                                journal.add(record)
                                self._note(record)
                            if step.previous is not None and all(record.failed for record, _ in outcomes):
                                self.later.append(step.previous)  # its earlier letters stay, listed as they were
                        for outcome in outcomes:
                            self._tell(outcome)
                        done += 1
                finally:
                    made.close()  # stops the workers
            except KeyboardInterrupt:
                interrupted = True
        journal.close()
        records: Iterable[Record | None] = journal.records()
        if interrupted:  # the letters not reached keep what an earlier run made, where it is still on disk
            self.later.extend(step.previous for step in steps[done:] if step.previous is not None)
        records = itertools.chain(records, (self._listed(self._still_there(record)) for record in self.later))
        header = {"tool": "complaints", "tool_version": self.prints.version, "letter_date": self.prints.letter_date,
                  **({"group_by": self.group_by} if self.group_by else {})}
        problem = manifest.finish(self.out, header, (r for r in records if r is not None), removed=self.result.removed)
        if problem is not None:
            self.result.errors.append(problem)
            self._incomplete()
        if interrupted:
            raise KeyboardInterrupt
        if self.office is not None:
            self.result.errors.append(f"error: {self.office}; the other formats are written, the PDF letters are not:"
                                      " run the same command again once LibreOffice starts")
        if self.unaddressed:
            self.result.notes.append(f"note: {counted(self.unaddressed, 'e-mail message')}"
                                     f" {verb(self.unaddressed, 'has', 'have')} no To: address, because the"
                                     " authority profile gives no e-mail address; fill it in in your mail program"
                                     " before sending, or set authority.email in complaints.yaml")

    def _note(self, record: Record) -> None:
        """A letter set's record, as the run's summary keeps it; a failed one makes the run incomplete."""
        if self.sets is not None:
            if record.failed:
                self._incomplete()
            else:
                self.sets.add(record)

    def _listed(self, record: Record | None) -> Record | None:
        """An earlier run's letters listed beside this run's: the next run is not one with nothing to do."""
        if record is not None:
            self._incomplete()
        return record

    def _incomplete(self) -> None:
        """The run will leave no summary: what was noted for it is dropped."""
        if self.sets is not None:
            self.sets.discard()
            self.sets = None

    def _outcomes(self, step: Step, made: Made | None) -> list[Outcome]:
        if step.failed is not None:
            return [self._failed(step.failed)]
        if made is None:
            return [self._kept(step)]
        if step.letters.id is None:
            return [self._single(step, made)]
        return self._grouped(step, made)

    def _kept(self, step: Step) -> Outcome:
        """A letter set whose letters are all up to date."""
        record = step.kept
        assert record is not None
        if step.letters.id is not None:
            self._clear(step, record)
            entries = record.inputs["cases"]
            return record, [CaseEvent(entry["source"], "unchanged", 0, told=tuple(record.warnings) if n == len(entries) - 1
                                      else ()) for n, entry in enumerate(entries)]
        if record.case_id in self.seen:  # a new case earlier in the batch has taken this id
            problem = Problem(record.source, 1, 1, "id", taken(record.case_id, self.seen))
            return Record(record.source, record.case_id, errors=[str(problem)]), [
                CaseEvent(record.source, "failed", 0, (problem,))]
        self.seen[record.case_id or ""] = record.source
        self._clear(step, record)
        return record, [CaseEvent(record.source, "unchanged", 0, told=tuple(record.warnings))]

    def _single(self, step: Step, made: Made) -> Outcome:
        """A case's own letters into place; the case fails if they cannot be made or written."""
        (checked,) = made.cases
        if checked.source == step.letters.source:  # the plan's string kept, not the worker's copy of it
            checked.source = step.letters.source
        if made.error is not None:
            checked.problems.append(made.problem or Problem(checked.source, 1, 1, "", made.error))
        if not claim_id(checked, self.seen):
            made.discard()
            return self._failed(checked)
        error = self._move(made, checked.case_id or "")
        if error is not None:
            checked.problems.append(Problem(checked.source, 1, 1, "", error))
            return self._failed(checked)
        inputs = {**as_read(step.inputs, checked), "evidence": [list(e) for e in checked.evidence],
                  "languages": list(made.languages)}
        record = Record(checked.source, checked.case_id, inputs, self._rows(step, made, inputs),
                        [str(p) for p in checked.problems if not p.is_error])
        self._clear(step, record)
        return record, [CaseEvent(checked.source, "rendered", _languages(made), tuple(checked.problems),
                                  len(made.letters))]

    def _grouped(self, step: Step, made: Made) -> list[Outcome]:
        """A letter about several cases into place: the cases that fail are left out of it."""
        letters = step.letters
        outcomes = [self._failed(checked) for checked in made.cases if not checked.ok]
        good = [(checked, entry) for checked, entry in zip(made.cases, step.inputs["cases"]) if checked.ok]
        if not good:
            return outcomes
        covers = [checked.case_id or "" for checked, _ in good]
        error = made.error if made.error is not None else self._move(made, letters.id or "")
        if error is not None:
            made.discard()
            message = f"{letters.source}: error: the letter about {', '.join(covers)} could not be made: {error}"
            told = (made.problem or Problem(letters.source, 1, 1, "", error),)
            events = [CaseEvent(checked.source, "failed", 0, told if n == 0 else ()) for n, (checked, _) in
                      enumerate(good)]
            return [*outcomes, (Record(letters.source, letters.id, errors=[message]), events)]
        # each case as the worker read it: the hash of the bytes its letter was made from
        inputs = {"cases": [as_read(entry, checked) for checked, entry in good],
                  "evidence": [list(e) for checked, _ in good for e in checked.evidence],
                  "languages": list(made.languages)}
        warnings = [str(p) for checked, _ in good for p in checked.problems if not p.is_error]
        last = len(good) - 1  # the letters are counted once, with the last of the cases they are about
        events = [CaseEvent(checked.source, "rendered", _languages(made) if n == last else 0, tuple(checked.problems),
                            len(made.letters) if n == last else 0) for n, (checked, _) in enumerate(good)]
        record = Record(letters.source, letters.id, inputs, self._rows(step, made, inputs, covers), warnings)
        self._clear(step, record)
        return [*outcomes, (record, events)]

    def _move(self, made: Made, letter_id: str) -> str | None:
        """A letter set's staged letters into their places; what went wrong, if anything."""
        try:
            move_into_place(self.out, {letter_path(letter_id, s.language, s.format): s.temp for s in made.letters})
            made.folder = None
        except OSError as exc:
            made.discard()
            return f"could not write the letters: {exc.strerror or exc} ({exc.filename or ''})"
        self.unaddressed += made.unaddressed
        kinds = tuple(sorted({*self.written.get(letter_id, ()), *((s.language, s.format) for s in made.letters)}))
        self.written[letter_id] = self._alike.setdefault(kinds, kinds)
        if made.office is not None and self.office is None:
            self.office = made.office
        return None

    def _clear(self, step: Step, record: Record) -> None:
        """The letters the last run made of this letter set that its record no longer lists, deleted: a letter
        set has one version of its letters on disk, in whatever formats and languages."""
        previous = step.previous
        if previous is None or not previous.files:
            return
        listed = {row["path"] for row in record.files}
        self._remove(previous, [row for row in previous.files if row.get("path") not in listed])

    def _remove(self, record: Record, rows: list[dict[str, Any]]) -> None:
        """Letters the tool wrote for `record`'s letter set, deleted: only at the path the tool gives such a
        letter, and only with the content the manifest recorded (a file edited since is left alone)."""
        for row in rows:
            rel = row.get("path")
            if (rel is None or self._was_written(rel) or not isinstance(row.get("language"), str)
                    or not isinstance(row.get("format"), str)
                    or rel != letter_path(record.case_id or "", row["language"], row["format"])):
                continue
            target = self.out / rel
            if target.parent.is_symlink() or not target.parent.resolve().is_relative_to(self.out.resolve()):
                continue  # a folder that leads out of OUT: nothing there is the tool's
            if not manifest.same_content(self.out, row):
                if target.is_file() and not target.is_symlink():
                    self.result.notes.append(f"note: {rel} is an earlier letter of {record.source} that this run"
                                             " no longer makes, but it was changed after the tool wrote it, so it"
                                             " is left as it is: delete it if it is not wanted")
                continue
            try:
                target.unlink()
            except OSError:
                continue
            self.result.removed.append(rel)
            with contextlib.suppress(OSError):
                target.parent.rmdir()  # only if empty

    def _was_written(self, rel: Any) -> bool:
        """Whether this run wrote the letter at `rel` (a path in OUT, as the manifest lists it)."""
        if not isinstance(rel, str):
            return False
        folder = rel.partition("/")[0]
        kinds = self.written.get(folder)
        return kinds is not None and any(letter_path(folder, lang, fmt) == rel for lang, fmt in kinds)

    def _still_there(self, record: Record | None) -> Record | None:
        """An earlier run's letters of a letter set that has none in this run, listed where they are still on
        disk and no other letter set has written into their folder (those are deleted: they would stand beside
        another's letters)."""
        if record is None or record.failed:
            return None
        covers = {case for row in record.files for case in row.get("covers") or ()}
        if record.case_id in self.written or covers & self.covered:  # its id (or a case's) is another's now
            self._remove(record, [row for row in record.files if not self._was_written(row.get("path"))])
            return None
        files = [f for f in record.files if manifest.on_disk(self.out, f) and not self._was_written(f.get("path"))]
        return Record(record.source, record.case_id, record.inputs, files, record.warnings) if files else None

    def _rows(self, step: Step, made: Made, inputs: dict[str, Any], covers: list[str] | None = None) -> list[Any]:
        """The manifest rows of a letter set: the letters kept from the last run, and those just written."""
        letter_id = step.letters.id or made.cases[0].case_id or ""
        rows = list(step.kept.files) if step.kept is not None else []
        for s in made.letters:
            row: dict[str, Any] = {"language": s.language, "format": s.format,
                                   "path": letter_path(letter_id, s.language, s.format), "size": s.size,
                                   "sha256": s.sha256}
            if covers is not None:
                row["covers"] = covers
                self.covered.update(covers)
            attach = "docx" if s.format == "eml" and made.office is not None else None  # LibreOffice failing
            row["fingerprint"] = self.prints.output(s.language, s.format, inputs, attach=attach)
            rows.append(row)
        return manifest.sorted_rows(rows)

    def _broken(self, step: Step, exc: Exception) -> Outcome:
        """A letter set this process could not finish because of a bug: each of its cases failed with it."""
        problem = internal_error(step.letters.source, exc, "writing its letters")
        return Record(step.letters.source, step.letters.id, errors=[str(problem)]), [
            CaseEvent(case.source, "failed", 0, (problem,) if n == 0 else ()) for n, case in enumerate(step.letters.cases)]

    def _failed(self, checked: Checked) -> Outcome:
        """A case that gets no letter: its errors recorded; the problems of the broken project file it depends
        on told with the first such case."""
        errors = [str(p) for p in checked.problems if p.is_error]
        problems = list(checked.problems)
        if checked.project_failed and checked.project_failed not in self.reported:
            self.reported.add(checked.project_failed)
            problems = broken_project(checked.project_failed) + problems
        return Record(checked.source, checked.case_id, errors=errors), [
            CaseEvent(checked.source, "failed", 0, tuple(problems))]

    def _tell(self, outcome: Outcome) -> None:
        """Count what became of a letter set's cases, and tell the progress display."""
        record, events = outcome
        result = self.result
        if record.failed:
            result.failures.append(record)
        elif any(event.status == "rendered" for event in events):
            result.rendered += 1
        else:
            result.unchanged += len(events)
        result.letters += sum(event.letters for event in events)
        result.files += sum(event.files for event in events)
        result.warnings += sum(1 for event in events for p in event.problems if not p.is_error)
        result.warnings += sum(len(event.told) for event in events)
        # the project file's own problems: those of neither the case nor its letter
        result.project_problems.extend(p for event in events for p in event.problems
                                       if p.file not in (event.source, record.source))
        if self.progress is not None:
            for event in events:
                self.progress(event)


def as_read(inputs: dict[str, Any], checked: Checked) -> dict[str, Any]:
    """A case's inputs with the hashes of the bytes the worker read of its file and its project file (the plan
    hashed them earlier: a file saved in between is listed as the letter was made from it)."""
    found = dict(inputs)
    if checked.sha256:
        found["case"] = checked.sha256
    project = found.get("project")
    if project and checked.project_read and checked.project_read[0] == project[0]:
        found["project"] = list(checked.project_read)
    return found


def move_into_place(out: Path, letters: dict[str, str]) -> None:
    """A letter set's letters, already written whole in the temporary folder, renamed to their places: where they
    are all in a staging folder of their own under their final names (workers.stage) and their folder is new,
    that folder is renamed whole, in one step.

    Renames within one disk are atomic: each letter is either the old file or the new one, never a part,
    whatever stops the run. There is no fsync per file, which would cost more than the rendering: after a
    power cut, a letter the system had not yet flushed has the wrong size, and the next run makes it again.
    """
    # told apart as text first (a batch moves thousands): the letters' one folder, the staging folder they are all
    # in, under their own names
    heads = {rel.rpartition("/")[0] for rel in letters}
    folders = {os.path.dirname(temp) for temp in letters.values()}
    if len(heads) == 1 and len(folders) == 1:
        folder, head = folders.pop(), heads.pop()
        names = [rel.rpartition("/")[2] for rel in letters]
        if head and os.path.dirname(folder) == _temp_dir(out) and all(
                os.path.basename(temp) == name for temp, name in zip(letters.values(), names)):
            files.place_folder(folder, out / head, names)
            return
    files.place_all({out / rel: temp for rel, temp in letters.items()})


@functools.lru_cache(maxsize=8)
def _temp_dir(out: Path) -> str:
    """The temporary folder of the letters' folder `out`, as text (asked once per letter set)."""
    return str(manifest.temp_dir(out))


def _languages(made: Made) -> int:
    """The letters among a letter set's files: one per language, in however many formats."""
    return len({s.language for s in made.letters})


class FolderBusy(UsageError):
    """Another batch (another process, or another thread of this one) is writing to the letters' folder."""


_writing: set[str] = set()  # the folders a batch of this process is writing to (the web desk runs them in threads)
_writing_lock = threading.Lock()


@contextmanager
def only_writer(out: Path) -> Iterator[None]:
    """One `render` at a time writes to a folder: a second one is told so instead of mixing their files, whether
    it is another process or another thread of this one."""
    key = os.path.normcase(str(out.resolve()))
    with _writing_lock:
        if key in _writing:
            raise FolderBusy(f"another `complaints render` is writing to {out}; wait for it to finish")
        _writing.add(key)
    try:
        with _folder_lock(out):
            yield
    finally:
        with _writing_lock:
            _writing.discard(key)


@contextmanager
def _folder_lock(out: Path) -> Iterator[None]:
    """The lock other processes see (locks.hold_folder: on Linux and macOS the folder itself, on Windows a file
    in it)."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(hold_folder(out))
        except Busy:
            raise FolderBusy(f"another `complaints render` is writing to {out}; wait for it to finish") from None
        yield


class Interrupts:
    """While a batch runs, Ctrl-C and SIGTERM stop it, but never between a letter set's letters and its journal
    lines."""

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
