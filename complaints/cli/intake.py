"""The intake commands: `import` (cases from a monitoring spreadsheet). Each parses, calls the library, prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import QuietOpt, app, err, print_problem, user_errors

if TYPE_CHECKING:
    from ..intake.importer import ImportResult


@app.command("import")
def import_(
    ctx: typer.Context,
    sheet: Annotated[Path, typer.Argument(help="The monitoring spreadsheet: .xlsx, or .csv with , ; tab or | between "
                                          "columns (UTF-8 or Windows-1251).", metavar="SHEET", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the case files, one <id>.yaml per row.",
                                          show_default=False)],
    mapping: Annotated[Path | None, typer.Option("--map", help="A YAML file naming the columns of a sheet laid out "
                                                 "differently (the form of complaints/data/import-map.yaml).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Refresh case files that exist already: only the fields "
                                         "that come from the sheet change; your own edits and comments stay.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Turn a monitoring spreadsheet into case files: one commented <id>.yaml per row, checked as `validate` does.

    Columns are found by their headers in Russian, Kazakh or English (see complaints/data/import-map.yaml).
    Every bad row is reported as SHEET:ROW:COLUMN: error: FIELD: message and nothing is written for it; the
    good rows are still imported. Importing the same sheet again changes nothing.
    """
    from ..intake import importer as intake

    with user_errors(ctx, writing=out_dir):
        if err.is_terminal and not quiet:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                          console=err, transient=True) as bar:
                task = bar.add_task("import", total=None)
                result = intake.import_sheet(sheet, out_dir, mapping=mapping, update=update,
                                             progress=lambda done, total: bar.update(task, completed=done, total=total))
        else:
            result = intake.import_sheet(sheet, out_dir, mapping=mapping, update=update)

    for problem in result.problems:
        print_problem(problem)
    if not quiet:
        for note in result.notes:
            err.print(f"note: {note}", markup=False)
        err.print(describe(result), markup=False)
    raise typer.Exit(result.exit_code)


def describe(result: ImportResult) -> str:
    """The one-line summary of an import, for people."""
    from ..intake.sheets import DELIMITERS
    from ..layout import shown

    how = ""
    if result.encoding:
        how = f" ({result.encoding}, {DELIMITERS.get(result.delimiter or ',', repr(result.delimiter))}-separated)"
    rows = "1 row" if result.rows == 1 else f"{result.rows} rows"
    return (f"{shown(result.sheet)}{how}: {rows}: {result.written} new, {result.updated} updated,"
            f" {result.unchanged} unchanged, {result.skipped} skipped because they exist (use --update),"
            f" {result.failed} failed. Case files in {shown(result.out)}/")
