"""The `complaints` command: one module per group of commands, each a thin skin over the library.

    letters    validate, render, norms, schema
    check      check (before you sign)
    intake     import (cases from a monitoring spreadsheet)
    new        new (the wizard)
    evidence   evidence (changed, vanished, appeared)
    capture    capture, watch (a comment's page kept with a real browser; is it still online?)
    register   filed, extended, reply, status, due, remind
    web        serve (the local web interface)
    office     office (LibreOffice kept running for PDF letters)

`main` first asks `fast.answer`, which needs the standard library alone, whether it can answer the command
before Typer, Rich, pydantic or the rendering modules are imported (help, a render with nothing to do, the
register's listings); everything else falls through to the Typer application.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

TYPE_CHECKING = False  # typing is not imported for the fast answers
if TYPE_CHECKING:
    from typing import Any

__all__ = ["app", "main"]

# each module adds its commands to the app, in the order `complaints --help` lists them
COMMAND_MODULES = ("letters", "check", "intake", "new", "evidence", "capture", "register", "web", "office")


def __getattr__(name: str) -> Any:
    if name == "app":
        return application()
    raise AttributeError(f"module 'complaints.cli' has no attribute '{name}'")


def application() -> Any:
    """The Typer application with every command on it."""
    for module in COMMAND_MODULES:
        import_module(f".{module}", __name__)
    return import_module(".common", __name__).app


def main() -> None:
    """Console entry point."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # the tool's own process: no plugin search
    from .fast import answer

    code = answer(sys.argv[1:])
    if code is not None:
        sys.stdout.flush()
        sys.exit(code)
    try:
        application()()
    except SystemExit as done:
        if sys.argv[1:2] == ["render"]:
            _leave(done.code)
        raise


def _leave(code: object) -> None:
    """A render's end without Python freeing, one by one, the million objects of its batch (0.1 s for 1,000
    cases; the system takes the memory back at once): the exit handlers run and the output is flushed first, as
    at any exit. Only where nothing else runs in the process and the status is a number."""
    import atexit
    import threading

    if not (code is None or isinstance(code, int)) or threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            return  # a closed or broken output: the usual exit says so
    os._exit(code or 0)
