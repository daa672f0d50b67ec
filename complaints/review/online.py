"""A case whose comment the register says was removed (register/sightings.py, from `watch`): its letter is not to
be filed as it stands, since it says the comment is published.

Only "removed" is a finding. A last check that proved nothing (a time-out, a login wall, a network error) is not
one: it says nothing of the comment, the letter says only when it was last seen online (comment.still_online),
and a flaky outlet must not keep every letter about it from being signed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..case.when import kz_zone, utc_offset_label
from ..errors import ComplaintsError
from .findings import Finding

if TYPE_CHECKING:
    from ..case.read import CaseFile
    from ..register.sightings import Sighting

_read: dict[Path, tuple[tuple[int, ...], dict[str, Sighting]]] = {}  # each register read once while unchanged


def register_of(case: CaseFile) -> Path | None:
    """The register beside the case's project file (complaints.db), where there is one."""
    from ..register.store import DB_FILE

    root = case.project.root
    return root / DB_FILE if root is not None else None


def known(db: Path) -> dict[str, Sighting]:
    """The register's sightings by case id, read again only when the register (or its WAL) has changed; none
    where there is no register or it cannot be read (`status` says why)."""
    from ..register.sightings import sightings

    stamp: list[int] = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            info = path.stat()
            stamp += [info.st_mtime_ns, info.st_size]
        except OSError:
            stamp += [0, 0]
    if not stamp[0]:
        return {}
    cached = _read.get(db)
    if cached is not None and cached[0] == tuple(stamp):
        return cached[1]
    try:
        found = sightings(db)
    except ComplaintsError:
        found = {}
    _read[db] = (tuple(stamp), found)
    return found


def when_text(moment: datetime) -> str:
    """A time as the findings say it: Kazakhstan time and its offset, 2026-12-02 19:03 (UTC+5)."""
    here = moment.astimezone(kz_zone())
    return f"{here.strftime('%Y-%m-%d %H:%M')} ({utc_offset_label(here)})"


def sighting_of(case: CaseFile, db: Path | None = None) -> Sighting | None:
    """What the register says of this case's comment, if it is of the address the case gives now (a sighting of
    an address the case no longer gives says nothing of it)."""
    where = db if db is not None else register_of(case)
    if where is None:
        return None
    found = known(where).get(case.id)
    comment, article = case.case.comment, case.case.article
    addresses = {u for u in (comment.url, article.url) if u}
    if found is None or found.url not in addresses:
        return None
    return found


def online_findings(case: CaseFile, db: Path | None = None) -> list[Finding]:
    """`comment-removed` where the register says the case's comment was removed."""
    found = sighting_of(case, db)
    if case.document is None or found is None or found.state != "removed" or found.first_missed is None:
        return []
    where_in = ("comment", "url") if case.case.comment.url else ("comment", "text")
    at = case.document.mark(where_in)
    missed = when_text(found.first_missed)
    if found.last_seen is not None:
        seen = when_text(found.last_seen)
        message = (f"the comment was last seen online on {seen} and was missing on {missed}: a letter about a"
                   f" removed comment is not to be filed as it stands (say in it that it was removed after {seen},"
                   " or do not file)")
    else:
        message = (f"the comment was missing from its page on {missed}, and `watch` never saw it online: a letter"
                   " about a removed comment is not to be filed as it stands (check the address, or do not file)")
    return [Finding(case.document.path, at.line, at.column, ".".join(where_in), "comment-removed", message)]
