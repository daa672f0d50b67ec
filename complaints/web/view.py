"""What every page shares: the desk (the project folder it serves), the page's language and wording, the CSRF
token of its forms, and how a page is answered."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import FileSystemLoader
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import templating
from ..layout import PROJECT_FILE
from . import words
from .safety import MAX_UPLOAD

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "desk"
LANG_COOKIE = "lang"
BODY_LIMIT = "desk_body_limit"  # in a request's scope: how many bytes its body may have (the guard counts them)


@dataclass
class Desk:
    """The project folder the server works on, and what it keeps while it runs (the batches it started)."""

    root: Path
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    jobs: dict[str, Any] = field(default_factory=dict)

    @property
    def project_file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def letters(self) -> Path:
        return self.root / "letters"

    @property
    def db(self) -> Path:
        from ..register.store import DB_FILE

        return self.root / DB_FILE

    @property
    def has_project(self) -> bool:
        return self.project_file.is_file()


_environment = templating.environment("web", loader=FileSystemLoader(TEMPLATES))


def desk(request: Request) -> Desk:
    return request.app.state.desk


def lang(request: Request) -> str:
    """The page's language: chosen in the page (a cookie), else the browser's, else Russian."""
    return words.choose(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def csrf_token(request: Request) -> str:
    """The token every form of this browser carries: bound to its session cookie by the server's secret, so a
    page of another site, which cannot read the cookie, cannot make it."""
    session = request.scope.get("desk_session")
    if not session:  # only the guard (app.Guard) gives a request its session
        raise HTTPException(403)
    return hmac.new(desk(request).secret, session.encode(), hashlib.sha256).hexdigest()[:40]


async def form_of(request: Request, *, files: int = 0, says_too_large: bool = False) -> FormData:
    """The form a POST sent, its CSRF token checked (403 without it); at most `files` files, MAX_UPLOAD each
    (413 for a bigger one, however the body is sent); a form that does not parse is 400, never a 500.
    `says_too_large`: the page refuses a file over MAX_UPLOAD itself, beside its field, with the rest of the form
    kept (the body as a whole is still limited)."""
    limit = MAX_UPLOAD * max(files, 1) + 1024 * 1024
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > limit:
        raise HTTPException(413)
    request.scope[BODY_LIMIT] = limit  # the guard stops a chunked body there
    try:
        form = await request.form(max_files=files, max_fields=2000, max_part_size=1024 * 1024)
    except HTTPException:
        raise
    except (ValueError, LookupError, UnicodeError, AssertionError) as exc:  # a body the parsers choke on
        raise HTTPException(400) from exc
    token = form.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), csrf_token(request).encode()):
        raise HTTPException(403)
    for value in form.values():
        if not says_too_large and isinstance(value, UploadFile) and (value.size or 0) > MAX_UPLOAD:
            raise HTTPException(413)
    return form


def t(request: Request) -> Any:
    """The page's wording function: t("cases.title"), t("case.saved", id=…)."""
    chosen = lang(request)

    def say(key: str, **values: object) -> str:
        return words.say(key, chosen, **values)

    return say


def page(request: Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200) -> Response:
    """The page `template` (in web/templates) in the request's language, with what every page gets: t, lang,
    csrf, the desk and the path of the page itself (for the language switch)."""
    here = desk(request)
    values = {
        "t": t(request), "lang": lang(request), "languages": words.LANGUAGES, "csrf": csrf_token(request),
        "desk": here, "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "request": request, "say_in": lambda code, key, **v: words.say(key, code, **v), "upload_limit": MAX_UPLOAD,
    }
    values.update(context or {})
    return HTMLResponse(_environment.get_template(template).render(values), status_code=status)


def redirect(to: str) -> Response:
    """After a form: to the page that shows what it did (303, so that reloading does not send the form again)."""
    return RedirectResponse(to, status_code=303)


def local(target: str | None, default: str = "/") -> str:
    """`target` if it is a path of this server (`/cases?q=x`), else `default`: a link never leads off the desk."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
