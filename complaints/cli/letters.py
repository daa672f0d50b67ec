"""The letters' commands: validate, render, norms, schema. Each parses, calls the library, prints."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..counts import counted, rate
from ..errors import DataError, UsageError
from ..layout import LANGUAGES
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
    print_problem,
    split,
    user_errors,
)

if TYPE_CHECKING:
    from ..batch import run as batch

norms_app = typer.Typer(help="The norms catalogue: the laws a case can cite.", invoke_without_command=True)
app.add_typer(norms_app, name="norms")


def _print_problems(report: batch.ValidationReport, quiet: bool) -> None:
    for problem in report.project_problems:
        if problem.is_error or not quiet:
            print_problem(problem)
    for result in report.results:
        for problem in result.problems:
            if problem.is_error or not quiet:
                print_problem(problem)


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
        from ..batch import run as batch
        from ..case import law

        law.check_data()
        report = batch.validate_paths(paths, languages=split(lang), project=project, letter_date=parse_date(date_))
    except UsageError as exc:
        fail_usage(str(exc))
        return
    except DataError as exc:
        data_broken(exc)
    _print_problems(report, quiet)
    total = len(report.results)
    bad = len(report.failed)
    problems = [p for r in report.results for p in r.problems] + report.project_problems
    warnings = sum(1 for p in problems if not p.is_error)
    if not quiet:
        line = f"{counted(total, 'case file')} checked: {total - bad} valid, {bad} with errors, " + counted(
            warnings, "warning")
        broken = dict.fromkeys(p.file for p in report.project_problems if p.is_error)
        if broken:
            line += f"; the project file {', '.join(broken)} has errors"
        err.print(line, markup=False)
    raise typer.Exit(report.exit_code)


def _bar() -> Any:
    """The progress bar of a render on a terminal (Rich's, imported only then: 15 ms a run without it)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class LettersPerSecond(ProgressColumn):
        """Letters written per second so far."""

        def render(self, task: Task) -> Text:
            letters = task.fields.get("letters", 0)
            return Text(rate(letters, task.elapsed or 0))

    return Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), LettersPerSecond(),
                    TimeRemainingColumn(), console=err, transient=True)


