"""`evidence --verify`: every hash and every timestamp token of the cases' evidence, checked as it is now.

For each case:
    - every evidence file whose SHA-256 the case file states is hashed and compared;
    - every capture record (`capture-…-record.json` in the case's evidence, named by an entry or sharing a
      capture's name with one) is read, every file it lists is hashed against it, and every token beside it
      (`capture-…-record.*.tsr`) is verified against the record's bytes and the roots trusted here: the
      authorities' certificates in complaints.yaml and the system's CA bundle.
A record file named on the command line is checked the same way. Nothing is written; no file outside a case's
root folder is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..batch.manifest import sha256_file
from ..case.load import read_yaml
from ..case.model import EVIDENCE_LIST
from ..case.read import load_project
from ..errors import CaseError, UsageError, printable
from ..layout import case_root, find_case_files, find_project, shown
from .record import STEM_PATTERN, read_record
from .timestamp import Trust, authorities_of, trust_of, verify_token

__all__ = ["PROBLEMS", "Finding", "verify_evidence", "summary"]

# What is wrong; "unstamped" (a record without a token) is a note, "ok" is all right.
PROBLEMS = ("changed", "missing", "token-invalid", "token-untrusted", "error")

_RECORD = re.compile(f"^({STEM_PATTERN})-record\\.json$")
_CAPTURE_FILE = re.compile(f"^({STEM_PATTERN})-")


@dataclass(frozen=True)
class Finding:
    """One file or token of one case, as it verifies now."""

    case_file: str  # the case file (or the record named on the command line), as shown
    kind: str  # ok, changed, missing, token-invalid, token-untrusted, unstamped, error
    path: str = ""  # the file or token, relative to the case file
    expected: str | None = None  # the SHA-256 the case file or the record states
    actual: str | None = None  # its SHA-256 now
    note: str = ""
    token: bool = False  # a token's finding (else a file's)

    @property
    def is_problem(self) -> bool:
        return self.kind in PROBLEMS

    def __str__(self) -> str:
        head = f"{self.case_file}: {self.kind}: {self.path}" if self.path else f"{self.case_file}: {self.kind}"
        if self.kind == "changed" and self.expected and self.actual:
            return printable(f"{head} (sha256 {self.expected} {self.note}, now {self.actual})")
        return printable(f"{head} ({self.note})" if self.note else head)  # a name in a record is the user's


def summary(findings: list[Finding], cases: int) -> str:
    files = sum(1 for f in findings if not f.token and f.kind in ("ok", "changed", "missing"))
    tokens = sum(1 for f in findings if f.token)
    count = {k: sum(1 for f in findings if f.kind == k) for k in (*PROBLEMS, "unstamped")}
    words = {"changed": "changed", "missing": "missing", "token-invalid": "token invalid",
             "token-untrusted": "token not trusted", "error": "error"}
    text = (f"{cases} case file{'' if cases == 1 else 's'}, {files} file{'' if files == 1 else 's'} and"
            f" {tokens} timestamp token{'' if tokens == 1 else 's'} checked: ")
    bad = [f"{count[k]} {words[k]}{'s' if k == 'error' and count[k] != 1 else ''}" for k in PROBLEMS if count[k]]
    if bad:
        text += ", ".join(bad)
    elif files + tokens == 0:
        text += "nothing to verify (no sha256 in the case files' evidence, no capture records)"
    else:
        text += "all verify"
    if count["unstamped"]:
        text += f"; {count['unstamped']} record{'' if count['unstamped'] == 1 else 's'} without a token"
    return text


class _Run:
    """One verification: the trusted roots per project, read once."""

    def __init__(self, project: Path | None, system: bool):
        self.project, self.system = project, system
        self.trusts: dict[Path | None, Trust | CaseError] = {}
        self.seen: set[Path] = set()  # the records verified, resolved

    def trust(self, case_path: Path) -> Trust | CaseError:
        found = self.project if self.project is not None else find_project(case_path)
        key = found.resolve() if found is not None else None
        if key not in self.trusts:
            try:
                authorities = authorities_of(load_project(found)) if found is not None else []
                self.trusts[key] = trust_of(authorities, system=self.system)
            except CaseError as exc:
                self.trusts[key] = exc
        return self.trusts[key]

    def case(self, path: Path) -> list[Finding]:
        name = shown(path)
        try:
            doc = read_yaml(path, display=name)
        except CaseError as exc:
            return [Finding(name, "error", note=str(p)) for p in exc.errors]
        data = doc.data if isinstance(doc.data, dict) else {}
        try:
            items = EVIDENCE_LIST.validate_python(data.get("evidence") or [], context={})
        except ValidationError:
            return [Finding(name, "error", note="the evidence list is not valid; `complaints validate` says why")]
        root = case_root(path)
        findings: list[Finding] = []
        records: dict[Path, str] = {}  # a capture record's path → as the case names it
        for i, item in enumerate(items):
            if item.file is None:
                continue
            target = (path.parent / item.file).resolve()
            if Path(item.file).is_absolute() or not target.is_relative_to(root):
                findings.append(Finding(name, "error", item.file, note=f"evidence[{i}].file is outside the case's"
                                        f" root folder ({root.name}/); it is not read"))
                continue
            if item.sha256 is not None:
                findings.append(_hashed(name, item.file, target, item.sha256.lower(), "in the case file"))
            stem = _CAPTURE_FILE.match(target.name)
            if stem is not None:
                record = target.parent / f"{stem.group(1)}-record.json"
                shown_as = (Path(item.file).parent / record.name).as_posix()
                if record.is_file() or target == record:
                    records.setdefault(record, shown_as)
        trust = self.trust(path)
        for record, shown_as in records.items():
            findings += self.record(name, record, shown_as, trust)
        return findings

    def record(self, name: str, record: Path, shown_as: str, trust: Trust | CaseError) -> list[Finding]:
        """The files a record lists against it, and its tokens against its bytes."""
        self.seen.add(record)
        try:
            data = record.read_bytes()
            content = read_record(record)
        except FileNotFoundError:
            return []  # the entry's own finding says it is missing
        except (OSError, ValueError) as exc:
            return [Finding(name, "error", shown_as, note=f"not a capture record that can be read: {exc}")]
        findings: list[Finding] = []
        base = shown_as.rsplit("/", 1)[0] + "/" if "/" in shown_as else ""
        for entry in _listed(content):
            file, sha = entry
            if "/" in file or "\\" in file or file in ("", ".", ".."):
                findings.append(Finding(name, "error", shown_as, note=f"the record lists '{file}', which is not a"
                                        " file name beside it; it is not read"))
                continue
            target = record.parent / file
            if target.exists() and not target.resolve().is_relative_to(case_root(record)):
                findings.append(Finding(name, "error", base + file, note="a link to a file outside the case's root"
                                        " folder; it is not read"))
                continue
            findings.append(_hashed(name, base + file, target, sha, f"in {record.name}"))
        tokens = sorted(record.parent.glob(f"{record.name[:-len('.json')]}.*.tsr"))
        if not tokens:
            findings.append(Finding(name, "unstamped", shown_as, note="no timestamp token beside it: it proves"
                                    " nothing about when it was made"))
        if tokens and isinstance(trust, CaseError):
            return findings + [Finding(name, "error", shown_as, note=f"its {len(tokens)} timestamp token"
                                       f"{'' if len(tokens) == 1 else 's'} cannot be verified: complaints.yaml cannot"
                                       f" be read, so no authority's certificate is known: {trust}")]
        for token in tokens:
            shown_token = base + token.name
            if isinstance(trust, CaseError):  # said above, once for all its tokens
                break
            try:
                verdict = verify_token(token.read_bytes(), data, trust)
            except OSError as exc:
                findings.append(Finding(name, "error", shown_token, token=True,
                                        note=f"cannot read it: {exc.strerror or exc}"))
                continue
            kind = {"ok": "ok", "untrusted": "token-untrusted", "data-changed": "changed"}.get(verdict.kind,
                                                                                             "token-invalid")
            note = verdict.message if kind != "changed" else (
                f"the record {record.name} is not the one this token was made for ({verdict.time}): it changed")
            findings.append(Finding(name, kind, shown_token, note=note, token=True))
        return findings


def _listed(content: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for entry in content.get("files") or []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("sha256"), str):
            out.append((entry["name"], entry["sha256"].lower()))
    return out


def _hashed(case: str, shown_as: str, target: Path, expected: str, where: str) -> Finding:
    if not target.is_file():
        return Finding(case, "missing", shown_as, expected=expected, note=f"sha256 {expected[:12]}… {where}")
    try:
        actual = sha256_file(target)
    except OSError as exc:
        return Finding(case, "error", shown_as, note=f"cannot read it: {exc.strerror or exc}")
    if actual != expected:
        return Finding(case, "changed", shown_as, expected, actual, note=where)
    return Finding(case, "ok", shown_as, expected, actual, note=f"sha256 as {where}")


def verify_evidence(paths: Iterable[str | Path], *, project: str | Path | None = None,
                    system_roots: bool = True) -> list[Finding]:
    """Every hash and token of the cases at `paths` (case files, folders, globs, or capture records), as they
    are now. `project`: the complaints.yaml whose authorities' certificates are trusted (default: each case's
    own); `system_roots`: trust the system's CA bundle too. UsageError when a path does not exist."""
    given = [Path(p) for p in paths]
    records = [p for p in given if p.is_file() and _RECORD.match(p.name)]
    cases = find_case_files([p for p in given if p not in records]) if len(records) < len(given) else []
    run = _Run(Path(project) if project is not None else None, system_roots)
    if project is not None and not Path(project).is_file():
        raise UsageError(f"no such file: {project}", about="project")
    findings: list[Finding] = []
    for path in cases:
        findings += run.case(path)
    # the captures no case lists any more (a removal seen by watch, the captures between the first and the latest)
    # are evidence too: every record in the folders given is verified, once
    for folder in (p for p in given if p.is_dir()):
        for record in sorted(folder.rglob("capture-*-record.json")):
            if record.resolve() not in run.seen and _RECORD.match(record.name) and record.resolve().is_relative_to(
                    folder.resolve()):
                records.append(record)
    for record in records:
        name = shown(record)
        if record.resolve() in run.seen:
            continue
        findings += run.record(name, record.resolve(), record.name, run.trust(record))
    return findings


def cases_checked(paths: Iterable[str | Path]) -> int:
    """How many case files and records `verify_evidence` checks for these paths (for the summary)."""
    given = [Path(p) for p in paths]
    records = [p for p in given if p.is_file() and _RECORD.match(p.name)]
    rest = [p for p in given if p not in records]
    return len(records) + (len(find_case_files(rest)) if rest else 0)
