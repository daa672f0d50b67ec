"""A case's comment captured, and the capture written into the case file.

    job_for_case(case_path)        what to capture for a case: its comment's address (else the article's), text,
                                   author and time, and its evidence folder (<the case file's folder>/evidence/)
    capture_case(case_path, …)     the capture made, and (found) written into the case file
    add_to_case(case_path, cap)    a found capture's files as evidence items, with taken, sha256 and
                                   timestamped_by, and comment.still_online set to the capture's time (the case
                                   lists the first capture and the latest: those between are taken out of the
                                   list, their files kept); through the
                                   one case-file writer (case/write.py updated_text), every other line and comment
                                   of the file as it was; refused if the file changed since it was read
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..case.read import CaseFile, ProjectFile, load_case
from ..case.when import kz_time_text
from ..case.write import REMOVE, check_text, updated_text
from ..errors import CaseError, ComplaintsError, UsageError
from ..files import unchanged, write_whole
from ..layout import shown
from .capture import Job, Limits, capture_many, words
from .record import ROLES, STEM_PATTERN, Capture

__all__ = ["EVIDENCE_FOLDER", "add_to_case", "authorities_for", "capture_case", "capture_case_noted", "job_for_case",
           "note_sighting"]

EVIDENCE_FOLDER = "evidence"


def authorities_for(project: ProjectFile) -> list[Any]:
    """The time-stamping authorities of a project file (none where it names none)."""
    if not project.project.timestamping:
        return []
    from .timestamp import authorities_of

    return list(authorities_of(project))


def job_for_case(case_path: Path, *, authorities: Sequence[Any] | None = None) -> tuple[Job, CaseFile]:
    """The capture a case asks for; CaseError for a case that does not load, UsageError for one whose evidence
    folder would be outside its root folder."""
    case_path = Path(case_path)
    loaded = load_case(case_path)
    comment = loaded.case.comment
    url = str(comment.url or loaded.case.article.url)
    folder = case_path.parent / EVIDENCE_FOLDER
    real = folder.resolve()
    if not real.is_relative_to(loaded.root):
        raise UsageError(f"{shown(folder)} is outside the case's root folder ({loaded.root.name}/): the capture would"
                         " be written outside it")
    posted = None  # as the close-up's header says it: Kazakhstan time in force then, with its offset
    if comment.posted is not None:
        posted = (kz_time_text(comment.posted.instant(), seconds=False) if comment.posted.has_time
                  else comment.posted.day.isoformat())
    job = Job(url=url, text=comment.text.strip(), author=comment.author, posted=posted, folder=folder,
              authorities=tuple(authorities_for(loaded.project) if authorities is None else authorities),
              key=str(case_path))
    return job, loaded


def capture_case(case_path: Path, *, authorities: Sequence[Any] | None = None, limits: Limits | None = None,
                 update_case: bool = True, browser: str | None = None, register: bool = True,
                 db: Path | None = None) -> Capture:
    """Capture a case's comment into its evidence folder; a found capture is added to the case file
    (`update_case`), and every outcome recorded in the register as `watch` does (`register`; see note_sighting;
    a register that cannot be written is said by `capture_case_noted`). `browser`: default the project's
    `browser:`, else found (browser.find_browser)."""
    return capture_case_noted(case_path, authorities=authorities, limits=limits, update_case=update_case,
                              browser=browser, register=register, db=db)[0]


def capture_case_noted(case_path: Path, *, authorities: Sequence[Any] | None = None, limits: Limits | None = None,
                       update_case: bool = True, browser: str | None = None, register: bool = True,
                       db: Path | None = None) -> tuple[Capture, str | None]:
    """capture_case, and why the register was not updated where it was not (None when it was, or not asked)."""
    job, loaded = job_for_case(case_path, authorities=authorities)
    cap = capture_many([job], workers=1, pace=0.0, limits=limits,
                       browser=browser or loaded.project.project.browser)[0]
    if update_case and cap.found:
        add_to_case(case_path, cap)
    problem = note_sighting(case_path, cap, case_id=loaded.id, db=db)[1] if register else None
    return cap, problem


def note_sighting(case_path: Path, cap: Capture, *, case_id: str | None = None,
                  db: Path | None = None) -> tuple[Any, str | None]:
    """A capture of a case's comment recorded in the register (`db`, default complaints.db beside the case's
    complaints.yaml; none where there is no project): the Sighting, or None and why it was not recorded."""
    import sqlite3

    from ..case.when import kz_zone
    from ..layout import find_project
    from ..register.sightings import record_sighting

    register = db
    if register is None:
        project = find_project(case_path)
        if project is None:
            return None, None
        register = project.parent / "complaints.db"
    try:
        if case_id is None:
            case_id = load_case(case_path).id
        when = cap.taken if cap.taken.tzinfo else cap.taken.replace(tzinfo=kz_zone())
        return record_sighting(register, case_id, cap.url, when, cap.outcome, cap.detail,
                               capture=cap.stem or None), None
    except (ComplaintsError, OSError, sqlite3.Error) as exc:
        return None, f"the register was not updated: {exc}"


def _taken(cap: Capture) -> str:
    return cap.taken.isoformat(timespec="seconds")


def evidence_items(case_path: Path, cap: Capture) -> list[dict[str, Any]]:
    """The evidence items of a found capture, in record.ROLES's order, paths relative to the case file."""
    descriptions = words()["descriptions"]
    by = [s.authority for s in cap.stamps if s.token]
    rel = Path(EVIDENCE_FOLDER) if cap.folder.resolve() == (case_path.parent / EVIDENCE_FOLDER).resolve() else None
    if rel is None:
        raise UsageError(f"the capture is in {shown(cap.folder)}, not in the case's evidence folder")
    items = []
    for role in ROLES:
        kept = cap.file(role)
        if kept is None:
            continue
        item: dict[str, Any] = {"file": (rel / kept.name).as_posix(),
                                "description": {k: str(v) for k, v in descriptions[role].items()},
                                "taken": _taken(cap), "sha256": kept.sha256}
        if by:
            item["timestamped_by"] = list(by)  # a list of its own: one shared list is written as a YAML anchor
        items.append(item)
    for stamp in cap.stamps:  # the tokens themselves: what proves the time the letter states
        if not stamp.token:
            continue
        token = cap.folder / stamp.token
        items.append({"file": (rel / stamp.token).as_posix(),
                      "description": {k: str(v).replace("{authority}", stamp.authority)
                                      for k, v in descriptions["token"].items()},
                      "taken": _taken(cap), "sha256": hashlib.sha256(token.read_bytes()).hexdigest()})
    return items


