"""A local news site for the capture tests: a threaded http.server on 127.0.0.1 (port 0), started by the test.

    /news/article-1   the first example case's comment (cases/nurkz-…), added by JavaScript ~700 ms after the page
    /news/article-2   the second example case's comment (cases/zonakz-…), in the page itself, with a redirect to it
                      from /old/article-2
    /news/removed     an article whose comment was taken down ("comment removed by the moderator")
    /news/gone        404
    /news/slow        answers only after `site.slow` seconds (longer than a test's time limit)
    /news/large       a page of `site.large` bytes (beyond a test's size limit)
    /news/kazakh      a comment in Kazakh with emoji, added by JavaScript
    /news/login       comments behind a login wall (a password field, "Войдите, чтобы увидеть комментарии")
    /gen/N            generated articles (the bench and the watch tests), one comment each: "Comment number N …"

`site.remove(path)` turns a page into its "comment removed" version while the server runs; `site.url(path)`.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

CASES = Path(__file__).resolve().parents[2] / "cases"
FIRST = CASES / "nurkz-2023-10-06-kazakh-language.yaml"
SECOND = CASES / "zonakz-2018-07-12-mixed-marriages.yaml"

KAZAKH_AUTHOR = "Айгүл_88"
KAZAKH_TEXT = "Қазақ тілін білмейтіндер елден кетсін 😡🇰🇿 — «бұл біздің жер»!"


def example(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _page(title: str, body: str, script: str = "") -> bytes:
    return f"""<!doctype html><html lang=ru><head><meta charset=utf-8><title>{html.escape(title)}</title>
