"""Answers a command can get before the heavy imports: the standard library alone is imported here and by
every module this one calls, so that help, a render with nothing to do and the register's listings start in
tens of milliseconds. Each answer returns an exit status, or None to let the full command run (anything it is
not sure of: an option it does not know, a file changed, a problem to report). Its output must be exactly what
the full command would print.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from importlib import import_module

from ..commandline import Parsed, parse

__all__ = ["Parsed", "answer", "parse"]

# (module, function): each takes the arguments after `complaints` and returns an exit status or None
ANSWERS: tuple[tuple[str, str], ...] = (
    ("complaints.cli.plainhelp", "answer"),      # complaints --help, complaints COMMAND --help
    ("complaints.batch.unchanged", "answer"),    # complaints render … with nothing to do
    ("complaints.register.fast", "answer"),      # complaints status / due, CSV or JSON
)
# (module, function): called, when no answer was found, before the full command's imports (LibreOffice started
# early for a PDF render); each takes the arguments and returns nothing
AHEAD: tuple[tuple[str, str], ...] = (
    ("complaints.render.office", "ahead"),
)


def answer(argv: Sequence[str]) -> int | None:
    """The exit status of a command answered here, or None: run the full command."""
    if os.environ.get("COMPLAINTS_NO_FAST"):  # the full command always (the tests compare the two)
        return None
    args = list(argv)
    for module, function in ANSWERS:
        found = _call(module, function, args)
        if found is not None:
            return found
    for module, function in AHEAD:
        _call(module, function, args)
    return None


def _call(module: str, function: str, args: list[str]) -> int | None:
    try:
        fn: Callable[[list[str]], int | None] = getattr(import_module(module), function)
    except (ImportError, AttributeError):
        return None
    return fn(args)
