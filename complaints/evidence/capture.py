"""One comment's page captured with a real headless browser: what the page showed, kept so that it can be shown again.

    capture(url, text=…, author=…, posted=…, folder=…)   one page, synchronously: a Capture (record.py)
    capture_page(context, job, limits, browser_name)    the same inside a running browser
    capture_many(jobs, workers=, pace=, on_done=)       many jobs with one browser: bounded pages, polite pacing
    normalise(text)                                     the text as it is compared: spaces, quotes and dashes made one

The browser opens the address (http and https only), within a time limit, counting the bytes it receives; the
main document's status, final address, redirects and headers are kept. It then waits (comments often arrive by
JavaScript, after the page) until the quoted text is in the page's visible text, compared after normalising spaces
(no-break spaces, line breaks), quotes (« » “ ” „ ' " ’) and dashes, letter case kept. The smallest element holding
the text is found, and from it the comment's container: the nearest ancestor (a few levels up at most) that also
shows the author's name.

What is kept, every file written new (never over an earlier capture; the names carry the capture's time):
- the whole page as a PNG screenshot (cut at a height limit, and then said);
- a close-up: the comment's container, photographed, under a header the tool writes: the page's address, the
  capture time in Kazakhstan with its UTC offset, the comment's author and time as the page shows them and as the
  case file says; composed in a second page of the browser, so that one picture holds all of them;
- the page as MHTML, from Chromium's own `Page.captureSnapshot`. MHTML, not WACZ, because it is one file that
  opens by a double-click in Chrome or Edge (what a ministry's clerk, a colleague or a court has), with no replay
  software, and it holds the page as it was after its scripts ran, the comments they loaded included; WACZ keeps
  the network traffic more faithfully, but needs a replay web page or app to be opened at all;
- the record (record.py), written last: the address asked for, the final address, status, headers, the outcome,
  the time and the SHA-256 of every file; then, where authorities are given, an RFC 3161 token over the record
  from each (timestamp.py).

An outcome other than "found" (record.OUTCOMES) is what was seen, kept with the screenshot where the page
rendered, and the record; it is never evidence that the comment is online.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..case.when import kz_time_text, kz_zone
from ..errors import DataError
from ..files import write_new
from .browser import find_browser, open_browser
from .record import Capture, CapturedFile, record_bytes, stem_for

__all__ = ["Job", "Limits", "OnDone", "capture", "capture_many", "capture_page", "normalise", "words"]


# ---------------------------------------------------------------- the tool's words and limits

@lru_cache(maxsize=1)
def words() -> dict[str, Any]:
    """complaints/data/capture.yaml: descriptions, the close-up's labels, limits, pacing, login signs."""
    import yaml

    try:
        text = (resources.files("complaints") / "data" / "capture.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        for key in ("descriptions", "closeup", "limits", "pacing", "login_signs"):
            data[key]  # noqa: B018
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise DataError(f"complaints/data/capture.yaml: {exc}") from None
    return data


def _limit(name: str) -> Any:
    return words()["limits"][name]


@dataclass(frozen=True)
class Limits:
    """What one capture may take (defaults: complaints/data/capture.yaml)."""

    navigation: float = field(default_factory=lambda: float(_limit("navigation")))  # seconds for the page to load
    appear: float = field(default_factory=lambda: float(_limit("appear")))  # seconds for the comment to appear
    max_bytes: int = field(default_factory=lambda: int(_limit("max_bytes")))  # bytes received, all resources
    max_height: int = field(default_factory=lambda: int(_limit("max_height")))  # the page screenshot's pixels
    closeup_max_height: int = field(default_factory=lambda: int(_limit("closeup_max_height")))
    ancestor_levels: int = field(default_factory=lambda: int(_limit("ancestor_levels")))


@dataclass(frozen=True)
class Job:
    """One page to capture."""

    url: str
    text: str
    author: str | None
    posted: str | None
    folder: Path
    authorities: Sequence[Any] = ()
    key: str = ""  # what the job is for (a case file), for whoever ran it


# ---------------------------------------------------------------- text as it is compared

_QUOTES = "«»“”„‟\"'’‘‚‛‹›`´"
_DASHES = "‐‑‒–—―−"
_SPACES = "\t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029" \
          "\u202f\u205f\u3000\u0085"
_DROP = "\u200b\u2060\ufeff\u00ad"
_TABLE = {**{c: '"' for c in _QUOTES}, **{c: "-" for c in _DASHES}, **{c: " " for c in _SPACES},
          **{c: "" for c in _DROP}}
_TRANSLATE = str.maketrans(_TABLE)


def normalise(text: str) -> str:
    """`text` as a capture compares it: NFC; every kind of space and line break one space, runs of them one, none
    at the ends; every kind of quote `"`, every dash `-`; zero-width characters and soft hyphens left out; letter
    case as it is. (The page's side does exactly the same, in the browser, from the same table.)"""
    return re.sub(" +", " ", unicodedata.normalize("NFC", text).translate(_TRANSLATE)).strip(" ")


_JS_NORM = """
const table = new Map(Object.entries(args.table));
const norm = (s) => Array.from((s || '').normalize('NFC')).map(c => table.has(c) ? table.get(c) : c).join('')
  .replace(/ +/g, ' ').replace(/^ +| +$/g, '');
"""

# The comment: the smallest visible element whose text holds the quotation, then its nearest ancestor that shows
# the author (the container), the time it shows, and where it is on the page.
_FIND = "(args) => {" + _JS_NORM + """
  const visible = (e) => e.getClientRects().length > 0;
  if (!document.body || !norm(document.body.innerText).includes(args.needle)) return null;
  let el = document.body;
  outer: while (true) {
    for (const child of el.children) {
      if (visible(child) && norm(child.innerText).includes(args.needle)) { el = child; continue outer; }
    }
    break;
  }
  let box = el, authorSeen = false;
  if (args.author) {
    let up = el;
    for (let i = 0; up && i <= args.levels; i++, up = up.parentElement) {
      if (norm(up.innerText).includes(args.author)) { box = up; authorSeen = true; break; }
    }
  }
  let shown = null;
  const t = box.querySelector('time');
  if (t) {
    shown = (t.innerText || '').trim();
    const dt = t.getAttribute('datetime');
    if (dt && !shown.includes(dt.replace('T', ' '))) shown = shown ? shown + ' (' + dt + ')' : dt;
  } else {
    const m = (box.innerText || '').match(
      /\\d{1,2}[.\\/]\\d{1,2}[.\\/]\\d{2,4}(,?\\s+\\d{1,2}:\\d{2})?|\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2})?/) ||
      (box.innerText || '').match(/\\d{1,2}:\\d{2}/);
    if (m) shown = m[0];
  }
  const r = box.getBoundingClientRect();
  return {matched: el.innerText.slice(0, 20000), authorSeen, shown,
          rect: {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height}};
}"""

_LOGIN = "(args) => {" + _JS_NORM + """
  if (document.querySelector('input[type=password]')) return 'a password field';
  const text = norm(document.body ? document.body.innerText : '');
  for (const sign of args.signs) { if (text.includes(sign)) return '"' + sign + '"'; }
  return null;
}"""


# ---------------------------------------------------------------- one capture

_reserved: set[tuple[str, str]] = set()  # stems taken by captures of this process still being written


def _stem(taken: datetime, folder: Path) -> str:
    """stem_for, and no two captures running at once in one folder get the same stem."""
    base = "capture-" + taken.strftime("%Y-%m-%d-%H%M%S")
    stem, n = stem_for(taken, folder), 1
    while (str(folder), stem) in _reserved or any(folder.glob(f"{stem}-*")):
        n += 1
        stem = f"{base}-{n}"
    _reserved.add((str(folder), stem))
    return stem


class _Seen:
    """What the browser received for the page: bytes counted, and whether the limit cut it off."""

    def __init__(self, limit: int):
        self.limit = limit
        self.bytes = 0
        self.cut = False


def capture(url: str, *, text: str, author: str | None, posted: str | None, folder: Path,
            authorities: Sequence[Any] = (), limits: Limits | None = None, browser: str | None = None) -> Capture:
    """Capture one page (see the module's docstring): the Capture, its files written in `folder`. `browser`: the
    browser's program (default: found by browser.find_browser). NoBrowser (a UsageError) when there is none."""
    job = Job(url, text, author, posted, Path(folder), tuple(authorities))
    return capture_many([job], workers=1, pace=0.0, limits=limits, browser=browser)[0]


def kz_now() -> datetime:
    """Now in Kazakhstan, to the second, with its offset as a fixed zone (what the record says: +05:00)."""
    here = datetime.now(kz_zone()).replace(microsecond=0)
    offset = here.utcoffset()
    assert offset is not None
    return here.astimezone(timezone(offset))


def refused(job: Job, why: str) -> Capture:
    taken = kz_now()
    return Capture(url=job.url, outcome="refused", detail=why, taken=taken, folder=job.folder, stem="",
                   text=job.text, author=job.author)


def refusal(url: str) -> str | None:
    """Why the tool will not open `url`, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"{url!r} is not a web address"
    if parts.scheme not in ("http", "https"):
        return f"only http and https addresses are captured, not {parts.scheme or 'an address without one'}:"
    if not parts.hostname:
        return f"{url!r} has no host name"
    return None


async def capture_page(context: Any, job: Job, limits: Limits, browser_name: str = "",
                       before: Callable[[], Awaitable[None]] | None = None) -> Capture:
    """One page in a running browser context (browser.open_browser). Never raises for what the page does.
    `before`: awaited just before the page's address is asked for (watch's pacing per host)."""
    why = refusal(job.url)
    if why:
        return refused(job, why.rstrip(":") + (f" {job.url}" if why.endswith(":") else ""))
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    taken = kz_now()
    folder = job.folder
    stem = _stem(taken, folder)
    cap = Capture(url=job.url, outcome="found", detail="", taken=taken, folder=folder, stem=stem, text=job.text,
                  author=job.author, browser=browser_name)
    page = await context.new_page()
    seen = _Seen(limits.max_bytes)
    try:
        page.set_default_timeout(limits.navigation * 1000)
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")

        def received(event: dict[str, Any]) -> None:
            seen.bytes += max(int(event.get("dataLength") or 0), int(event.get("encodedDataLength") or 0))
            if seen.bytes > seen.limit and not seen.cut:
                seen.cut = True
                asyncio.ensure_future(_cut(cdp))

        cdp.on("Network.dataReceived", received)
        response = None
        if before is not None:
            await before()
        try:
            response = await page.goto(job.url, wait_until="domcontentloaded", timeout=limits.navigation * 1000)
        except PlaywrightTimeout:
            _set(cap, "too-large" if seen.cut else "timeout",
                 _too_large(seen) if seen.cut else f"the page did not load within {limits.navigation:g} s")
        except PlaywrightError as exc:
            message = str(exc).splitlines()[0]
            code = re.search(r"net::ERR_[A-Z_]+", message)
            if seen.cut:
                _set(cap, "too-large", _too_large(seen))
            elif code and code[0] == "net::ERR_TIMED_OUT":
                _set(cap, "timeout", f"the server did not answer in time ({code[0]})")
            else:
                _set(cap, "network-error", f"no page: {code[0] if code else message}")
        if response is not None:
            cap.status = response.status
            cap.final_url = page.url
            try:
                cap.headers = dict(await response.all_headers())
            except PlaywrightError:
                cap.headers = dict(response.headers)
            chain = []
            request = response.request.redirected_from
            while request is not None:
                chain.append(request.url)
                request = request.redirected_from
            cap.redirects = list(reversed(chain))
            length = cap.headers.get("content-length", "")
            if length.isdigit() and int(length) > limits.max_bytes:
                seen.cut = True
                await _cut(cdp)
        if cap.outcome == "found" and seen.cut:
            _set(cap, "too-large", _too_large(seen))
        if cap.outcome == "found" and cap.status is not None and cap.status >= 400:
            gone = " (the page is gone: removed, or never there)" if cap.status in (404, 410) else ""
            _set(cap, "http-error", f"the server answered {cap.status}{gone}")
        found: dict[str, Any] | None = None
        if cap.outcome == "found":
            found = await _wait_for_text(page, job, limits, seen)
            if seen.cut:
                _set(cap, "too-large", _too_large(seen))
            elif found is None:
                sign = await _login_sign(page)
                if sign:
                    _set(cap, "login-wall", f"the text is not on the page, which asks to log in ({sign})")
                else:
                    _set(cap, "not-found", f"the page loaded (status {cap.status}), but the text is not on it within"
                                           f" {limits.appear:g} s: removed, or never there as quoted")
        await _keep_page(page, cap, limits, rendered=response is not None)
        if cap.outcome == "found" and found is not None:
            cap.matched = found["matched"]
            cap.author_seen = bool(found["authorSeen"])
            await _keep_closeup(context, page, cap, job, found, limits)
            await _keep_archive(cdp, cap)
            author = ("the author shown beside it" if cap.author_seen else
                      "the author not seen beside it" if job.author else "no author given")
            cap.detail = (f"the text is on the page (status {cap.status}), {author}" +
                          (f"; {cap.detail}" if cap.detail else ""))
    except PlaywrightError as exc:  # the page crashed or closed under us: what was kept is said
        _set(cap, "network-error" if cap.outcome == "found" else cap.outcome,
             f"the browser failed: {str(exc).splitlines()[0]}")
    finally:
        try:
            await page.close()
        except PlaywrightError:
            pass
    _write(folder / f"{stem}-record.json", record_bytes(cap), cap, "record")
    _reserved.discard((str(folder), stem))
    if job.authorities:
        from .timestamp import stamp_record  # openssl and the certificates only when stamps are asked for

        cap.stamps = list(await asyncio.to_thread(stamp_record, cap.record, stem, job.authorities))
    return cap


_SCRIPT_TIME = 20.0  # seconds for one look into the page (a page whose scripts never stop must not hold a capture)


def _set(cap: Capture, outcome: str, detail: str) -> None:
    cap.outcome = outcome
    cap.detail = detail


def _too_large(seen: _Seen) -> str:
    return f"the page is larger than the limit of {seen.limit:,} bytes: cut off after {seen.bytes:,} bytes"


async def _cut(cdp: Any) -> None:
    """Stop the page loading anything more."""
    for method, params in (("Page.stopLoading", {}),
                           ("Network.emulateNetworkConditions",
                            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})):
        try:
            await cdp.send(method, params)
        except Exception:  # noqa: BLE001 - the page may be gone already; there is then nothing left to stop
            pass


async def _wait_for_text(page: Any, job: Job, limits: Limits, seen: _Seen) -> dict[str, Any] | None:
    from playwright.async_api import Error as PlaywrightError

    args = {"table": _TABLE, "needle": normalise(job.text), "author": normalise(job.author or ""),
            "levels": limits.ancestor_levels}
    deadline = time.monotonic() + limits.appear
    while True:
        try:
            found = await asyncio.wait_for(page.evaluate(_FIND, args), _SCRIPT_TIME)
        except PlaywrightError:  # the page is navigating (a redirect by script): look again
            found = None
        except TimeoutError:  # the page's own scripts keep the browser busy: not seen, said as not found
            return None
        if found or seen.cut or time.monotonic() >= deadline:
            return found or None
        await asyncio.sleep(0.25)


async def _login_sign(page: Any) -> str | None:
    from playwright.async_api import Error as PlaywrightError

    signs = [normalise(s) for s in words()["login_signs"]]
    try:
        sign = await asyncio.wait_for(page.evaluate(_LOGIN, {"table": _TABLE, "signs": signs}), _SCRIPT_TIME)
        return str(sign) if sign else None
    except (PlaywrightError, TimeoutError):
        return None


def _write(path: Path, data: bytes, cap: Capture, role: str) -> None:
    write_new(path, data)
    cap.files.append(CapturedFile(role, path.name, len(data), hashlib.sha256(data).hexdigest()))


async def _keep_page(page: Any, cap: Capture, limits: Limits, *, rendered: bool) -> None:
    """The whole page's screenshot, cut at the height limit (and said); none where nothing rendered."""
    from playwright.async_api import Error as PlaywrightError

    if not rendered and page.url in ("about:blank", ""):
        cap.detail += "; no screenshot: nothing rendered"
        return
    try:
        size = await asyncio.wait_for(page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"), _SCRIPT_TIME)
        width, height = int(size[0]), int(size[1])
        clip = None
        if height > limits.max_height:
            clip = {"x": 0, "y": 0, "width": width, "height": limits.max_height}
        shot = await page.screenshot(full_page=True, type="png", clip=clip, timeout=15000, animations="disabled")
    except (PlaywrightError, TimeoutError) as exc:
        cap.detail += f"; no screenshot: {str(exc).splitlines()[0] if str(exc) else 'the page did not answer'}"
        return
    _write(cap.folder / f"{cap.stem}-page.png", shot, cap, "page")
    if clip:
        cap.detail += f"; the page screenshot is cut at {limits.max_height:,} of {height:,} pixels"


async def _keep_closeup(context: Any, page: Any, cap: Capture, job: Job, found: dict[str, Any],
                        limits: Limits) -> None:
    """The comment's container photographed, under the tool's header, as one picture."""
    from playwright.async_api import Error as PlaywrightError

    rect = found["rect"]
    pad = 8
    x, y = max(0.0, rect["x"] - pad), max(0.0, rect["y"] - pad)
    width, height = max(1.0, rect["width"] + 2 * pad), max(1.0, rect["height"] + 2 * pad)
    cut = height > limits.closeup_max_height
    try:
        shot = await page.screenshot(full_page=True, type="png", timeout=15000, animations="disabled",
                                     clip={"x": x, "y": y, "width": width,
                                           "height": min(height, limits.closeup_max_height)})
    except PlaywrightError as exc:
        cap.detail += f"; no close-up: {str(exc).splitlines()[0]}"
        return
    labels = words()["closeup"]
    author_line = (f"{job.author} ({labels['on_page'] if cap.author_seen else labels['in_case']})" if job.author
                   else labels["not_shown"])
    shown = found.get("shown")
    posted = f"{shown} ({labels['on_page']})" if shown else labels["not_shown"]
    if job.posted:
        posted += f"; {labels['in_case']}: {job.posted}"
    rows: list[tuple[str, str]] = [(labels["address"], cap.final_url or cap.url),
                                   (labels["captured"], kz_time_text(cap.taken)),
                                   (labels["author"], author_line), (labels["posted"], posted)]
    if cap.final_url and cap.final_url != cap.url:
        rows.insert(1, (labels["asked"], cap.url))
    sheet_width = int(max(width + 40, 1000))
    body = "".join(f"<div class=k>{html.escape(k)}</div><div class=v>{html.escape(v)}</div>" for k, v in rows)
    note = f"<p class=cut>… {int(height - limits.closeup_max_height)} px</p>" if cut else ""
    image = base64.b64encode(shot).decode("ascii")
    doc = f"""<!doctype html><meta charset=utf-8><style>
      body {{ margin: 0; background: #fff; }}
      #sheet {{ display: inline-block; padding: 16px; font: 22px/1.35 "DejaVu Sans", "Segoe UI", Arial, sans-serif;
               color: #000; background: #fff; width: {sheet_width - 32}px; }}
      .k {{ font-size: 16px; color: #333; margin-top: 6px; }}
      .v {{ font-size: 24px; font-weight: bold; overflow-wrap: anywhere; }}
      img {{ display: block; border: 3px solid #c00; margin-top: 12px; }}
      .cut {{ margin: 4px 0 0; font-size: 18px; }}
    </style><div id=sheet>{body}<img src="data:image/png;base64,{image}">{note}</div>"""
    sheet = await context.new_page()
    try:
        await sheet.set_viewport_size({"width": sheet_width, "height": 800})
        await sheet.set_content(doc, wait_until="load")
        picture = await sheet.locator("#sheet").screenshot(type="png", timeout=15000)
    except PlaywrightError as exc:
        cap.detail += f"; no close-up: {str(exc).splitlines()[0]}"
        return
    finally:
        await sheet.close()
    _write(cap.folder / f"{cap.stem}-comment.png", picture, cap, "comment")
    if cut:
        cap.detail += f"; the close-up is cut at {limits.closeup_max_height:,} pixels"


async def _keep_archive(cdp: Any, cap: Capture) -> None:
    try:
        snapshot = await asyncio.wait_for(cdp.send("Page.captureSnapshot", {"format": "mhtml"}), 60)
    except Exception as exc:  # noqa: BLE001 - a CDP error of any kind: the archive is then said to be missing
        cap.detail += f"; no archive: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        return
    _write(cap.folder / f"{cap.stem}-page.mhtml", snapshot["data"].encode("utf-8"), cap, "archive")


# ---------------------------------------------------------------- many at once

OnDone = Callable[[Job, Capture], None]


def capture_many(jobs: Sequence[Job], *, workers: int, pace: float, on_done: OnDone | None = None,
                 limits: Limits | None = None, browser: str | None = None) -> list[Capture]:
    """Capture every job (see the module's docstring); `on_done(job, capture)` after each. NoBrowser when no
    browser is found (only if some job is to be opened at all)."""
    limits = limits or Limits()
    results: list[Capture | None] = [None] * len(jobs)
    todo = []
    for i, job in enumerate(jobs):
        why = refusal(job.url)
        if why:
            results[i] = refused(job, why + (f" {job.url}" if why.endswith(":") else ""))
            if on_done:
                on_done(job, results[i])  # type: ignore[arg-type]
        else:
            todo.append(i)
    if todo:
        choice = find_browser(browser)
        work = _run([(i, jobs[i]) for i in todo], results, workers=max(1, workers), pace=max(0.0, pace),
                    on_done=on_done, limits=limits, choice=choice)
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: no event loop in this thread
            asyncio.run(work)
        else:  # called from async code (a notebook, a server): the captures get a thread and a loop of their own
            import concurrent.futures

            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, work).result()
    return [r for r in results if r is not None]


async def _run(jobs: list[tuple[int, Job]], results: list[Capture | None], *, workers: int, pace: float,
               on_done: OnDone | None, limits: Limits, choice: Any) -> None:
    gate = asyncio.Semaphore(workers)
    hosts: dict[str, asyncio.Lock] = {}
    next_visit: dict[str, float] = {}

    async with open_browser(choice) as (context, name):
        async def one(i: int, job: Job) -> None:
            host = (urlsplit(job.url).hostname or "").lower()
            lock = hosts.setdefault(host, asyncio.Lock())

            async def paced() -> None:  # a visit to a host starts at least `pace` seconds after the one before
                async with lock:
                    wait = next_visit.get(host, 0.0) - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    next_visit[host] = time.monotonic() + pace

            async with gate:
                try:
                    cap = await capture_page(context, job, limits, name, before=paced)
                except Exception as exc:  # noqa: BLE001 - one page's failure never stops the others
                    cap = refused(job, f"the capture failed: {type(exc).__name__}: {exc}")
                    cap.outcome = "network-error"
                results[i] = cap
                if on_done:
                    on_done(job, cap)

        await asyncio.gather(*(one(i, job) for i, job in jobs))
