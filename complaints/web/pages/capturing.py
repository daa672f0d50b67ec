"""A case's comment captured from the desk: the capture (evidence/casefile.py capture_case, the project's
time-stamping authorities) runs in a thread of the server, one at a time per desk; its page refreshes itself
until it is done, then shows what was found (the close-up, the files, the case file updated) or what was seen
instead. Every capture is recorded in the register as a sighting, as `watch` records it. The case's evidence
files are served from inside the project folder only.

    POST /case/capture            start the capture of the case file `file` (or, while one runs, show that one)
    GET  /case/capture/{job}      the capture's page
    GET  /case/capture/{job}.json its state, for a script
    GET  /evidence?file=REL       a file of the project's evidence folders (REL: its path in the project folder)
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ...errors import ComplaintsError
from ...evidence.record import STEM_PATTERN
from ..problems import say_text
from ..safety import Outside, inside, media_type
from ..view import Desk, desk, form_of, lang, page, redirect
from .opened import open_case

_starting = threading.Lock()  # two presses of "capture" at once start one capture
_CAPTURE_FILE = re.compile(f"^(?P<stem>{STEM_PATTERN})-(?P<end>comment\\.png|page\\.png"
                           r"|page\.mhtml|record\.json)$")
_ROLE = {"comment.png": "comment", "page.png": "page", "page.mhtml": "archive", "record.json": "record"}
SERVED = (".png", ".jpg", ".jpeg", ".pdf", ".mhtml", ".json", ".tsr", ".txt")  # what /evidence hands out


@dataclass
class CaptureJob:
    """One capture the desk started, as its page shows it."""

    id: str
    rel: str  # the case file, from the project folder
    case_id: str
    running: bool = True
    capture: Any = None  # the Capture, once it is done
    updated: bool = False  # the case file got the capture and still_online
    no_browser: bool = False  # no Chromium, Chrome or Edge on this computer
    error: str | None = None  # what stopped the capture, in the library's words (English)
    not_updated: str | None = None  # why the case file or the register was not updated (English)
    started: float = field(default_factory=time.time)

    def state(self) -> dict[str, Any]:
        return {"id": self.id, "running": self.running,
                "outcome": self.capture.outcome if self.capture is not None else None}


def running(here: Desk) -> CaptureJob | None:
    """The capture now running on this desk, if one is."""
    return next((job for key, job in list(here.jobs.items())
                 if key.startswith("capture:") and isinstance(job, CaptureJob) and job.running), None)


def _run(here: Desk, job: CaptureJob, path: Path) -> None:
    """The capture itself, in its own thread: captured, a found one written into the case file, the sighting
    recorded in the desk's register."""
    from ...evidence.browser import NoBrowser
    from ...evidence.casefile import add_to_case, capture_case, note_sighting

    try:
        cap = capture_case(path, update_case=False, register=False)  # the project's authorities (authorities=None)
        job.capture = cap
        problems = []
        if cap.found:
            try:
                add_to_case(path, cap)
                job.updated = True
            except (ComplaintsError, OSError) as exc:
                problems.append(f"the case file was not updated: {exc}")
        unregistered = note_sighting(path, cap, case_id=job.case_id, db=here.db)[1]  # as capture and watch do
        if unregistered:
            problems.append(unregistered)
        job.not_updated = "; ".join(problems) or None
    except NoBrowser:
        job.no_browser = True
    except ComplaintsError as exc:
        job.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug: told on the page, never a thread dying in silence
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        job.running = False


def start(here: Desk, rel: str, path: Path, case_id: str) -> CaptureJob:
    """The running capture (of whichever case), or a new one started."""
    with _starting:
        job = running(here)
        if job is not None:
            return job
        job = CaptureJob(secrets.token_urlsafe(9), rel, case_id)
        here.jobs[f"capture:{job.id}"] = job
        threading.Thread(target=_run, args=(here, job, path), name=f"capture-{job.id}", daemon=True).start()
        return job


