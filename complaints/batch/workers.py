"""The work a batch hands to its worker processes, one letter set at a time:

    load → validate   each of its cases read and checked (check.py)
    letter            the context of the letter about its cases, in each language (letter/context.py)
    render            that letter in each format asked for (render_letter)
    stage             each file written whole, under its final name, to a folder of the letter set's own in the
                      batch's temporary folder; the writer moves that folder into place

`Workers` runs the jobs in processes, in order, a few ahead of the writer; in this process where there is only
one to do. Grouping asks it first to read the cases whose outlet the last manifest does not tell.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from .. import files
from ..errors import ComplaintsError, Problem
from ..layout import LANGUAGES, letter_path
from ..render import MAIL_LIMIT, Kit, render_letter
from .check import Checked, Checker, Options, fault, internal_error

Todo = tuple[tuple[str, str], ...]  # (language, format) pairs to render; None: every one the letter has
# a letter set's case files (as text: a batch of any size keeps one string per case, not a Path), its id (None: the
# case's), what to render
Job = tuple[tuple[str, ...], str | None, Todo | None]


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


@dataclass
class Made:
    """What became of one letter set: each of its cases checked, and its letters staged."""

    cases: list[Checked]
    letters: list[Staged] = field(default_factory=list)
    languages: tuple[str, ...] = ()  # the languages its letter comes in
    error: str | None = None  # why its letter could not be made, where its cases are fine
    problem: Problem | None = None  # the same, where it has a place in one of its case files
    unaddressed: int = 0  # e-mails written with no To: address (the authority profile has no e-mail)
    office: str | None = None  # LibreOffice found but failing: its PDF letters are not made (the rest is)
    folder: str | None = None  # the staging folder its letters are in, under their final names

    def discard(self) -> None:
        """Its letters dropped: they will not be moved into place."""
        for letter in self.letters:
            letter.discard()
        self.letters = []
        if self.folder is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self.folder)
            self.folder = None


def _too_big_to_mail(good: list[tuple[Checked, Any]]) -> Problem | None:
    """Evidence too big for one e-mail, told at the largest file, from the sizes the check found (before any is
    read into memory)."""
    sizes: dict[str, tuple[int, Any, int]] = {}  # each file once: its size, its case, its place in the case
    for _, case in good:
        for i, found in case.evidence_files.items():
            sizes.setdefault(found.sha256, (found.size, case, i))
    total = sum(size for size, _, _ in sizes.values())
    if total <= MAIL_LIMIT:
        return None
    size, case, i = max(sizes.values(), key=lambda each: each[0])
    message = (f"the evidence files come to {total:,} bytes (this one {size:,}), more than an e-mail can carry"
               f" ({MAIL_LIMIT:,} bytes, the common limit of mail servers): no e-mail is made; leave out"
               " --format eml, or send the large files another way")
    if case.document is None:
        return Problem(str(case.path), 1, 1, f"evidence[{i}].file", message)
    return case.document.problem(("evidence", i, "file"), message)


def stage(data: bytes, lang: str, fmt: str, staging: files.Staging, letter_id: str) -> Staged:
    """Write a letter under its final name to its letter set's staging folder; the writer moves it into place once
    its letter set is whole."""
    temp = staging.write(PurePath(letter_path(letter_id, lang, fmt)).name, data)
    return Staged(lang, fmt, temp, len(data), hashlib.sha256(data).hexdigest())


class Worker:
    """Reads, checks and renders letter sets, keeping what it read or prepared (project files, templates,
    LibreOffice) for the next."""

    def __init__(self, options: Options):
        self.options = options
        self.check = Checker(options)
        o = options
        # LibreOffice's scratch files (the letter, with the IIN) in the batch's temporary folder: they go with it
        self.kit = Kit(o.templates, letter_date=o.letter_date, formats=o.formats, pdfa=o.pdfa, scratch=o.staging) \
            if o.templates is not None else None
        self.office: str | None = None  # why LibreOffice, found, would not start: no PDF is tried again
        self.sets = 0  # the letter sets it has staged: each one's folder is named by its process and this count

    def read(self, path: str | Path) -> Checked:
        """One case read and checked, to learn its id and what its letter is gathered by."""
        return self.check(Path(path))

    def render(self, job: Job) -> Made:
        """One letter set: its cases read and checked, its letter rendered in what `todo` asks and staged.
        Whatever goes wrong (a bug too) fails this letter set alone, never the batch."""
        made = Made([])
        try:
            self._render(job, made)
        except Exception as exc:  # the boundary of one letter set: any bug fails it alone
            made.discard()
            if not made.cases:  # it failed before its cases were read: each is failed with it
                made.cases = [Checked(path, None, [internal_error(path, exc, "checking it")]) for path in job[0]]
            else:
                made.error = internal_error(made.cases[0].source, exc, "making its letter").message
        return made

    def _render(self, job: Job, made: Made) -> None:
        paths, letter_id, todo = tuple(map(Path, job[0])), job[1], job[2]
        o, kit = self.options, self.kit
        assert kit is not None
        loaded = [self.check.load(path) for path in paths]
        made.cases = [checked for checked, _ in loaded]
        good = [(checked, case) for checked, case in loaded if case is not None and checked.ok]
        if not good:
            return
        cases = [case for _, case in good]
        languages = good[0][0].languages if letter_id is None else tuple(
            lang for lang in LANGUAGES if any(lang in checked.languages for checked, _ in good))
        made.languages = languages
        wanted = todo if todo is not None else tuple((lang, fmt) for lang in languages for fmt in o.formats)
        # the evidence an e-mail carries: each file once, however many of the cases cite it
        evidence = list({found.sha256: (found.path.name, found.path)
                         for case in cases for found in case.evidence_files.values()}.values())
        if any(fmt == "eml" for _, fmt in wanted):
            made.problem = _too_big_to_mail(good)
            if made.problem is not None:
                made.error = made.problem.message
                return
        self.sets += 1
        staging = files.Staging(o.staging or tempfile.gettempdir(), f"{os.getpid()}-{self.sets}")
        name = letter_id or good[0][0].case_id or ""
        try:
            from ..letter.context import group_context

            for lang in dict.fromkeys(lang for lang, _ in wanted):
                context = group_context(cases, lang, letter_date=o.letter_date, letter_id=letter_id)
                for fmt in (fmt for each, fmt in wanted if each == lang):
                    for path in paths:
                        fault(f"render-{fmt}", path)
                    data = self._letter(context, fmt, evidence, made)
                    if data is None:  # a PDF, LibreOffice failing: the other formats are still made
                        continue
                    made.letters.append(stage(data, lang, fmt, staging, name))
                    made.folder = str(staging.folder)
                    made.unaddressed += fmt == "eml" and not context["authority_email"]
        except ComplaintsError as exc:
            made.error = str(exc)
        except OSError as exc:
            made.error = f"could not write the letters: {exc.strerror or exc}"
        if made.error is not None:
            made.discard()

    def _letter(self, context: dict[str, Any], fmt: str, evidence: list[tuple[str, Path]], made: Made) -> bytes | None:
        """One letter in one format; None for a PDF where LibreOffice, found, does not start (an e-mail then
        attaches the DOCX), which is tried once per worker, not once per letter."""
        from ..render.pdf import OfficeMissing

        kit = self.kit
        assert kit is not None
        if self.office is not None:
            made.office = self.office
            if fmt == "pdf":
                return None
        try:
            return render_letter(context, fmt, kit, attachments=evidence)
        except OfficeMissing as exc:
            if fmt not in ("pdf", "eml"):
                raise
            self.office = made.office = str(exc)
            kit.formats = tuple(f for f in kit.formats if f != "pdf")  # e-mails attach the DOCX from now on
            return None if fmt == "pdf" else render_letter(context, fmt, kit, attachments=evidence)

    def prepare(self, languages: tuple[str, ...]) -> None:
        """The templates and the wording of `languages` made ready now (before forking, for workers to share)."""
        from ..letter.phrases import warm_up

        if self.kit is not None:
            for lang in languages:
                self.kit.word(lang)
        warm_up(languages)

    def close(self) -> None:
        """Stop what this worker started (LibreOffice)."""
        if self.kit is not None:
            self.kit.close()


# Rendering is bound by the CPU (and LibreOffice, one per worker): more processes than twice the CPUs only cost
# memory and start-up time, and a thousand would fork a thousand Pythons and LibreOffices.
PER_CPU = 2


def worker_count(asked: int | None, jobs: int) -> tuple[int, str | None]:
    """How many worker processes a batch of `jobs` letter sets starts for `asked` (None: one per CPU): never more
    than PER_CPU per CPU, nor more than there are jobs; and the note to show where fewer than asked are started
    because of the CPUs."""
    cpus = os.cpu_count() or 1
    limit = PER_CPU * cpus
    wanted = asked or cpus
    note = None
    if wanted > limit:
        note = (f"note: {wanted:,} worker processes are more than this computer's {cpus} CPUs can use; {limit} are"
                f" started ({PER_CPU} per CPU)")
    return max(1, min(wanted, limit, jobs)), note


# How worker processes start: None, by fork where the system has it (Linux, macOS: the templates prepared once,
# shared), else by spawn (Windows: each worker imports the tool and prepares its own). Tests set "spawn" here to
# run on Linux what Windows runs.
START_METHOD: str | None = None

# The jobs handed to a worker process beyond the one it is doing (it never waits for its next), and how far
# ahead of the writer the workers may go (what they made and the writer has not taken yet stays few: memory
# stays flat, whatever the batch's size).
AHEAD = 4
WINDOW = 8


@dataclass
class _Hand:
    """A worker process, this process's end of the pipe to it, and the jobs handed to it, in the order it does
    them: the first is the one it is doing."""

    process: Any
    conn: Any
    jobs: deque[int] = field(default_factory=deque)


class Workers:
    """The batch's worker processes, started when there is more than one job; `close` (or the end of a `with`
    block) stops them.

    Each worker has a pipe of its own: this process sends it a job (a few ahead), the worker sends back what it
    made, and nothing else runs between them (no pool threads to wake, no locks to take). The jobs are yielded
    in their order whatever order they are finished in."""

    def __init__(self, options: Options, processes: int):
        self.options = options
        self.processes = processes
        self._here: Worker | None = None  # this process's own, for a single job
        self._hands: list[_Hand] = []
        self._context: Any = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, task: str, jobs: Sequence[Any]) -> Generator[Any, None, None]:
        """Each job done by the workers' `task` ("read" or "render"), yielded in order; closed before the end
        (Ctrl-C, an error), it stops the workers. A job whose worker process was killed (the system out of
        memory, say) is yielded failed, and the others go on."""
        if not jobs:
            return
        if self.processes <= 1 or len(jobs) <= 1:
            if self._here is None:
                self._here = Worker(self.options)
            for job in jobs:
                yield getattr(self._here, task)(job)
            return
        self._start()
        waiting = deque(range(len(jobs)))  # the jobs not handed to a worker yet, in order
        done: dict[int, Any] = {}  # what the workers made that the caller has not taken yet
        taken = 0
        try:
            while taken < len(jobs):
                while taken not in done:
                    self._hand_out(task, jobs, waiting, done, taken + WINDOW * self.processes)
                    self._collect(task, jobs, waiting, done)
                yield done.pop(taken)
                taken += 1
        finally:
            if taken < len(jobs):  # the workers are busy with jobs no one will ask for
                self._stop(now=True)

    def _hand_out(self, task: str, jobs: Sequence[Any], waiting: deque[int], done: dict[int, Any], until: int) -> None:
        """The next jobs to the workers with the fewest in hand, none beyond `until`."""
        while waiting and waiting[0] < until:
            hand = min(self._hands, key=lambda each: len(each.jobs))
            if len(hand.jobs) > AHEAD:
                return
            try:
                hand.conn.send((task, waiting[0], jobs[waiting[0]]))
            except OSError:  # the worker is gone
                self._lose(hand, task, jobs, waiting, done)
                continue
            hand.jobs.append(waiting.popleft())

    def _collect(self, task: str, jobs: Sequence[Any], waiting: deque[int], done: dict[int, Any]) -> None:
        """What the workers send, once one of them has sent something (or has gone)."""
        from multiprocessing.connection import wait

        busy = [hand for hand in self._hands if hand.jobs]
        ready = set(wait([hand.conn for hand in busy] + [hand.process.sentinel for hand in busy]))
        for hand in busy:
            if hand.conn not in ready and hand.process.sentinel not in ready:
                continue
            try:
                while hand.jobs and hand.conn.poll():
                    seq, ok, value = hand.conn.recv()
                    hand.jobs.popleft()
                    if not ok:
                        raise value
                    done[seq] = value
            except (EOFError, OSError):
                pass
            else:
                if hand.process.is_alive():
                    continue
            self._lose(hand, task, jobs, waiting, done)

    def _lose(self, hand: _Hand, task: str, jobs: Sequence[Any], waiting: deque[int], done: dict[int, Any]) -> None:
        """A worker process gone (killed: the system out of memory, say): the job it was doing is failed, those
        handed to it after go back to the others, and a new worker takes its place."""
        self._hands.remove(hand)
        _close_ours(hand.conn)
        hand.process.join(1.0)
        if hand.jobs:
            seq = hand.jobs.popleft()
            done[seq] = lost(task, jobs[seq])
            waiting.extendleft(reversed(hand.jobs))
        if waiting or not self._hands:
            self._hands.append(self._spawn())

    def _start(self) -> None:
        if self._hands:
            return
        import multiprocessing

        method = START_METHOD or start_method()
        self._context = multiprocessing.get_context(method)
        if method == "fork":
            _prepare_before_fork(self.options)
            # what this process holds (the batch's plan) left out of the workers' garbage collections: else each
            gc.freeze()  # worker touches, and so copies, every page of it
        try:
            self._hands = [self._spawn() for _ in range(self.processes)]
        finally:
            gc.unfreeze()

    def _spawn(self) -> _Hand:
        mine, theirs = self._context.Pipe()
        _OURS.append(mine)  # before the fork: the worker closes its copy of it
        process = self._context.Process(target=_serve, args=(theirs, self.options), daemon=True)
        process.start()
        theirs.close()  # the worker's end is the worker's alone: its death is this end's end of file
        return _Hand(process, mine)

    def _stop(self, now: bool = False) -> None:
        """The workers told to stop once their job is done (`now`: stopped at once, SIGTERM), and waited for."""
        hands, self._hands = self._hands, []
        for hand in hands:
            with contextlib.suppress(OSError):
                if now:
                    hand.process.terminate()
                else:
                    hand.conn.send(None)
        stop_processes([hand.process for hand in hands])
        for hand in hands:
            _close_ours(hand.conn)

    def close(self) -> None:
        """Stop the worker processes, and the LibreOffice this process started."""
        self._stop()
        if self._here is not None:
            self._here.close()
            self._here = None


def start_method() -> str:
    """How worker processes are started: forked (they inherit the templates prepared once) where the system can
    and the batch runs on the main thread; else from a fresh process (`forkserver`, else `spawn`). A batch started
    from another thread (the web desk's) runs beside threads that may hold a lock at the moment of the fork,
    which the forked worker would then wait on for ever."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.current_thread() is threading.main_thread():
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def stop_processes(processes: list[Any], grace: float = 10.0) -> None:
    """Wait for processes told to stop, and never hang doing it: after `grace` seconds those still there are
    sent SIGTERM, and a second later killed (a worker that missed the signal while it was starting would else
    keep the batch waiting for ever; seen under load)."""
    import time

    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join()


_WORKER: Worker | None = None  # a worker process's own

# This process's ends of the pipes to its workers. A forked worker inherits them (its own pipe's among them), and
# closes them first thing: else, the main process killed, the workers would hold their pipes open, and none would
# see the end of file that tells it to stop.
_OURS: list[Any] = []


def _close_ours(conn: Any) -> None:
    with contextlib.suppress(ValueError):
        _OURS.remove(conn)
    conn.close()


def _prepare_before_fork(options: Options) -> None:
    """The templates and the wording prepared once in the main process, for forked workers to inherit."""
    global _WORKER
    _WORKER = Worker(options)
    if options.templates is not None:
        _WORKER.prepare(options.languages or LANGUAGES)


def _serve(conn: Any, options: Options) -> None:
    """A worker process: the jobs sent on `conn` done in order, what each made sent back; it stops when told
    (None), or when the main process is gone. Ctrl-C is the main process's to handle."""
    global _WORKER
    for inherited in _OURS:  # forked: the main process's ends of the other workers' pipes
        inherited.close()
    _OURS.clear()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the batch's own handler, inherited through fork
    # What a worker raises reaches the main process with the result; the only thing a worker would print
    # itself is the broken pipe of a main process that was killed, which is noise to the user.
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the process
    if _WORKER is None or _WORKER.options != options:  # else prepared before the fork, and shared
        _WORKER = Worker(options)
    worker = _WORKER
    try:
        if "pdf" in options.formats and worker.kit is not None:  # LibreOffice gets ready while the first letters
            with contextlib.suppress(ComplaintsError):  # are checked; told when the first PDF is asked for
                worker.kit.office.launch()
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):  # the main process is gone
                return
            if message is None:
                return
            task, seq, job = message
            try:
                answer = (seq, True, getattr(worker, task)(job))
            except Exception as exc:  # Worker.render fails a letter set alone; anything else is the caller's
                answer = (seq, False, exc)
            conn.send(answer)
    finally:
        worker.close()  # LibreOffice stops with the worker


def lost(task: str, job: Any) -> Any:
    """What a job whose worker process was killed yields: each of its case files failed, saying so."""
    paths = (job,) if task == "read" else job[0]
    failed = [Checked(str(path), None, [Problem(str(path), 1, 1, "", KILLED)]) for path in paths]
    return failed[0] if task == "read" else Made(failed)


KILLED = ("the worker process making its letter was stopped from outside (killed; perhaps the computer ran out of"
          " memory): no letter is written for this case, the others go on; run render again")
