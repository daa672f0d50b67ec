"""The register's commands: filed, extended, reply, status, due, remind. Each parses, calls the library, prints."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ..case.when import DAY_FORMS, FORMS
from .common import app, err, out, parse_date, split, user_errors

DbOpt = Annotated[Path | None, typer.Option("--db", help="The register file (default: complaints.db beside "
                                               "the nearest complaints.yaml).")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="The letter's language, where the case was filed "
                                                "in more than one.")]
TodayOpt = Annotated[str | None, typer.Option("--today", help=f"Count days as of this date, {DAY_FORMS} "
                                                 "(default: today in Kazakhstan).")]


CsvOpt = Annotated[bool, typer.Option("--csv", help="CSV, for a spreadsheet.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON.")]


def _today(value: str | None) -> date | None:
    return parse_date(value, "--today")


@app.command()
def filed(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case file (or its id, looked up in the letters' manifest).")],
    lang: Annotated[str, typer.Option("--lang", help="The language of the letter filed: kk, ru or en.")],
    on: Annotated[str, typer.Option("--on", help=f"When it was filed, Kazakhstan time unless an offset is given: "
                                    f"{FORMS}.")],
    channel: Annotated[str, typer.Option("--channel", help="eotinish, post, email or in-person.")],
    ref: Annotated[str | None, typer.Option("--ref", help="The registration number you were given.")] = None,
    registered: Annotated[str | None, typer.Option("--registered", help=f"The registration date the receipt gives, "
                                                   f"{DAY_FORMS}; the reply is due 15 working days after it. "
                                                   "Without it the date is computed, and the follow-up letters "
                                                   "say only when the letter was filed.")] = None,
    again: Annotated[bool, typer.Option("--again", help="A new filing of a letter already filed.")] = False,
    letters: Annotated[Path | None, typer.Option("--letters", help="The folder the letters were rendered into "
                                                    "(default: letters).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="The exact file you filed, if not the rendered "
                                                 "PDF or DOCX.")] = None,
    db: DbOpt = None,
    anyway: Annotated[bool, typer.Option("--anyway", help="Record it even though `complaints check` lists things "
                                         "to look at in it.")] = False,
) -> None:
    """Record that a letter was filed; its copy is frozen in the archive, with the evidence files it was made with,
    and its reply date computed. A letter `complaints check` finds anything in is refused unless --anyway."""
    from ..register import filings
    from ..review.run import NotReady

    with user_errors(ctx):
        try:
            f = filings.record_filing(case, lang=lang, on=on, channel=channel, ref=ref, again=again, letters=letters,
                                     file=file, registered=registered, db=db, anyway=anyway)
        except filings.AlreadyFiled as exc:
            err.print(f"error: {exc}; if this is a new filing of the same letter, add --again", markup=False)
            raise typer.Exit(1) from None
        except NotReady as exc:
            err.print(f"error: {exc}\nnot recorded: fix these and render again, or, if you filed it as it is, add"
                      " --anyway", markup=False)
            raise typer.Exit(1) from None
    from ..case.when import utc_offset_label

    err.print(f"recorded: {f.case_id} ({f.lang}) filed {f.filed_at.strftime('%Y-%m-%d %H:%M')}"
              f" ({utc_offset_label(f.filed_at)}) via {f.channel}{', ref ' + f.ref if f.ref else ''};"
              f" registered {f.registered.isoformat()} ({_registration_basis(f)}); reply due {f.due.isoformat()}"
              f" (APPC Article 76). Archived: {f.letter_name} (SHA-256 {f.letter_sha256[:12]}…)", markup=False)
    if not f.registered_known:
        err.print(f"note: the registration date {f.registered.isoformat()} and the due date are computed, a reading"
                  " for you to confirm; the follow-up letters say when the letter was filed, not when it was"
                  " registered. When the receipt or the authority's notice gives the date, record it:"
                  f" complaints registered {f.case_id} --lang {f.lang} --on DATE --ref NUMBER", markup=False)
    if f.evidence_from == "case":
        err.print(f"note: {f.letter_name} is not one of the letters rendered in {letters or Path('letters')}"
                  " (manifest.json), so the evidence recorded with it was taken from the case file as it is now,"
                  " at filing time; `complaints evidence` compares with that", markup=False)


def _registration_basis(f: Any) -> str:
    if f.registered_known:
        return "from the receipt"
    if f.channel == "post":
        return "computed: posted, plus the delivery allowance (workdays.yaml: post_delivery_days), APPC Article 64(3)"
    return "computed: APPC Article 64(3)"


@app.command()
def registered(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case id.")],
    on: Annotated[str, typer.Option("--on", help=f"The registration date the receipt or notice gives: {DAY_FORMS}.")],
    ref: Annotated[str | None, typer.Option("--ref", help="The registration number it gives.")] = None,
    lang: LangOpt = None,
    db: DbOpt = None,
) -> None:
    """Record a filing's registration date and number from the authority's receipt or notice; the reply is due
    15 working days after it (the date computed at filing time is replaced)."""
    from ..register import filings

    with user_errors(ctx):
        f = filings.record_registration(case, on=on, ref=ref, lang=lang, db=db)
    err.print(f"recorded: {f.case_id} ({f.lang}) registered {f.registered.isoformat()}"
              f"{' under No. ' + f.ref if f.ref else ''} (from the receipt); reply due {f.due.isoformat()}"
              " (APPC Article 76)", markup=False)


@app.command()
def reminded(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case id.")],
    ref: Annotated[str | None, typer.Option("--ref", help="The reminder's registration number, from its "
                                            "receipt.")] = None,
    on: Annotated[str | None, typer.Option("--on", help=f"When the reminder was filed: {DAY_FORMS} (default: the "
                                           "date it is written on).")] = None,
    lang: LangOpt = None,
    db: DbOpt = None,
) -> None:
    """Record the registration number (and filing date) of the reminder `remind` wrote: the letter to the
    prosecutor cites it, and its grace period counts from that date."""
    from ..register import filings

    with user_errors(ctx):
        f, r = filings.record_reminder(case, ref=ref, on=on, lang=lang, db=db)
    err.print(f"recorded: the reminder of {r.dated.isoformat()} for {f.case_id} ({f.lang})"
              f"{' has No. ' + r.ref if r.ref else ''}{', filed ' + r.sent_on.isoformat() if r.sent_on else ''}",
              markup=False)


@app.command()
def extended(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case id.")],
    until: Annotated[str, typer.Option("--until", help=f"The new term: {DAY_FORMS}.")],
    ref: Annotated[str | None, typer.Option("--ref", help="The number of the authority's decision.")] = None,
    lang: LangOpt = None,
    db: DbOpt = None,
) -> None:
    """Record that the authority extended the term (APPC Article 76 allows up to two months)."""
    from ..register import filings

    with user_errors(ctx):
        f = filings.record_extension(case, until=until, ref=ref, lang=lang, db=db)
    err.print(f"recorded: the term for {f.case_id} ({f.lang}) is extended to {f.deadline.isoformat()}", markup=False)


@app.command()
def reply(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case id.")],
    on: Annotated[str, typer.Option("--on", help=f"The date of the reply: {DAY_FORMS}.")],
    outcome: Annotated[str, typer.Option("--outcome", help="answered, measures-taken, refused or forwarded.")],
    file: Annotated[Path | None, typer.Option("--file", help="The reply, archived by its SHA-256.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note of your own.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the reply recorded already (a second "
                                          "reply is refused without it).")] = False,
    lang: LangOpt = None,
    db: DbOpt = None,
) -> None:
    """Record the authority's reply to a filed letter."""
    from ..register import filings

    with user_errors(ctx):
        f = filings.record_reply(case, on=on, outcome=outcome, file=file, note=note, lang=lang, db=db,
                                 replace=replace)
    err.print(f"recorded: {f.case_id} ({f.lang}) answered on {f.replied_on}: {f.outcome}", markup=False)


