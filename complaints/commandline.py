"""A command line read exactly as Typer would read it, for the options a fast answer knows (cli/fast.py): the
standard library only, so that the library's own fast answers (an unchanged render, the register's listings) can
read their command line without importing the command-line package."""

from __future__ import annotations

from collections.abc import Sequence


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
