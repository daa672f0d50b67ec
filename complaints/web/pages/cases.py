"""The cases: a table of every case in the project folder with its status (review/overview.py), searchable and
sortable by plain links and a GET form, each row leading to its case page and its letters."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...case.when import Moment
from ...letter.phrases import phrases
from ...register.sightings import verdict
from ...review.overview import SORT_KEYS, CaseRow, overview, search, sort_rows
from .. import problems as said
from .. import words
from ..view import desk, lang, page, redirect

EXCERPT = 160  # characters of the comment shown in the table


def _language_name(code: str, shown_in: str) -> str:
    """A comment's language by its name in the page's language (ru → русский), else its code."""
    try:
        name = Locale.parse(shown_in).languages.get(code)
    except (ValueError, TypeError):
        name = None
    return name or code


def _posted(moment: Moment | None, shown_in: str) -> str:
    """When the comment was posted, in the page's language as the letters write it: the date in Kazakhstan, the
    time and its UTC offset then (6 октября 2023 года, 22:53, UTC+6); "" where the case does not say."""
    if moment is None:
        return ""
    said = phrases(shown_in)
    if not moment.has_time:
        return said.date(moment.day)
    return words.say("cases.posted_at", shown_in, date=said.date(moment), time=said.time(moment),
                     offset=said.offset(moment))


def _when(moment: datetime, shown_in: str) -> str:
    """A time of the register's (aware) in the page's language, on Kazakhstan's clocks, with its offset."""
    return _posted(Moment(moment.date(), moment.timetz().replace(tzinfo=None), moment.utcoffset()), shown_in)


def online(sighting: Any, shown_in: str) -> dict[str, Any]:
    """Whether the comment is still online, as the register's sightings say (review/overview.py): its state and
    a line saying when it was last seen, first missed, last checked, in the page's language."""
    if sighting is None:
        return {"state": "unknown", "text": words.say("cases.online.never", shown_in)}
    parts = []
    if sighting.last_seen is not None:
        parts.append(words.say("cases.online.seen", shown_in, when=_when(sighting.last_seen, shown_in)))
    if sighting.first_missed is not None:
        parts.append(words.say("cases.online.missed", shown_in, when=_when(sighting.first_missed, shown_in)))
    if verdict(sighting.last_outcome, sighting.last_detail) == "nothing":  # the last check proved nothing
        parts.append(words.say("cases.online.checked", shown_in, when=_when(sighting.last_checked, shown_in),
                               outcome=words.say(f"cases.online.outcome.{sighting.last_outcome}", shown_in)))
    return {"state": sighting.state, "text": "; ".join(parts)}


def _link(q: str, sort: str, order: str) -> str:
    query = {k: v for k, v in (("q", q), ("sort", sort), ("order", order)) if v}
    return "/cases" + ("?" + urlencode(query) if query else "")


def _row(row: CaseRow, here: str) -> dict[str, Any]:
    reason = said.say(row.reason, here) if row.reason is not None and row.status == "attention" else None
    text = " ".join(row.text.split())
    return {
        "file": row.relative, "id": row.case_id, "title": row.title, "outlet": row.outlet, "author": row.author,
        "excerpt": text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + "…",
        "posted": _posted(row.posted, here), "language": _language_name(row.language, here) if row.language else "",
        "status": row.status, "reason": reason, "more": max(len(row.problems) - 1, 0) if reason else 0,
        "case_link": "/case?" + urlencode({"file": row.relative}),
        "letters_link": "/letters?" + urlencode({"file": row.relative}),
        "online": online(row.online, here),
    }


async def cases(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    q = (request.query_params.get("q") or "").strip()[:200]
    sort = request.query_params.get("sort") or "id"
    sort = sort if sort in SORT_KEYS else "id"
    order = "desc" if request.query_params.get("order") == "desc" else "asc"
    rows = await run_in_threadpool(overview, here.root, letters=here.letters, db=here.db)
    shown = sort_rows(search(rows, q), sort, descending=order == "desc")
    chosen = lang(request)
    headers = [{"key": key, "link": _link(q, key, "desc" if key == sort and order == "asc" else "asc"),
                "current": key == sort, "order": order} for key in SORT_KEYS]
    return page(request, "cases.html", {
        "rows": [_row(r, chosen) for r in shown], "total": len(rows), "q": q, "sort": sort, "order": order,
        "headers": headers, "clear": _link("", "" if sort == "id" else sort, "desc" if order == "desc" else ""),
    })


routes = [Route("/cases", cases, name="cases")]
