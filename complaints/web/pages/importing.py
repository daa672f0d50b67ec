"""Import: a monitoring sheet (CSV or XLSX) uploaded, previewed (a dry run of `complaints import`: the rows that
will import and those refused, each at its row and column), then imported into the project folder on confirm.

The sheet is kept under the project as .complaints/uploads/<random>.<ext> (never under the user's name); once it
is imported, a record beside it (<random>.done.json) says what was written, so that a reload or a second click
shows that record instead of importing again.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...errors import Problem, UsageError
from ...files import write_new
from ...intake.importer import ImportedRow, ImportResult, import_sheet, warnings_note
from ..problems import say
from ..safety import MAX_UPLOAD, SHEET_TYPES, safe_name
from ..view import desk, form_of, lang, page, redirect

UPLOADS = Path(".complaints") / "uploads"
SHOWN_ROWS = 300  # rows listed in the preview and the summary; the counts are of all
TEXT_START = 90  # characters of a comment shown in the preview
SHOWN_HEADERS = 4  # headers listed for each column on the upload page
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_importing = threading.Lock()  # one import at a time: a second click waits, then finds the first one's record


def _uploads(root: Path) -> Path:
    return root / UPLOADS


def _sheet(root: Path, token: str | None) -> tuple[Path, dict[str, Any]]:
    """The uploaded sheet named by `token` and what was noted of it at upload (404 for a token that is not one)."""
    if not token or not _TOKEN.match(token):
        raise HTTPException(404)
    folder = _uploads(root)
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise HTTPException(404) from None
    ending = meta.get("ending")
    if ending not in SHEET_TYPES or not (folder / f"{token}{ending}").is_file():
        raise HTTPException(404)
    return folder / f"{token}{ending}", meta


def _done(root: Path, token: str) -> dict[str, Any] | None:
    path = _uploads(root) / f"{token}.done.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise HTTPException(500) from None


def _problem(problem: Problem, code: str) -> dict[str, Any]:
    said = say(problem, code)
    return {"row": problem.line, "column": problem.column, "field": problem.field, "message": said.message,
            "translated": said.translated}


def _usage(exc: UsageError, code: str) -> str:
    return say(Problem("", 0, 0, exc.about or "", str(exc)), code).message


def _row(row: ImportedRow, root: Path) -> dict[str, Any]:
    text = " ".join(row.text.split())
    return {"row": row.row, "id": row.id, "outlet": row.outlet, "author": row.author, "kind": row.kind,
            "text": text if len(text) <= TEXT_START else text[:TEXT_START].rstrip() + "…",
            "file": row.path.relative_to(root).as_posix() if row.path.is_relative_to(root) else row.path.name}


def _run(root: Path, sheet: Path, *, dry_run: bool) -> tuple[ImportResult, list[dict[str, Any]]]:
    """The import (or its dry run) into the project folder, with the good rows (the first SHOWN_ROWS)."""
    rows: list[dict[str, Any]] = []

    def each(row: ImportedRow) -> None:
        if len(rows) < SHOWN_ROWS and (dry_run or row.kind == "written"):
            rows.append(_row(row, root))

    result = import_sheet(sheet, root, dry_run=dry_run, each=each)
    return result, rows


def _counts(result: ImportResult) -> dict[str, int]:
    return {"rows": result.rows, "written": result.written, "updated": result.updated, "unchanged": result.unchanged,
            "skipped": result.skipped, "failed": result.failed, "warned": result.with_warnings}


# ---------------------------------------------------------------- the pages


def _columns(code: str) -> list[dict[str, Any]]:
    """The columns the import understands, their headers in the page's language first (at most SHOWN_HEADERS)."""
    from ...intake.sample import columns

    return [{"field": c.field, "required": c.required, "headers": c.headers[:SHOWN_HEADERS],
             "more": len(c.headers) > SHOWN_HEADERS} for c in columns(code) if c.headers]


def _form(request: Request, error: str | None, status: int = 200) -> Response:
    return page(request, "importing.html", {"error": error, "columns": _columns(lang(request))}, status=status)


async def upload_form(request: Request) -> Response:
    if not desk(request).has_project:
        return redirect("/first-run")
    return _form(request, None)


