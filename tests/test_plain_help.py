"""`complaints --help` and `complaints COMMAND --help` are answered from the stored texts (cli/help.json), before
Typer is imported: the texts are what the application prints, and the answer imports nothing heavy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("typer", "click", "rich", "pydantic", "yaml", "jinja2", "babel", "docxtpl", "holidays")


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("COMPLAINTS_NO_FAST", "COLUMNS")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "complaints.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=environment)


def test_the_stored_help_is_what_the_application_prints() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "plain_help.py"), "--check"], capture_output=True,
                          text=True, encoding="utf-8")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("args", [[], ["--help"], ["render", "--help"], ["status", "--help"], ["nosuch", "--help"]])
def test_the_answer_is_the_full_commands(args: list[str]) -> None:
    fast, full = run(args), run(args, COMPLAINTS_NO_FAST="1")
    assert (fast.stdout, fast.stderr, fast.returncode) == (full.stdout, full.stderr, full.returncode)
    assert "complaints" in fast.stdout + fast.stderr


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys; sys.argv = ['complaints', '--help']\n"
            "from complaints.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('\\nHEAVY', sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          env={k: v for k, v in os.environ.items() if k != "COMPLAINTS_NO_FAST"})
    assert "Usage: complaints [OPTIONS] COMMAND" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "HEAVY []"


def test_a_narrow_terminal_gets_help_wrapped_to_it() -> None:
    narrow = run(["render", "--help"], COLUMNS="60")
    assert narrow.returncode == 0
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 60
    assert narrow.stdout == run(["render", "--help"], COLUMNS="60", COMPLAINTS_NO_FAST="1").stdout
