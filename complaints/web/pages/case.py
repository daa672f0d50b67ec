"""A case: the form with every field of the case format, checked as you type by the rules of `validate`, saved by
the one case-file writer (a new case as `new` writes it; an existing one changed in place, its comments kept, and
never over a file changed on disk since the page was opened); evidence files uploaded beside the case.

    GET/POST /cases/new          a new case
    GET/POST /case?file=REL      an existing case file (REL: its path in the project folder)
    POST     /case/check         the form's problems by input, as JSON (the page's script asks as you type)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...batch.manifest import sha256_file
from ...case import law
from ...case.model import ID_PATTERN, REQUESTS
from ...case.write import check_text, draft_case, put, suggest_id, updated_text, write_case
from ...errors import CaseError, Problem
from ...files import unchanged, write_new
from ...layout import LANGUAGES, shown
from ...letter.phrases import phrases, pick
from .. import caseform, words
from ..problems import Said, say
from ..safety import EVIDENCE_TYPES, MAX_UPLOAD, Outside, free_name, inside, safe_name
from ..view import desk, form_of, lang, page, redirect
from .capturing import captures_of, running
from .opened import Opened
from .opened import open_case as _open


@dataclass
class Checked:
    """What the form would make: the fields, the file's text, and every problem, by the input it is about."""

    filled: caseform.Filled
    text: str | None
    problems: list[Problem]
    case_id: str
    file: str  # the case file as its problems name it

    def by_input(self, language: str) -> dict[str, list[dict[str, str]]]:
        return _by_input(self.problems, self.filled.slots, language, self.file)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

UPLOAD = f"evidence.{caseform.NEW}.upload"




def _check(root: Path, opened: Opened, filled: caseform.Filled) -> Checked:
    """The form's case checked as `validate` would check the file it makes (nothing written)."""
    data = filled.data
    if opened.path is None:
        case_id = str(data.get("id") or "") or suggest_id(data)
        data = {**data, "id": case_id}
        filled = caseform.Filled(data, filled.slots, filled.removed)
        target, text, problems = draft_case(data, root)
        return Checked(filled, text, problems, case_id, shown(target))
    from ruamel.yaml.error import YAMLError

    try:
        text = updated_text(opened.text, caseform.changes(opened.data, filled))
    except (YAMLError, KeyError) as exc:
        return Checked(filled, None, [Problem(shown(opened.path), 1, 1, "", f"cannot update this file: {exc}")],
                       str(opened.data.get("id") or ""), shown(opened.path))
    _, problems = check_text(text, opened.path)
    return Checked(filled, text, problems, str(data.get("id") or ""), shown(opened.path))


def _by_input(problems: list[Problem], slots: list[str], language: str,
              file: str | None = None) -> dict[str, list[dict[str, str]]]:
    """Each problem, in the page's language, under the input it is about ("" for the top of the page); one of
    another file than the case's own (`file`: the project file's) at the top, with its file and field named."""
    found: dict[str, list[dict[str, str]]] = {}
    for problem in problems:
        said = _said(problem, language)
        if file is not None and problem.file != file:
            name = PurePath(problem.file).name  # the project file, complaints.yaml: its place is the desk's own
            where = f"{name}: {problem.field}: " if problem.field else f"{name}: "
            found.setdefault("", []).append({"severity": said.severity, "message": where + said.message,
                                             "field": said.field})
            continue
        found.setdefault(caseform.form_key(problem.field, slots, said.severity), []).append(
            {"severity": said.severity, "message": said.message, "field": said.field})
    return found


_NO_TEXT = re.compile(r"no text for language (?P<langs>[a-z]{2}(?:, [a-z]{2})*), which a letter is rendered in")


def _said(problem: Problem, language: str) -> Said:
    """A problem in the page's language; one asking for a YAML key (`add 'ru: …'`) pointing to the form's own
    inputs for those languages instead."""
    said = say(problem, language)
    missing = _NO_TEXT.match(problem.message)
    if missing is None:
        return said
    names = ", ".join(words.say(f"case.in_language.in_{code}", language) for code in missing["langs"].split(", ")
                      if code in LANGUAGES)
    return replace(said, message=page_word(language, "missing_language", languages=names), translated=True)


# ---------------------------------------------------------------- uploads

