"""A render with nothing to do, answered in milliseconds: the summary of the last complete run, checked by the
standard library alone before the command's heavy imports (Typer, Rich, pydantic, the renderers).

A run whose letters are all written and listed leaves a summary in the user's cache folder (one file per letters'
folder, named by a hash of its path: the letters' folder itself stays as the tool has always left it): what it was asked (the
options, the folder it ran in, the tool's version, the letters' date), every file its letters were made from
with its size, times and inode (case files, project files, templates, the law and wording data, evidence), every
letter it lists, the manifest, and what an unchanged run prints. The next `render` with the same options
compares those files with the disk: all the same, and it prints what an unchanged run prints and stops; anything
different (a file touched, even without a change; a case added; another day; another option), and the full
command runs and decides, by the fingerprints of plan.py, exactly as it always has.

The summary is written only after every file in it was checked against the hashes the manifest records (a file
saved while the run went on leaves no summary), and removed when a run starts, so it never outlives the letters
it describes. It holds no personal data but the case files' paths and the warnings the run printed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from .. import __version__
from ..errors import UsageError
from ..layout import LANGUAGES, find_case_files, find_project, formats_for, shown, templates_dir, user_cache

WORK_DIR = ".complaints"  # manifest.WORK_DIR (not imported: manifest.py is not needed to answer)
JOURNAL, STALE = "journal.jsonl", "manifest-stale"  # an interrupted run's marks (manifest.py)
FORMAT = 3  # 3: every letter stamped (a summary of format 2 could miss the letters of all but one set)
DB_FILES = ("complaints.db", "complaints.db-wal")  # the register beside a project file: `check` reads it

TYPE_CHECKING = False  # typing is not imported to answer
if TYPE_CHECKING:
    from typing import Any

Stamp = list[int] | None  # size, mtime_ns, ctime_ns, inode; None: no such file


def stamp(path: str | Path) -> Stamp:
    """What tells a file has not been touched since: its size, times and inode (None where it is not there)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def summary_path(out: Path) -> Path:
    """Where the summary of the letters' folder `out` is kept."""
    try:  # CPython's own SHA-256: the same digest as hashlib's, without loading OpenSSL (5 ms of a 60 ms answer)
        from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import sha256

    where = os.path.normcase(os.path.abspath(out))
    try:
        cache = user_cache()
    except (RuntimeError, KeyError) as exc:  # no home folder: nothing is kept, every run is a full one
        raise OSError(f"no cache folder: {exc}") from None
    return cache / "unchanged" / (sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:32]
                                          + ".json")


def forget(out: Path) -> None:
    """The summary removed: a run is starting, and will write its own if it finishes complete."""
    try:
        where = summary_path(out)
    except OSError:
        return
    for each in (where, _review_path(out)):
        with contextlib.suppress(OSError):
            os.unlink(each)
    # what a run killed while it noted or wrote its summary left (one writer at a time holds the folder: none is
    # another's that is still going)
    with contextlib.suppress(OSError):
        for entry in os.scandir(where.parent):
            if entry.name.startswith(f"{where.name}.") and entry.name.endswith((".notes", ".part")):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def key(paths: Sequence[str | Path], out: Path, *, languages: tuple[str, ...] | None, formats: tuple[str, ...],
        letter_date: date | None, day: date, project: str | Path | None, templates: Path, pdfa: bool,
        group_by: str | None) -> dict[str, Any]:
    """What a run was asked, as the summary compares it: the same key, the same run."""
    return {"paths": [str(p) for p in paths], "out": str(out), "languages": list(languages) if languages else None,
            "formats": list(formats), "date": day.isoformat(), "date_given": letter_date is not None,
            "project": str(project) if project is not None else None, "templates": str(templates),
            "pdfa": pdfa, "group_by": group_by, "cwd": os.getcwd(), "version": __version__,
            "today": (_kz_today() or day).isoformat()}  # what `check` finds after a render may change with the day


