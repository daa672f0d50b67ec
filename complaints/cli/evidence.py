"""`evidence`: the evidence files against what the letters were made with. It parses, calls the library, prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..layout import find_case_files
from .common import PathsArg, app, err, fail_usage, out, user_errors


@app.command()
def evidence(
    ctx: typer.Context,
    paths: PathsArg,
    letters: Annotated[Path | None, typer.Option("--letters", help="The letters' folder, whose manifest.json "
                                                 "says what each letter was made with (default: letters).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The register (default: complaints.db beside each case's "
                                            "complaints.yaml, where there is one).")] = None,
    verify: Annotated[bool, typer.Option("--verify", help="Check every hash the case files and capture records "
                                         "state, and every timestamp token against its record and the trusted "
                                         "certificates (complaints.yaml's timestamping: and the system's), "
                                         "instead of comparing with the letters.")] = False,
) -> None:
    """Report evidence files changed, vanished or appeared since the letters were rendered or filed; with
    --verify, files changed or missing and timestamp tokens invalid or not trusted.

    One line per finding (CASE_FILE: changed|vanished|appeared: PATH …) and a summary; exit status 0 if all is as it was.
    """
    if verify:
        if letters is not None or db is not None:
            fail_usage(f"{'--letters' if letters is not None else '--db'}: --verify checks hashes and tokens,"
                       " not the letters; give one or the other")
        _verify(ctx, paths)
        return
    from ..evidence.compare import check_evidence, summary

    with user_errors(ctx):
        findings = check_evidence(paths, letters=letters, db=db)
    for finding in findings:
        if finding.is_change or finding.kind == "error":
            out.print(str(finding), markup=False, highlight=False)
        elif finding.kind == "unchecked":
            err.print(str(finding), markup=False, highlight=False)
    err.print(summary(findings, cases=len(find_case_files(paths))), markup=False)
    raise typer.Exit(1 if any(f.is_change or f.kind == "error" for f in findings) else 0)


def _verify(ctx: typer.Context, paths: list[str]) -> None:
    from ..evidence.verify import cases_checked, summary, verify_evidence

    with user_errors(ctx):
        findings = verify_evidence(paths)
        cases = cases_checked(paths)
    for finding in findings:
        if finding.is_problem:
            out.print(str(finding), markup=False, highlight=False)
        elif finding.kind == "unstamped":
            err.print(str(finding), markup=False, highlight=False)
    err.print(summary(findings, cases), markup=False)
    raise typer.Exit(1 if any(f.is_problem for f in findings) else 0)
