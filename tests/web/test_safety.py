"""The desk is a server on the advocate's own computer: no other site may use it (CSRF, DNS rebinding), no URL
leads out of the project folder, no upload is too big, misplaced or overwrites a file, user text is shown as
text, the applicant's IIN stays out of URLs, headers, the log and the pages that are not the applicant's or the
letters', and garbage gets a 4xx, never a 500.

These tests cover every route the application has (`create_app(...).routes`, with its Mounts) and every form its
pages show, found by visiting them: a page added later is covered without changing them. They speak plain HTTP
(http.client, which sends a path exactly as written) to the real server, and drive the real Chromium where a
browser matters (scripts, what is shown)."""

from __future__ import annotations

import http.client
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from playwright.sync_api import expect
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from complaints.web.app import create_app
from complaints.web.safety import EVIDENCE_TYPES, MAX_UPLOAD, Outside, free_name, inside, safe_name
from complaints.web.serve import LOCK_FILE
from tests.conftest import case_data, write_yaml
from tests.web.conftest import Desk, stop_desk

IIN = "900101300126"  # the tests' applicant (tests/conftest.py PROJECT)
CASE = "nurkz-2023-10-06-kazakh-language.yaml"
CASE_ID = CASE.removesuffix(".yaml")
SECRET = "OUTSIDE-THE-PROJECT-7f3a9c"  # in a case file outside the project: no answer may ever carry it
HOSTILE = "<script>alert(1)</script>"
HOSTILE_ATTR = '"><img src=x onerror=alert(2)>'
HOSTILE_NAME = '"><svg onload=alert(5)>'  # a case file's name
# the pages where the IIN belongs: the applicant's form (first run, the project's settings) and the letters
IIN_PAGES = re.compile(r"first-run|applicant|project|settings|letter", re.IGNORECASE)  # in the page's path
ABSOLUTE = f"/tmp/desk-upload-escape-{os.getpid()}"  # an upload's name that is an absolute path
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\x8e\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


# ---- talking to the server ---------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def html(self) -> bool:
        return (self.header("content-type") or "").startswith("text/html")


def ask(desk: Desk, method: str, target: str, body: bytes | Iterator[bytes] = b"", *, host: str | None = None,
        headers: dict[str, str] | None = None) -> Answer:
    """One request, the path sent exactly as written (no `..` or `%2e` tidied away by a client)."""
    parts = urlsplit(desk.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host if host is not None else parts.netloc)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if isinstance(body, bytes):
            if body or method not in ("GET", "HEAD"):
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body or None)
        else:  # chunked, as a client that does not say the length first
            connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders()
            try:
                for chunk in body:
                    connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                connection.send(b"0\r\n\r\n")
            except OSError:  # the server answered (413) and stopped reading
                pass
        answer = connection.getresponse()
        return Answer(answer.status, answer.getheaders(), answer.read())
    finally:
        connection.close()


@dataclass
class Session:
    """A browser as the server sees it: its session cookie and the CSRF token of its forms."""

    desk: Desk
    cookie: str
    token: str

    def get(self, target: str, **kw: object) -> Answer:
        return ask(self.desk, "GET", target, headers={"Cookie": self.cookie, **kw.pop("headers", {})}, **kw)  # type: ignore[arg-type]

    def post(self, target: str, fields: dict[str, str] | list[tuple[str, str]] | None = None, *, token: str | None = "",
             cookie: str | None = None, headers: dict[str, str] | None = None) -> Answer:
        pairs = list((fields or {}).items()) if isinstance(fields, dict) else list(fields or [])
        if token is not None:
            pairs.append(("csrf", token if token else self.token))
        return ask(self.desk, "POST", target, urlencode(pairs).encode(),
                   headers={"Cookie": cookie if cookie is not None else self.cookie,
                            "Content-Type": "application/x-www-form-urlencoded", "Origin": origin(self.desk),
                            **(headers or {})})

    def upload(self, target: str, fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]],
               *, chunked: bool = False) -> Answer:
        body, kind = multipart([*fields, ("csrf", self.token)], files)
        headers = {"Cookie": self.cookie, "Content-Type": kind, "Origin": origin(self.desk)}
        if chunked:
            return ask(self.desk, "POST", target, (body[i:i + 65536] for i in range(0, len(body), 65536)),
                       headers=headers)
        return ask(self.desk, "POST", target, body, headers=headers)


def origin(desk: Desk) -> str:
    return desk.url.rstrip("/")


def session(desk: Desk) -> Session:
    """A new browser's session: the cookie the server gives, the token in its pages (<meta name=csrf-token>)."""
    answer = ask(desk, "GET", "/")
    cookie = (answer.header("set-cookie") or "").split(";", 1)[0]
    assert cookie.startswith("desk="), answer.headers
    for target in ["/", *(u for u, _ in get_targets(desk.folder)), "/no-such-page"]:  # (a 404 is a page too)
        page = ask(desk, "GET", target, headers={"Cookie": cookie})
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        if found:
            return Session(desk, cookie, found.group(1))
    raise AssertionError("no page of the desk carries the CSRF token")


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----desk-test-boundary-5d2f"
    out = b""
    for name, value in fields:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
    for name, filename, data in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode("utf-8", "surrogateescape") + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# ---- every route of the application -----------------------------------------------------------------------------

