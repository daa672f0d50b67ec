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


class Parsed:
    """A command line as Typer would read it, for the options a fast path knows: `values[name]` is the last value
    given for a value option (a list for a repeatable one) or True for a flag; `args` are the positional
    arguments in order."""

    def __init__(self, values: dict[str, object], args: list[str]):
        self.values = values
        self.args = args

    def get(self, name: str, default: object = None) -> object:
        return self.values.get(name, default)


def parse(argv: Sequence[str], command: str, *, values: Sequence[str] = (), flags: Sequence[str] = (),
          repeat: Sequence[str] = (), aliases: dict[str, str] | None = None) -> Parsed | None:
    """`complaints COMMAND …` read for the options named (long names with their dashes, e.g. "--out"); None where
    the command is another, or anything is not understood (an unknown option, a value missing, `--help`):
    the full command then reads it and says what is wrong. `aliases`: short flags to long ones ("-q": "--quiet").
    Options may come between arguments and as `--name=value`; `--` ends the options."""
    if not argv or argv[0] != command:
        return None
    known_values, known_flags, repeated = set(values) | set(repeat), set(flags), set(repeat)
    aliases = aliases or {}
    found: dict[str, object] = {}
    args: list[str] = []
    rest = list(argv[1:])
    i = 0
    while i < len(rest):
        item = rest[i]
        i += 1
        if item == "--":
            args.extend(rest[i:])
            break
        if not item.startswith("-") or item == "-":
            args.append(item)
            continue
        name, eq, inline = item.partition("=")
        name = aliases.get(name, name)
        if name in known_flags and not eq:
            found[name] = True
        elif name in known_values:
            if eq:
                value = inline
            elif i < len(rest):
                value = rest[i]
                i += 1
            else:
                return None
            if name in repeated:
                listed = found.setdefault(name, [])
                assert isinstance(listed, list)
                listed.append(value)
            else:
                found[name] = value
        else:
            return None
    return Parsed(found, args)
