"""Every case's letters made at once: the batch runs in a thread of the server (one at a time), its page shows a
progress bar that refreshes itself (a meta refresh without JavaScript; with it, a small JSON answer polled), then
the summary: letters written, cases unchanged, cases failed with their reasons, warnings."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...errors import ComplaintsError, UsageError
from ..counting import counter
from ..problems import say
from ..view import Desk, desk, form_of, lang, page, redirect

_starting = threading.Lock()  # two presses of "start" at once start one batch


@dataclass
class Job:
    """One batch of every case in the project folder, as its page shows it."""

    id: str
    pdf: bool
    total: int = 0
    events: list[Any] = field(default_factory=list)  # the batch's CaseEvents, as they come
    result: Any = None  # the BatchResult, once it is done
    busy: bool = False  # another batch (the command line's) was writing to the letters' folder
    error: str | None = None  # what stopped the whole batch, in the library's words (English)
    running: bool = True
    started: float = field(default_factory=time.time)

    @property
    def done(self) -> int:
        return len(self.events)

    @property
    def failed(self) -> list[Any]:
        return [e for e in self.events if e.status == "failed"]

    @property
    def unchanged(self) -> int:
        return sum(1 for e in self.events if e.status == "unchanged")

    def state(self) -> dict[str, Any]:
        return {"id": self.id, "done": self.done, "total": self.total, "running": self.running}


def running(here: Desk) -> Job | None:
    """The batch now running on this desk, if one is."""
    return next((job for key, job in list(here.jobs.items())
                 if key.startswith("batch:") and isinstance(job, Job) and job.running), None)


def latest(here: Desk) -> Job | None:
    jobs = [job for key, job in list(here.jobs.items()) if key.startswith("batch:") and isinstance(job, Job)]
    return max(jobs, key=lambda job: job.started) if jobs else None


def _run(here: Desk, job: Job) -> None:
    """The batch itself, in its own thread: render_batch over the project folder into its letters folder."""
    from ...batch.run import render_batch
    from ...layout import find_case_files
    from .letters import WEB_FORMATS

    try:
        job.total = len(find_case_files([here.root]))
        formats = (*WEB_FORMATS, "pdf") if job.pdf else WEB_FORMATS
        job.result = render_batch([here.root], out=here.letters, formats=formats, progress=job.events.append)
    except UsageError as exc:
        if "is writing to" in str(exc):
            job.busy = True
        else:
            job.error = str(exc)
    except ComplaintsError as exc:
        job.error = str(exc)
    except Exception as exc:  # a bug: told on the page, never a thread dying in silence
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        job.running = False


def start(here: Desk, pdf: bool) -> Job:
    """The running batch, or a new one started."""
    with _starting:
        job = running(here)
        if job is not None:
            return job
        job = Job(secrets.token_urlsafe(9), pdf)
        here.jobs[f"batch:{job.id}"] = job
        threading.Thread(target=_run, args=(here, job), name=f"batch-{job.id}", daemon=True).start()
        return job


def _relative(here: Desk, source: str) -> str:
    try:
        return Path(source).resolve().relative_to(here.root).as_posix()
    except (ValueError, OSError):
        return source


async def batch(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    from starlette.concurrency import run_in_threadpool

    from ...layout import find_case_files
    from .letters import office_found

    total = len(await run_in_threadpool(find_case_files, [here.root]))
    return page(request, "batch.html", {"total": total, "job": running(here), "last": latest(here),
                                        "office": await run_in_threadpool(office_found),
                                        "count": counter(lang(request))})


async def begin(request: Request) -> Response:
    """POST: start the batch (or, while one runs, show that one)."""
    here = desk(request)
    form = await form_of(request)
    job = start(here, pdf=form.get("pdf") == "1")
    return redirect(f"/batch/{job.id}")


def _job(request: Request) -> Job:
    job = desk(request).jobs.get(f"batch:{request.path_params['job']}")
    if not isinstance(job, Job):
        raise HTTPException(404)
    return job


async def progress(request: Request) -> Response:
    here = desk(request)
    job = _job(request)
    language = lang(request)
    failed = [{"file": _relative(here, e.source),
               "problems": [say(p, language) for p in ([p for p in e.problems if p.is_error] or e.problems)]}
              for e in job.failed]
    return page(request, "batch_job.html", {"job": job, "failed": failed, "count": counter(language)})


async def state(request: Request) -> Response:
    """The batch's progress, for the page's script."""
    return JSONResponse(_job(request).state())


routes = [
    Route("/batch", batch, name="batch"),
    Route("/batch/start", begin, methods=["POST"], name="batch_start"),
    Route("/batch/{job}.json", state, name="batch_state"),
    Route("/batch/{job}", progress, name="batch_job"),
]
