"""The `complaints` command: one module per group of commands, each a thin skin over the library.

    letters    validate, render, norms, schema
    check      check (before you sign)
    intake     import (cases from a monitoring spreadsheet)
    new        new (the wizard)
    evidence   evidence (changed, vanished, appeared)
    capture    capture, watch (a comment's page kept with a real browser; is it still online?)
    register   filed, extended, reply, status, due, remind
    web        serve (the local web interface)
"""

from __future__ import annotations

import os

from .common import app

# each module adds its commands to the app, in the order `complaints --help` lists them
# isort: off
from . import letters, check, intake, new, evidence, capture, register, web  # noqa: F401, E402
# isort: on

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app()
