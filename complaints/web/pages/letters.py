"""A case's letters: what `check` finds in them at the top, the case's own problems, the letters previewed side by
side in their languages (the library's HTML letter, in a frame of its own), the button that makes them through the
batch (so the manifest and the fingerprints stay true), and the files the batch wrote, to download."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from ...batch.write import FolderBusy
from ...errors import CaseError, ComplaintsError, Problem
from ...layout import FORMATS, LANGUAGES, PROJECT_FILE
from ..counting import counter
from ..making import WEB_FORMATS, office_found, running
from ..problems import Said, say, say_text
from ..safety import Outside, inside, media_type
from ..view import Desk, desk, form_of, lang, page, redirect

# The preview is the letter's own page: its inline <style> only; no script, nothing fetched, in a sandbox (an
# origin of its own), shown only in a frame of this desk.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
KEPT = 20  # the outcomes of "make the letters" kept for their pages (the latest)


@dataclass
class Made:
    """What one press of "make the letters" did to a case, as its page tells it."""

    file: str
    final: bool
    events: list[Any] = field(default_factory=list)  # the batch's CaseEvents
    result: Any = None  # the BatchResult
    busy: bool = False  # another batch was writing to the letters' folder
    refused: str | None = None  # the library's own message, where it refused the run (English)

    @property
    def failed(self) -> bool:
        return self.busy or self.refused is not None or any(e.status == "failed" for e in self.events)


def case_file(here: Desk, relative: str | None) -> Path:
    """The case file a URL names, inside the project folder; 404 for anything else."""
    try:
        path = inside(here.root, relative or "")
    except Outside:
        raise HTTPException(404) from None
    if path.suffix not in (".yaml", ".yml") or path.name == PROJECT_FILE or not path.is_file():
        raise HTTPException(404)
    return path


def _shown_file(here: Desk, name: str) -> str:
    """A file a finding names (as the library shows it, from the working folder) from the project folder."""
    path = Path(name)
    try:
        return path.resolve().relative_to(here.root).as_posix()
    except (ValueError, OSError):
        return name


def fix_link(file: str, field: str) -> str | None:
    """Where the desk lets the user correct what a finding is about, or None: the findings about the project file
    (applicant.*, authority.* in complaints.yaml) lead to the settings page."""
    from .settings import fix_link as on_settings

    return on_settings(field, file)


def _findings(here: Desk, path: Path, language: str) -> dict[str, Any]:
    """`check`'s findings for the case, each in the page's language where the catalogue has it."""
    from ...review.run import check_paths

    report = check_paths([path], letters=here.letters)
    review = report.cases[0]
    found = []
    for f in report.of(review):
        said = say(Problem(f.file, f.line, f.column, f.field, f.message, "warning"), language)
        shown = _shown_file(here, f.file)
        found.append({"kind": f.kind, "file": shown, "line": f.line, "said": said,
                      "project": Path(shown).name == PROJECT_FILE, "fix_link": fix_link(shown, f.field)})
    return {"findings": found, "stale": any(f["kind"] in ("stale", "evidence") for f in found),
            "unreadable": [say(p, language) for p in review.problems]}


def _problems(path: Path, language: str) -> tuple[list[Said], tuple[str, ...], str | None]:
    """The case's validation problems (errors and warnings), its letters' languages, and its id (None when it
    cannot be read)."""
    from ...case.read import load_case

    try:
        case = load_case(path)
    except CaseError as exc:
        return [say(p, language) for p in exc.problems], (), None
    return [say(p, language) for p in case.warnings], case.languages, case.id


def _on_disk(here: Desk, path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The letters the manifest lists for the case and that are on disk, by language and format."""
    from ...batch.manifest import on_disk
    from ...review.ondisk import Letters

    found: dict[str, dict[str, dict[str, Any]]] = {}
    for row in Letters(here.letters).rows_of(path):
        if row.get("language") in LANGUAGES and row.get("format") in FORMATS and on_disk(here.letters, row):
            entry = {"path": str(row["path"]), "name": Path(str(row["path"])).name}
            found.setdefault(str(row["language"]), {})[str(row["format"])] = entry
    return found


def _eotinish(here: Desk, path: Path, languages: list[str]) -> dict[str, str]:
    """The text for eOtinish's form in each of `languages` (the library's eOtinish layout: the letter's body
    without the addressee's and applicant's lines and the signature), dated as the letters on disk are."""
    from datetime import date

    from ...case.read import load_case
    from ...letter.context import letter_context
    from ...render import Kit, render_eotinish
    from ...review.ondisk import Letters

    if not languages:
        return {}
    try:
        day = Letters(here.letters).letter_date
        letter_date = date.fromisoformat(day) if day else None
        case = load_case(path, letter_date=letter_date)
    except (CaseError, ValueError):
        return {}
    kit = Kit(letter_date=letter_date)
    try:
        return {code: render_eotinish(letter_context(case, code, letter_date=letter_date), kit)
                for code in languages if code in case.languages}
    except ComplaintsError:
        return {}
    finally:
        kit.close()


