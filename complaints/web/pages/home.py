"""The front door: to the first-run form when the folder has no complaints.yaml yet, else to the cases; and the
language switch."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..view import LANG_COOKIE, desk, local, redirect
from ..words import LANGUAGES


async def home(request: Request) -> Response:
    return redirect("/cases" if desk(request).has_project else "/first-run")


async def language(request: Request) -> Response:
    """Switch the interface to another language and stay on the page (a link: it works without JavaScript)."""
    chosen = request.path_params["code"]
    response = redirect(local(request.query_params.get("back")))
    if chosen in LANGUAGES:
        response.set_cookie(LANG_COOKIE, chosen, max_age=10 * 365 * 24 * 3600, samesite="lax")
    return response


routes = [
    Route("/", home, name="home"),
    Route("/lang/{code}", language, name="language"),
]