def flat_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    for route in routes:
        if isinstance(route, Mount):
            yield prefix + route.path, route
            yield from flat_routes(list(route.routes or []), prefix + route.path)
        else:
            yield prefix + getattr(route, "path", ""), route


def every_route(folder: Path) -> list[tuple[str, BaseRoute]]:
    found = list(flat_routes(list(create_app(folder).routes)))
    assert any(isinstance(r, Mount) for _, r in found) and any(isinstance(r, Route) for _, r in found)
    return found


def fill(path: str, value: Callable[[str, str], str]) -> str:
    """A route's path with its parameters filled in: {name} or {name:convertor}."""
    return re.sub(r"\{(\w+)(?::(\w+))?\}", lambda m: value(m.group(1), m.group(2) or "str"), path)


def usual(name: str, convertor: str) -> str:
    """A value a route's parameter would have when the desk's own pages link to it."""
    if convertor == "path" or any(w in name for w in ("file", "path")):
        return quote(CASE)
    if convertor in ("int", "float"):
        return "1"
    if name in ("code", "lang", "language"):
        return "ru"
    if "id" in name or "case" in name:
        return CASE_ID
    return "x"


def with_file(path: str, rel: str) -> str:
    """A route's URL naming the case file `rel` the desk's way (?file=<path in the project>) and in its path."""
    base = fill(path, lambda n, c: quote(rel, safe="") if c == "path" or "file" in n else usual(n, c))
    return f"{base}?{urlencode({'file': rel, 'back': '/cases'})}"


def methods(route: BaseRoute) -> set[str]:
    return set(getattr(route, "methods", None) or ())


def get_targets(folder: Path) -> list[tuple[str, BaseRoute]]:
    return [(with_file(p, CASE), r) for p, r in every_route(folder) if isinstance(r, Route) and "GET" in methods(r)]


def post_targets(folder: Path) -> list[tuple[str, BaseRoute]]:
    return [(with_file(p, CASE), r) for p, r in every_route(folder) if isinstance(r, Route) and "POST" in methods(r)]


# ---- the folder, before and after ---------------------------------------------------------------------------------