_MARKED = re.compile(r"^(?P<field>\s+still_online:\s*\S+)\s+#\s*PLACEHOLDER\b.*$", re.MULTILINE)


def _unmarked(text: str) -> str:
    """still_online's PLACEHOLDER mark taken off its line (the tool has put the real value in; `check` would
    otherwise still ask for it); every other comment as it was."""
    return _MARKED.sub(lambda m: m["field"], text, count=1)


_TOOL_FILE = re.compile(f"^evidence/(?P<stem>{STEM_PATTERN})-"
                        r"(?:comment\.png|page\.png|page\.mhtml|record\.json|record\.[A-Za-z0-9._-]+\.tsr)$")


def _between(text: str) -> list[int]:
    """The indices of the evidence items of earlier captures other than the first: a case lists the first
    capture (since when the comment is known to be online) and the latest, not every one `watch` made (their
    files stay in the evidence folder)."""
    import yaml

    try:
        items = (yaml.safe_load(text) or {}).get("evidence") or []
    except yaml.YAMLError:
        return []
    stems: dict[int, str] = {}
    for i, item in enumerate(items if isinstance(items, list) else []):
        match = _TOOL_FILE.match(str(item.get("file") or "")) if isinstance(item, dict) else None
        if match:
            stems[i] = match["stem"]
    if not stems:
        return []
    first = min(stems.values(), key=lambda s: (s[:25], int(s[26:] or 1)))
    return sorted((i for i, stem in stems.items() if stem != first), reverse=True)


def add_to_case(case_path: Path, capture: Capture) -> None:
    """Write a found capture into the case file (see the module's docstring): its four evidence items added, and
    those of the captures between the first and this one taken out of the list (their files are kept).
    UsageError for a capture that is not "found"; CaseError if the result would not validate (nothing written
    then), or the file changed while it was being updated."""
    case_path = Path(case_path)
    if not capture.found:
        raise UsageError(f"a capture that is {capture.outcome!r} is no evidence that the comment is online: not added"
                         f" to {shown(case_path)}")
    raw = case_path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    text = raw.decode("utf-8")
    changes: list[Any] = [(("evidence", i), REMOVE) for i in _between(text)]
    changes += [(("evidence", "+"), item) for item in evidence_items(case_path, capture)]
    changes.append((("comment", "still_online"), _taken(capture)))
    new = _unmarked(updated_text(text, changes))
    loaded, problems = check_text(new, case_path)
    errors = [p for p in problems if p.is_error]
    if loaded is None or errors:
        raise CaseError(shown(case_path), errors or problems)
    if not unchanged(case_path, digest):
        raise UsageError(f"{shown(case_path)} changed while the capture was being added: nothing written; capture"
                         " again")
    write_whole(case_path, new.encode("utf-8"), durable=True)
