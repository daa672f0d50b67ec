"""`remind`: for every overdue filing, the follow-up letters, written whole into OUT.

    find     the filings whose reply is late, as of the letter date (filings.standings)
    write    staged: first a reminder to the authority citing the filing and APPC Article 76, recorded in the
             register with its date; only once that reminder has gone unanswered for `grace` working days, the
             letter to the Prosecutor's office about the authority's inaction, citing the reminder
             (followup.py has the wording). A run between the two writes nothing new for that filing and says
             when the next letter is due; a run on the date of a letter already written writes it again.
    render   in the filing's own language, in each format asked for (PDF by LibreOffice from the DOCX)

Files: OUT/<case id>/<case id>.<lang>.reminder.<ext> and …prosecutor.<ext>; each written to a temporary file
and renamed, so none is ever half-written.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..case.when import kz_today
from ..errors import ComplaintsError, UsageError
from ..files import output_folder, write_whole
from .filing import Filing
from .filings import standings
from .store import Register, find_db


@dataclass
class RemindResult:
    """What `remind` wrote, and the filings it could not write for."""

    filings: int = 0
    letters: int = 0
    paths: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # overdue filings whose next letter is not due yet


DEFAULT_GRACE = 5  # working days a reminder is given before the prosecutor is written to


def remind(*, out: str | Path = "reminders", grace: int = DEFAULT_GRACE, formats: list[str] | tuple[str, ...] = ("docx",),
           letter_date: date | None = None, db: str | Path | None = None, templates: str | Path | None = None,
           progress: Callable[[str], None] | None = None) -> RemindResult:
    """Write the follow-up letters of every overdue filing into `out`; see the module's docstring."""
    from ..case.read import load_project
    from ..layout import formats_for
    from ..letter.followup import followup_context
    from ..render import Kit, render_letter

    fmts = formats_for(formats)
    if grace < 0:
        raise UsageError(f"the grace period is a number of working days, 0 or more, not {grace}", about="grace")
    day = letter_date or kz_today()
    out = output_folder(out, "the follow-up letters' folder", make=False)
    # LibreOffice's scratch files (the letter, with the IIN) in OUT's own hidden temporary folder, removed at the end
    scratch = out / ".complaints" / "tmp"
    kit = Kit(templates, letter_date=day, formats=fmts, document="followup", scratch=scratch)
    result = RemindResult()
    register: Register | None = None
    try:
        late = standings(db=db, today=day, overdue=True)
        register = Register(find_db(".", db))
        ids = ",".join(str(s.filing.id) for s in late)  # the whole record of each late filing, not the brief one
        full = {f.id: f for f in register.filings(f"WHERE id IN ({ids})")} if late else {}
        written = register.followups(list(full))
        for s in late:
            f = full[s.filing.id]
            overdue = -s.days_left
            # the reminders sent since the reply fell due (one before an extension's new term does not count)
            reminders = [w for w in written[f.id] if w.kind == "reminder" and w.dated > f.deadline]
            prosecuted = [w for w in written[f.id] if w.kind == "prosecutor" and w.dated > f.deadline]
            first = reminders[0] if reminders else None
            waited = _calendar_of(f).working_days_between(first.sent_on or first.dated, day) if first else 0
            if first is None or first.dated == day:
                kinds = ["reminder"]
            elif prosecuted and prosecuted[0].dated != day:
                result.waiting.append(f"{f.case_id} ({f.lang}): the reminder of {first.dated.isoformat()} and the"
                                      f" letter to the prosecutor of {prosecuted[0].dated.isoformat()} are written;"
                                      " nothing more to write until a reply comes (`complaints reply`)")
                continue
            elif waited >= grace:
                kinds = ["prosecutor"]
            else:
                result.waiting.append(f"{f.case_id} ({f.lang}): the reminder of {first.dated.isoformat()} has waited"
                                      f" {waited} of {grace} working days; the letter to the prosecutor is written"
                                      f" from {_calendar_of(f).add_working_days(first.sent_on or first.dated, grace)}")
                continue
            if not f.project or not Path(f.project).is_file():
                result.problems.append(f"{f.case_id} ({f.lang}): its project file {f.project or '(none)'} is gone;"
                                       " the follow-up letter needs the applicant's details from it")
                continue
            # an e-mailed follow-up attaches the copy of the original letter the register keeps, where it has one
            original = register.archived(f.letter_sha256)
            attachments = [(f.letter_name, original)] if "eml" in fmts and original.is_file() else []
            try:
                project = load_project(f.project)
                for kind in kinds:
                    context = followup_context(f, project, kind, letter_date=day, overdue_days=overdue,
                                               reminder=first if kind == "prosecutor" else None,
                                               waited_days=waited if kind == "prosecutor" else None)
                    name = f"{f.case_id}.{f.lang}.{kind}"
                    stem = name + (f".{f.again + 1}" if f.again else "")
                    for fmt in fmts:
                        data = render_letter(context, fmt, kit, name=name, attachments=attachments)
                        path = out / f.case_id / f"{stem}.{fmt}"
                        write_whole(path, data)
                        result.paths.append(path)
                        result.letters += 1
                    register.wrote(f, kind, day)  # after its files: a letter recorded is a letter on disk
                    if progress is not None:
                        progress(f"{kind}: {f.case_id} ({f.lang}), {overdue} working days overdue"
                                 + (f"; the reminder of {first.dated.isoformat()} unanswered for {waited} working days"
                                    if kind == "prosecutor" and first is not None else ""))
            except (ComplaintsError, OSError) as exc:
                result.problems.append(f"{f.case_id} ({f.lang}): {exc}")
                continue
            result.filings += 1
    finally:
        if register is not None:
            register.close()
        kit.close()
        _drop(scratch)
    return result


def _calendar_of(filing: Filing) -> Any:
    """The working days of the filing's project (its workdays.yaml on top of the shipped calendar)."""
    from .filings import project_calendar

    return project_calendar(Path(filing.project) if filing.project else None)


def _drop(scratch: Path) -> None:
    """The temporary folder removed, and its hidden parent where nothing else is in it."""
    shutil.rmtree(scratch, ignore_errors=True)
    with contextlib.suppress(OSError):
        scratch.parent.rmdir()
