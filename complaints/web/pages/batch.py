"""Every case's letters made at once: the batch runs in a thread of the server (one at a time), its page shows a
progress bar that refreshes itself (a meta refresh without JavaScript; with it, a small JSON answer polled), then
the summary: letters written, cases unchanged, cases failed with their reasons, warnings."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...batch.write import FolderBusy
from ...errors import ComplaintsError
from ..counting import counter
from ..making import WEB_FORMATS, Job, latest, office_found, running
from ..problems import say, say_text
from ..view import Desk, desk, form_of, lang, page, redirect

_starting = threading.Lock()  # two presses of "start" at once start one batch


def _run(here: Desk, job: Job) -> None:
    """The batch itself, in its own thread: render_batch over the project folder into its letters folder."""
    from ...batch.run import render_batch
    from ...layout import find_case_files

    try:
        job.total = len(find_case_files([here.root]))
        formats = (*WEB_FORMATS, "pdf") if job.pdf else WEB_FORMATS
        job.result = render_batch([here.root], out=here.letters, formats=formats, progress=job.events.append)
        job.to_check = _to_check(here)
    except FolderBusy:
        job.busy = True
    except ComplaintsError as exc:
        job.error = str(exc)
    except Exception as exc:  # a bug: told on the page, never a thread dying in silence
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        job.running = False


def _to_check(here: Desk) -> list[tuple[str, int]]:
    """What `render` tells after a batch: the cases whose letters have things to look at before signing."""
    from ...review.run import check_paths

    report = check_paths([here.root], letters=here.letters, ocr=False)  # OCR: on each case's letters page
    return [(_relative(here, case.source), len(report.of(case))) for case in report.to_look_at if case.readable]


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
    # the library's notes about the whole batch (an e-mail without an address, …) in the page's language
    notes = ([say_text(m, language) for m in (*job.result.errors, *job.result.notes)]
             if job.result is not None else [])
    return page(request, "batch_job.html", {"job": job, "failed": failed, "count": counter(language), "notes": notes,
                                            "say_text": lambda message: say_text(message, language)})


async def state(request: Request) -> Response:
    """The batch's progress, for the page's script."""
    return JSONResponse(_job(request).state())


routes = [
    Route("/batch", batch, name="batch"),
    Route("/batch/start", begin, methods=["POST"], name="batch_start"),
    Route("/batch/{job}.json", state, name="batch_state"),
    Route("/batch/{job}", progress, name="batch_job"),
]
