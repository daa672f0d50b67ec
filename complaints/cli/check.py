"""`check`: what a letter's signer must look at before signing. Parses, calls the library, prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import DataError, UsageError
from .common import (
    DateOpt,
    LangOpt,
    PathsArg,
    ProjectOpt,
    QuietOpt,
    app,
    data_broken,
    err,
    fail_usage,
    out,
    parse_date,
    say,
    split,
)


@app.command()
def check(
    paths: PathsArg,
    letters: Annotated[Path | None, typer.Option("--letters", help="The folder the letters were rendered into, "
                                                    "to compare with (default: letters).")] = None,
    lang: LangOpt = None,
    project: ProjectOpt = None,
    date_: DateOpt = None,
    quiet: QuietOpt = False,
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="Read each comment's screenshot (Tesseract) and say "
                                      "where the comment's text is not in it (default: on where Tesseract is "
                                      "installed).")] = True,
) -> None:
    """Before you sign: list, per case, every placeholder, unconfirmed detail, wrong-script text, lost letter,
    untranslated text, out-of-force norm, changed evidence, screenshot without the comment's text and stale letter,
    as FILE:LINE:COLUMN: KIND: FIELD: what to do. Exit status 1 if there is anything to look at."""
    from ..review import check_paths, summary

    try:
        report = check_paths(paths, letters=letters, project=project, languages=split(lang),
                             letter_date=parse_date(date_), ocr=ocr)
    except UsageError as exc:
        fail_usage(str(exc))
        return
    except DataError as exc:
        data_broken(exc)
    for findings in report.projects.values():
        for finding in findings:
            say(out, str(finding))
    for case in report.cases:
        for problem in case.problems:
            say(out, str(problem))
        for finding in case.findings:
            say(out, str(finding))
    if not quiet:
        for note in report.notes:
            err.print(f"note: {note}", markup=False, highlight=False)
        err.print(summary(report), markup=False)
    raise typer.Exit(report.exit_code)