<style>body {{ font: 16px/1.4 "DejaVu Sans", sans-serif; margin: 24px; max-width: 900px; }}
.comment {{ border-top: 1px solid #ccc; padding: 8px 0; }} .author {{ font-weight: bold; }}
time {{ color: #555; margin-left: 8px; }}</style></head>
<body><header><a href="/">Example News</a></header><article><h1>{html.escape(title)}</h1>
<p>Lorem ipsum dolor sit amet, the article's own text, long enough to be an article.</p></article>
<section id=comments><h2>Комментарии</h2>{body}</section>{script}</body></html>""".encode()


def _comment(author: str, shown_time: str | None, text: str, other: bool = True) -> str:
    when = f'<time datetime="{html.escape(shown_time)}">{html.escape(shown_time.replace("T", " "))}</time>' \
        if shown_time else ""
    paras = "".join(f"<p>{html.escape(line)}</p>" for line in text.strip().splitlines())
    neighbour = ('<div class=comment><div class=meta><span class=author>Другой_читатель</span>'
                 '<time datetime="2023-10-07T08:00">2023-10-07 08:00</time></div><p>Согласен с автором статьи.</p>'
                 '</div>') if other else ""
    return (f'<div class=comment><div class=meta><span class=author>{html.escape(author)}</span>{when}</div>'
            f'<div class=text>{paras}</div></div>{neighbour}')


def _late(markup: str, ms: int = 700) -> str:
    """A script that adds `markup` to the comments ~`ms` after the page loaded (as comment widgets do)."""
    return (f"<script>setTimeout(() => {{ document.getElementById('comments').insertAdjacentHTML('beforeend', "
            f"{json.dumps(markup)}); }}, {ms});</script>")


REMOVED = '<div class=comment><p class=removed>Комментарий удалён модератором.</p></div>'


class Site:
    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, bytes]] = {}
        self.redirects: dict[str, str] = {}
        self.slow = 8.0
        self.large = 6_000_000
        self.hits: dict[str, list[float]] = {}
        self._removed: set[str] = set()
        self._titles: dict[str, str] = {}
        self._lock = threading.Lock()
        first, second = example(FIRST)["comment"], example(SECOND)["comment"]
        # the first: quoted with other quotes and no-break spaces than the case file, to be found all the same
        text1 = first["text"].strip().replace(" ", "\u00a0", 2)
        self.add("/news/article-1", "Балаева объяснила", "", _late(_comment(first["author"], "2023-10-06T22:53",
                                                                             text1)))
        self.add("/news/article-2", "Корейско-казахские браки", _comment(second["author"], None, second["text"]))
        self.redirects["/old/article-2"] = "/news/article-2"
        self.add("/news/removed", "Статья", REMOVED)
        self.add("/news/kazakh", "Мақала", "", _late(_comment(KAZAKH_AUTHOR, "2026-11-30T12:05", KAZAKH_TEXT)))
        self.add("/news/login", "Статья", '<form><p>Войдите, чтобы увидеть комментарии.</p><input name=login>'
                                          '<input type=password name=password><button>Войти</button></form>')

    def add(self, path: str, title: str, body: str, script: str = "", status: int = 200) -> None:
        with self._lock:
            self.pages[path] = (status, _page(title, body, script))
            self._titles[path] = title

    def add_generated(self, n: int) -> tuple[str, str, str]:
        """/gen/N: an article with one comment (author, text), added by JavaScript; its (path, author, text)."""
        path, author, text = f"/gen/{n}", f"reader{n}", f"Comment number {n}: a hateful remark, quoted «verbatim»."
        self.add(path, f"Article {n}", "", _late(_comment(author, "2026-11-01T10:00", text, other=False), 100))
        return path, author, text

    def remove(self, path: str) -> None:
        """The page's comment taken down: from now on it shows 'comment removed'."""
        with self._lock:
            self._removed.add(path)
            self.pages[path] = (200, _page(self._titles.get(path, "Статья"), REMOVED))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    port = 0


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Test-Site", "complaints")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            site.hits.setdefault(path, []).append(time.monotonic())
            try:
                if path in site.redirects:
                    self._send(301, b"", {"Location": site.redirects[path]})
                elif path == "/news/gone":
                    self._send(404, _page("Не найдено", "<p>Страница не найдена (404)</p>"))
                elif path == "/news/slow":
                    time.sleep(site.slow)
                    self._send(200, _page("Медленная", "<p>поздно</p>"))
                elif path == "/news/large":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.end_headers()  # no length: the browser has to count what it receives
                    self.wfile.write(b"<!doctype html><meta charset=utf-8><body><h1>Large</h1>")
                    chunk = ("<p>" + "Очень длинная страница. " * 40 + "</p>\n").encode()
                    sent = 0
                    while sent < site.large:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                    self.close_connection = True
                elif path in site.pages:
                    status, body = site.pages[path]
                    self._send(status, body)
                else:
                    self._send(404, _page("Не найдено", "<p>404</p>"))
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    """The local news site, on 127.0.0.1 at a free port, for one test."""
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def copy_examples(site: Site, folder: Path) -> tuple[Path, Path]:
    """The two example cases (with their complaints.yaml and evidence) copied into `folder`, their articles'
    addresses turned to the local site's /news/article-1 and /old/article-2 (a redirect to /news/article-2)."""
    import shutil

    shutil.copytree(CASES, folder, dirs_exist_ok=True)
    first, second = folder / FIRST.name, folder / SECOND.name
    for path, old, new in ((first, "https://www.nur.kz/example-article-path/", "/news/article-1"),
                           (second, "https://zonakz.net/example-article-path/", "/old/article-2")):
        text = path.read_text(encoding="utf-8")
        assert f"url: {old}" in text
        path.write_text(text.replace(f"url: {old}", f"url: {site.url(new)}"), encoding="utf-8")
    return first, second


def make_cases(site: Site, folder: Path, count: int) -> list[Path]:
    """`count` case files in `folder` (with the example complaints.yaml), each about a generated /gen/N page."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(CASES / "complaints.yaml", folder / "complaints.yaml")
    template = FIRST.read_text(encoding="utf-8")
    template = template[:template.index("evidence:\n")] + template[template.index("requests:"):]
    paths = []
    for n in range(count):
        path, author, text = site.add_generated(n)
        case = (template.replace("id: nurkz-2023-10-06-kazakh-language", f"id: gen-case-{n:03d}")
                .replace("url: https://www.nur.kz/example-article-path/", f"url: {site.url(path)}")
                .replace("author: ZapadNamNePomozhet", f"author: {author}")
                .replace("    Не хватает слов в казахском языке, чтобы переводить человеческие языки?", f"    {text}"))
        target = folder / f"gen-case-{n:03d}.yaml"
        target.write_text(case, encoding="utf-8")
        paths.append(target)
    return paths
