"""`office`: LibreOffice kept running between commands, for PDF letters (render/office.py does the work)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from .common import app, err, out

office_app = typer.Typer(invoke_without_command=True)
app.add_typer(office_app, name="office")


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "when the command that started it ends"
    minutes = seconds / 60
    return f"after {minutes:.0f} minute{'s' if round(minutes) != 1 else ''} unused" if minutes >= 1 \
        else f"after {seconds:.0f} seconds unused"


@office_app.callback()
def office(
    ctx: typer.Context,
    idle: Annotated[float, typer.Option("--idle", min=0.01, metavar="MINUTES",
                                        help="Stop by itself after this many minutes unused.")] = 15,
    processes: Annotated[int | None, typer.Option("--processes", min=1, metavar="N",
                                                  help="LibreOffice processes (default: one per CPU; a render uses "
                                                  "as many as its workers).")] = None,
) -> None:
    """Keep LibreOffice running for PDF letters: `render --format pdf` then makes its PDFs at once instead of
    starting LibreOffice each time.

    It runs for you alone, on this computer only, and stops by itself when unused; `complaints office stop` stops
    it now, `complaints office status` tells whether it runs."""
    if ctx.invoked_subcommand is not None:
        return
    from ..render.office import INSTALL, start_user_server

    try:
        status = start_user_server(processes or os.cpu_count() or 1, idle * 60)
    except OSError as exc:
        err.print(f"error: could not start LibreOffice: {exc.strerror or exc}", markup=False)
        raise typer.Exit(1) from None
    if status.get("missing"):
        err.print(f"error: LibreOffice was not found ({INSTALL})", markup=False)
        raise typer.Exit(1)
    if not status.get("ok") or not status.get("ready"):
        err.print(f"error: LibreOffice did not start: {status.get('error') or 'no reason given'} ({INSTALL})",
                  markup=False)
        raise typer.Exit(1)
    if status.get("already"):
        err.print(f"LibreOffice is already running for PDF letters ({_count(status)}); it stops"
                  f" {_minutes(status.get('idle_left'))}.", markup=False)
        return
    err.print(f"LibreOffice is running for PDF letters ({_count(status)}); it stops by itself"
              f" {_minutes(idle * 60)}; `complaints office stop` stops it now.", markup=False)


def _count(status: dict[str, object]) -> str:
    ready = status.get("ready", 0)
    made = status.get("conversions", 0)
    return f"{ready} process{'es' if ready != 1 else ''}, {made} PDF{'s' if made != 1 else ''} made so far"


@office_app.command("status")
def office_status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Whether LibreOffice is kept running, how many PDFs it made, when it stops (exit status 1: not running)."""
    from ..render.office import ask_user_server

    status = ask_user_server({"status": True})
    if as_json:
        out.print(json.dumps(status or {"ok": False, "running": False}), markup=False)
    elif status is None:
        err.print("LibreOffice is not kept running; `complaints office` starts it.", markup=False)
    else:
        err.print(f"LibreOffice is running for PDF letters ({_count(status)}); it stops"
                  f" {_minutes(status.get('idle_left'))}.", markup=False)
    raise typer.Exit(0 if status is not None else 1)


@office_app.command("stop")
def office_stop() -> None:
    """Stop the LibreOffice kept running (a render then starts its own again)."""
    from ..render.office import stop_user_server

    status = stop_user_server()
    if status is None:
        err.print("LibreOffice was not kept running.", markup=False)
    else:
        err.print(f"LibreOffice stopped ({status.get('conversions', 0)} PDFs made).", markup=False)
