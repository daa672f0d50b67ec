"""The application: the pages (one module each in pages/), the static files, and the guard every request passes."""

from __future__ import annotations

import re
import secrets
import sys
import traceback
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ComplaintsError
from . import pages
from .safety import MAX_UPLOAD
from .view import BODY_LIMIT, SESSION_COOKIE, Desk, page

STATIC = Path(__file__).parent / "static"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ANY_HOST = "*"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
DEFAULT_LIMIT = MAX_UPLOAD + 1024 * 1024  # a request body, unless form_of allows more (several files)
DRAIN = 8  # a body over its limit is read to its end (up to this many times the limit), so the browser shows the
# answer instead of a broken connection
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none';"
       " base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
_SESSION = re.compile(r"[A-Za-z0-9_-]{20,64}")


def create_app(root: str | Path, *, hosts: tuple[str, ...] = LOOPBACK_NAMES) -> Starlette:
    """The web interface over the project folder `root`; `hosts`: the names it answers to (a page of another
    site that makes the browser ask for it under another name, DNS rebinding, is refused); "*": any name
    (`--host 0.0.0.0`)."""
    app = Starlette(
        routes=[*pages.routes(), Mount("/static", StaticFiles(directory=STATIC), name="static")],
        middleware=[Middleware(Guard, hosts=hosts)],
        exception_handlers={HTTPException: _http_error, ComplaintsError: _user_error},
    )
    app.state.desk = Desk(Path(root).resolve())
    return app


def host_name(header: str) -> str:
    """The name in a Host header, without its port: `127.0.0.1:8765` → `127.0.0.1`, `[::1]:80` → `[::1]`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]", 1)[0] + "]" if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """Every request passes here: refused if it names another host (DNS rebinding) or, changing anything, comes
    from a page of another site; its body limited in size however it is sent (a declared length or chunks); the
    session cookie its forms' CSRF tokens are bound to; and the headers that keep the browser strict (CSP)."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...] = LOOPBACK_NAMES) -> None:
        self.app = app
        self.hosts = tuple(h.lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if ANY_HOST not in self.hosts and host_name(host) not in self.hosts:
            await PlainTextResponse("This server answers only on this computer.", status_code=400)(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and not _same_site(headers, host):
            await PlainTextResponse("A form of another site was refused.", status_code=403)(scope, receive, send)
            return
        found = _session(headers)
        new = found is None
        session = found or secrets.token_urlsafe(24)
        scope["desk_session"] = session  # what csrf_token binds the forms' tokens to
        scope[BODY_LIMIT] = DEFAULT_LIMIT

        received = 0
        more = True

        async def limited() -> Message:
            nonlocal received, more
            message = await receive()
            if message["type"] != "http.request":
                return message
            received += len(message.get("body", b""))
            more = bool(message.get("more_body", False))
            if received > scope[BODY_LIMIT]:
                while more and received <= scope[BODY_LIMIT] * DRAIN:
                    rest = await receive()
                    if rest["type"] != "http.request":
                        break
                    received += len(rest.get("body", b""))
                    more = bool(rest.get("more_body", False))
                raise HTTPException(413)
            return message

        started = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = MutableHeaders(scope=message)
                if new:
                    out.append("set-cookie", f"{SESSION_COOKIE}={session}; HttpOnly; Path=/; SameSite=Lax")
                for name, value in (("content-security-policy", CSP), ("x-content-type-options", "nosniff"),
                                    ("referrer-policy", "no-referrer"), ("cache-control", "no-store"),
                                    ("x-frame-options", "DENY"), ("cross-origin-opener-policy", "same-origin"),
                                    ("cross-origin-resource-policy", "same-origin")):
                    if name not in out:
                        out[name] = value
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception as exc:  # noqa: BLE001 - a bug in a page: told in the log without what the user typed
            tell_failure(scope, exc)
            if not started:
                await _failure_page(scope, receive, guarded)


_DIGITS = re.compile(r"\d{12}")  # an IIN or a BIN (twelve digits), as a message might quote it


def tell_failure(scope: Scope, exc: BaseException) -> None:
    """A request that failed, in the server's window: where in the code, never what the request carried (a
    traceback's message may quote a form's values: any twelve digits, an IIN or a BIN, are masked)."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    path = _DIGITS.sub("############", str(scope.get("path", "")))
    text = _DIGITS.sub("############", "".join(lines))
    print(f"error: the desk could not answer {scope.get('method', '')} {path} (a bug; the page says so):\n{text}",
          file=sys.stderr, flush=True)


async def _failure_page(scope: Scope, receive: Receive, send: Send) -> None:
    try:
        response = page(Request(scope, receive), "error.html", {"message_key": "common.error.internal", "message": None},
                        status=500)
    except Exception:  # noqa: BLE001 - not even the page of the error: a line of plain text
        response = PlainTextResponse("The desk could not answer (a bug): see the window it was started from.", 500)
    await response(scope, receive, send)


def _same_site(headers: Headers, host: str) -> bool:
    """A request that changes something came from a page of this server: not from another site's (its Origin,
    or the browser's own word for where it came from, Sec-Fetch-Site)."""
    fetched = headers.get("sec-fetch-site")
    if fetched is not None and fetched not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None or origin == "null":  # no Origin (an old browser), or hidden by the no-referrer policy: the
        return True  # CSRF token decides
    parts = urlsplit(origin)
    return parts.scheme == "http" and parts.netloc.lower() == host.strip().lower()


def _session(headers: Headers) -> str | None:
    """The session cookie the browser sent, if it is one this server could have made."""
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a cookie header that does not parse: a new session
        return None
    found = cookie.get(SESSION_COOKIE)
    return found.value if found is not None and _SESSION.fullmatch(found.value) else None


async def _http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    key = {403: "forbidden", 404: "not_found", 405: "not_allowed", 413: "too_large"}.get(code, "bad_request")
    response = page(request, "error.html", {"message_key": f"common.error.{key}", "message": None}, status=code)
    if isinstance(exc, HTTPException) and exc.headers:
        response.headers.update(exc.headers)
    return response


async def _user_error(request: Request, exc: Exception) -> Response:
    """A refusal of the library no page caught itself: its message in the page's language where the catalogue has it."""
    from .problems import say_error
    from .view import lang

    said = say_error(exc, lang(request)) if isinstance(exc, ComplaintsError) else None
    return page(request, "error.html", {"message_key": None, "message": said.message if said else str(exc)},
                status=400)
