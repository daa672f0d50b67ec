"""Every case of a project folder at a glance: where it stands, from its file, `check`, its letters and the register.

    overview(root)             one CaseRow per case file under root (those that do not load too), with its status
    search(rows, q)            the rows whose id, title, outlet, author or comment text holds every word of q
    sort_rows(rows, by, desc)  the rows ordered by a column (SORT_KEYS)

A case's status is one of STATUSES, decided in this order, the first that applies:

    overdue    the register has a filing of the case whose reply has not come and whose term (the extended one
               where the authority extended it) ended before today
    filed      the register has a filing of the case still waiting for its reply, within its term
    answered   the register has filings of the case, and every one of them has its reply
    attention  ("needs attention") not filed, and the case file has errors (it does not load: the first one is its
               reason), or warnings, or `complaints check` lists something in it or in its project file that its
               signer must look at (a placeholder, an unconfirmed addressee field, a norm not in force…) other
               than the letters on disk being out of date
    draft      not filed, nothing to look at in the case, but its letters are not ready: some letter language has
               no letter in the letters folder (never rendered, or failed), or the letters there were made from an
               older version of the case, its project file or its evidence (check's `stale` and `evidence`)
    ready      not filed, nothing to look at, and a letter in every letter language of the case is in the letters
               folder, made from the case as it is now: to be signed and filed

Apart from its status, a row says whether the case's comment is still online, as the register's sightings
(register/sightings.py, from `watch`) say: online, removed (when last seen, when first missed) or unknown. A case
not filed whose comment was removed needs attention (check's `comment-removed`); a filed one stays filed (the
complaint may have worked).

The register decides first: a filed letter stays filed whatever is edited in its case since. Letters rendered
for a group of cases (`render --group-by outlet`) are not counted as a case's own letters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..batch.manifest import on_disk
from ..case.load import read_yaml
from ..case.when import Moment, kz_today, parse_moment, utc_offset_label
from ..errors import ComplaintsError, Problem
from .findings import Finding
from .ondisk import Letters

STATUSES = ("draft", "attention", "ready", "filed", "answered", "overdue")
SORT_KEYS = ("id", "outlet", "posted", "language", "status")
_LETTER_KINDS = ("stale", "evidence")  # findings about the letters on disk, not about the case


@dataclass
class CaseRow:
    """One case file as the cases table shows it."""

    file: Path  # the case file
    relative: str  # its path inside the project folder, with / (as a URL gives it)
    case_id: str  # the case's id, or the file's name where the file does not say one
    outlet: str
    author: str
    text: str  # the comment, as written
    posted: Moment | None
    language: str
    status: str  # one of STATUSES
    problems: list[Problem] = field(default_factory=list)  # errors, warnings, then check's findings: [0] is why
    letters: tuple[str, ...] = ()  # the letter languages with a letter in the letters folder
    filings: list[Any] = field(default_factory=list)  # the register's standings of its filings
    title: str = ""  # the case's short title (its `title`), "" where it gives none
    online: Any = None  # the register's Sighting of its comment (register/sightings.py), None where none

    @property
    def online_state(self) -> str:
        """"online", "removed" or "unknown" (never checked, or no check proved anything)."""
        return str(self.online.state) if self.online is not None else "unknown"

    @property
    def posted_text(self) -> str:
        """When the comment was posted as the letters give it: Kazakhstan time and its UTC offset
        (2023-10-06 22:53, UTC+6), or the date alone; "" where the case does not say."""
        if self.posted is None:
            return ""
        if not self.posted.has_time:
            return self.posted.day.isoformat()
        here = self.posted.in_kazakhstan()
        return f"{here.strftime('%Y-%m-%d %H:%M')}, {utc_offset_label(here)}"

    @property
    def reason(self) -> Problem | None:
        """What most needs looking at: the first error, warning or finding."""
        return self.problems[0] if self.problems else None


def overview(root: str | Path, *, letters: str | Path | None = None, db: str | Path | None = None,
             today: date | None = None, letter_date: date | None = None) -> list[CaseRow]:
    """Every case file under `root` (in the order `validate` finds them) with its status (see the module's
    docstring): `letters` (default root/letters), the register `db` (default root/complaints.db; not made when
    there is none), `today` (default: today in Kazakhstan) the day filings are judged overdue on, `letter_date`
    the date check judges the norms on (default the manifest's, else today)."""
    from ..register.store import DB_FILE
    from .online import sighting_of
    from .run import check_paths, outside_ok

    root = Path(root).resolve()
    folder = Path(letters) if letters is not None else root / "letters"
    day = today or kz_today()
    report = check_paths([root], letters=folder, letter_date=letter_date, within=root,
                         ocr=False)  # the list stays quick: a case's letters page reads its pictures
    on_disk_letters = Letters(folder)
    register = Path(db) if db is not None else root / DB_FILE
    filings = _filings(register, day)
    rows = []
    for review in report.cases:
        path = review.path or Path(review.source)
        case = review.case
        findings: list[Finding] = report.of(review) if review.readable else []
        problems = list(review.problems)
        if case is not None:
            problems += list(case.warnings)
        # the case's own first (a removed comment before all: its letter is not to be filed), then its project file's
        own = sorted(review.findings, key=lambda f: (f.kind != "comment-removed", f))
        problems += [f.problem("warning") for f in own + [f for f in findings if f not in own]]
        fields = _fields(case, path) if outside_ok(path, root) else {**_fields(None, None), "id": path.stem}
        rendered = tuple(lang for lang in (case.languages if case is not None else ())
                         if any(r.get("language") == lang and on_disk(folder, r)
                                for r in on_disk_letters.rows_of(path)))
        standing = filings.get(fields["id"], [])
        if standing:
            status = _register_status(standing)
        elif review.problems or (case is not None and case.warnings) \
                or any(f.kind not in _LETTER_KINDS for f in findings):
            status = "attention"
        elif case is not None and set(rendered) == set(case.languages) and not findings:
            status = "ready"
        else:
            status = "draft"
        rows.append(CaseRow(path, _relative(path, root), fields["id"], fields["outlet"], fields["author"],
                            fields["text"], fields["posted"], fields["language"], status, problems, rendered,
                            standing, fields["title"], sighting_of(case, register) if case is not None else None))
    return rows


def _register_status(standing: list[Any]) -> str:
    statuses = [s.status for s in standing]
    if "overdue" in statuses:
        return "overdue"
    if any(s in ("pending", "extended") for s in statuses):
        return "filed"
    return "answered"


def _filings(db: Path, today: date) -> dict[str, list[Any]]:
    """The register's filings by case id; none where there is no register (it is not made by looking)."""
    if not db.is_file():
        return {}
    from ..register.filings import standings

    try:
        found = standings(db=db, today=today)
    except ComplaintsError:  # a damaged register: the register's page says why; the cases are still listed
        return {}
    by_case: dict[str, list[Any]] = {}
    for standing in found:
        by_case.setdefault(standing.filing.case_id, []).append(standing)
    return by_case


def _fields(case: Any, path: Path | None) -> dict[str, Any]:
    """The fields the table shows: from the case as read, else from the file as far as it can be read (none for
    a file not to be read)."""
    if path is None:
        return {"id": "", "outlet": "", "author": "", "text": "", "posted": None, "language": "", "title": ""}
    if case is not None:
        comment = case.case.comment
        return {"id": case.id, "outlet": case.case.outlet.name, "author": comment.author, "text": comment.text,
                "posted": comment.posted, "language": comment.language, "title": case.case.title or ""}
    data: Any = None
    try:
        data = read_yaml(path, collect=True).data
    except ComplaintsError:
        pass
    data = data if isinstance(data, dict) else {}
    outlet = data.get("outlet") if isinstance(data.get("outlet"), dict) else {}
    comment = data.get("comment") if isinstance(data.get("comment"), dict) else {}
    posted = None
    try:
        posted = parse_moment(comment["posted"]) if comment.get("posted") else None
    except (ValueError, TypeError):
        pass
    case_id = data.get("id")
    return {"id": case_id if isinstance(case_id, str) and case_id else path.stem,
            "outlet": _text(outlet.get("name")), "author": _text(comment.get("author")),
            "text": _text(comment.get("text")), "posted": posted, "language": _text(comment.get("language")),
            "title": _text(data.get("title"))}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def search(rows: Iterable[CaseRow], q: str | None) -> list[CaseRow]:
    """The rows whose id, title, outlet, author or comment text (case and form aside) holds every word of `q`."""
    words = _folded(q or "").split()
    found = []
    for row in rows:
        haystack = _folded("\n".join((row.case_id, row.title, row.outlet, row.author, row.text)))
        if all(word in haystack for word in words):
            found.append(row)
    return found


def sort_rows(rows: Iterable[CaseRow], by: str | None, descending: bool = False) -> list[CaseRow]:
    """The rows ordered by the column `by` (SORT_KEYS; anything else: by id), then by id; cases without a posted
    date last either way."""
    def key(row: CaseRow) -> tuple[Any, ...]:
        if by == "posted":
            return (row.posted.instant().timestamp() if row.posted else None, row.case_id)
        if by == "status":
            return (STATUSES.index(row.status), row.case_id)
        value = {"outlet": row.outlet, "language": row.language}.get(by or "", row.case_id)
        return (_folded(value), row.case_id)

    listed = list(rows)
    present = [r for r in listed if by != "posted" or r.posted is not None]
    missing = [r for r in listed if by == "posted" and r.posted is None]
    return sorted(present, key=key, reverse=descending) + sorted(missing, key=lambda r: r.case_id)
