"""`new`: the wizard that writes a case file, or takes its fields from JSON. It parses, calls the library, prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import CaseError, Problem
from ..layout import shown
from .common import app, err, print_problem, user_errors


def _ask(prompt: str, default: str) -> str:
    if not prompt:  # a further line of a text of several lines
        return str(typer.prompt("", default="", show_default=False, prompt_suffix="", err=True))
    return str(typer.prompt(prompt, default=default, show_default=bool(default), err=True))


def _tell(text: str) -> None:
    err.print(text, markup=False, highlight=False)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        if problem.line > 0:
            print_problem(problem)
        else:  # no line to point at (a file that cannot be read): FILE: error: FIELD: message
            where = f"{problem.field}: " if problem.field else ""
            err.print(f"{problem.file}: {problem.severity}: {where}{problem.message}", markup=False)


@app.command()
def new(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="The folder the case file goes in (its complaints.yaml "
                                          "is the nearest one above it).")] = Path("cases"),
    from_json: Annotated[Path | None, typer.Option("--from-json", help="Take the fields from this JSON object "
                                                   "(the case file's names) instead of asking; - reads stdin.")] = None,
) -> None:
    """Write a new case file: asks for each field in turn, checks each answer, and validates the file it writes.

    With --from-json FILE, no questions: each problem is printed as FILE:LINE:COLUMN: error: FIELD: message, nothing written.
    """
    from ..case.read import load_case
    from ..intake import fromjson, wizard

    with user_errors(ctx, writing=out_dir, names={"source": "from_json"}):
        try:
            if from_json is not None:
                path = fromjson.case_from_json(from_json, out_dir)
            else:
                path = wizard.Interview(out_dir, _ask, _tell).run()
        except typer.Abort:
            err.print(wizard.wording().stopped, markup=False)
            raise typer.Exit(1) from None
        except CaseError as exc:
            _print_problems(exc.problems)
            err.print("nothing written", markup=False)
            raise typer.Exit(1) from None
    try:
        case = load_case(path)
    except CaseError as exc:  # pragma: no cover - checked before it was put in place
        _print_problems(exc.problems)
        raise typer.Exit(1) from None
    for problem in case.warnings:
        print_problem(problem)
    err.print(wizard.fill(wizard.wording().written, path=shown(path)), markup=False)