def _json(rows: list[Any], db: Path | None) -> None:
    from ..register.sightings import sightings
    from ..register.store import find_db

    seen = sightings(find_db(".", db)) if rows else {}
    data = [{"case_id": s.filing.case_id, "language": s.filing.lang, "channel": s.filing.channel,
             "reference": s.filing.ref, "filed_at": s.filing.filed_at.isoformat(),
             "registered": s.filing.registered.isoformat(),
             "registered_from": "receipt" if s.filing.registered_known else "computed",
             "due": s.filing.due.isoformat(),
             "extended_until": s.filing.extended_until.isoformat() if s.filing.extended_until else None,
             "working_days_left": s.days_left, "status": s.status,
             "replied_on": s.filing.replied_on.isoformat() if s.filing.replied_on else None,
             "letter_sha256": s.filing.letter_sha256, "comment": _online(seen.get(s.filing.case_id))}
            for s in rows]
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _online(sighting: Any) -> dict[str, Any] | None:
    """Whether the case's comment is still online, as the register's sightings say (None: never checked)."""
    if sighting is None:
        return None
    return {"state": sighting.state, "url": sighting.url,
            "last_seen": sighting.last_seen.isoformat() if sighting.last_seen else None,
            "first_missed": sighting.first_missed.isoformat() if sighting.first_missed else None,
            "last_checked": sighting.last_checked.isoformat(), "last_outcome": sighting.last_outcome}


