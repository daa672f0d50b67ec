"""What a batch wrote, what it was made from, and what it could not do: the journal and the manifest.

Each letter set (a case, or an outlet's cases), once its letters are on disk, is
appended to a journal (OUT/.complaints/journal.jsonl). At the end the journal becomes
OUT/manifest.json and OUT/manifest.csv, written row by row so memory does not grow
with the batch. A run that is killed leaves its journal; the next run reads it with
the last manifest, so nothing finished is done again.

A letter about several cases is listed under "outlet:<host>", its rows with the
cases it `covers`; its inputs list each case (id, source, its file's and project
file's SHA-256, and the group it was gathered in), so that the next run knows an
unchanged case's outlet without reading it.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import filecmp
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import files
from ..errors import UsageError
from ..layout import LANGUAGES, shown
from ..locks import FOLDER_LOCK

WORK_DIR = ".complaints"  # inside OUT: the journal and the temporary files of a run


@dataclass
class Record:
    """One letter set in the manifest (a case, or an outlet's cases): its letters (or its errors) and the inputs
    they were made from."""

    source: str
    case_id: str | None
    inputs: dict[str, Any] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def work_dir(out: Path) -> Path:
    return out / WORK_DIR


def temp_dir(out: Path) -> Path:
    """Where letters are written before they are renamed into place (same disk, so the rename is atomic)."""
    return work_dir(out) / "tmp"


STALE = "manifest-stale"  # in WORK_DIR: the manifest beside it could not be rewritten and lists what was


def clear_leftovers(out: Path) -> None:
    """What a killed run may have left half-made in the temporary folder (staged letters, LibreOffice's scratch
    files): removed before this run starts anything, never a finished letter."""
    if temp_dir(out).exists():
        shutil.rmtree(temp_dir(out), ignore_errors=True)


def start(out: Path) -> None:
    """The temporary folder made ready for this run's letters."""
    temp_dir(out).mkdir(parents=True, exist_ok=True)


def interrupted(out: Path) -> bool:
    """An earlier run did not finish: its journal is there, or its manifest could not be written."""
    return (work_dir(out) / "journal.jsonl").exists() or is_stale(out)


def is_stale(out: Path) -> bool:
    """The manifest on disk is out of date: the run that should have rewritten it could not."""
    return (work_dir(out) / STALE).exists()


def drop_scratch(out: Path) -> None:
    """The temporary folder removed once this run's processes have stopped, where nothing in it is kept for the
    next run (LibreOffice's scratch files of workers that were stopped are not)."""
    shutil.rmtree(temp_dir(out), ignore_errors=True)
    with contextlib.suppress(OSError):
        work_dir(out).rmdir()  # only if empty: a journal or a stale mark stays for the next run


def sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A letter set's manifest rows in the one fixed order (language, then format), however they were made."""
    return sorted(rows, key=lambda r: (LANGUAGES.index(r["language"]) if r["language"] in LANGUAGES else len(LANGUAGES),
                                       str(r["language"]), str(r["format"])))


class Journal:
    """The cases this run has finished, one JSON line each, appended as they finish."""

    def __init__(self, out: Path):
        self.path = work_dir(out) / "journal.jsonl"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("a", encoding="utf-8")
        self._fh.seek(0, os.SEEK_END)
        self.start = self._fh.tell()  # lines before this belong to an earlier, interrupted run

    def add(self, record: Record) -> None:
        line = {"source": record.source, "case_id": record.case_id, "inputs": record.inputs, "files": record.files,
                "warnings": record.warnings, "errors": record.errors}
        self._fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()

    def records(self) -> Iterator[Record]:
        """This run's records, in the order they were added."""
        with self.path.open(encoding="utf-8") as fh:
            fh.seek(self.start)
            yield from _parse_lines(fh)


def _parse_lines(lines: Iterable[str]) -> Iterator[Record]:
    for line in lines:
        try:
            yield Record(**json.loads(line))
        except (ValueError, TypeError):  # a line cut short by a kill
            continue


def previous_state(out: Path, *, by_id: bool = False) -> dict[str, Record]:
    """What earlier runs made, by case file (`by_id`: by letter id, for letters about several cases): the last
    manifest, then the journal of a run that was killed."""
    state: dict[str, Record] = {}
    manifest = out / "manifest.json"
    verify = is_stale(out)  # its rows may not be the letters on disk: each letter is checked by its content
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
        for row in data.get("files", []):
            key = row.get("case_id") if by_id else row.get("source")
            record = state.get(key)
            if record is None:
                record = state[key] = Record(row["source"], row.get("case_id"), row.get("inputs", {}),
                                             warnings=row.get("warnings", []))
            if verify and not same_content(out, row):
                continue  # made again
            record.files.append({k: v for k, v in row.items() if k not in ("inputs", "source", "warnings")})
    journal = work_dir(out) / "journal.jsonl"
    if journal.is_file():
        with journal.open(encoding="utf-8") as fh:
            for record in _parse_lines(fh):
                if not record.failed:
                    state[(record.case_id or "") if by_id else record.source] = record
    return state


def listed(out: Path) -> list[dict[str, Any]] | None:
    """The letters the manifest.json in `out` lists (its "files" rows); None when there is no manifest.
    UsageError when the file is not a manifest the tool wrote."""
    path = out / "manifest.json"
    if not path.is_file():
        return None
    try:
        return list(json.loads(path.read_text(encoding="utf-8")).get("files", []))
    except (ValueError, OSError, AttributeError):
        raise UsageError(f"{shown(path)} is not a manifest the tool wrote") from None


def unlisted(out: Path) -> list[str]:
    """The files in a letters' folder that its manifest does not account for, as paths inside it: not listed (a
    letter an older version of the tool left, a file put there by hand), or listed with other content (edited
    since the tool wrote it). Empty where the manifest is the disk. For `complaints check` (stale files)."""
    rows = listed(out) or []
    by_path = {row["path"]: row for row in rows if isinstance(row, dict) and isinstance(row.get("path"), str)}
    found = []
    for here, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if not (Path(here) == out and d == WORK_DIR))
        for name in sorted(names):
            path = Path(here, name)
            rel = path.relative_to(out).as_posix()
            if rel in ("manifest.json", "manifest.csv", FOLDER_LOCK) or not path.is_file():  # the lock: Windows
                continue
            row = by_path.get(rel)
            if row is None or not same_content(out, row):
                found.append(rel)
    return found


