"""The cases: a table of every case in the project folder (a placeholder until the cases page is built)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...layout import find_case_files
from ..view import desk, page, redirect


async def cases(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    files = [p.relative_to(here.root).as_posix() for p in find_case_files([here.root])]
    return page(request, "cases.html", {"files": files})


routes = [Route("/cases", cases, name="cases")]