class Refused(Exception):
    """An uploaded file that is not stored; `reason` names the wording that says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _upload(form: FormData) -> UploadFile | None:
    upload = form.get(UPLOAD)
    return upload if isinstance(upload, UploadFile) and upload.filename else None


async def _store(root: Path, folder: Path, case_id: str, upload: UploadFile) -> tuple[str, str]:
    """The uploaded file stored as <case folder>/evidence/<case id>/<its name, made safe>, beside the others and
    never over one; its path from the case's folder and its SHA-256. Refused: not an evidence type, too large,
    empty."""
    try:
        name = safe_name(upload.filename or "", EVIDENCE_TYPES)
    except ValueError:
        raise Refused("bad_type") from None
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Refused("too_large")
    if not data:
        raise Refused("empty")
    target_folder = folder / "evidence" / (case_id if ID_PATTERN.match(case_id) else "new-case")

    sha = hashlib.sha256(data).hexdigest()

    def put_file() -> Path:
        target_folder.mkdir(parents=True, exist_ok=True)
        inside(root, target_folder.relative_to(root).as_posix())  # no link out of the project on the way
        same = _same_file(target_folder, name, len(data), sha)
        if same is not None:  # stored already (a Check, a save that failed, the same file chosen again): reused
            return same
        while True:
            target = free_name(target_folder, name)
            try:
                write_new(target, data, durable=True)
                return target
            except FileExistsError:  # taken since it was looked at
                continue

    try:
        target = await run_in_threadpool(put_file)
    except Outside:
        raise Refused("outside") from None
    return target.relative_to(folder).as_posix(), sha


def _same_file(folder: Path, name: str, size: int, sha: str) -> Path | None:
    """A file of `folder` with these very bytes (its size, then its SHA-256), the one of that name first."""
    candidates = sorted((p for p in folder.iterdir() if p.is_file() and not p.is_symlink()),
                        key=lambda p: (p.name != name, p.name))
    for path in candidates:
        try:
            if path.stat().st_size == size and sha256_file(path) == sha:
                return path
        except OSError:
            continue
    return None


# ---------------------------------------------------------------- the page

def _norms(language: str) -> list[dict[str, Any]]:
    """The catalogue's norms, their periods of force in the page's language, as "from …" and "until …" take a date
    (the letters' own wording: Kazakh case endings)."""
    said = phrases(language)
    found = []
    for norm_id, norm in law.catalogue().items():
        found.append({"id": norm_id, "short": pick(norm.short, language) or norm_id,
                      "citation": pick(norm.citation, language) or "",
                      "start": said.date_from(norm.in_force.from_) if norm.in_force.from_ else "",
                      "until": said.date_to(norm.in_force.until) if norm.in_force.until else ""})
    return found


FIRST_LANGUAGES = ("kk", "ru", "en")


def _known_languages() -> tuple[str, ...]:
    """The ISO 639-1 codes the case format takes for a language (those Babel knows: two letters)."""
    from babel.localedata import locale_identifiers

    return tuple(sorted(c for c in locale_identifiers() if re.fullmatch(r"[a-z]{2}", c)))


def language_choices(language: str, current: str = "") -> list[dict[str, str]]:
    """The languages a comment may be in, by name in the page's language: Kazakh, Russian, English first, then the
    others by name; the value the form holds kept even where it is no known code (so nothing typed is lost)."""
    from babel import Locale

    def name(code: str) -> str:
        try:
            shown = Locale.parse(code).get_display_name(language) or code
        except (ValueError, TypeError):
            return code
        return shown[:1].upper() + shown[1:]

    others = sorted((c for c in _known_languages() if c not in FIRST_LANGUAGES), key=lambda c: name(c).casefold())
    codes = [*FIRST_LANGUAGES, *others]
    if current and current not in codes:
        codes.insert(0, current)
    return [{"code": code, "name": name(code) if code in _known_languages() else code} for code in codes]


def _evidence(root: Path, folder: Path, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The evidence items the form carries, each file with its SHA-256 where it is there to be hashed."""
    items = []
    for i in range(int(values.get("evidence.count") or 0)):
        item: dict[str, Any] = {"i": i, "prefix": f"evidence.{i}", "sha": None, "size": None}
        file = str(values.get(f"evidence.{i}.file") or "")
        if file:
            try:
                path = inside(root, (folder / file).resolve().relative_to(root).as_posix())
                if path.is_file():
                    item["sha"], item["size"] = sha256_file(path), path.stat().st_size
            except (Outside, ValueError, OSError):
                pass
        items.append(item)
    return items


def _online(db: Path, data: Mapping[str, Any], language: str) -> dict[str, Any] | None:
    """Whether the case's comment is still online, as the register's sightings say (of the address the case gives
    now); None for a case `watch` has not checked."""
    from ...errors import ComplaintsError
    from ...register.sightings import sightings
    from .cases import online

    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id:
        return None
    try:
        found = sightings(db).get(case_id)
    except ComplaintsError:
        return None
    parts = [data.get(k) for k in ("comment", "article")]
    addresses = {str(p.get("url") or "").strip() for p in parts if isinstance(p, dict)}
    if found is None or found.url not in addresses:
        return None
    return online(found, language)


def _show(request: Request, opened: Opened, values: Mapping[str, Any], problems: Mapping[str, list[dict[str, str]]],
          *, status: int = 200, notice: str | None = None, case_id: str = "") -> Response:
    here = desk(request)
    root = here.root
    language = lang(request)
    return page(request, "case.html", {
        "opened": opened, "values": values, "problems": problems, "notice": notice, "sections": caseform.SECTIONS,
        "norms": _norms(language), "requests": REQUESTS, "field_languages": LANGUAGES,
        "evidence": _evidence(root, opened.folder or root, values),
        "language_choices": language_choices(language, str(values.get("comment.language") or "")),
        "case_title": str(values.get("title") or opened.data.get("title") or ""),
        "new": caseform.NEW, "upload_name": UPLOAD, "max_upload": MAX_UPLOAD, "evidence_types": EVIDENCE_TYPES,
        "saved": request.query_params.get("saved") == "1" and status == 200, "failed": status == 400,
        "case_id": case_id or str(opened.data.get("id") or ""),
        "action": "/cases/new" if opened.rel is None else f"/case?file={quote(opened.rel)}",
        "letters": f"/letters?file={quote(opened.rel)}" if opened.rel else None,
        "applicant_kinds": caseform.APPLICANT_KINDS, "inline_norms": _inline_norms(opened.data, language),
        "online": _online(here.db, opened.data, language) if opened.rel else None,
        "captures": captures_of(root, opened.folder or root, opened.data) if opened.rel else [],
        "capturing": running(here),
        "problems_under": lambda section: any(k == section or k.startswith(section + ".") for k in problems),
    }, status=status)


def _inline_norms(data: Mapping[str, Any], language: str) -> list[str]:
    """The citations of the norms the file gives in full (kept as they are: the form has no inputs for them)."""
    basis = data.get("legal_basis")
    norms = basis.get("norms") if isinstance(basis, Mapping) else None
    found = []
    for norm in norms if isinstance(norms, list) else []:
        if isinstance(norm, Mapping):
            citation = norm.get("citation")
            text = citation.get(language) or next(iter(citation.values()), "") if isinstance(citation, Mapping) \
                else citation
            found.append(str(text or ""))
    return found


async def new_case(request: Request) -> Response:
    if not desk(request).has_project:
        return redirect("/first-run")
    if request.method == "POST":
        return await _posted(request, Opened())
    return _show(request, Opened(), caseform.values_of({}), {})


async def edit_case(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    rel = request.query_params.get("file") or ""
    opened = await run_in_threadpool(_open, here.root, rel)
    if request.method == "POST":
        return await _posted(request, opened)
    if opened.broken:
        return _show(request, opened, {}, _by_input(opened.broken, [], lang(request)), status=200)
    values = caseform.values_of(opened.data)
    filled = caseform.fields_of(_getter(values), _lister(values), opened.data)
    checked = await run_in_threadpool(_check, here.root, opened, filled)
    return _show(request, opened, values, checked.by_input(lang(request)))


def _getter(source: Mapping[str, Any] | FormData) -> caseform.Get:
    def get(name: str) -> str:
        value = source.get(name)
        return value if isinstance(value, str) else ""

    return get


def _lister(source: Mapping[str, Any] | FormData) -> caseform.GetList:
    def get_list(name: str) -> list[str]:
        if isinstance(source, FormData):
            return [v for v in source.getlist(name) if isinstance(v, str)]
        value = source.get(name)
        return list(value) if isinstance(value, list) else []

    return get_list


async def _posted(request: Request, opened: Opened) -> Response:
    """The form sent by its Check or Save button: the page again with the problems beside their inputs, or, saved,
    the case's page."""
    here = desk(request)
    language = lang(request)
    form = await form_of(request, files=1, says_too_large=True)
    get, get_list = _getter(form), _lister(form)
    values = caseform.values_from(get, get_list)
    saving = form.get("action") == "save"
    if opened.broken:
        return _show(request, opened, {}, _by_input(opened.broken, [], language))
    if saving and opened.path is not None and form.get("sha256") != opened.sha:
        # changed on disk since the page was opened: nothing written, not even the upload
        again = {UPLOAD: [{"severity": "warning", "field": UPLOAD, "message": page_word(language, "upload.again")}]} \
            if _upload(form) is not None else {}
        return _show(request, opened, values, again, status=409, notice="changed")
    filled = caseform.fields_of(get, get_list, opened.data)
    upload = _upload(form)
    added = None
    refused: dict[str, list[dict[str, str]]] = {}
    if upload is not None:
        case_id = str(filled.data.get("id") or opened.data.get("id") or "") or suggest_id(filled.data)
        try:
            file, sha = await _store(here.root, opened.folder or here.root, case_id, upload)
        except Refused as exc:
            refused[UPLOAD] = [{"severity": "error", "field": UPLOAD,
                                "message": page_word(language, f"upload.{exc.reason}", limit=MAX_UPLOAD // 2**20,
                                                     types=", ".join(EVIDENCE_TYPES))}]
        else:
            if file not in _carried(values):  # the form has it already (stored by a Check before): not twice
                added = caseform.added_item(get, file)
                if added is not None:
                    added[caseform.SHA_KEY] = sha
    elif get(f"evidence.{caseform.NEW}.url").strip():
        added = caseform.added_item(get, None)
    if added is not None:
        filled = caseform.fields_of(get, get_list, opened.data, added=added)
        filled.slots[-1] = f"evidence.{values['evidence.count']}"  # the form shows it with the others now
        values = caseform.with_added(values, added)
    checked = await run_in_threadpool(_check, here.root, opened, filled)
    problems = {**checked.by_input(language), **refused}
    if not saving or checked.has_errors or refused:
        return _show(request, opened, values, problems, status=400 if saving else 200, case_id=checked.case_id)
    if opened.path is None:
        try:
            target = await run_in_threadpool(write_case, checked.filled.data, here.root)
        except CaseError as exc:
            return _show(request, opened, values, _by_input(list(exc.problems), checked.filled.slots, language,
                                                            checked.file), status=400, case_id=checked.case_id)
        rel = target.relative_to(here.root).as_posix()
    else:
        path, text = opened.path, checked.text or ""

        def replace() -> bool:
            if not unchanged(path, opened.sha):
                return False
            put(path, text, replace=True, durable=True)
            return True

        if not await run_in_threadpool(replace):
            return _show(request, opened, values, {}, status=409, notice="changed")
        rel = opened.rel or ""
    return redirect(f"/case?file={quote(rel)}&saved=1")


def _carried(values: Mapping[str, Any]) -> set[str]:
    """The evidence files the form carries, those ticked for removal aside."""
    count = int(values.get("evidence.count") or 0)
    return {str(values.get(f"evidence.{i}.file")) for i in range(count)
            if values.get(f"evidence.{i}.file") and not values.get(f"evidence.{i}.remove")}


def page_word(language: str, key: str, **values: object) -> str:
    return words.say(f"case.{key}", language, **values)


async def check(request: Request) -> Response:
    """The form's problems by input, as the page's script shows them while the user types (nothing stored)."""
    here = desk(request)
    form = await form_of(request)
    rel = form.get("file")
    opened = await run_in_threadpool(_open, here.root, rel) if isinstance(rel, str) and rel else Opened()
    if opened.broken:
        return JSONResponse({"problems": _by_input(opened.broken, [], lang(request)), "id": ""})
    get, get_list = _getter(form), _lister(form)
    filled = caseform.fields_of(get, get_list, opened.data, added=caseform.added_item(get, None))
    checked = await run_in_threadpool(_check, here.root, opened, filled)
    return JSONResponse({"problems": checked.by_input(lang(request)), "id": checked.case_id})


routes = [
    Route("/cases/new", new_case, methods=["GET", "POST"], name="new_case"),
    Route("/case", edit_case, methods=["GET", "POST"], name="case"),
    Route("/case/check", check, methods=["POST"], name="case_check"),
]
