"""Write complaints/cli/help.json: what `complaints`, `complaints --help` and `complaints COMMAND --help` print,
as the Typer application prints it (plain help, 80 columns), so that cli/plainhelp.py can answer them before
Typer is imported. Run it after changing a command's options or help: tests/test_plain_help.py fails until then.

    python tools/plain_help.py          write the file
    python tools/plain_help.py --check  exit 1 if the file is not what the application prints
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROG = "<<prog>>"  # where the program's name goes
TARGET = Path(__file__).resolve().parent.parent / "complaints" / "cli" / "help.json"


def commands() -> list[str]:
    import typer.main

    from complaints.cli import application

    group = typer.main.get_command(application())
    return list(group.commands)  # type: ignore[attr-defined]


def printed(args: list[str]) -> dict[str, object]:
    """What the full command prints for these arguments (the fast answers switched off)."""
    env = dict(os.environ, COMPLAINTS_NO_FAST="1", COLUMNS="80", TERM="dumb")
    env.pop("NO_COLOR", None)
    done = subprocess.run([sys.executable, "-m", "complaints.cli", *args], capture_output=True, env=env)
    def named(text: bytes) -> str:  # the program's name as the user typed it goes in when the text is printed
        return text.decode("utf-8").replace("python -m complaints.cli", PROG)

    return {"stdout": named(done.stdout), "stderr": named(done.stderr), "status": done.returncode}


def texts() -> dict[str, dict[str, object]]:
    found = {"": printed([]), "--help": printed(["--help"])}
    for name in commands():
        found[f"{name} --help"] = printed([name, "--help"])
    return found


def main() -> int:
    made = json.dumps(texts(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if "--check" in sys.argv[1:]:
        same = TARGET.is_file() and TARGET.read_text(encoding="utf-8") == made
        print("help.json is up to date" if same else "help.json is stale: run python tools/plain_help.py")
        return 0 if same else 1
    TARGET.write_text(made, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