@app.command()
def render(
    ctx: typer.Context,
    paths: PathsArg,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the letters.")] = Path("letters"),
    lang: LangOpt = None,
    format_: Annotated[str, typer.Option("--format", help="Output formats, comma-separated: docx, pdf (with its "
                                         "docx), txt, md, html, eml.")] = "docx",
    pdfa: Annotated[bool, typer.Option("--pdfa", help="Write PDF letters as PDF/A-2b, for archiving.")] = False,
    group_by: Annotated[str | None, typer.Option("--group-by", help="One letter per outlet about all its "
                                                    "comments: --group-by outlet.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Processes that render in parallel "
                                                   "(default: the CPU count; at most 2 per CPU, and no more than "
                                                   "the cases).")] = None,
    date_: DateOpt = None,
    project: ProjectOpt = None,
    templates: Annotated[Path | None, typer.Option("--templates", help="A folder of your own letter "
                                                      "templates (<lang>/letter.docx).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Render every letter, even those already up to "
                                        "date.")] = False,
    final: Annotated[bool, typer.Option("--final", help="Letters to sign: a case with anything `complaints check` "
                                        "lists gets no letter (it fails with its findings); the others are "
                                        "written.")] = False,
    quiet: QuietOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest to stdout instead of a summary.")] = False,
) -> None:
    """Validate and render every case into OUT/<id>/<id>.<lang>.<format>, with OUT/manifest.json and .csv.

    Letters already up to date (same case, project, templates, law, wording, tool version and date)
    are not rendered again. Ctrl-C stops cleanly: run the same command again to finish.
    """
    letter_date = parse_date(date_)
    try:
        from ..batch import run as batch

        listed = [str(found) for found in batch.find_case_files(paths)]  # as text: smaller, for the whole run
        total = len(listed)
    except UsageError as exc:
        fail_usage(str(exc))
        return
    talk = not quiet and not as_json
    counts = {"cases": 0, "letters": 0}
    clock = time.monotonic()
    last = [clock]

    def show(event: batch.CaseEvent) -> None:
        for problem in event.problems:
            if problem.is_error or not quiet:
                print_problem(problem)
        if not quiet:  # the warnings of letters up to date, as they were told when the letters were made
            for told in event.told:
                err.print(told, markup=False, highlight=False)
        counts["cases"] += 1
        counts["letters"] += event.letters

    def plain(event: batch.CaseEvent) -> None:
        show(event)
        now = time.monotonic()
        if talk and (total <= 20 or now - last[0] >= 5 or counts["cases"] == total):
            last[0] = now
            speed = rate(counts["letters"], now - clock)
            line = f"{event.status}: {event.source}" if total <= 20 else (
                f"{counts['cases']}/{total} cases, {counted(counts['letters'], 'letter')} written"
                + (f", {speed}" if speed else ""))
            err.print(line, markup=False, highlight=False)

    def run(progress: batch.Progress) -> batch.BatchResult:
        return batch.render_batch(paths, out=out_dir, languages=split(lang), formats=split(format_) or [],
                                  letter_date=letter_date, project=project, templates=templates, workers=workers,
                                  force=force, pdfa=pdfa, group_by=group_by, progress=progress, final=final,
                                  listed=listed)

    with user_errors(ctx, writing=out_dir):
        try:
            _check_data()
            if talk and err.is_terminal and total > 3:
                with _bar() as bar:
                    task = bar.add_task("render", total=total, letters=0)

                    def live(event: batch.CaseEvent) -> None:
                        show(event)
                        bar.update(task, advance=1, letters=counts["letters"])

                    result = run(live)
            else:
                result = run(plain)
        except KeyboardInterrupt:
            err.print(f"interrupted after {counts['cases']} of {total} cases: every letter written is whole and"
                      f" listed in {out_dir}/manifest.json; run the same command again to finish.", markup=False)
            raise typer.Exit(130) from None

    if not total:  # told by no case: the project file's own problems
        for problem in result.project_problems:
            if problem.is_error or not quiet:
                print_problem(problem)
    for message in result.errors:
        err.print(message, markup=False)
    if not quiet:
        for message in result.notes:
            err.print(message, markup=False)
    if as_json:
        sys.stdout.write((out_dir / "manifest.json").read_text(encoding="utf-8"))
    elif not quiet:
        _removed(result.removed, out_dir)
        err.print(_summary(result, time.monotonic() - clock, out_dir), markup=False)
    if not quiet and not as_json and not final:
        lines = _before_signing(paths, out_dir, project, split(lang), letter_date)
        if result.exit_code == 0:  # kept with the run's summary, for the next run with nothing to do to print
            from ..batch.unchanged import reviewed

            reviewed(out_dir, lines)
    raise typer.Exit(result.exit_code)


def _summary(result: batch.BatchResult, seconds: float, out_dir: Path) -> str:
    """The last line of `render`: files and letters apart (a letter is one language's letter of a case, or of an
    outlet's cases; its files are its formats), then what was not written, and the warnings told above."""
    if result.files:
        speed = rate(result.letters, seconds)
        made = (f"{counted(result.files, 'file')} written for {counted(result.letters, 'letter')} of "
                f"{counted(result.rendered, 'outlet' if result.grouped else 'case')}" + (f" ({speed})" if speed else ""))
    else:
        made = "no letter written"
    see = f" See {out_dir}/manifest.csv" if (out_dir / "manifest.csv").is_file() else ""
    broken = dict.fromkeys(p.file for p in result.project_problems if p.is_error)
    project = f"; the project file {', '.join(broken)} has errors" if broken else ""
    return (f"{made}, {counted(result.unchanged, 'case')} unchanged, {result.failed} failed, "
            f"{counted(result.warnings, 'warning')}{project}.{see}")


def _removed(paths: list[str], out_dir: Path, shown: int = 20) -> None:
    """The files of earlier letters that this run deleted (it no longer makes them), one line per letter's folder;
    past `shown` folders, a count (manifest.json lists them all, under "removed")."""
    folders: dict[str, list[str]] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        folders.setdefault(folder, []).append(name)
    for n, (folder, names) in enumerate(folders.items()):
        if n == shown:
            rest = sum(len(each) for each in list(folders.values())[shown:])
            err.print(f"removed {counted(rest, 'more file')} of earlier letters in"
                      f" {counted(len(folders) - shown, 'more folder')} (listed under \"removed\" in"
                      f" {out_dir}/manifest.json)", markup=False)
            break
        err.print(f"removed from {out_dir}/{folder}: {', '.join(names)} (earlier letters this run no longer makes,"
                  " which would disagree with the new ones)", markup=False)



