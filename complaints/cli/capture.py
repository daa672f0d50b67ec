"""`capture` and `watch`: a comment's page kept with a real browser, and every case's comment re-checked. Each
parses, calls the library (evidence/casefile.py, evidence/watch.py), prints."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..case.when import kz_time_text
from ..layout import find_case_files, find_project, shown
from .common import app, err, fail_usage, out, user_errors

if TYPE_CHECKING:
    from ..evidence.capture import Limits
    from ..evidence.record import Capture
    from ..evidence.watch import WatchResult

TimeoutOpt = Annotated[float | None, typer.Option("--timeout", help="Seconds for a page to load, and again for its "
                                                  "comment to appear (default 30 and 15).",
                                                  min=1)]


def _limits(timeout: float | None) -> Limits:
    from ..evidence.capture import Limits

    return Limits() if timeout is None else Limits(navigation=timeout, appear=timeout)


def _files(cap: Capture) -> str:
    names = [f.name for f in cap.files] + [s.token for s in cap.stamps if s.token]
    return ", ".join(shown(cap.folder / name) for name in names) or "no files"


def _line(label: str, cap: Capture) -> str:
    said = "; ".join(f"timestamp {s.authority}: " + ("token" if s.token else f"none ({s.error})") for s in cap.stamps)
    return f"{label}: {cap.outcome}: {cap.detail}" + (f"; {said}" if said else "") + f"\n  {_files(cap)}"


@app.command()
def capture(
    ctx: typer.Context,
    cases: Annotated[list[str] | None, typer.Argument(help="Case files, folders (searched for *.yaml) or globs.",
                                                      show_default=False)] = None,
    url: Annotated[str | None, typer.Option("--url", help="Capture this address instead of a case's (with --text).")]
    = None,
    text: Annotated[str | None, typer.Option("--text", help="With --url: the comment's text, as quoted.")] = None,
    author: Annotated[str | None, typer.Option("--author", help="With --url: the comment's author.")] = None,
    out_: Annotated[Path, typer.Option("--out", help="With --url: the folder the files go in.")] = Path("evidence"),
    no_update: Annotated[bool, typer.Option("--no-update", help="Keep the capture, but do not add it to the case "
                                            "file.")] = False,
    timeout: TimeoutOpt = None,
) -> None:
    """Capture each case's comment in its page with a headless Chromium: a screenshot of the page, a close-up of
    the comment with the address, time and author, the page as MHTML and a record with the HTTP status, headers
    and SHA-256 of every file (timestamped where complaints.yaml names authorities), in the case's evidence/
    folder; a comment found is added to the case file with still_online. One line per case; exit status 1 if a
    comment was not found."""
    from ..evidence.capture import capture as capture_url
    from ..evidence.casefile import capture_case_noted

    limits = _limits(timeout)
    if url is not None:
        if cases:
            fail_usage("give either case files or --url, not both")
        if not text:
            fail_usage("--url needs --text: the comment's text as quoted")
        if out_.exists() and not out_.is_dir():
            fail_usage(f"--out {shown(out_)} is a file: give the folder the capture's files go in")
        with user_errors(ctx, writing=out_):
            authorities = _project_authorities(out_)
            cap = capture_url(url, text=text or "", author=author, posted=None, folder=out_, authorities=authorities,
                              limits=limits)
        out.print(_line(url, cap), markup=False)
        raise typer.Exit(0 if cap.found else 1)
    if not cases:
        fail_usage("give case files (or --url and --text)")
    failed = 0
    with user_errors(ctx):
        paths = find_case_files(cases or [])
    try:
        for path in paths:
            with user_errors(ctx, writing=path.parent):
                try:
                    cap, unregistered = capture_case_noted(path, limits=limits, update_case=not no_update)
                except Exception as exc:  # one bad case never stops the others: said, and counted
                    from ..errors import ComplaintsError

                    if not isinstance(exc, ComplaintsError | OSError | ImportError) or _is_no_browser(exc):
                        raise
                    said = str(exc)
                    err.print(said if said.startswith(shown(path)) else f"{shown(path)}: error: {said}", markup=False)
                    failed += 1
                    continue
            after = ("added to the case file" if cap.found and not no_update else
                     "the case file left as it was (--no-update)" if cap.found else "nothing added to the case file")
            out.print(_line(shown(path), cap) + f"\n  {after}" + (f"\n  {unregistered}" if unregistered else ""),
                      markup=False)
            failed += not cap.found
    except KeyboardInterrupt:
        _interrupted()
    raise typer.Exit(1 if failed else 0)


def _interrupted() -> None:
    err.print("interrupted: every file written is whole, and each case file is as it was or fully updated; a"
              " capture cut short may have left pictures without their record (capture again)", markup=False)
    raise typer.Exit(130) from None


def _is_no_browser(exc: Exception) -> bool:
    from ..evidence.browser import NoBrowser

    return isinstance(exc, NoBrowser)


def _project_authorities(folder: Path) -> list[object]:
    """The time-stamping authorities of the project file above `folder` (else the working folder)."""
    from ..case.read import load_project
    from ..evidence.casefile import authorities_for

    project = find_project(folder if folder.exists() else Path.cwd())
    return [] if project is None else authorities_for(load_project(project))


@app.command()
def watch(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Case files, folders (searched for *.yaml) or globs.",
                                               show_default=False)],
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=32, help="Pages open at once (default 4).")]
    = None,
    pace: Annotated[float | None, typer.Option("--pace", min=0, help="Seconds between two visits to one outlet "
                                               "(default 5).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The register (default: complaints.db beside each case's "
                                            "complaints.yaml).")] = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Re-check every case's comment: where it is still online, the capture is kept and added to the case file
    (still_online); every outcome is recorded in the register, where a comment gone shows the day it was last seen
    and first missed. One line per case; exit status 1 if any comment was not found or a case failed."""
    from ..evidence.watch import watch as run_watch

    def said(result: WatchResult) -> str:
        label = shown(result.case)
        if result.capture is None:
            return f"{label}: error: {result.error}"
        text = _line(label, result.capture)
        if result.updated:
            text += "\n  added to the case file"
        if result.error:
            text += f"\n  error: {result.error}"
        seen = result.sighting
        if seen is not None and seen.state == "removed" and seen.first_missed is not None:
            last = (f" (last seen online {kz_time_text(seen.last_seen, seconds=False)})" if seen.last_seen
                    else " (never seen online by watch or capture)")
            text += f"\n  the register: removed, missing since {kz_time_text(seen.first_missed, seconds=False)}{last}"
        elif seen is not None and seen.state == "online" and seen.last_seen is not None:
            text += f"\n  the register: online, last seen {kz_time_text(seen.last_seen, seconds=False)}"
        return text

    try:
        with user_errors(ctx):
            total = len(find_case_files(paths))
            if sys.stderr.isatty():
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                with Progress(TextColumn("watch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                              transient=True) as bar:
                    task = bar.add_task("watch", total=total)

                    def done(result: WatchResult) -> None:
                        bar.advance(task)
                        out.print(said(result), markup=False)

                    results = run_watch(paths, db=db, workers=workers, pace=pace, limits=_limits(timeout), on_done=done)
            else:
                def plain(result: WatchResult) -> None:
                    out.print(said(result), markup=False)

                results = run_watch(paths, db=db, workers=workers, pace=pace, limits=_limits(timeout), on_done=plain)
    except KeyboardInterrupt:
        _interrupted()
    found = sum(1 for r in results if r.capture is not None and r.capture.found)
    err.print(f"{found} of {len(results)} comments found online", markup=False)
    raise typer.Exit(0 if all(r.ok for r in results) else 1)