class Told:
    """What an unchanged run of a letter set prints, and what its letters are made from, as the writer wrote them."""

    __slots__ = ("cases", "events", "evidence", "letters")

    def __init__(self, cases: list[tuple[Any, ...]], events: list[tuple[Any, ...]], letters: list[tuple[Any, ...]],
                 evidence: list[tuple[Any, ...]]):
        self.cases = cases  # [source, sha256, project path, project sha256] of each case
        self.events = events  # [source, [warning, …]] of each case, in order
        self.letters = letters  # [path in OUT, size]
        self.evidence = evidence  # [path, size, mtime_ns, sha256]


def told(record: Any) -> Told:
    """A manifest record (manifest.Record) of a letter set written or kept, as an unchanged run would tell it
    (tuples: one is kept for every letter set of the run until its end)."""
    inputs = record.inputs
    warnings = tuple(record.warnings)
    if "cases" in inputs:  # a letter about several cases: the warnings told with the last of them
        entries = inputs["cases"]
        cases = [(e.get("source"), e.get("case"), *(e.get("project") or (None, None))) for e in entries]
        events = [(e.get("source"), warnings if n == len(entries) - 1 else ()) for n, e in enumerate(entries)]
    else:
        cases = [(record.source, inputs.get("case"), *(inputs.get("project") or (None, None)))]
        events = [(record.source, warnings)]
    return Told(cases, events, [(f.get("path"), f.get("size")) for f in record.files],
                [tuple(e) for e in inputs.get("evidence", ())])


class Notes:
    """Each letter set of a run as `told` makes it, written to a file beside the summary as the run goes (one line
    each), so that memory stays flat however large the batch; read back by `remember` at the end."""

    def __init__(self, out: Path):
        self.fh: Any = None
        self.broken = False
        try:
            where = summary_path(out)
        except OSError:
            self.path: Path | None = None
            self.broken = True
            return
        self.path = where.with_name(f"{where.name}.{os.getpid()}-{os.urandom(4).hex()}.notes")

    def add(self, record: Any) -> None:
        if self.broken or self.path is None:
            return
        each = told(record)
        try:
            if self.fh is None:  # made at the first letter set, once the run holds its folder (forget cleared it)
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self.fh = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - closed by __iter__ or discard()
            self.fh.write(json.dumps([each.cases, each.events, each.letters, each.evidence], ensure_ascii=False)
                          + "\n")
        except OSError:
            self.discard()
            self.broken = True

    def __iter__(self) -> Iterator[Told]:
        if self.fh is not None and not self.fh.closed:
            self.fh.close()
        if self.path is None:
            raise OSError("no cache folder")
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                cases, events, letters, evidence = json.loads(line)
                yield Told(cases, events, letters, evidence)

    def discard(self) -> None:
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.fh.close()
            self.fh = None
        if self.path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)


def remember(out: Path, asked: dict[str, Any], listing: list[str], sets: Iterable[Told],
             hashed: dict[str, str]) -> bool:
    """Write the summary of a complete run whose manifest lists exactly `sets` (in order) for the case files
    `listing`; `hashed`: the other files its letters were made from (project files, templates, data) and the
    SHA-256 the run took of each ("" for one that was not there). Nothing is written (False) where any file is
    no longer what the run read, or the cache folder cannot be written.

    The summary is four lines of JSON (the header; the case files; what each case tells; every file's stamp),
    written as it is worked out, so that a batch of any size holds no more than one case's part in memory."""
    try:
        where = summary_path(out)
        where.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = where.with_name(f"{where.name}.{os.getpid()}.part")
        with open(temp, "w", encoding="utf-8") as fh:  # notes that could not all be written are gone: no summary
            ok = _summary(fh, out, asked, listing, sets, hashed)
        if ok:
            os.replace(temp, where)
        else:
            os.unlink(temp)
        return ok
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temp)
        return False