async def sample(request: Request) -> Response:
    """A sample sheet: every column the import understands, headed in the page's language, one example row."""
    from ...intake.sample import sample_csv

    code = lang(request)
    return Response(sample_csv(code), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="sample-{code}.csv"'})


async def upload(request: Request) -> Response:
    """Step 1: the sheet kept under the project, under a random name; then to its preview."""
    if not desk(request).has_project:  # the cases are checked with the applicant: first the applicant
        return redirect("/first-run")
    root = desk(request).root
    try:
        form = await form_of(request, files=1)
    except HTTPException as exc:
        if exc.status_code != 413:
            raise
        return _form(request, "too_large", 413)
    sent = form.get("sheet")  # (a form that comes back has no file: the browser cannot be given one to send again)
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _form(request, "no_file", 400)
    try:
        name = safe_name(sent.filename, SHEET_TYPES)
    except ValueError:
        return _form(request, "wrong_type", 400)
    if sent.size is not None and sent.size > MAX_UPLOAD:
        return _form(request, "too_large", 413)
    data = await sent.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _form(request, "too_large", 413)
    if not data:
        return _form(request, "empty", 400)
    token = secrets.token_hex(16)
    ending = "." + name.rsplit(".", 1)[1]
    folder = _uploads(root)
    meta = {"name": name, "ending": ending, "uploaded": datetime.now(UTC).isoformat(timespec="seconds")}
    await run_in_threadpool(write_new, folder / f"{token}{ending}", data)
    await run_in_threadpool(write_new, folder / f"{token}.json", json.dumps(meta).encode("utf-8"))
    return redirect(f"/import/preview?upload={token}")


async def preview(request: Request) -> Response:
    """Step 2: what the import would do, written nowhere; or, once imported, what it did."""
    if not desk(request).has_project:  # the cases are checked with the applicant: first the applicant
        return redirect("/first-run")
    root = desk(request).root
    token = request.query_params.get("upload")
    sheet, meta = _sheet(root, token)
    assert token is not None
    if await run_in_threadpool(_done, root, token) is not None:
        return redirect(f"/import/done?upload={token}")
    code = lang(request)
    try:
        result, rows = await run_in_threadpool(_run, root, sheet, dry_run=True)
    except UsageError as exc:
        return page(request, "importing-preview.html", {"token": token, "name": meta["name"], "refused": _usage(exc, code),
                                                        "rows": [], "problems": [], "counts": {}, "notes": []},
                    status=400)
    problems = [_problem(p, code) for p in result.problems]
    # the note naming `complaints validate` is the command line's; the page says it in its own words
    notes = [say(Problem("", 0, 0, "", n), code).message for n in result.notes if n != warnings_note(result)]
    return page(request, "importing-preview.html", {"token": token, "name": meta["name"], "refused": None,
                                                    "rows": rows, "problems": problems, "counts": _counts(result),
                                                    "notes": notes})


async def confirm(request: Request) -> Response:
    """Step 3: the import itself, once per upload however often the form is sent."""
    if not desk(request).has_project:  # the cases are checked with the applicant: first the applicant
        return redirect("/first-run")
    root = desk(request).root
    form = await form_of(request)
    token = form.get("upload")
    sheet, meta = _sheet(root, token if isinstance(token, str) else None)
    assert isinstance(token, str)
    code = lang(request)

    def once() -> None:
        with _importing:
            if _done(root, token) is not None:
                return
            result, rows = _run(root, sheet, dry_run=False)
            record = {"name": meta["name"], "imported": datetime.now(UTC).isoformat(timespec="seconds"),
                      "counts": _counts(result), "written": rows,
                      "problems": [{"line": p.line, "column": p.column, "field": p.field, "message": p.message}
                                   for p in result.problems]}
            write_new(_uploads(root) / f"{token}.done.json", json.dumps(record, ensure_ascii=False).encode("utf-8"))

    try:
        await run_in_threadpool(once)
    except UsageError as exc:
        return page(request, "importing-preview.html", {"token": token, "name": meta["name"], "refused": _usage(exc, code),
                                                        "rows": [], "problems": [], "counts": {}, "notes": [],
                                                        "here": f"/import/preview?upload={token}"}, status=400)
    return redirect(f"/import/done?upload={token}")


async def done(request: Request) -> Response:
    """The summary of an import, from its record: the same on every reload."""
    root = desk(request).root
    token = request.query_params.get("upload")
    _, meta = _sheet(root, token)
    assert token is not None
    record = await run_in_threadpool(_done, root, token)
    if record is None:
        return redirect(f"/import/preview?upload={token}")
    code = lang(request)
    problems = [_problem(Problem("", p["line"], p["column"], p["field"], p["message"]), code)
                for p in record.get("problems", [])]
    written = record.get("written", [])
    more = max(int(record["counts"].get("written", 0)) - len(written), 0)
    return page(request, "importing-done.html", {"name": meta["name"], "counts": record["counts"], "written": written,
                                                 "more": more, "problems": problems})


routes = [
    Route("/import", upload_form, methods=["GET"], name="import"),
    Route("/import", upload, methods=["POST"], name="import-upload"),
    Route("/import/sample.csv", sample, methods=["GET"], name="import-sample"),
    Route("/import/preview", preview, methods=["GET"], name="import-preview"),
    Route("/import/confirm", confirm, methods=["POST"], name="import-confirm"),
    Route("/import/done", done, methods=["GET"], name="import-done"),
]
