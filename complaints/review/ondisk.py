"""The letters on disk against their case now, as the letters' manifest knows them: a letter older than its case
(or its project file), an evidence file changed since rendering (evidence/compare.py), a letter file in a case's
folder that the manifest does not list (an older render's)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..batch.manifest import listed, sha256_file
from ..case.load import Document
from ..errors import ComplaintsError
from ..layout import shown
from .findings import Finding


class Letters:
    """The letters' folder and its manifest, read once: what each case's letters were made from."""

    def __init__(self, folder: Path):
        self.folder = folder
        try:
            self.rows = listed(folder)
        except ComplaintsError:
            self.rows = None
        self.by_source: dict[str, list[dict[str, Any]]] = {}
        self.listed = {os.path.normpath(str(row.get("path", ""))) for row in self.rows or []}
        resolved: dict[str, str] = {}  # a case's letters share its source: each looked for once
        for row in self.rows or []:
            source = str(row.get("source", ""))
            if not source.startswith("outlet:"):
                if source not in resolved:
                    resolved[source] = os.path.normpath(self._resolve(source))
                self.by_source.setdefault(resolved[source], []).append(row)

    @property
    def found(self) -> bool:
        return self.rows is not None

    @property
    def letter_date(self) -> str | None:
        """The date the manifest's letters carry, where it says."""
        import json

        try:
            head = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        value = head.get("letter_date") if isinstance(head, dict) else None
        return value if isinstance(value, str) else None

    def _resolve(self, source: str) -> str:
        """A manifest's source, as typed where `render` ran (most often beside the letters' folder)."""
        for candidate in (Path(source), self.folder.parent / source):
            if candidate.is_file():
                return str(candidate.resolve())
        return str(Path(source).resolve())

    def rows_of(self, path: Path) -> list[dict[str, Any]]:
        return self.by_source.get(os.path.normpath(str(path.resolve())), [])

    def findings(self, doc: Document, path: Path, project: Path | None) -> list[Finding]:
        """A case's letters against the case now: made from an older case or project file; other letter files."""
        rows = self.rows_of(path)
        at = doc.mark(("id",))
        if not rows:  # none listed (never rendered, or failed): what is in its folder is an older run's
            case_id = doc.data.get("id") if isinstance(doc.data, dict) else None
            if not self.found or not isinstance(case_id, str) or not (self.folder / case_id).is_dir():
                return []
            return [Finding(doc.path, at.line, at.column, "letters", "stale",
                            f"{shown(self.folder / name)} is not in the manifest: a letter from an older render;"
                            " delete it, or render again") for name in self._others([{"path": f"{case_id}/x"}], set())]
        found = []
        inputs = rows[0].get("inputs") or {}
        folder = shown(self.folder / Path(str(rows[0].get("path", ""))).parent)
        try:
            now = sha256_file(path)
        except OSError:
            now = None
        if inputs.get("case") and now != inputs.get("case"):
            found.append(Finding(doc.path, at.line, at.column, "letters", "stale",
                                 f"the letters in {folder}/ were made from an older version of this case file:"
                                 " render again before signing"))
        then = (inputs.get("project") or [None, None])[1]
        if project is not None and then is not None:
            try:
                changed = sha256_file(project) != then
            except OSError:
                changed = False
            if changed:
                found.append(Finding(doc.path, at.line, at.column, "letters", "stale",
                                     f"the letters in {folder}/ were made from an older version of {shown(project)}:"
                                     " render again before signing"))
        for name in self._others(rows, self.listed):
            found.append(Finding(doc.path, at.line, at.column, "letters", "stale",
                                 f"{shown(self.folder / name)} is not in the manifest: a letter from an older render;"
                                 " delete it, or render again"))
        return found

    def _others(self, rows: Iterable[dict[str, Any]], listed_here: set[str]) -> list[str]:
        """Letter files in the folders of a case's letters that the manifest does not list."""
        folders = {os.path.dirname(os.path.normpath(str(r.get("path", "")))) for r in rows}
        others = []
        for folder in sorted(f for f in folders if f):
            try:
                names = sorted(os.listdir(self.folder / folder))
            except OSError:
                continue
            for name in names:
                rel = os.path.join(folder, name)
                if not name.startswith(".") and rel not in listed_here and (self.folder / rel).is_file():
                    others.append(rel)
        return others


def evidence_findings(paths: list[Path], docs: dict[str, Document], letters: Letters) -> dict[str, list[Finding]]:
    """Each case's evidence files changed, vanished or appeared since its letters were rendered, at the evidence
    item, by the case file as shown."""
    from ..evidence.compare import check_evidence

    if not letters.found or not paths:
        return {}
    try:
        findings = check_evidence(paths, letters=letters.folder, read=docs)
    except ComplaintsError:
        return {}
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.is_change or "rendered" not in f.since:
            continue
        doc = docs.get(f.case_file)
        if doc is None:
            continue
        items = doc.data.get("evidence") if isinstance(doc.data, dict) else None
        index = next((i for i, e in enumerate(items or []) if isinstance(e, dict) and e.get("file") == f.evidence),
                     None)
        path = ("evidence", index, "file") if index is not None else ("evidence",)
        at = doc.mark(path)
        what = {"changed": "changed since the letters were rendered (their annex list gives its old SHA-256)",
                "vanished": "gone since the letters were rendered",
                "appeared": "added since the letters were rendered: they do not list it"}[f.kind]
        field = f"evidence[{index}].file" if index is not None else "evidence"
        out.setdefault(f.case_file, []).append(Finding(doc.path, at.line, at.column, field, "evidence",
                                                       f"{f.evidence} is {what}: render again before signing"))
    return out
