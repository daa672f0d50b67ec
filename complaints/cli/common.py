"""What every command shares: the application, the consoles, the common options, and how a user's mistake
becomes a message and an exit status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from ..case.when import parse_day
from ..errors import ComplaintsError, Problem, UsageError

app = typer.Typer(
    help="Formal complaint letters to the Ministry of Culture and Information of Kazakhstan, from YAML case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help and usage errors: what cli/plainhelp.py answers before Typer is imported
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

PathsArg = Annotated[list[str], typer.Argument(help="Case files, folders (searched for *.yaml) or globs.",
                                               show_default=False)]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Letter languages, e.g. kk,ru,en "
                                                "(default: the project file's, else all three).")]
ProjectOpt = Annotated[Path | None, typer.Option("--project", help="Use this complaints.yaml for every case "
                                                    "(default: the nearest one above each case).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="The letters' date, YYYY-MM-DD or DD.MM.YYYY "
                                                "(default: today in Kazakhstan).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]


def fail_usage(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True)
    raise typer.Exit(2)


def data_broken(exc: Exception) -> NoReturn:
    """A data file of the tool itself (norms, authorities) that cannot be used: its located problems, exit 1."""
    err.print(f"error: the tool's own data is broken:\n{exc}", markup=False)
    raise typer.Exit(1) from None


@contextmanager
def user_errors(ctx: typer.Context, writing: Path | None = None, names: dict[str, str] | None = None) -> Iterator[None]:
    """A user's mistake is a message and an exit status (2 for bad usage, 1 otherwise), never a traceback;
    `ctx`: the running command, whose flag is named where the user typed it; `writing`: the folder being written,
    named when the disk refuses; `names`: the command's parameter for an argument of the library named otherwise
    (UsageError.about → parameter name)."""
    try:
        yield
    except UsageError as exc:
        flag, typed = option_flag(ctx, (names or {}).get(exc.about or "", exc.about))
        # the flag the user typed goes before the message; one left out, after it, as what to give
        fail_usage(f"{flag}: {exc}" if typed else f"{exc} ({flag})" if flag else str(exc))
    except ComplaintsError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    except OSError as exc:
        if writing is None:
            raise
        err.print(f"error: cannot write to {writing}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(1) from None


def option_flag(ctx: typer.Context, about: str | None) -> tuple[str | None, bool]:
    """The flag of the command's option a library error is `about` (by its parameter name or its flag), and
    whether the user typed it; (None, False) for an argument or no such option."""
    if not about:
        return None, False
    for each in ctx.command.params:
        if each.param_type_name == "option" and (each.name == about or f"--{about.replace('_', '-')}" in each.opts):
            source = ctx.get_parameter_source(each.name or "")
            return max(each.opts, key=len), source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")
    return None, False


def split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_date(value: str | None, option: str = "--date") -> date | None:
    """A date option, read as every date is (case.when): ISO or day first; a bad one is a usage error."""
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        fail_usage(f"{option}: {exc}")
    return None  # pragma: no cover


def say(console: Console, line: str) -> None:
    """One line of plain text (nothing in it read as markup): as it is to a file or a pipe, through Rich (which
    wraps nothing here, soft_wrap) to a terminal. Thousands of findings are printed in a tenth of the time."""
    if not console.is_terminal and console.color_system is None:
        console.file.write(line + "\n")
    else:
        console.print(line, markup=False, highlight=False)


def print_problem(problem: Problem) -> None:
    text = str(problem)
    if not err.is_terminal and err.color_system is None:  # a file or a pipe: the line as it is, nothing to colour
        say(err, text)
        return
    colour = "red" if problem.is_error else "yellow"
    head = f"{problem.file}:{problem.line}:{problem.column}: "
    err.print(head, end="", markup=False)
    err.print(f"[{colour}]{problem.severity}:[/{colour}]", end="", markup=True)
    err.print(text[len(head) + len(problem.severity) + 1:], markup=False)
