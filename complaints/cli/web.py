"""`serve`: the local web interface over a project folder. It parses, calls the library, prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import app, err, user_errors


@app.command()
def serve(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="The project folder: its complaints.yaml, cases, letters and "
                                           "register (default: this folder).")] = Path("."),
    port: Annotated[int, typer.Option("--port", help="The port to listen on (0: any free one).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Listen on this address instead of 127.0.0.1 (this "
                                      "computer only). Anyone who can reach it then sees your cases.")] = "127.0.0.1",
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open the page in your browser.")] = True,
) -> None:
    """Open the advocate's desk: the cases, letters, import and register in your browser, in Russian, Kazakh or
    English. Nothing leaves this computer."""
    from ..web.serve import LOOPBACK
    from ..web.serve import serve as run

    if host not in LOOPBACK:
        err.print(f"[bold red]warning: listening on {host}, not only on this computer: anyone who can reach this"
                  " address can read and change your cases and the register.[/bold red]", markup=True)

    def started(url: str) -> None:
        err.print(f"The desk is open at {url}  (press Ctrl-C here to stop it)", markup=False)

    with user_errors(ctx, names={"folder": "folder", "port": "port"}):
        run(folder, host=host, port=port, open_browser=browser, started=started)