def _table(as_csv: bool, empty: str, **options: Any) -> None:
    from ..register.filings import STATUS_COLUMNS, status_rows
    from ..register.listing import LineEnds, safe_row

    if as_csv or not out.is_terminal:  # a file or a pipe: CSV, rows written as SQLite hands them over
        stream = status_rows(**options)  # a mistake is refused here, before the header
        writer = csv.writer(LineEnds(), lineterminator="\r\n")  # register/fast.py writes the same
        writer.writerow(STATUS_COLUMNS)
        writer.writerows(map(safe_row, stream))
        return
    rows = list(status_rows(**options))
    if not rows:
        err.print(empty, markup=False)
        return
    from rich.table import Table

    table = Table(*STATUS_COLUMNS, header_style="bold")
    for row in rows:
        status = row[STATUS_COLUMNS.index("status")]
        style = "red" if status == "overdue" else None if status in ("pending", "extended") else "green"
        table.add_row(*row, style=style)
    out.print(table)


@app.command()
def status(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only the filings whose reply is late.")] = False,
    as_csv: CsvOpt = False,
    as_json: JsonOpt = False,
    today: TodayOpt = None,
    db: DbOpt = None,
) -> None:
    """Every filing: filed, registered, due, working days left or overdue, and its status."""
    from ..register import filings

    with user_errors(ctx):
        if as_json:
            _json(filings.standings(db=db, today=_today(today), overdue=overdue), db)
        else:
            _table(as_csv, "no filings" + (" overdue" if overdue else "") + " in the register",
                   db=db, today=_today(today), overdue=overdue)


@app.command()
def due(
    ctx: typer.Context,
    within: Annotated[int, typer.Option("--within", help="Working days ahead.")] = 5,
    as_csv: CsvOpt = False,
    as_json: JsonOpt = False,
    today: TodayOpt = None,
    db: DbOpt = None,
) -> None:
    """The filings still waiting whose reply falls due in the next N working days (`status --overdue`: the late)."""
    from ..register import filings

    with user_errors(ctx):
        if as_json:
            _json(filings.due_within(within, db=db, today=_today(today)), db)
        else:
            _table(as_csv, f"nothing falls due in the next {within} working days",
                   db=db, today=_today(today), within=within)


@app.command()
def remind(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the follow-up letters.")] = Path("reminders"),
    grace: Annotated[int, typer.Option("--grace", help="Working days a reminder is left unanswered before the "
                                       "letter to the Prosecutor's office is written (a later run writes it).")] = 5,
    format_: Annotated[str, typer.Option("--format", help="docx, pdf, txt, md, html, eml (comma-separated).")] = "docx",
    date_: Annotated[str | None, typer.Option("--date", help=f"The letters' date, {DAY_FORMS} (default: today in "
                                                 "Kazakhstan).")] = None,
    db: DbOpt = None,
) -> None:
    """For every overdue filing, a reminder to the authority; once a reminder has gone unanswered for the grace
    period, the letter to the prosecutor (on a later run: never both at once)."""
    from ..register import remind as followups

    written: list[str] = []

    def show(line: str) -> None:
        written.append(line)
        err.print(line, markup=False)

    with user_errors(ctx):
        result = followups.remind(out=out_dir, grace=grace, formats=split(format_) or ["docx"],
                                  letter_date=parse_date(date_), db=db, progress=show)
    for line in result.waiting:
        err.print(f"waiting: {line}", markup=False)
    if not result.letters and result.waiting:
        err.print("nothing new to write", markup=False)
    elif not result.letters:
        err.print("no filing is overdue: nothing to write", markup=False)
    else:
        late = "1 overdue filing" if result.filings == 1 else f"{result.filings} overdue filings"
        err.print(f"{result.letters} follow-up letters written into {out_dir} for {late}", markup=False)
    for problem in result.problems:
        err.print(f"error: {problem}", markup=False)
    raise typer.Exit(1 if result.problems else 0)