def _summary(fh: Any, out: Path, asked: dict[str, Any], listing: list[str], sets: Iterable[Told],
             hashed: dict[str, str]) -> bool:
    folders = {} if asked["project"] is not None else {
        str(folder): _project_of(folder) for folder in dict.fromkeys(Path(path).parent for path in listing)}
    header = {"format": FORMAT, "asked": asked, "folders": folders, "walked": _walked(asked["paths"]),
              "run": os.urandom(8).hex()}
    fh.write(json.dumps(header, ensure_ascii=False) + "\n")
    fh.write(json.dumps(listing, ensure_ascii=False) + "\n")
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for the thousands of events and names
    fh.write("[")
    for n, event in enumerate(event for each in sets for event in each.events):  # one at a time, however many
        fh.write((", " if n else "") + encode(event))
    fh.write("]\n")
    first = [True]

    def note(name: str, was: Stamp) -> None:
        fh.write(("{" if first[0] else ", ") + encode(name) + ": " + json.dumps(was))
        first[0] = False

    # each case file's hash, as the notes give it: read along with the listing, in the same order but where letters
    # about several cases change it (those met before their turn wait in `ahead`), so that a batch of any size
    # holds no table of them all
    ahead: dict[str, str] = {}
    projects: dict[str, str] = {}  # the cases' project files, as the notes are read

    def notes() -> Iterator[tuple[str, str]]:
        for each in sets:
            for source, sha, project, project_sha in (case[:4] for case in each.cases):
                if project:
                    projects[project] = project_sha
                yield source, sha

    told = notes()

    def hash_of(source: str) -> str | None:
        if source in ahead:
            return ahead.pop(source)
        for each, sha in told:
            if each == source:
                return sha
            ahead[each] = sha
        return None

    for path in listing:
        sha = hash_of(shown(Path(path)))
        now = _still(path, sha)
        if sha is None or now is None:
            return False
        note(path, now)
    for _ in told:  # the notes not read yet, for their project files
        pass
    for name, sha in {**projects, **hashed}.items():
        now = _still(name, sha or None)
        if sha and now is None:
            return False
        note(name, now)
    folder = str(out)  # the letters' folder as a Path names it (no "./", no trailing "/"), for each letter's name
    beside: set[str] = set()  # the evidence files' folders: a capture's record and time-stamp tokens are there
    for each in sets:
        for path, size, mtime_ns, _sha in each.evidence:
            now = stamp(path)
            if now is None or now[0] != size or now[1] != mtime_ns:
                return False
            note(str(path), now)
            beside.add(os.path.dirname(str(path)))
        for rel, size in each.letters:  # every letter of every set: one changed or gone is made again
            letter = os.path.join(folder, rel)
            now = stamp(letter)
            if now is None or now[0] != size:
                return False
            note(letter, now)
    for near in sorted(beside):  # a token removed or added there changes what `check` finds
        note(near, stamp(near))
    for name in ("manifest.json", "manifest.csv"):
        note(str(out / name), stamp(out / name))
    for project in projects:  # the register `check` reads the comments' sightings from
        for name in DB_FILES:
            note(str(Path(project).parent / name), stamp(Path(project).parent / name))
    fh.write("}\n")
    return True


def reviewed(out: Path, lines: list[str]) -> None:
    """What `render` printed after the summary line (what `check` finds), kept beside the run's summary for the
    unchanged run to print."""
    try:
        header = _header(summary_path(out))
    except OSError:
        return
    if header is not None:
        from .. import files

        with contextlib.suppress(OSError):
            files.write_whole(_review_path(out), json.dumps({"run": header["run"], "lines": lines},
                                                            ensure_ascii=False).encode("utf-8"))


def _review_path(out: Path) -> Path:
    where = summary_path(out)
    return where.with_name(where.stem + ".review.json")


