"""`remind`: for every overdue filing, the follow-up letters, written whole into OUT.

    find     the filings whose reply is late, as of the letter date (ledger.standings)
    write    a reminder to the authority citing the filing and APPC Article 76; past the grace period, also a
             complaint about its inaction to the Prosecutor's office (followup.py has the wording)
    render   in the filing's own language, in each format asked for (PDF by LibreOffice from the DOCX)

Files: OUT/<case id>/<case id>.<lang>.reminder.<ext> and …prosecutor.<ext>; each written to a temporary file
and renamed, so none is ever half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..case.when import kz_today
from ..errors import ComplaintsError, UsageError
from ..files import write_whole
from .filing import Filing
from .filings import standings
from .store import Register, find_db

FORMATS = ("docx", "pdf", "txt", "md", "html", "eml")


@dataclass
class RemindResult:
    """What `remind` wrote, and the filings it could not write for."""

    filings: int = 0
    letters: int = 0
    paths: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def remind(*, out: str | Path = "reminders", grace: int = 10, formats: list[str] | tuple[str, ...] = ("docx",),
           letter_date: date | None = None, db: str | Path | None = None, templates: str | Path | None = None,
           progress: Callable[[str], None] | None = None) -> RemindResult:
    """Write the follow-up letters of every overdue filing into `out`; see the module's docstring."""
    from ..case.read import load_project
    from ..layout import templates_dir
    from ..letter.followup import followup_context, render_followup

    fmts = [f for f in FORMATS if f in set(formats)]
    written = set(fmts) | ({"docx"} if "pdf" in fmts else set())  # a PDF comes with its DOCX, as letters do
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}' for follow-up letters: choose from {', '.join(FORMATS)}")
    if ("pdf" in fmts or "eml" in fmts) and "docx" not in fmts:
        fmts.insert(0, "docx")  # the PDF is made from it, the e-mail attaches one or the other
    if "eml" in fmts and "txt" not in fmts:
        fmts.insert(fmts.index("eml"), "txt")  # the e-mail's body
    if grace < 0:
        raise UsageError("--grace takes a number of working days, 0 or more")
    day = letter_date or kz_today()
    folder = templates_dir(templates)
    out = Path(out)
    result = RemindResult()
    office = None
    register: Register | None = None
    try:
        late = standings(db=db, today=day, overdue=True)
        register = Register(find_db(".", db))
        ids = ",".join(str(s.filing.id) for s in late)  # the whole record of each late filing, not the brief one
        full = {f.id: f for f in register.filings(f"WHERE id IN ({ids})")} if late else {}
        for s in late:
            f = full[s.filing.id]
            overdue = -s.days_left
            kinds = ["reminder"] + (["prosecutor"] if overdue > grace else [])
            if not f.project or not Path(f.project).is_file():
                result.problems.append(f"{f.case_id} ({f.lang}): its project file {f.project or '(none)'} is gone;"
                                       " the follow-up letter needs the applicant's details from it")
                continue
            try:
                project = load_project(f.project)
                for kind in kinds:
                    context = followup_context(f, project, kind, letter_date=day, overdue_days=overdue)
                    made: dict[str, bytes] = {}
                    for fmt in fmts:
                        if fmt == "pdf":
                            if office is None:
                                from ..render.pdf import Office

                                office = Office()
                            made[fmt] = office.convert(made["docx"], letter_date=day)
                        elif fmt == "eml":
                            made[fmt] = _email(context, made, f, day, register.archived(f.letter_sha256))
                        else:
                            made[fmt] = render_followup(context, fmt, folder)
                    stem = f"{f.case_id}.{f.lang}.{kind}" + (f".{f.again + 1}" if f.again else "")
                    for fmt, data in made.items():
                        if fmt not in written:
                            continue  # made only for the e-mail
                        path = out / f.case_id / f"{stem}.{fmt}"
                        write_whole(path, data)
                        result.paths.append(path)
                        result.letters += 1
                    if progress is not None:
                        progress(f"{kind}: {f.case_id} ({f.lang}), {overdue} working days overdue")
            except (ComplaintsError, OSError) as exc:
                result.problems.append(f"{f.case_id} ({f.lang}): {exc}")
                continue
            result.filings += 1
    finally:
        if register is not None:
            register.close()
        if office is not None:
            office.close()
    return result


def _email(context: dict[str, object], made: dict[str, bytes], filing: Filing, day: date, original: Path) -> bytes:
    """The follow-up as an e-mail ready to send: its text, the letter (PDF where made, else DOCX), and the copy
    of the original letter from the register's archive."""
    from ..render.email import draft

    stem = f"{filing.case_id}.{filing.lang}.{context['kind']}"
    letter = ("pdf", made["pdf"]) if "pdf" in made else ("docx", made["docx"])
    attachments = [(f"{stem}.{letter[0]}", letter[1])]
    if original.is_file():
        attachments.append((filing.letter_name, original.read_bytes()))
    return draft(context, body=made["txt"].decode("utf-8"), attachments=attachments, day=day,
                 ref=f"{stem}.{day.isoformat()}")
