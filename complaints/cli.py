"""The `complaints` command: parse the options, call the library, print the outcome."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .errors import ComplaintsError, DataError, Problem, UsageError
from .layout import LANGUAGES

if TYPE_CHECKING:
    from . import batch

app = typer.Typer(
    help="Formal complaint letters to the Ministry of Culture and Information of Kazakhstan, from YAML case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
norms_app = typer.Typer(help="The norms catalogue: the laws a case can cite.", invoke_without_command=True)
app.add_typer(norms_app, name="norms")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

PathsArg = Annotated[list[str], typer.Argument(help="Case files, folders (searched for *.yaml) or globs.",
                                               show_default=False)]
LangOpt = Annotated[Optional[str], typer.Option("--lang", help="Letter languages, e.g. kk,ru,en "
                                                "(default: the project file's, else all three).")]
ProjectOpt = Annotated[Optional[Path], typer.Option("--project", help="Use this complaints.yaml for every case "
                                                    "(default: the nearest one above each case).")]
DateOpt = Annotated[Optional[str], typer.Option("--date", help="The letters' date, YYYY-MM-DD "
                                                "(default: today in Kazakhstan).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]


def _fail_usage(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True)
    raise typer.Exit(2)


@contextmanager
def user_errors(writing: Path | None = None) -> Iterator[None]:
    """A user's mistake is a message and an exit status (2 for bad usage, 1 otherwise), never a traceback;
    `writing`: the folder being written, named when the disk refuses."""
    try:
        yield
    except UsageError as exc:
        _fail_usage(str(exc))
    except ComplaintsError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    except OSError as exc:
        if writing is None:
            raise
        err.print(f"error: cannot write to {writing}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(1) from None


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail_usage(f"--date '{value}' is not a date; write it as YYYY-MM-DD")
    return None  # pragma: no cover


def _print_problem(problem: Problem) -> None:
    colour = "red" if problem.is_error else "yellow"
    text = str(problem)
    head = f"{problem.file}:{problem.line}:{problem.column}: "
    err.print(head, end="", markup=False)
    err.print(f"[{colour}]{problem.severity}:[/{colour}]", end="", markup=True)
    err.print(text[len(head) + len(problem.severity) + 1:], markup=False)


def _print_problems(report: batch.ValidationReport, quiet: bool) -> None:
    for problem in report.project_problems:
        if problem.is_error or not quiet:
            _print_problem(problem)
    for result in report.results:
        for problem in result.problems:
            if problem.is_error or not quiet:
                _print_problem(problem)


@app.command()
def validate(
    paths: PathsArg,
    lang: LangOpt = None,
    project: ProjectOpt = None,
    date_: DateOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check case files and print every problem as FILE:LINE:COLUMN: error: FIELD: message."""
    try:
        from . import batch

        report = batch.validate_paths(paths, languages=_split(lang), project=project, letter_date=_parse_date(date_))
    except UsageError as exc:
        _fail_usage(str(exc))
        return
    except DataError as exc:
        err.print(f"error: the tool's own data is broken:\n{exc}", markup=False)
        raise typer.Exit(1) from None
    _print_problems(report, quiet)
    total = len(report.results)
    bad = len(report.failed)
    warnings = sum(1 for r in report.results for p in r.problems if not p.is_error)
    if not quiet:
        word = "file" if total == 1 else "files"
        err.print(f"{total} case {word} checked: {total - bad} valid, {bad} with errors, {warnings} warnings",
                  markup=False)
    raise typer.Exit(report.exit_code)


class _LettersPerSecond(ProgressColumn):
    """Letters written per second so far."""

    def render(self, task: Task) -> Text:
        letters = task.fields.get("letters", 0)
        elapsed = task.elapsed or 0
        return Text(f"{letters / elapsed:,.0f} letters/s" if elapsed > 0 and letters else "")


