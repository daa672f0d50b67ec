"""Putting files on disk whole or not at all, and the batch manifest."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Output:
    """One letter file written by a batch."""

    case_id: str
    language: str
    format: str
    path: str  # relative to the output folder
    size: int
    sha256: str
    source: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    """One case that produced no letters, and why."""

    source: str
    case_id: str | None
    errors: tuple[str, ...]


@dataclass
class Manifest:
    """What a batch wrote and what it could not: one row per file, one per failed case."""

    letter_date: str
    tool_version: str
    outputs: list[Output] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": "complaints",
            "tool_version": self.tool_version,
            "letter_date": self.letter_date,
            "files": [
                {"case_id": o.case_id, "language": o.language, "format": o.format, "path": o.path,
                 "size": o.size, "sha256": o.sha256, "source": o.source, "warnings": list(o.warnings)}
                for o in sorted(self.outputs, key=lambda o: (o.case_id, o.language, o.format))
            ],
            "failures": [
                {"source": f.source, "case_id": f.case_id, "errors": list(f.errors)}
                for f in sorted(self.failures, key=lambda f: f.source)
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["status", "case_id", "language", "format", "path", "size", "sha256", "source", "messages"])
        data = self.as_dict()
        for row in data["files"]:
            writer.writerow(["rendered", row["case_id"], row["language"], row["format"], row["path"], row["size"],
                             row["sha256"], row["source"], " | ".join(row["warnings"])])
        for row in data["failures"]:
            writer.writerow(["failed", row["case_id"] or "", "", "", "", "", "", row["source"],
                             " | ".join(row["errors"])])
        return buffer.getvalue()

    def write(self, out: Path) -> None:
        sync_to_disk()  # the letters are on the disk before the manifest that lists them
        write_files({out / "manifest.json": self.to_json().encode("utf-8"),
                     out / "manifest.csv": self.to_csv().encode("utf-8")})


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file or none: each goes to a temporary file beside it first, then all are renamed.

    A rename is atomic, so an interrupted or killed run leaves whole files only. Flushing to the disk
    itself (against a power cut) is left to `sync_to_disk`, once per batch rather than once per file.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def sync_to_disk() -> None:
    """Ask the system to put what was written on the disk."""
    if hasattr(os, "sync"):
        os.sync()
