"""The `new` wizard and the `evidence` check. Each parses, calls the library, prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cli import PathsArg, _print_problem, app, err, out, user_errors
from .errors import CaseError
from .layout import find_case_files, shown


def _ask(prompt: str, default: str) -> str:
    if not prompt:  # a further line of a text of several lines
        return str(typer.prompt("", default="", show_default=False, prompt_suffix="", err=True))
    return str(typer.prompt(prompt, default=default, show_default=bool(default), err=True))


def _tell(text: str) -> None:
    err.print(text, markup=False, highlight=False)


def _print_problems(problems: list, describe: object) -> None:
    for problem in problems:
        if problem.line > 0:
            _print_problem(problem)
        else:
            err.print(describe(problem), markup=False)  # type: ignore[operator]


@app.command()
def new(
    out_dir: Annotated[Path, typer.Option("--out", help="The folder the case file goes in (its complaints.yaml "
                                          "is the nearest one above it).")] = Path("cases"),
    from_json: Annotated[Path | None, typer.Option("--from-json", help="Take the fields from this JSON object "
                                                   "(the case file's names) instead of asking; - reads stdin.")] = None,
) -> None:
    """Write a new case file: asks for each field in turn, checks each answer, and validates the file it writes.

    With --from-json FILE, no questions: each problem is printed as FILE:LINE:COLUMN: error: FIELD: message, nothing written.
    """
    from . import wizard
    from .cases import load_case

    with user_errors(writing=out_dir):
        try:
            if from_json is not None:
                path = wizard.case_from_json(from_json, out_dir)
            else:
                path = wizard.Interview(out_dir, _ask, _tell).run()
        except typer.Abort:
            err.print(wizard.wording().stopped, markup=False)
            raise typer.Exit(1) from None
        except CaseError as exc:
            _print_problems(exc.problems, wizard.describe)
            err.print("nothing written", markup=False)
            raise typer.Exit(1) from None
    try:
        case = load_case(path)
    except CaseError as exc:  # pragma: no cover - checked before it was put in place
        _print_problems(exc.problems, wizard.describe)
        raise typer.Exit(1) from None
    for problem in case.warnings:
        _print_problem(problem)
    err.print(wizard.fill(wizard.wording().written, path=shown(path)), markup=False)


@app.command()
def evidence(
    paths: PathsArg,
    letters: Annotated[Path | None, typer.Option("--letters", help="The letters' folder, whose manifest.json "
                                                 "says what each letter was made with (default: letters).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The register (default: complaints.db beside each case's "
                                            "complaints.yaml, where there is one).")] = None,
) -> None:
    """Report evidence files changed, vanished or appeared since the letters were rendered or filed.

    One line per finding (CASE_FILE: changed|vanished|appeared: PATH …) and a summary; exit status 0 if all is as it was.
    """
    from .evidence import check_evidence, summary

    with user_errors():
        findings = check_evidence(paths, letters=letters, db=db)
    for finding in findings:
        if finding.is_change or finding.kind == "error":
            out.print(str(finding), markup=False, highlight=False)
        elif finding.kind == "unchecked":
            err.print(str(finding), markup=False, highlight=False)
    err.print(summary(findings, cases=len(find_case_files(paths))), markup=False)
    raise typer.Exit(1 if any(f.is_change or f.kind == "error" for f in findings) else 0)