def _view(here: Desk, path: Path, language: str) -> dict[str, Any]:
    problems, languages, case_id = _problems(path, language)
    on_disk = _on_disk(here, path)
    # `case_languages`, not `languages`: that one is the desk's own (the language switch of every page)
    view = {"problems": problems, "case_languages": languages, "case_id": case_id, "on_disk": on_disk,
            "office": office_found(),
            "eotinish": _eotinish(here, path, [code for code, files in on_disk.items() if "txt" in files])}
    view.update(_findings(here, path, language))
    return view


async def letters(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    relative = request.query_params.get("file")
    path = case_file(here, relative)
    view = await run_in_threadpool(_view, here, path, lang(request))
    made = here.jobs.get(f"letters:{request.query_params.get('made', '')}")
    if not isinstance(made, Made) or made.file != relative:
        made = None
    pdf_now = any("pdf" in formats for formats in view["on_disk"].values())
    return page(request, "letters.html", {
        **view, "file": relative, "made": made, "count": counter(lang(request)), "batch": running(here),
        "pdf_checked": view["office"] and pdf_now, "formats": ("docx", "pdf", "eml"),
        "say_problem": lambda problem: say(problem, lang(request)),
        "say_text": lambda message: say_text(message, lang(request)),
    })


def make_letters(here: Desk, path: Path, relative: str, *, pdf: bool, final: bool) -> Made:
    """The case's letters made through the batch, into the project's letters folder."""
    from ...batch.run import render_batch

    made = Made(relative, final)
    formats = (*WEB_FORMATS, "pdf") if pdf else WEB_FORMATS
    try:
        made.result = render_batch([path], out=here.letters, formats=formats, progress=made.events.append,
                                   final=final)
    except FolderBusy:
        made.busy = True
    except ComplaintsError as exc:
        made.refused = str(exc)
    return made


async def make(request: Request) -> Response:
    """POST: make the case's letters (final: only if `check` finds nothing; else it says why, and writes none)."""
    here = desk(request)
    form = await form_of(request)
    relative = str(form.get("file") or "")
    path = case_file(here, relative)
    final = form.get("final") == "1"
    if running(here) is not None:
        made = Made(relative, final, busy=True)
    else:
        made = await run_in_threadpool(make_letters, here, path, relative, pdf=form.get("pdf") == "1", final=final)
    token = secrets.token_urlsafe(9)
    for old in [k for k in here.jobs if k.startswith("letters:")][:-KEPT + 1]:
        del here.jobs[old]
    here.jobs[f"letters:{token}"] = made
    from urllib.parse import urlencode

    return redirect(f"/letters?{urlencode({'file': relative, 'made': token})}#made")


def _preview(path: Path, language: str) -> bytes | None:
    """The letter in `language` as the library's HTML letter (None: the case cannot be read)."""
    from ...case.read import load_case
    from ...letter.context import letter_context
    from ...render import Kit, render_letter

    try:
        case = load_case(path)
    except CaseError:
        return None
    if language not in case.languages:
        return None
    kit = Kit(formats=("html",))
    try:
        return render_letter(letter_context(case, language), "html", kit)
    finally:
        kit.close()


async def preview(request: Request) -> Response:
    """The letter in one language, for its frame on the letters page: the letter's own HTML, in a sandbox."""
    here = desk(request)
    path = case_file(here, request.query_params.get("file"))
    language = request.query_params.get("lang") or ""
    if language not in LANGUAGES:
        raise HTTPException(404)
    body = await run_in_threadpool(_preview, path, language)
    if body is None:
        response = page(request, "letters_preview.html", {}, status=409)
    else:
        response = HTMLResponse(body)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


async def download(request: Request) -> Response:
    """A letter the batch wrote, as the file it named: from the letters folder only, and only what the manifest
    lists."""
    from ...batch.manifest import listed

    here = desk(request)
    relative = request.query_params.get("path") or ""
    try:
        path = inside(here.letters, relative)
        rows = await run_in_threadpool(listed, here.letters)
    except (Outside, ComplaintsError):
        raise HTTPException(404) from None
    wanted = path.relative_to(here.letters.resolve()).as_posix() if path.is_relative_to(here.letters.resolve()) else ""
    row = next((r for r in rows or [] if r.get("path") == wanted), None)
    if row is None or not path.is_file() or row.get("format") not in FORMATS:
        raise HTTPException(404)
    return FileResponse(path, media_type=media_type(path), filename=path.name,
                        content_disposition_type="attachment")


routes = [
    Route("/letters", letters, name="letters"),
    Route("/letters/make", make, methods=["POST"], name="letters_make"),
    Route("/letters/preview", preview, name="letters_preview"),
    Route("/letters/file", download, name="letters_file"),
]