def _header(where: Path) -> dict[str, Any] | None:
    try:
        with open(where, "rb") as fh:
            header = json.loads(fh.readline())
    except (OSError, ValueError):
        return None
    return header if isinstance(header, dict) and header.get("format") == FORMAT else None


def _still(path: str | Path, sha: str | None) -> Stamp:
    """The file's stamp where it holds the bytes the run hashed; None where it does not (or, for `sha` None,
    where it is not there, as the run found it)."""
    import hashlib

    before = stamp(path)
    if sha is None or before is None:
        return None
    try:
        with open(path, "rb") as fh:
            now = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None
    return before if now == sha and stamp(path) == before else None


def _walked(paths: list[str]) -> dict[str, Stamp] | None:
    """The folders the case files were found in (find_case_files walks them, hidden ones skipped) and their
    stamps: a file added, removed or renamed in one changes its stamp, so the same stamps mean the same listing.
    None where a path is a glob (the listing is made again then)."""
    if any(glob_magic(p) for p in paths):
        return None
    found: dict[str, Stamp] = {}
    for raw in paths:
        if os.path.isdir(raw):
            for here, dirs, _names in os.walk(raw):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found[here] = stamp(here)
    return found


def glob_magic(text: str) -> bool:
    """Whether find_case_files reads `text` as a glob (glob.has_magic, without importing glob)."""
    return any(ch in text for ch in "*?[")


def _project_of(folder: Path) -> str | None:
    found = find_project(folder)
    return str(found) if found is not None else None


# -- the answer, before the heavy imports

OPTIONS = ("--out", "--lang", "--format", "--group-by", "--workers", "--date", "--project", "--templates")
FLAGS = ("--pdfa", "--quiet", "--json")


def answer(args: list[str]) -> int | None:
    """`complaints render …` with nothing to do: what it prints, and its exit status; None for the full command."""
    from ..commandline import parse

    parsed = parse(args, "render", values=OPTIONS, flags=FLAGS, aliases={"-q": "--quiet"})
    if parsed is None or not parsed.args:
        return None
    try:
        return _answer(parsed.values, parsed.args)
    except (OSError, ValueError, KeyError, TypeError, UsageError):
        return None  # anything unexpected: the full command decides


def _answer(values: dict[str, Any], paths: list[str]) -> int | None:
    out = Path(values.get("--out", "letters"))
    if os.environ.get("COMPLAINTS_FAULT"):  # tests' injected faults happen in the full command
        return None
    with open(summary_path(out), "rb") as fh:
        header = json.loads(fh.readline())
        if header.get("format") != FORMAT:
            return None
        asked = _asked(values, paths, out, header["asked"])
        if asked is None or asked != header["asked"]:
            return None
        cases, events, stamps = (json.loads(fh.readline()) for _ in range(3))
    summary = {**header, "cases": cases, "events": events, "stamps": stamps, "review": _review(out, header)}
    work = out / WORK_DIR
    if (work / JOURNAL).exists() or (work / STALE).exists():  # a run interrupted, or one under way
        return None
    walked = summary["walked"]
    if walked is not None and all(stamp(folder) == was for folder, was in walked.items()):
        pass  # no file added, removed or renamed in the folders searched: the same case files
    elif [str(p) for p in find_case_files(paths)] != summary["cases"]:
        return None
    for folder, project in summary["folders"].items():
        if _project_of(Path(folder)) != project:
            return None
    for name, was in summary["stamps"].items():
        if stamp(name) != was:
            return None
    quiet, as_json = bool(values.get("--quiet")), bool(values.get("--json"))
    if not quiet and not as_json and summary["review"] is None:
        return None  # a quiet run wrote it: what `check` finds was not printed, so is not known
    _print(summary, out, quiet, as_json)
    return 0


def _review(out: Path, header: dict[str, Any]) -> list[str] | None:
    """The lines `render` printed after its summary line in the run the summary is of; None where not known."""
    try:
        review = json.loads(_review_path(out).read_bytes())
    except (OSError, ValueError):
        return None
    return review["lines"] if review.get("run") == header["run"] else None