@app.command()
def render(
    paths: PathsArg,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the letters.")] = Path("letters"),
    lang: LangOpt = None,
    format_: Annotated[str, typer.Option("--format", help="Output formats, comma-separated: docx, pdf (with its "
                                         "docx), txt, md, html, eml.")] = "docx",
    pdfa: Annotated[bool, typer.Option("--pdfa", help="Write PDF letters as PDF/A-2b, for archiving.")] = False,
    group_by: Annotated[Optional[str], typer.Option("--group-by", help="One letter per outlet about all its "
                                                    "comments: --group-by outlet.")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Processes that render in parallel "
                                                   "(default: the CPU count).")] = None,
    date_: DateOpt = None,
    project: ProjectOpt = None,
    templates: Annotated[Optional[Path], typer.Option("--templates", help="A folder of your own letter "
                                                      "templates (<lang>/letter.docx).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Render every letter, even those already up to "
                                        "date.")] = False,
    quiet: QuietOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest to stdout instead of a summary.")] = False,
) -> None:
    """Validate and render every case into OUT/<id>/<id>.<lang>.<format>, with OUT/manifest.json and .csv.

    Letters already up to date (same case, project, templates, law, wording, tool version and date)
    are not rendered again. Ctrl-C stops cleanly: run the same command again to finish.
    """
    letter_date = _parse_date(date_)
    try:
        from . import batch

        total = len(batch.find_case_files(paths))
    except UsageError as exc:
        _fail_usage(str(exc))
        return
    talk = not quiet and not as_json
    counts = {"cases": 0, "letters": 0}
    clock = time.monotonic()
    last = [clock]

    def show(event: batch.CaseEvent) -> None:
        for problem in event.problems:
            if problem.is_error or not quiet:
                _print_problem(problem)
        counts["cases"] += 1
        counts["letters"] += event.letters

    def plain(event: batch.CaseEvent) -> None:
        show(event)
        now = time.monotonic()
        if talk and (total <= 20 or now - last[0] >= 5 or counts["cases"] == total):
            last[0] = now
            rate = counts["letters"] / (now - clock) if now > clock else 0
            line = f"{event.status}: {event.source}" if total <= 20 else (
                f"{counts['cases']}/{total} cases, {counts['letters']} letters written, {rate:,.0f} letters/s")
            err.print(line, markup=False, highlight=False)

    options = dict(out=out_dir, languages=_split(lang), formats=_split(format_) or [], letter_date=letter_date,
                   project=project, templates=templates, workers=workers, force=force, pdfa=pdfa,
                   group_by=group_by)
    with user_errors(writing=out_dir):
        try:
            if talk and err.is_terminal and total > 3:
                with Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), _LettersPerSecond(),
                              TimeRemainingColumn(), console=err, transient=True) as bar:
                    task = bar.add_task("render", total=total, letters=0)

                    def live(event: batch.CaseEvent) -> None:
                        show(event)
                        bar.update(task, advance=1, letters=counts["letters"])

                    result = batch.render_batch(paths, progress=live, **options)
            else:
                result = batch.render_batch(paths, progress=plain, **options)
        except KeyboardInterrupt:
            err.print(f"interrupted after {counts['cases']} of {total} cases: every letter written is whole and"
                      f" listed in {out_dir}/manifest.json; run the same command again to finish.", markup=False)
            raise typer.Exit(130) from None

    for message in result.errors:
        err.print(message, markup=False)
    if not quiet:
        for message in result.notes:
            err.print(message, markup=False)
    if as_json:
        sys.stdout.write((out_dir / "manifest.json").read_text(encoding="utf-8"))
    elif not quiet:
        seconds = time.monotonic() - clock
        err.print(f"{result.letters} letters written for {result.rendered}"
                  f" {'outlets' if result.grouped else 'cases'}"
                  f" ({result.letters / seconds:,.0f} letters/s), {result.unchanged} cases unchanged,"
                  f" {result.failed} failed, {result.warnings} warnings. See {out_dir}/manifest.csv", markup=False)
    raise typer.Exit(result.exit_code)


@norms_app.callback()
def norms(
    ctx: typer.Context,
    lang: Annotated[str, typer.Option("--lang", help="Language of the citations.")] = "en",
) -> None:
    """List the norms catalogue: id, citation, in force from/until."""
    if lang not in LANGUAGES:
        _fail_usage(f"--lang must be one of {', '.join(LANGUAGES)}")
    ctx.obj = lang
    if ctx.invoked_subcommand is not None:
        return
    from . import law
    from .letter import pick

    for n in law.catalogue().values():
        start = n.in_force.from_.isoformat() if n.in_force.from_ else "…"
        until = n.in_force.until.isoformat() if n.in_force.until else "now"
        mark = "" if n.in_force.confirmed else " (dates unconfirmed)"
        out.print(f"{n.id}\n  {pick(n.citation, lang)}\n  in force {start} – {until}{mark}", markup=False)


@norms_app.command("show")
def norms_show(
    ctx: typer.Context,
    norm_id: Annotated[str, typer.Argument(metavar="ID", help="A norm id from `complaints norms`.")],
    lang: Annotated[Optional[str], typer.Option("--lang", help="Language of the citation.")] = None,
) -> None:
    """One norm in full, with its source and the date it was checked."""
    language = lang or ctx.obj or "en"
    if language not in LANGUAGES:
        _fail_usage(f"--lang must be one of {', '.join(LANGUAGES)}")
    from . import law
    from .letter import pick

    try:
        n = law.norm(norm_id)
    except KeyError:
        _fail_usage(f"no norm '{norm_id}' in the catalogue; `complaints norms` lists them")
        return
    start = n.in_force.from_.isoformat() if n.in_force.from_ else "…"
    until = n.in_force.until.isoformat() if n.in_force.until else "now"
    text = pick(n.text, language)
    lines = [
        n.id,
        f"citation ({language}): {pick(n.citation, language)}",
        f"in force:      {start} – {until}" + ("" if n.in_force.confirmed else " (dates unconfirmed: check the source)"),
        f"text:          {text if text else 'not quoted (wording unconfirmed; the letter cites it by number)'}",
        f"source:        {n.source}",
        f"checked:       {n.checked.isoformat()}",
    ]
    if n.note:
        lines.append(f"note:          {n.note}")
    out.print("\n".join(lines), markup=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the case format (for editors that check YAML as you type)."""
    from .schema import case_schema

    sys.stdout.write(json.dumps(case_schema(), ensure_ascii=False, indent=2) + "\n")


from . import cli_intake, cli_new, cli_register  # noqa: E402,F401 - import; new, evidence; the register's commands


def main() -> None:
    """Console entry point."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app()


if __name__ == "__main__":  # pragma: no cover - `python -m complaints.cli`: the commands live on the imported module
    from complaints.cli import main as _main

    _main()