async def begin(request: Request) -> Response:
    """POST: capture the case's comment now."""

    here = desk(request)
    form = await form_of(request)
    rel = form.get("file")
    if not isinstance(rel, str) or not rel:
        raise HTTPException(400)
    opened = await run_in_threadpool(open_case, here.root, rel)
    if opened.broken or opened.path is None or opened.rel is None:
        raise HTTPException(400)
    job = start(here, opened.rel, opened.path, str(opened.data.get("id") or ""))
    return redirect(f"/case/capture/{job.id}")


def _job(request: Request) -> CaptureJob:
    job = desk(request).jobs.get(f"capture:{request.path_params['job']}")
    if not isinstance(job, CaptureJob):
        raise HTTPException(404)
    return job


def evidence_link(rel: str) -> str:
    return f"/evidence?file={quote(rel)}"


async def progress(request: Request) -> Response:
    here = desk(request)
    job = _job(request)
    language = lang(request)
    cap = job.capture
    files: list[dict[str, str]] = []
    closeup = None
    if cap is not None:
        for kept in cap.files:
            try:
                rel = (cap.folder / kept.name).resolve().relative_to(here.root).as_posix()
            except ValueError:
                continue
            files.append({"role": kept.role, "name": kept.name, "link": evidence_link(rel)})
            if kept.role == "comment":
                closeup = evidence_link(rel)
        for stamp in cap.stamps:
            if stamp.token:
                rel = (cap.folder / stamp.token).resolve().relative_to(here.root).as_posix()
                files.append({"role": "token", "name": stamp.token, "link": evidence_link(rel)})
    return page(request, "capture.html", {
        "job": job, "cap": cap, "files": files, "closeup": closeup,
        "case_link": f"/case?file={quote(job.rel)}",
        "detail": say_text(cap.detail, language) if cap is not None and cap.detail else None,
        "error": say_text(job.error, language) if job.error else None,
        "not_updated": say_text(job.not_updated, language) if job.not_updated else None,
        "taken": cap.taken.isoformat(timespec="seconds") if cap is not None else "",
        "stamped": [s.authority for s in cap.stamps if s.token] if cap is not None else [],
    })


async def state(request: Request) -> Response:
    return JSONResponse(_job(request).state())


def captures_of(root: Path, folder: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The captures a case file lists (its evidence items named as a capture names its files), the latest first:
    their time, files (with their links) and the authorities whose time-stamp tokens they have."""
    found: dict[str, dict[str, Any]] = {}
    items = data.get("evidence")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            continue
        named = _CAPTURE_FILE.match(Path(item["file"]).name)
        if named is None:
            continue
        entry = found.setdefault(named["stem"], {"stem": named["stem"], "taken": str(item.get("taken") or ""),
                                                 "files": [], "closeup": None, "stamped": []})
        link = None
        try:
            path = inside(root, (folder / item["file"]).resolve().relative_to(root).as_posix())
            if path.is_file():
                link = evidence_link(path.relative_to(root).as_posix())
        except (Outside, ValueError, OSError):
            pass
        role = _ROLE[named["end"]]
        entry["files"].append({"role": role, "name": Path(item["file"]).name, "link": link})
        if role == "comment" and link:
            entry["closeup"] = link
        for by in item.get("timestamped_by") or []:
            if isinstance(by, str) and by not in entry["stamped"]:
                entry["stamped"].append(by)
    return sorted(found.values(), key=lambda e: e["stem"], reverse=True)


async def evidence_file(request: Request) -> Response:
    """A file of an evidence folder of the project (a case's evidence/ folder), never anything else."""
    here = desk(request)
    rel = request.query_params.get("file") or ""
    try:
        path = inside(here.root, rel)
    except Outside:
        raise HTTPException(404) from None
    if not path.is_file() or path.suffix.lower() not in SERVED or "evidence" not in \
            path.relative_to(here.root).parts[:-1]:
        raise HTTPException(404)
    inline = media_type(path.name).startswith(("image/", "text/plain"))
    return FileResponse(path, media_type=media_type(path.name), filename=path.name,
                        content_disposition_type="inline" if inline else "attachment")


routes = [
    Route("/case/capture", begin, methods=["POST"], name="capture_start"),
    Route("/case/capture/{job}.json", state, name="capture_state"),
    Route("/case/capture/{job}", progress, name="capture_job"),
    Route("/evidence", evidence_file, name="evidence_file"),
]
