"""The application: the pages (one module each in pages/), the static files, and the guard every request passes."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ..errors import ComplaintsError
from . import pages
from .view import SESSION_COOKIE, Desk, page

STATIC = Path(__file__).parent / "static"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def create_app(root: str | Path, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")) -> Starlette:
    """The web interface over the project folder `root`; `hosts`: the names it answers to (a page of another
    site that makes the browser ask for it under another name, DNS rebinding, is refused)."""
    app = Starlette(
        routes=[*pages.routes(), Mount("/static", StaticFiles(directory=STATIC), name="static")],
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=_guard(hosts))],
        exception_handlers={HTTPException: _http_error, ComplaintsError: _user_error},
    )
    app.state.desk = Desk(Path(root).resolve())
    return app


def _guard(hosts: tuple[str, ...]) -> Callable[[Request, RequestResponseEndpoint], Awaitable[Response]]:
    async def guard(request: Request, call_next: RequestResponseEndpoint) -> Response:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0] if "]" not in (request.headers.get("host") or "") \
            else (request.headers.get("host") or "").split("]")[0] + "]"
        if host not in hosts:
            return PlainTextResponse("This server answers only on this computer.", status_code=400)
        origin = request.headers.get("origin")
        if request.method not in SAFE_METHODS and origin and origin != "null" \
                and origin.split("//", 1)[-1] != request.headers.get("host"):
            return PlainTextResponse("A form of another site was refused.", status_code=403)
        session = request.cookies.get(SESSION_COOKIE)
        if not session:
            session = secrets.token_urlsafe(24)
            request.scope["desk_session"] = session
        response = await call_next(request)
        if SESSION_COOKIE not in request.cookies:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
                                    " frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return guard


async def _http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    key = {403: "forbidden", 404: "not_found", 413: "too_large"}.get(code, "bad_request")
    return page(request, "error.html", {"message_key": f"common.error.{key}", "message": None}, status=code)


async def _user_error(request: Request, exc: Exception) -> Response:
    """A refusal of the library no page caught itself: its message in the page's language where the catalogue has it."""
    from .problems import say_error
    from .view import lang

    said = say_error(exc, lang(request)) if isinstance(exc, ComplaintsError) else None
    return page(request, "error.html", {"message_key": None, "message": said.message if said else str(exc)},
                status=400)