def on_disk(out: Path, row: dict[str, Any]) -> bool:
    """The file a manifest row lists is there, with its size."""
    try:
        return os.stat(os.path.join(out, row["path"])).st_size == row["size"]
    except (OSError, KeyError):
        return False


def case_letters(out: Path, case_id: str) -> list[Path]:
    """The letter files of one case on disk in the letters' folder `out`: those the manifest lists for it (its own,
    then those about several cases it is in), then any other file in its own folder OUT/<id>/ (a copy signed and
    saved beside them); the files a filing of the case may name as the one filed."""
    from ..layout import FORMATS

    found: dict[Path, None] = {}
    rows = listed(out) or []
    own = [r for r in rows if r.get("case_id") == case_id and not str(r.get("source", "")).startswith("outlet:")]
    grouped = [r for r in rows if r not in own and case_id in (r.get("covers") or [])]
    for row in own + grouped:
        path = out / str(row.get("path", ""))
        if isinstance(row.get("path"), str) and path.is_file() and path.resolve().is_relative_to(out.resolve()):
            found.setdefault(path, None)
    folder = out / case_id
    if folder.is_dir() and not folder.is_symlink():
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith(".") and path.suffix[1:].lower() in FORMATS:
                found.setdefault(path, None)
    return list(found)


def same_content(out: Path, row: dict[str, Any]) -> bool:
    """The file a manifest row lists is there, with its SHA-256."""
    try:
        return on_disk(out, row) and sha256_file(os.path.join(out, row["path"])) == row["sha256"]
    except (OSError, KeyError, TypeError):
        return False


