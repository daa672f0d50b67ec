"""Evidence files now, against what the letters were made with: changed, vanished or appeared since they were
rendered (the letters' manifest) or filed (the register).

    rendered  OUT/manifest.json lists, for each case, every evidence file with its size and SHA-256
    filed     the register keeps, for every filing, the evidence files its letter was made with (its annexes:
              path, size, SHA-256), taken when it was filed from the manifest (or, for a file the tool did not
              render, from the case file as it was then). A filing recorded before the register kept them is
              compared with the manifest's record of its letter where the manifest still has it, with a note
              saying so; otherwise it is not checked, and a note says that too.

The letters themselves are never read: what a letter says in its annex list is wording, and wording changes.
Nothing is written, and no file outside a case's root folder is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..batch.manifest import listed, sha256_file
from ..case.load import Document, read_yaml
from ..case.model import CASE_ID, EVIDENCE_LIST, Evidence
from ..errors import CaseError, UsageError
from ..layout import case_root, find_case_files, find_project, shown

__all__ = ["CHANGES", "Finding", "check_evidence", "summary"]

CHANGES = ("changed", "vanished", "appeared")


@dataclass(frozen=True)
class Finding:
    """What one evidence file of one case is now, against one or more letters it was in."""

    case_file: str
    kind: str  # changed, vanished, appeared (CHANGES); unchanged; unchecked (nothing to compare with); error
    evidence: str = ""  # the file as the case names it, relative to the case file
    since: tuple[str, ...] = ()  # "rendered", "filed": the letters it is compared with
    before: str | None = None  # its SHA-256 in those letters
    after: str | None = None  # its SHA-256 now; None when it is gone
    note: str = ""

    @property
    def is_change(self) -> bool:
        return self.kind in CHANGES

    def __str__(self) -> str:
        since = " and ".join(self.since)
        if self.kind == "changed":
            return (f"{self.case_file}: changed: {self.evidence} ({since} with sha256 {_short(self.before)},"
                    f" now {_short(self.after)})")
        if self.kind == "vanished":
            return f"{self.case_file}: vanished: {self.evidence} ({since} with sha256 {_short(self.before)}, {self.note})"
        if self.kind == "appeared":
            return (f"{self.case_file}: appeared: {self.evidence} (not in the letter as {since};"
                    f" now sha256 {_short(self.after)})")
        if self.kind == "unchanged":
            return f"{self.case_file}: unchanged: {self.evidence} ({since} with sha256 {_short(self.before)})"
        if self.kind == "error" and self.note.startswith(self.case_file + ":"):
            return self.note  # a problem with its line and column
        return f"{self.case_file}: {'error' if self.kind == 'error' else 'note'}: {self.note}"


def _short(sha: str | None) -> str:
    return f"{sha[:12]}…" if sha else "?"


def summary(findings: list[Finding], cases: int | None = None) -> str:
    """One line: how many cases (default: those with findings) and files were checked, and what changed."""
    cases = len({f.case_file for f in findings}) if cases is None else cases
    counts = {kind: sum(1 for f in findings if f.kind == kind) for kind in (*CHANGES, "unchanged", "unchecked",
                                                                             "error")}
    files = len({(f.case_file, f.evidence) for f in findings if f.evidence})
    text = f"{cases} case file{'' if cases == 1 else 's'} checked, {files} evidence file{'' if files == 1 else 's'}: "
    if any(counts[k] for k in CHANGES):
        text += ", ".join(f"{counts[k]} {k}" for k in CHANGES if counts[k])
    else:
        text += "all as they were in the letters"
    extra = [f"{counts['unchecked']} note{'' if counts['unchecked'] == 1 else 's'}" if counts["unchecked"] else "",
             f"{counts['error']} error{'' if counts['error'] == 1 else 's'}" if counts["error"] else ""]
    return text + "".join(f"; {e}" for e in extra if e)


# ---------------------------------------------------------------- what the letters were made with

@dataclass
class _Rendered:
    """One case's letters in the manifest: the evidence they were made with, and the letters' SHA-256s."""

    source: str
    evidence: dict[str, tuple[int, str]]  # resolved path → (size, sha256)
    letters: set[str] = field(default_factory=set)
    grouped: bool = False  # one letter about several cases: the evidence of all of them


def _manifest(folder: Path, *, required: bool) -> dict[str, list[_Rendered]] | None:
    """The manifest's records by case id; None when there is no manifest (UsageError if one was asked for)."""
    rows = listed(folder)
    if rows is None:
        if required:
            raise UsageError(f"no manifest at {shown(folder / 'manifest.json')}: render the letters there first, or"
                             " name the folder they were rendered into", about="letters")
        return None
    records: dict[str, _Rendered] = {}
    by_id: dict[str, list[_Rendered]] = {}
    for row in rows:
        source = str(row.get("source", ""))
        record = records.get(source)
        if record is None:
            evidence = {str(e[0]): (int(e[1]), str(e[3])) for e in row.get("inputs", {}).get("evidence", [])}
            covers = row.get("covers") or [row.get("case_id")]
            record = records[source] = _Rendered(source, evidence, grouped=len(covers) > 1 or source.startswith(
                "outlet:"))
            for case_id in covers:
                by_id.setdefault(str(case_id), []).append(record)
        record.letters.add(str(row.get("sha256", "")))
    return by_id