def _asked(values: dict[str, Any], paths: list[str], out: Path, was: dict[str, Any]) -> dict[str, Any] | None:
    """The key of this command line, as `key` makes it; None where it is not read here for sure."""
    workers = values.get("--workers")
    if workers is not None and not (workers.isdigit() and 1 <= int(workers) <= 2 * (os.cpu_count() or 1)):
        return None  # a note about the CPUs, or a usage error: the full command says it
    languages = _list(values.get("--lang"))
    if languages is not None:
        languages = list(dict.fromkeys(languages))
        if not languages or any(lang not in LANGUAGES for lang in languages):
            return None
    fmts = formats_for(_list(values.get("--format", "docx")) or [])
    if "pdf" in fmts:  # whether LibreOffice is there now: the full command looks
        return None
    if values.get("--group-by") not in (None, "outlet"):
        return None
    raw_date = values.get("--date")
    day = _day(raw_date) if raw_date is not None else _kz_today()
    if day is None:
        return None
    project = values.get("--project")
    if project is not None and not Path(project).is_file():
        return None
    return key(paths, out, languages=tuple(languages) if languages else None, formats=fmts,
               letter_date=day if raw_date is not None else None, day=day, project=project,
               templates=templates_dir(values.get("--templates")), pdfa=bool(values.get("--pdfa")),
               group_by=values.get("--group-by"))


def _list(value: str | None) -> list[str] | None:
    """A comma-separated option as the command splits it (cli.common.split)."""
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _day(text: str) -> date | None:
    """A --date the full command reads the same way for sure: YYYY-MM-DD or DD.MM.YYYY; else None."""
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return date.fromisoformat(text)
        if len(text) == 10 and text[2] == "." and text[5] == ".":
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        return None
    return None


def _kz_today() -> date | None:
    """Today in Kazakhstan, from the same time-zone data the tool uses (case/when.py: tzdata's Asia/Almaty); None
    where that data is not a plain file (a zipped install: the full command works it out)."""
    from zoneinfo import ZoneInfo

    import tzdata  # type: ignore[import-untyped]

    try:
        with open(os.path.join(os.path.dirname(tzdata.__file__), "zoneinfo", "Asia", "Almaty"), "rb") as fh:
            return datetime.now(ZoneInfo.from_file(fh, key="Asia/Almaty")).date()
    except OSError:
        return None


def _terminal() -> bool:
    """Whether Rich takes standard error for a terminal (rich.console.Console.is_terminal)."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _print(summary: dict[str, Any], out: Path, quiet: bool, as_json: bool) -> None:
    """What `render` prints when every letter is up to date (cli/letters.py: show, plain, _summary)."""
    events = summary["events"]
    total = len(summary["cases"])
    talk = not quiet and not as_json
    progress = talk and not (_terminal() and total > 3)  # on a terminal, a bar that vanishes
    lines: list[str] = []
    warnings = 0
    for n, (source, warned) in enumerate(events, start=1):
        warnings += len(warned)
        if not quiet:
            lines += warned
        if progress and (total <= 20 or n == total):
            lines.append(f"unchanged: {source}" if total <= 20 else f"{n}/{total} cases, 0 letters written")
    if as_json:
        sys.stdout.write((out / "manifest.json").read_text(encoding="utf-8"))
    elif not quiet:
        from ..counts import counted

        see = f" See {out}/manifest.csv" if (out / "manifest.csv").is_file() else ""
        lines.append(f"no letter written, {counted(total, 'case')} unchanged, 0 failed,"
                     f" {counted(warnings, 'warning')}.{see}")
        lines += summary["review"]
    if lines:
        sys.stderr.write("".join(f"{line}\n" for line in lines))
    sys.stderr.flush()
    sys.stdout.flush()
