"""`complaints`, `complaints --help` and `complaints COMMAND --help` answered from help.json, the texts the
Typer application prints (tools/plain_help.py writes them; a test keeps them equal), without importing Typer.
A terminal narrower than the 80 columns they were written at gets the full command, which wraps to it."""

from __future__ import annotations

import json
import os
import sys

PROG = "<<prog>>"  # the program's name in the stored texts


def program_name() -> str | None:
    """The program's name as click shows it (click.utils._detect_program_name): the script's file name, or
    `python -m complaints.cli`; None where unsure (Windows' launchers)."""
    if os.name == "nt":
        return None
    package = getattr(sys.modules.get("__main__"), "__package__", None)
    if package in (None, ""):
        return os.path.basename(sys.argv[0])
    if package == "complaints.cli" and os.path.basename(sys.argv[0]) == "__main__.py":
        return "python -m complaints.cli"
    return None


def answer(args: list[str]) -> int | None:
    if args == [] or args == ["--help"]:
        key = " ".join(args)
    elif len(args) == 2 and args[1] == "--help" and not args[0].startswith("-"):
        key = f"{args[0]} --help"
    else:
        return None
    import shutil

    if shutil.get_terminal_size().columns < 80:
        return None
    try:
        from importlib import resources

        texts = json.loads((resources.files("complaints.cli") / "help.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found, prog = texts.get(key), program_name()
    if not isinstance(found, dict) or prog is None:
        return None
    sys.stdout.write(found["stdout"].replace(PROG, prog))
    sys.stdout.flush()
    sys.stderr.write(found["stderr"].replace(PROG, prog))
    return int(found["status"])