def _before_signing(paths: list[str], out_dir: Path, project: Path | None, languages: list[str] | None,
                    letter_date: date | None) -> list[str]:
    """After a render, what `check` finds, told in a few lines however large the batch: the findings themselves
    when they are few, else how many of each kind, and the command that lists them; the lines printed."""
    import shlex

    from ..review import check_paths
    from ..review.findings import counts

    try:
        report = check_paths(paths, letters=out_dir, project=project, languages=languages, letter_date=letter_date)
    except (UsageError, DataError):
        return []
    findings = report.findings
    if not findings:
        return []
    command = "complaints check " + " ".join(shlex.quote(p) for p in paths) + (
        f" --letters {shlex.quote(str(out_dir))}" if out_dir != Path("letters") else "")
    waiting = sum(1 for c in report.cases if c.readable and report.of(c))
    lines = [str(finding.problem("warning")) for finding in findings] if len(findings) <= _FEW else []
    n = len(findings)
    lines.append(f"before signing: {counted(n, 'thing')} to look at in the letters of {counted(waiting, 'case')}"
                 f" ({counts(findings)}); `{command}` lists them, and `render --final` writes only letters with none")
    for line in lines:
        err.print(line, markup=False)
    return lines


_FEW = 5  # findings told one by one after a render; more are counted


@norms_app.callback()
def norms(
    ctx: typer.Context,
    lang: Annotated[str, typer.Option("--lang", help="Language of the citations.")] = "en",
) -> None:
    """List the norms catalogue: id, citation, in force from/until."""
    if lang not in LANGUAGES:
        fail_usage(f"--lang must be one of {', '.join(LANGUAGES)}")
    ctx.obj = lang
    if ctx.invoked_subcommand is not None:
        return
    from ..case import law
    from ..letter.phrases import pick

    _check_data()
    for n in law.catalogue().values():
        start = n.in_force.from_.isoformat() if n.in_force.from_ else "…"
        until = n.in_force.until.isoformat() if n.in_force.until else "now"
        mark = "" if n.in_force.confirmed else " (dates unconfirmed)"
        link = n.replaced_by
        replaced = (f"\n  replaced by {link.norm} on {link.on}{'' if link.confirmed else ' (date unconfirmed)'}"
                    if link else "")
        out.print(f"{n.id}\n  {pick(n.citation, lang)}\n  in force {start} – {until}{mark}{replaced}", markup=False)


@norms_app.command("show")
def norms_show(
    ctx: typer.Context,
    norm_id: Annotated[str, typer.Argument(metavar="ID", help="A norm id from `complaints norms`.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Language of the citation.")] = None,
) -> None:
    """One norm in full, with its source and the date it was checked."""
    language = lang or ctx.obj or "en"
    if language not in LANGUAGES:
        fail_usage(f"--lang must be one of {', '.join(LANGUAGES)}")
    from ..case import law
    from ..letter.phrases import pick

    _check_data()
    try:
        n = law.norm(norm_id)
    except KeyError:
        fail_usage(f"no norm '{norm_id}' in the catalogue; `complaints norms` lists them")
        return
    start = n.in_force.from_.isoformat() if n.in_force.from_ else "…"
    until = n.in_force.until.isoformat() if n.in_force.until else "now"
    text = pick(n.text, language)
    lines = [
        n.id,
        f"citation ({language}): {pick(n.citation, language)}",
        f"in force:      {start} – {until}" + ("" if n.in_force.confirmed else " (dates unconfirmed: check the source)"),
        f"text:          {text if text else 'not quoted (wording unconfirmed; the letter cites it by number)'}",
        f"article:       {n.article or 'none: cited by title, number and date only'}",
        f"source:        {n.source}",
        f"checked:       {n.checked.isoformat()}",
    ]
    link = n.replaced_by
    if link:
        lines.append(f"replaced by:   {link.norm} on {link.on}"
                     + ("" if link.confirmed else f" (date unconfirmed: {link.unconfirmed})")
                     + f"; source {link.source}, checked {link.checked.isoformat()}")
    if n.unconfirmed:
        lines.append(f"unconfirmed:   {n.unconfirmed}")
    if n.note:
        lines.append(f"note:          {n.note}")
    out.print("\n".join(lines), markup=False)


def _check_data() -> None:
    """The tool's data files (norms, authorities) read before anything uses them; a broken one exits here, located."""
    from ..case import law

    try:
        law.check_data()
    except DataError as exc:
        data_broken(exc)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the case format (for editors that check YAML as you type)."""
    from ..case.schema import case_schema

    sys.stdout.write(json.dumps(case_schema(), ensure_ascii=False, indent=2) + "\n")