def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file under the folders, with its size and modification time (the server's lock aside)."""
    found = {}
    for folder in folders:
        for here, _, names in os.walk(folder):
            for name in names:
                path = Path(here, name)
                if name != LOCK_FILE and path.is_file():
                    stat = path.stat()
                    found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def no_traceback(answer: Answer) -> None:
    assert answer.status < 500, (answer.status, answer.text[:2000])
    assert "Traceback" not in answer.text and 'File "' not in answer.text, answer.text[:2000]


# ---- the pages, visited like a user's browser would -----------------------------------------------------------------

@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    page: str = ""  # the page it is on


def fresh(me: Session, form: Form) -> list[tuple[str, str]]:
    """The form's fields as its page offers them now (after an earlier send: a version of the file, say)."""
    answer = me.get(form.page)
    links = Links(urljoin(me.desk.url, form.page))
    links.feed(answer.text)
    same = [f for f in links.forms if f.action == form.action and f.method == form.method]
    return [(k, v) for k, v in (same[0] if same else form).fields if k != "csrf"]


class Links(HTMLParser):
    """The links, sources and forms of a page."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name in ("href", "src", "action", "formaction"):
            if name in a:
                self.links.append(urljoin(self.base, a[name]))
        if tag == "form":
            self.forms.append(Form(urljoin(self.base, a.get("action") or self.base), a.get("method", "get").upper(),
                                   a.get("enctype", "application/x-www-form-urlencoded")))
        elif self.forms and tag in ("input", "textarea", "button") and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "file":
                self.forms[-1].files.append(a["name"])
            elif kind not in ("checkbox", "radio", "submit", "button", "image") or "checked" in a:
                self.forms[-1].fields.append((a["name"], a.get("value", "")))
        elif self.forms and tag == "select" and a.get("name"):
            self._select = a["name"]
        elif self.forms and tag == "option" and self._select:
            self.forms[-1].fields.append((self._select, a.get("value", "")))
            self._select = None


def visit(desk: Desk, me: Session, starts: list[str], limit: int = 150) -> dict[str, Answer]:
    """The pages reachable from `starts` by their links (on this server), each asked for once."""
    seen: dict[str, Answer] = {}
    todo = list(starts)
    while todo and len(seen) < limit:
        target = todo.pop(0)
        parts = urlsplit(urljoin(desk.url, target))
        if parts.netloc != urlsplit(desk.url).netloc or parts.scheme != "http":
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local in seen or local.startswith("/lang/"):
            continue
        answer = me.get(local)
        seen[local] = answer
        if answer.status in (301, 302, 303, 307, 308) and answer.header("location"):
            todo.append(answer.header("location") or "/")
        if answer.html:
            links = Links(urljoin(desk.url, local))
            links.feed(answer.text)
            todo += links.links
    return seen


class Strict(HTMLParser):
    """What a page's tags have that the CSP refuses: inline scripts, style="" attributes, on…= handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [k.lower() for k, _ in attrs]
        kind = next((v or "" for k, v in attrs if k.lower() == "type"), "").lower()
        if tag == "script" and "src" not in names and kind in ("", "module", "text/javascript", "application/javascript"):
            self.found.append("<script> without src")  # (a data block, type="application/json", runs nothing)
        self.found += [f"<{tag} {n}=…>" for n in names if n == "style" or n.startswith("on")]
        if tag == "a" and any(k == "href" and (v or "").strip().lower().startswith("javascript:") for k, v in attrs):
            self.found.append("<a href=javascript:…>")


def forms_of(desk: Desk, pages: dict[str, Answer]) -> list[Form]:
    found: dict[tuple[str, str], Form] = {}
    for target, answer in pages.items():
        if answer.html:
            links = Links(urljoin(desk.url, target))
            links.feed(answer.text)
            for form in links.forms:
                form.page = target
                found.setdefault((form.action, form.method), form)
    return list(found.values())


def local_of(desk: Desk, url: str) -> str:
    parts = urlsplit(urljoin(desk.url, url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---- fixtures -------------------------------------------------------------------------------------------------------

@pytest.fixture
def hostile_folder(project_folder: Path, tmp_path: Path) -> Path:
    """The project, with a case whose every text is a would-be script, a case file with such a name, a case file
    outside the project, and links (symbolic) from the project to it."""
    write_yaml(project_folder / "xss-case.yaml", case_data(**{
        "id": "xss-case", "comment.text": f"{HOSTILE} {HOSTILE_ATTR}", "comment.author": HOSTILE_ATTR,
        "outlet.name": f"{HOSTILE_ATTR}Nur.kz", "article.title": f"</textarea>{HOSTILE}"}))
    write_yaml(project_folder / f"{HOSTILE_NAME}.yaml", case_data(id="odd-name"))
    outside = tmp_path / "outside"
    write_yaml(outside / "secret.yaml", case_data(**{"id": "secret", "comment.text": SECRET}))
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (project_folder / "link.yaml").symlink_to(outside / "secret.yaml")
    (project_folder / "evidence" / "link.png").symlink_to(outside / "secret.txt")
    (project_folder / "linkdir").symlink_to(outside, target_is_directory=True)
    return project_folder


# ---- CSRF -------------------------------------------------------------------------------------------------------------

def test_every_post_without_a_valid_token_or_from_another_site_is_refused_and_writes_nothing(
        serve, project_folder: Path, tmp_path: Path) -> None:
    desk = serve(project_folder)
    me, other = session(desk), session(desk)
    targets = post_targets(project_folder)
    if not targets:
        pytest.skip("no page takes a POST yet")
    before = snapshot(tmp_path)
    for target, _ in targets:
        fields = {"file": CASE, "name": "x", "text": "x"}
        refused = {
            "no token": me.post(target, fields, token=None),
            "a wrong token": me.post(target, fields, token="0" * 40),
            "another session's token": me.post(target, fields, token=other.token),
            "no session at all": me.post(target, fields, cookie=""),
            "another site (Origin)": me.post(target, fields, headers={"Origin": "http://evil.example"}),
            "another port (Origin)": me.post(target, fields, headers={"Origin": "http://127.0.0.1:1"}),
            "another site (Sec-Fetch-Site)": me.post(target, fields, headers={"Sec-Fetch-Site": "cross-site"}),
            "a multipart form without a token": ask(desk, "POST", target, _untokened(me)[0], headers=_untokened(me)[1]),
        }
        for how, answer in refused.items():
            assert answer.status == 403, (target, how, answer.status, answer.text[:500])
            no_traceback(answer)
    assert snapshot(tmp_path) == before
    for target, _ in targets:  # the same forms with the right token are not refused (the test tests something)
        answer = me.post(target, {"file": CASE})
        assert answer.status != 403, (target, answer.text[:500])
        no_traceback(answer)


def _untokened(me: Session) -> tuple[bytes, dict[str, str]]:
    body, kind = multipart([("file", CASE)], [])
    return body, {"Cookie": me.cookie, "Content-Type": kind, "Origin": origin(me.desk)}


def test_a_request_under_another_host_name_is_refused(serve, project_folder: Path) -> None:
    desk = serve(project_folder)
    me = session(desk)
    port = urlsplit(desk.url).port
    for target, _ in [("/", None), *get_targets(project_folder), ("/static/style.css", None)]:
        for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "", "localhost.",
                     f"127.0.0.2:{port}"):
            answer = ask(desk, "GET", target, host=host, headers={"Cookie": me.cookie})
            assert answer.status in (400, 421), (target, host, answer.status)
            assert "csrf-token" not in answer.text and "<html" not in answer.text
    for target, _ in post_targets(project_folder):
        answer = ask(desk, "POST", target, urlencode({"csrf": me.token}).encode(), host="evil.example",
                     headers={"Cookie": me.cookie, "Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status in (400, 421)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):  # and this computer's names are not
        assert ask(desk, "GET", "/static/style.css", host=host).status == 200


# ---- paths --------------------------------------------------------------------------------------------------------

def escapes(folder: Path) -> list[str]:
    """Ways a path in a URL could try to lead out of the project folder (`folder`), to outside/secret.yaml."""
    secret = folder.parent / "outside" / "secret.yaml"
    return ["../outside/secret.yaml", "evidence/../../outside/secret.yaml", "%2e%2e/outside/secret.yaml",
            "..%2foutside%2fsecret.yaml", "..\\outside\\secret.yaml", str(secret), secret.as_posix().lstrip("/"),
            "//" + secret.as_posix().lstrip("/"), "C:\\Windows\\win.ini", "C:/Windows/win.ini", "link.yaml",
            "linkdir/secret.yaml", "evidence/link.png", "linkdir/secret.txt", "case.yaml\x00.png", "..", "."]


def test_no_path_in_a_url_reads_anything_outside_the_project(serve, hostile_folder: Path) -> None:
    desk = serve(hostile_folder)
    me = session(desk)
    file_routes = []
    for path, route in every_route(hostile_folder):
        if not isinstance(route, Route):
            continue
        for method in sorted(methods(route) & {"GET", "POST"}):
            missing = _send(me, method, with_file(path, "no-such-case.yaml"))
            no_traceback(missing)
            takes_a_file = missing.status == 404
            if takes_a_file:
                file_routes.append((method, path))
            for escape in escapes(hostile_folder):
                for target in (with_file(path, escape), _raw_path(path, escape)):
                    answer = _send(me, method, target)
                    no_traceback(answer)
                    assert SECRET not in answer.text, (method, target)
                    if takes_a_file and target != path:  # (a route with no path parameter: nothing escapes)
                        assert answer.status in (404, 400), (method, target, answer.status)
    print("routes that take a file:", file_routes)
    stop_desk(desk)
    assert SECRET not in desk.log()


def _send(me: Session, method: str, target: str) -> Answer:
    return me.get(target) if method == "GET" else me.post(target, {"file": target.partition("file=")[2]})


def _raw_path(path: str, escape: str) -> str:
    """The escape written into a path parameter as it is, `..` and all (a client that does not tidy the path)."""
    return fill(path, lambda n, c: escape.replace("\x00", "%00") if c == "path" or "file" in n else usual(n, c))


def test_no_static_file_is_read_outside_the_static_folder(serve, project_folder: Path) -> None:
    desk = serve(project_folder)
    mounts = [p for p, r in every_route(project_folder) if isinstance(r, Mount)]
    for mount in mounts:
        assert ask(desk, "GET", f"{mount}/style.css").status in (200, 404)
        for escape in ("../app.py", "%2e%2e/app.py", "..%2fapp.py", "%2e%2e%2fapp.py", "..\\app.py", "..%5capp.py",
                       "/etc/passwd", "%2fetc%2fpasswd", "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
                       "../templates/base.html", "static/../../app.py", "%00", "style.css%00.js",
                       "....//app.py", "C:%5cWindows%5cwin.ini"):
            answer = ask(desk, "GET", f"{mount}/{escape}")
            assert answer.status in (400, 404), (mount, escape, answer.status)
            assert "create_app" not in answer.text and "root:" not in answer.text and "{%" not in answer.text


def test_the_path_rules_refuse_every_escape(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "evidence").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "out").symlink_to(tmp_path / "outside", target_is_directory=True)
    for escape in ("../x", "evidence/../../x", "/etc/passwd", "\\x", "C:\\x", "c:x", "out/x", "a\x00b", "", "out"):
        with pytest.raises(Outside):
            inside(root, escape)
    assert inside(root, "evidence/a.png") == (root / "evidence" / "a.png").resolve()
    assert inside(root, "evidence/../a.yaml") == (root / "a.yaml").resolve()


# ---- uploads ---------------------------------------------------------------------------------------------------------

def test_an_upload_name_is_kept_to_a_plain_name_of_an_allowed_type(tmp_path: Path) -> None:
    assert safe_name("../../x.png", EVIDENCE_TYPES) == "x.png"
    assert safe_name("..\\..\\Windows\\x.PNG", EVIDENCE_TYPES) == "x.png"
    assert safe_name("con.png", EVIDENCE_TYPES) == "_con.png"
    assert safe_name("LPT1.tar.png", EVIDENCE_TYPES) == "_LPT1.tar.png"
    assert "\x00" not in safe_name("a\x00b.png", EVIDENCE_TYPES)
    assert safe_name("скриншот коммента.jpg", EVIDENCE_TYPES) == "скриншот коммента.jpg"
    assert safe_name("x.png. ", EVIDENCE_TYPES) == "x.png"  # as Windows would store it
    assert safe_name("cat\u202egnp.exe.png", EVIDENCE_TYPES) == "cat_gnp.exe.png"  # no right-to-left trick
    for bad in ("x.exe", "x.png.exe", "x", ".png", "..", "x.svg", "/", "x.png:stream"):
        with pytest.raises(ValueError):
            safe_name(bad, EVIDENCE_TYPES)
    (tmp_path / "x.png").write_bytes(b"first")
    second = free_name(tmp_path, "x.png")
    assert second.name == "x-2.png" and (tmp_path / "x.png").read_bytes() == b"first"


SAYS_LIMIT = re.compile(r"20\s?(MB|МБ)")  # the upload limit, as a page says it in any of its languages


def upload_forms(desk: Desk, me: Session) -> list[Form]:
    pages = visit(desk, me, ["/", *(u for u, _ in get_targets(desk.folder))])
    return [f for f in forms_of(desk, pages) if f.files and f.method == "POST"]


def test_an_upload_over_the_limit_is_refused_however_it_is_sent_and_nothing_is_stored(
        serve, project_folder: Path, tmp_path: Path) -> None:
    desk = serve(project_folder)
    me = session(desk)
    too_big = PNG + b"\x00" * (MAX_UPLOAD + 1 - len(PNG))
    before = snapshot(tmp_path)
    for target, _ in post_targets(project_folder):  # every POST route, whether it takes files or not
        for chunked in (False, True):
            answer = me.upload(target, [("file", CASE)], [("file", "big.png", too_big)], chunked=chunked)
            # refused outright, or (a page that says it beside its field, keeping the form) with the limit said
            assert answer.status in (400, 413) or answer.status in (200, 422) and SAYS_LIMIT.search(answer.text), \
                (target, chunked, answer.status)
            no_traceback(answer)
    forms = upload_forms(desk, me)
    for form in forms:
        target = local_of(desk, form.action)
        for chunked in (False, True):
            answer = me.upload(target, fresh(me, form), [(form.files[0], "big.png", too_big)], chunked=chunked)
            assert answer.status in (200, 303, 400, 413), (target, chunked, answer.status)
            no_traceback(answer)
            if answer.status != 413:  # then a message on the page says so
                assert answer.status == 303 or SAYS_LIMIT.search(answer.text)
    after = snapshot(tmp_path)
    assert not [p for p, (size, _) in after.items() if size >= MAX_UPLOAD and p not in before]
    if not forms:
        pytest.skip("no page has an upload form yet (the POST routes were tried)")


def _fields(form: Form) -> list[tuple[str, str]]:
    return [(k, v) for k, v in form.fields if k != "csrf"]


def test_an_upload_never_lands_outside_the_project_or_under_a_dangerous_name_or_over_another_file(
        serve, project_folder: Path, tmp_path: Path) -> None:
    desk = serve(project_folder)
    me = session(desk)
    forms = upload_forms(desk, me)
    if not forms:
        pytest.skip("no page has an upload form yet")
    for form in forms:
        target = local_of(desk, form.action)
        name = form.files[0]
        names = ["../../x.png", "..\\..\\x.png", f"{ABSOLUTE}.png", "con.png", "a\x00b.png", ".hidden.png", "x.png.exe",
                 "x.exe", "same.png", "same.png", "same.PNG"]
        plain = PNG + b"a plain upload"
        no_traceback(me.upload(target, fresh(me, form), [(name, "plain.png", plain)]))
        assert plain in [Path(p).read_bytes() for p in snapshot(project_folder)], \
            f"the upload form {target} stored nothing for plain.png with the fields its page offers: the test cannot" \
            " tell whether it is safe (give it the fields it needs)"
        sent: list[bytes] = []
        for number, filename in enumerate(names):
            data = PNG + f"upload {number} {filename}".encode("utf-8", "surrogateescape")
            sent.append(data)
            answer = me.upload(target, fresh(me, form), [(name, filename, data)])
            no_traceback(answer)
        stored = {Path(p): Path(p).read_bytes() for p in snapshot(tmp_path)}
        outside = [p for p in stored if not p.is_relative_to(project_folder)]
        assert outside == [] and not Path(f"{ABSOLUTE}.png").exists()
        for path, data in stored.items():
            assert path.stem.split(".")[0].lower() not in ("con", "nul", "aux", "prn"), path
            assert not path.name.startswith(".") or path.name == LOCK_FILE or data not in sent, path
            assert path.suffix.lower() != ".exe", path
        for data in sent[-3:]:  # same.png twice and same.PNG: each is there, none replaced another
            assert data in stored.values(), "an upload of the same name replaced the earlier one"


def test_a_file_over_the_limit_is_said_beside_its_field_as_soon_as_it_is_chosen(
        serve, project_folder: Path, browser_page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "import")  # a page whose upload form leaves the saying to the desk's own script
    page.set_input_files("input[type=file]", {"name": "big.csv", "mimeType": "text/csv",
                                              "buffer": b"a;b\n" + b"\x00" * MAX_UPLOAD})
    note = page.locator("input[type=file] + .too-large")
    expect(note).to_have_text("Файл слишком большой (не более 20 МБ).")
    page.set_input_files("input[type=file]", {"name": "small.csv", "mimeType": "text/csv", "buffer": b"a;b\n"})
    expect(note).to_have_count(0)


# ---- escaping and the CSP ------------------------------------------------------------------------------------------

def test_user_text_shows_as_text_on_every_page_and_the_csp_forbids_inline_scripts(
        serve, hostile_folder: Path, browser_page) -> None:
    desk = serve(hostile_folder)
    me = session(desk)
    starts = ["/", *(u for u, _ in get_targets(hostile_folder))]
    starts += [with_file(p, "xss-case.yaml") + f"&q={quote(HOSTILE)}" for p, r in every_route(hostile_folder)
               if isinstance(r, Route) and "GET" in methods(r)]
    pages = visit(desk, me, starts)
    html = {t: a for t, a in pages.items() if a.html}
    assert html
    for target, answer in pages.items():
        csp = answer.header("content-security-policy") or ""
        rules = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.split()}
        scripts = rules.get("script-src", rules.get("default-src"))
        # scripts from the desk's own files only (or none at all: the letter's preview, a sandboxed frame of the
        # desk's own letters page), never inline; framed by no other site
        assert scripts in (["'self'"], ["'none'"]), (target, csp)
        assert rules.get("frame-ancestors") in (["'none'"], ["'self'"]), (target, csp)
        if rules.get("frame-ancestors") == ["'self'"]:
            assert "sandbox" in rules and scripts == ["'none'"], (target, csp)
        assert answer.header("x-content-type-options") == "nosniff"
    for target, answer in html.items():
        for raw in (HOSTILE, "<img src=x onerror", "<svg onload", "</textarea><script"):
            assert raw not in answer.text, (target, raw)
        strict = Strict()
        strict.feed(answer.text)
        assert strict.found == [], f"{target}: what the CSP refuses (inline scripts, style=, on…= handlers)"
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    shown_as_text = False
    for target in list(html)[:40]:
        page.goto(desk.url.rstrip("/") + target)
        assert page.locator("img[onerror], svg[onload], script:not([src])").count() == 0, target
        text = page.locator("body").inner_text()
        shown_as_text |= HOSTILE in text or HOSTILE_NAME in text or HOSTILE_ATTR in text
    assert dialogs == []
    assert shown_as_text, "no page showed the hostile text (as text) at all"


def test_a_link_back_never_leads_off_the_desk(serve, project_folder: Path) -> None:
    desk = serve(project_folder)
    for back in ("http://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
                 "\\\\evil.example", "%2f%2fevil.example", "/%09/evil.example"):
        answer = ask(desk, "GET", f"/lang/kk?back={quote(back, safe='')}")
        location = answer.header("location") or ""
        assert answer.status == 303 and location.startswith("/") and not location.startswith(("//", "/\\")), \
            (back, location)
        assert "evil" not in urlsplit(urljoin(desk.url, location)).netloc


# ---- the IIN --------------------------------------------------------------------------------------------------------

IIN_FIELD = re.compile(r"(^|[._\[-])(iin|bin|iin_bin|iin_or_bin)($|[._\]-])")
IIN_INPUT = re.compile(r'<input[^>]*\bname="[^"]*\b(?:iin|bin)"[^>]*>')  # an IIN field with its value


@pytest.mark.parametrize("start", ["project", "first run"])
def test_the_iin_stays_out_of_urls_headers_the_log_and_every_page_but_the_applicants_and_the_letters(
        serve, project_folder: Path, empty_folder: Path, browser_page, start: str) -> None:
    folder = project_folder if start == "project" else empty_folder
    desk = serve(folder)
    me = session(desk)
    pages = visit(desk, me, ["/", *(u for u, _ in get_targets(folder))])
    answers = list(pages.items())
    typed: set[int] = set()  # the answers to a form the IIN was typed into
    for form in forms_of(desk, pages):  # every form sent as the page offers it (prefilled, the applicant's too),
        target = local_of(desk, form.action)  # the IIN typed where a form asks for it
        asks_iin = [n for n, _ in form.fields if IIN_FIELD.search(n.lower())]
        assert not asks_iin or form.method == "POST", f"a form asking for the IIN by GET (into the URL): {target}"
        if form.method == "POST" and not target.startswith("/lang/"):
            fields = [(k, IIN if k in asks_iin else v) for k, v in _fields(form)]
            answers.append((target, me.post(target, fields)))
            typed.add(len(answers) - 1)
    for number, (target, answer) in enumerate(answers):
        assert IIN not in target
        for name, value in answer.headers:
            assert IIN not in value, (target, name)
        if answer.html and not IIN_PAGES.search(urlsplit(target).path):
            # a form sent back to be put right shows what was typed in it, in its own IIN field (a case's own
            # applicant), and nowhere else
            text = IIN_INPUT.sub("", answer.text) if number in typed else answer.text
            assert IIN not in text, f"the IIN on {target}"
        if answer.html:
            links = Links(urljoin(desk.url, target))
            links.feed(answer.text)
            assert not [u for u in links.links if IIN in u], target
            assert not [u for u in links.links if "\\" in u or "%5c" in u.lower()], f"a Windows path in {target}"
    page = browser_page
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    for target in [t for t, a in pages.items() if a.html][:40]:
        page.goto(desk.url.rstrip("/") + target)
        if not IIN_PAGES.search(urlsplit(page.url).path):
            assert IIN not in page.content(), page.url
    assert asked and not [u for u in asked if IIN in u]
    stop_desk(desk)
    assert IIN not in desk.log()


# ---- garbage ----------------------------------------------------------------------------------------------------------

def test_garbage_paths_methods_queries_and_bodies_get_a_4xx_never_a_500(serve, project_folder: Path) -> None:
    desk = serve(project_folder)
    me = session(desk)
    rng = random.Random(13)
    alphabet = "abcxyz/._-%~!$&'()*+,;=:@" + "қазақ" + "\\"
    paths = ["/" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(60)]
    paths += ["/%ff", "/%00", "/%", "/..", "/%2e%2e/", "/.env", "/.git/config", "/cases/%ff", "/static/",
              "/static/%ff", "/lang/", "/lang/xx", "/" + "a" * 6000, "/cases?file=%ff", "/cases?file=%00&q=%ff",
              "/?" + "x=1&" * 3000, "/favicon.ico", "/robots.txt"]
    for path in paths:
        answer = me.get(quote(path, safe="/%?&=.:@!$'()*+,;~-"))
        assert answer.status in (200, 303, 400, 404, 405, 414, 431), (path, answer.status)
        no_traceback(answer)
    taken: dict[str, set[str]] = {}  # a path's methods, over all its routes
    for path, route in every_route(project_folder):
        taken.setdefault(path, set()).update(methods(route) | ({"GET", "HEAD"} if isinstance(route, Mount) else set()))
    for path, route in every_route(project_folder):
        target = with_file(path, CASE) if isinstance(route, Route) else f"{path}/style.css"
        for method in ("PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "POST", "GET"):
            if method in taken[path]:
                continue
            answer = ask(desk, method, target, b"x", headers={"Cookie": me.cookie})
            assert answer.status in (404, 405), (method, target, answer.status)
            no_traceback(answer)
        if isinstance(route, Route) and "GET" in methods(route):
            for query in ("file=%ff", "file=%00", "file=", "file=a&file=b", "file=" + "a/" * 2000, "q=%ff%fe",
                          "back=%ff", "lang=zz", "sort=%27", "page=-1", "page=99999999999999999999"):
                answer = me.get(fill(path, usual) + "?" + query, headers={"Accept-Language": "zz;q=x, ,;"})
                no_traceback(answer)
    garbage = [(b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=x"),
               (b"--zz\r\n\r\n--zz--", "multipart/form-data"),
               (b"\xff\xfe\x00garbage", "multipart/form-data; boundary="),
               (b"csrf=%zz&%%%=\xff", "application/x-www-form-urlencoded"),
               (b"a=" + b"x" * (2 * 1024 * 1024), "application/x-www-form-urlencoded"),
               (b'{"csrf": 1}', "application/json"), (b"", "text/plain")]
    for target, _ in post_targets(project_folder):
        for body, kind in garbage:
            answer = ask(desk, "POST", target, body, headers={"Cookie": me.cookie, "Content-Type": kind,
                                                              "Origin": origin(desk)})
            assert 400 <= answer.status < 500, (target, kind, answer.status)
            no_traceback(answer)
    for cookie in ("desk=%%%; lang=zz", "desk=" + "a" * 5000, "lang=../../x", "=;=;"):
        no_traceback(ask(desk, "GET", "/cases", headers={"Cookie": cookie}))
    stop_desk(desk)
    assert "Traceback" not in desk.log() and "Exception" not in desk.log(), desk.log()[-3000:]


# ---- the server itself -------------------------------------------------------------------------------------------

def test_a_second_desk_on_the_same_folder_is_refused_with_a_message(serve, project_folder: Path) -> None:
    serve(project_folder)
    done = subprocess.run([sys.executable, "-m", "complaints.cli", "serve", str(project_folder), "--port", "0",
                           "--no-browser"], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 2
    assert "another `complaints serve` is already serving" in done.stderr


def test_the_desk_started_again_at_once_gets_its_port_back_and_a_taken_port_is_refused(
        serve, project_folder: Path, empty_folder: Path) -> None:
    first = serve(project_folder)
    port = str(urlsplit(first.url).port)
    kept = http.client.HTTPConnection("127.0.0.1", int(port))  # a browser keeps its connection open: stopped,
    kept.request("GET", "/static/style.css")  # the server closes it, and it lingers on its port (TIME_WAIT)
    assert kept.getresponse().read()
    taken = subprocess.run([sys.executable, "-m", "complaints.cli", "serve", str(empty_folder), "--port", port,
                            "--no-browser"], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert taken.returncode == 2 and "cannot listen on 127.0.0.1:" + port in taken.stderr, taken.stderr
    stop_desk(first)
    kept.close()
    again = serve(project_folder, "--port", port)
    assert again.url == first.url
    assert ask(again, "GET", "/static/style.css").status == 200


def test_a_page_left_open_while_the_desk_was_started_again_still_sends_its_form(
        serve, project_folder: Path, tmp_path: Path) -> None:
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = serve(project_folder, env=cache)
    before = session(first)
    stop_desk(first)
    again = serve(project_folder, env=cache)
    page = ask(again, "GET", "/cases", headers={"Cookie": before.cookie})
    assert f'<meta name="csrf-token" content="{before.token}">' in page.text  # the token of the open page holds
    secret = tmp_path / "cache" / "complaints" / "desk-secret"
    assert secret.stat().st_mode & 0o077 == 0  # the user's own
    assert session(again).token != before.token  # and another browser's is another


def test_a_bug_in_a_page_answers_a_page_saying_so_and_the_log_has_no_iin(project_folder: Path, capsys) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    async def broken(request):  # a page with a bug whose message quotes what the form had
        raise ValueError(f"unexpected applicant {{'iin': '{IIN}'}}")

    app = create_app(project_folder)
    app.router.routes.append(Route("/broken", broken))

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            return await client.get("/broken", headers={"Accept-Language": "kk"})

    with ThreadPoolExecutor(1) as thread:  # its own event loop (the browser tests' Playwright runs one here)
        answer = thread.submit(asyncio.run, get()).result()
    assert answer.status_code == 500
    assert "бағдарламада қате бар" in answer.text and IIN not in answer.text and "Traceback" not in answer.text
    assert "content-security-policy" in answer.headers
    log = capsys.readouterr().err
    assert "GET /broken" in log and "ValueError" in log and IIN not in log


def test_a_body_sent_in_chunks_without_end_is_stopped_at_its_limit(project_folder: Path) -> None:
    """A client that never says the length (Transfer-Encoding: chunked) and never stops: the guard counts what
    comes and answers 413 once past the limit, having read at most DRAIN times it (so a browser sees the
    answer), never the whole body."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from complaints.web.app import DRAIN
    from complaints.web.view import form_of

    async def take(request):  # a page's upload form handler, as the pages write it
        await form_of(request, files=1)
        return Response("stored")

    app = create_app(project_folder)
    app.router.routes.append(Route("/take", take, methods=["POST"]))
    chunk = b"\x00" * (1024 * 1024)
    sent = 0
    said: list[dict] = []

    start = (b'--x\r\nContent-Disposition: form-data; name="evidence"; filename="big.png"\r\n'
             b"Content-Type: image/png\r\n\r\n")

    async def receive() -> dict:  # a file's part that does not end (within reason: a guard that does not stop
        nonlocal sent  # it fails the test, rather than hang it)
        if sent > 3 * DRAIN * MAX_UPLOAD:
            return {"type": "http.request", "body": b"\r\n--x--\r\n", "more_body": False}
        body = start if sent == 0 else chunk
        sent += len(body)
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict) -> None:
        said.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/take", "raw_path": b"/take", "query_string": b"", "root_path": "", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 5000), "headers": [(b"host", b"127.0.0.1"), (b"transfer-encoding", b"chunked"),
                                                         (b"content-type", b"multipart/form-data; boundary=x")]}
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result(timeout=120)
    assert said[0]["type"] == "http.response.start" and said[0]["status"] == 413
    limit = MAX_UPLOAD + 1024 * 1024
    assert limit < sent <= limit * DRAIN + len(chunk)


def test_listening_beyond_this_computer_prints_a_red_warning_and_still_answers_here(project_folder: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "complaints.cli", "serve", str(project_folder), "--port", "0",
                                "--no-browser", "--host", "0.0.0.0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, encoding="utf-8", env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200"})
    assert process.stderr is not None
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if not line or "http://127.0.0.1:" in line:
                break
        said = "".join(lines)
        assert "warning" in said.lower() and "0.0.0.0" in said
        assert re.search(r"\x1b\[[0-9;]*31[;m]", said), repr(said)  # red
        url = re.search(r"http://127\.0\.0\.1:\d+/", said)
        assert url, said
        connection = http.client.HTTPConnection(urlsplit(url.group(0)).hostname, urlsplit(url.group(0)).port)
        connection.request("GET", "/static/style.css")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        process.terminate()
        process.communicate(timeout=15)
