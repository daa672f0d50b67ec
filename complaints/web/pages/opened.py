"""A case file of the project opened for a page: its text, its data, its SHA-256 (what the case page and the
capture page both read)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException

from ...case.load import read_yaml
from ...errors import CaseError, Problem
from ...layout import PROJECT_FILE, shown
from ..safety import Outside, inside

CASE_ENDINGS = (".yaml", ".yml")


@dataclass
class Opened:
    """The case the page is about: a new one (no file yet), or a file of the project as it is on disk now."""

    rel: str | None = None
    path: Path | None = None
    text: str = ""
    sha: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    broken: list[Problem] = field(default_factory=list)  # the file cannot be read as YAML: no form for it

    @property
    def folder(self) -> Path | None:
        return self.path.parent if self.path else None


def open_case(root: Path, rel: str) -> Opened:
    """The case file `rel` of the project; 404 for a path outside it or a file that is no case file."""
    try:
        path = inside(root, rel)
    except Outside:
        raise HTTPException(404) from None
    if not path.is_file() or path.suffix.lower() not in CASE_ENDINGS or path.name == PROJECT_FILE:
        raise HTTPException(404)
    raw = path.read_bytes()
    opened = Opened(rel=path.relative_to(root.resolve()).as_posix(), path=path, sha=hashlib.sha256(raw).hexdigest())
    try:
        opened.text = raw.decode("utf-8")
        doc = read_yaml(path, display=shown(path), content=raw)
        opened.data = doc.data if isinstance(doc.data, dict) else {}
    except UnicodeDecodeError:
        opened.broken = [Problem(shown(path), 1, 1, "", "cannot read it as UTF-8 text")]
    except CaseError as exc:
        opened.broken = list(exc.problems)
    return opened