def _rendered_for(case_path: Path, case_id: str, manifest: dict[str, list[_Rendered]] | None) -> _Rendered | None:
    """The manifest's record of this case file: the one whose source is this file, else the only one of its id."""
    found = (manifest or {}).get(case_id, [])
    here = case_path.resolve()
    for record in found:
        if not record.source.startswith("outlet:") and Path(record.source).resolve() == here:
            return record
    singles = [r for r in found if not r.grouped]
    if len(singles) == 1:
        return singles[0]
    return found[0] if found else None


# ---------------------------------------------------------------- the check

@dataclass
class _Now:
    """One evidence file of the case as it is now."""

    name: str  # as the case file writes it
    real: str  # resolved path
    size: int | None = None
    sha256: str | None = None  # None: not there


class _Check:
    """The findings of one run: cases, each compared with its letters in the manifest and in the register."""

    def __init__(self, letters: Path | None, db: Path | None, read: Mapping[str, Document] | None = None):
        self.read = read or {}  # the case files already read, by their name as shown
        self.letters_dir = letters if letters is not None else Path("letters")
        self.manifest = _manifest(self.letters_dir, required=letters is not None)
        if db is not None and not db.is_file():
            raise UsageError(f"no register at {db}", about="db")
        self.db = db
        self.registers: dict[Path, Any] = {}
        self.compared = self.manifest is not None

    def close(self) -> None:
        for register in self.registers.values():
            register.close()

    def register_for(self, case_path: Path) -> Any:
        from ..register.store import DB_FILE, Register

        path = self.db
        if path is None:
            project = find_project(case_path)
            path = project.parent / DB_FILE if project is not None else None
        if path is None or not path.is_file():  # never create a register just to look in it
            return None
        key = path.resolve()
        if key not in self.registers:
            self.registers[key] = Register(path)
        self.compared = True
        return self.registers[key]

    def case(self, path: Path) -> list[Finding]:
        name = shown(path)
        doc = self.read.get(name)
        if doc is None:
            try:
                doc = read_yaml(path, display=name)
            except CaseError as exc:
                return [Finding(name, "error", note=str(p)) for p in exc.errors]
        data = doc.data if isinstance(doc.data, dict) else {}
        try:
            case_id = CASE_ID.validate_python(data.get("id"))
            items = EVIDENCE_LIST.validate_python(data.get("evidence") or [], context={})
        except ValidationError:
            return [Finding(name, "error", note="the case file is not valid; `complaints validate` says why")]
        now, findings = self.now(path, name, items)
        rendered = _rendered_for(path, case_id, self.manifest)
        raw: list[tuple[str, Finding]] = []
        if rendered is not None:
            raw += [("rendered", f) for f in _by_path(name, path, now, rendered.evidence, rendered.grouped)]
        filed, notes, known = self.filed(path, case_id, name, now)
        raw += filed
        findings += notes
        if rendered is None and not known:
            manifest = shown(self.letters_dir / "manifest.json")
            where = f"not in {manifest}" if self.manifest is not None else f"no {manifest}"
            findings.append(Finding(name, "unchecked", note=f"nothing to compare with: no letters of '{case_id}'"
                                                            f" ({where}) and no filing of it in a register"))
        return findings + _merge(raw)

    def now(self, path: Path, name: str, items: list[Evidence]) -> tuple[list[_Now], list[Finding]]:
        """The case's evidence files as they are now: hashed where they are there and inside the root folder."""
        root = case_root(path)
        now, problems = [], []
        for i, item in enumerate(items):
            if item.file is None:
                continue
            target = (path.parent / item.file).resolve()
            if Path(item.file).is_absolute() or not target.is_relative_to(root):
                problems.append(Finding(name, "error", item.file, note=f"evidence[{i}].file: '{item.file}' is"
                                        f" outside the case's root folder ({root.name}/); it is not read"))
                continue
            current = _Now(item.file, str(target))
            if target.is_file():
                try:
                    current.size, current.sha256 = target.stat().st_size, sha256_file(target)
                except OSError as exc:
                    problems.append(Finding(name, "error", item.file, note=f"evidence[{i}].file: cannot read"
                                            f" '{item.file}': {exc.strerror or exc}"))
                    continue
            now.append(current)
        return now, problems

    def filed(self, path: Path, case_id: str, name: str,
              now: list[_Now]) -> tuple[list[tuple[str, Finding]], list[Finding], bool]:
        """Findings against the evidence of every filing of the case in the register, notes on those whose
        evidence the register does not know, and whether the case was filed at all."""
        register = self.register_for(path)
        if register is None:
            return [], [], False
        raw: list[tuple[str, Finding]] = []
        notes: dict[str, Finding] = {}  # a letter filed again is noted once
        root = case_root(path)
        rendered = (self.manifest or {}).get(case_id, [])
        filings = register.filings("WHERE case_id = ?", (case_id,))
        annexes = register.annexes([f.id for f in filings])
        seen: set[tuple[Any, ...]] = set()
        for filing in filings:
            if filing.evidence_from is not None:  # the evidence files it was made with, as recorded when it was filed
                recorded = {os.path.normpath(root / a.path): (a.size, a.sha256) for a in annexes[filing.id]}
                grouped = filing.evidence_from == "group"
                key: tuple[Any, ...] = (grouped, tuple(sorted(recorded.items())))
                if key not in seen:
                    seen.add(key)
                    raw += [("filed", f) for f in _by_path(name, path, now, recorded, grouped)]
                continue
            # recorded before the register kept its evidence: the manifest's record of that very letter, if any
            made = next((r for r in rendered if filing.letter_sha256 in r.letters), None)
            manifest = shown(self.letters_dir / "manifest.json")
            if made is not None:
                note = (f"the {filing.lang} letter filed ({filing.letter_name}) was recorded before the register kept"
                        f" the evidence of each filing; it is compared with what {manifest} says it was made with")
                notes[note] = Finding(name, "unchecked", note=note)
                key = ("manifest", id(made))
                if key not in seen:
                    seen.add(key)
                    raw += [("filed", f) for f in _by_path(name, path, now, made.evidence, made.grouped)]
                continue
            where = f"not in {manifest}" if self.manifest is not None else f"no {manifest}"
            note = (f"the {filing.lang} letter filed ({filing.letter_name}) was recorded before the register kept the"
                    f" evidence of each filing, and it is not among the letters rendered ({where}): its evidence is"
                    " not checked")
            notes[note] = Finding(name, "unchecked", note=note)
        return raw, list(notes.values()), bool(filings)


