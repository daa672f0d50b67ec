"""The first run: a folder with no complaints.yaml yet gets its applicant from a form (web/applicant.py, shared
with the settings page), written as a commented project file by the library (case/project.py), checked by
load_project before it is written; the examples' sample IIN and other placeholders check flags are refused."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...case.project import check_project, project_text, write_project
from ...errors import ProjectError
from ...layout import LANGUAGES
from .. import applicant
from ..view import desk, form_of, lang, page, redirect, t


def _form(request: Request, values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> Response:
    return page(request, "first_run.html", {"values": values, "errors": errors, "warnings": {},
                                            "general": applicant.general(errors), "kinds": applicant.KINDS,
                                            "codes": LANGUAGES}, status=status)


async def first_run(request: Request) -> Response:
    here = desk(request)
    form = await form_of(request) if request.method == "POST" else None  # a POST is checked first, always
    if here.has_project:
        return redirect("/cases")
    if form is None:
        return _form(request, applicant.blank(), {})
    values = applicant.from_form(form)
    errors = applicant.form_errors(t(request), values)
    if errors:
        return _form(request, values, errors, status=422)
    data = applicant.data_of(values)
    chosen = lang(request)
    text = project_text(data, chosen)
    problems = await run_in_threadpool(check_project, text, here.project_file)
    if any(p.is_error for p in problems):
        return _form(request, values, applicant.library_errors(problems, chosen), status=422)
    samples = await run_in_threadpool(applicant.placeholders, text, here.project_file, chosen)
    if samples:  # the examples' IIN, an example.org address…: a new project file starts with none
        return _form(request, values, samples, status=422)
    try:
        await run_in_threadpool(write_project, data, here.root, chosen)
    except FileExistsError:  # written meanwhile (another tab, by hand): that one stands
        return redirect("/cases")
    except ProjectError as exc:
        return _form(request, values, applicant.library_errors(list(exc.problems), chosen), status=422)
    except OSError as exc:  # a folder one may not write in, a full disk: said, and the form kept
        message = t(request)("first_run.error.write", folder=here.root.name, reason=exc.strerror or type(exc).__name__)
        return _form(request, values, {"": [message]}, status=500)
    return redirect("/cases")


routes = [Route("/first-run", first_run, methods=["GET", "POST"], name="first_run")]