def finish(out: Path, header: dict[str, Any], records: Iterable[Record], removed: list[str] | None = None) -> str | None:
    """Write manifest.json and manifest.csv from the records, then drop the journal and temporary files. `removed`:
    the letters of an earlier run this run deleted (no longer made), listed under "removed" and as CSV rows.

    Where they cannot be written (a full disk), the old ones stay as they are, marked stale: the journal is kept,
    and the next run checks every letter the old manifest lists against its content. What went wrong is returned.
    """
    try:
        _write(out, header, records, removed or [])
    except OSError as exc:
        shutil.rmtree(temp_dir(out), ignore_errors=True)  # the parts: room for the mark, and nothing half-made
        with contextlib.suppress(OSError):
            (work_dir(out) / STALE).touch()
        return (f"error: could not write the manifest in {shown(out)}: {exc.strerror or exc}; every letter written"
                " is whole, and the manifest.json there (if any) is left as it was, out of date: run the same"
                " command again to bring it up to date")
    shutil.rmtree(work_dir(out), ignore_errors=True)
    return None


def _fault() -> None:
    """Tests only: COMPLAINTS_FAULT=manifest-full makes the disk seem full while the manifest is written."""
    if os.environ.get("COMPLAINTS_FAULT") == "manifest-full":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _write(out: Path, header: dict[str, Any], records: Iterable[Record], removed: list[str]) -> None:
    tmp = temp_dir(out)
    tmp.mkdir(parents=True, exist_ok=True)
    files_json, fail_json = tmp / "files.part", tmp / "failures.part"
    csv_part = tmp / "manifest.csv.part"
    with files_json.open("w", encoding="utf-8") as fj, fail_json.open("w", encoding="utf-8") as ff, \
            csv_part.open("w", encoding="utf-8", newline="") as fc:
        table = _SafeWriter(csv.writer(fc, lineterminator="\n"))
        table.writerow(["status", "case_id", "language", "format", "path", "size", "sha256", "source", "messages",
                        "covers"])
        failures: list[list[str]] = []
        first_file = first_failure = True
        for record in records:
            if record.failed:
                failure: dict[str, Any] = {"source": record.source, "case_id": record.case_id, "errors": record.errors}
                ff.write(("" if first_failure else ",\n") + "    " + json.dumps(failure, ensure_ascii=False))
                first_failure = False
                failures.append(["failed", record.case_id or "", "", "", "", "", "", record.source,
                                 " | ".join(record.errors), ""])
                continue
            for f in sorted_rows(record.files):
                covers = f.get("covers") or [record.case_id]
                row: dict[str, Any] = {"case_id": record.case_id, "language": f["language"], "format": f["format"],
                       "path": f["path"], "size": f["size"], "sha256": f["sha256"], "source": record.source,
                       "covers": covers, "warnings": record.warnings, "fingerprint": f["fingerprint"],
                       "inputs": record.inputs}
                fj.write(("" if first_file else ",\n") + "    " + json.dumps(row, ensure_ascii=False))
                first_file = False
                table.writerow(["rendered", record.case_id, f["language"], f["format"], f["path"], f["size"],
                                f["sha256"], record.source, " | ".join(record.warnings), " ".join(map(str, covers))])
        for line in failures:
            table.writerow(line)
        for rel in removed:
            table.writerow(["removed", "", "", "", rel, "", "", "", "an earlier letter no longer made: deleted", ""])
        _fault()
    head = json.dumps(header, ensure_ascii=False, indent=2)[:-2]  # the header's fields, still open
    json_part = tmp / "manifest.json.part"
    with json_part.open("w", encoding="utf-8") as out_fh:
        out_fh.write(head + ',\n  "files": [\n')
        _append(out_fh, files_json)
        out_fh.write('\n  ],\n  "failures": [\n')
        _append(out_fh, fail_json)
        out_fh.write("\n  ]")
        if removed:  # the letters of an earlier run deleted by this one, no longer made
            out_fh.write(',\n  "removed": ' + json.dumps(removed, ensure_ascii=False))
        out_fh.write("\n}\n")
    for part, name in ((json_part, "manifest.json"), (csv_part, "manifest.csv")):
        target = out / name
        if not (target.is_file() and filecmp.cmp(part, target, shallow=False)):  # unchanged: leave it be
            files.place(part, target)


class _SafeWriter:
    """A CSV writer whose cells a spreadsheet never runs as formulas (files.spreadsheet_cell)."""

    def __init__(self, writer: Any):
        self._writer = writer

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([files.spreadsheet_cell(cell) for cell in row])


def _append(target: Any, part: Path) -> None:
    with part.open(encoding="utf-8") as fh:
        shutil.copyfileobj(fh, target)


def sha256_file(path: Path | str) -> str:
    """The SHA-256 of a file's content, as the manifest lists it."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