def _by_path(name: str, path: Path, now: list[_Now], recorded: dict[str, tuple[int, str]],
             grouped: bool) -> list[Finding]:
    """Now against a letter whose evidence is known by path, size and SHA-256 (the manifest)."""
    findings = []
    for item in now:
        then = recorded.get(item.real)
        if then is None:
            findings.append(_missing(name, item) if item.sha256 is None else
                            Finding(name, "appeared", item.name, after=item.sha256))
        elif item.sha256 is None:
            findings.append(Finding(name, "vanished", item.name, before=then[1], note="now missing"))
        elif (item.size, item.sha256) != then:
            findings.append(Finding(name, "changed", item.name, before=then[1], after=item.sha256))
        else:
            findings.append(Finding(name, "unchanged", item.name, before=then[1], after=item.sha256))
    if not grouped:  # a letter about several cases lists all their files: only this case's own are known
        listed = {item.real for item in now}
        for real, (_, sha) in recorded.items():
            if real not in listed:
                findings.append(Finding(name, "vanished", _relative(real, path), before=sha,
                                        note="no longer in the case's evidence list"))
    return findings


def _missing(name: str, item: _Now) -> Finding:
    return Finding(name, "error", item.name, note=f"no such file: {item.name} (and it was not in the letter either)")


def _relative(real: str, case_path: Path) -> str:
    try:
        return Path(os.path.relpath(real, case_path.parent.resolve())).as_posix()
    except ValueError:  # another drive
        return real


def _merge(raw: list[tuple[str, Finding]]) -> list[Finding]:
    """One finding for the same file found the same against the rendered and the filed letters."""
    merged: dict[tuple[Any, ...], Finding] = {}
    for since, finding in raw:
        key = (finding.kind, finding.evidence, finding.before, finding.after, finding.note)
        old = merged.get(key)
        labels = (*old.since, since) if old is not None and since not in old.since else (
            old.since if old is not None else (since,))
        merged[key] = Finding(finding.case_file, finding.kind, finding.evidence, labels, finding.before,
                              finding.after, finding.note)
    return list(merged.values())


def check_evidence(paths: Iterable[str | Path], *, letters: str | Path | None = None,
                   db: str | Path | None = None, read: Mapping[str, Document] | None = None) -> list[Finding]:
    """Every evidence file of the cases at `paths` (files, folders, globs) against the letters it was in.

    `letters`: the letters' folder (default `letters`, its manifest.json); `db`: the register (default
    complaints.db beside each case's complaints.yaml, where there is one). UsageError when there is nothing to
    compare with at all. `read`: case files already read (by their name as shown), not read again.
    """
    files = find_case_files(paths)
    check = _Check(Path(letters) if letters is not None else None, Path(db) if db is not None else None, read)
    try:
        findings = [f for path in files for f in check.case(path)]
    finally:
        check.close()
    if not check.compared:
        raise UsageError(f"nothing to compare with: no {shown(check.letters_dir / 'manifest.json')} (render the"
                         " letters first, or name the folder they were rendered into) and no register beside the"
                         " cases (or name the register)")
    return findings
