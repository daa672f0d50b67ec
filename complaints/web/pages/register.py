"""The filing register: what is overdue and what falls due soon (`complaints due`), every filing (`complaints
status`), and the forms that record a filing, its registration, a reply, an extension (`filed`, `registered`,
`reply`, `extended`); the follow-up letters of overdue filings (`remind`), written into <root>/reminders and
downloaded from there only.

Every refusal of the library comes back beside the field it is about (UsageError.about), in the page's language,
with the form filled in as it was sent.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ...batch.manifest import case_letters
from ...case.when import kz_today
from ...errors import CaseError, ComplaintsError, Problem
from ...files import write_new
from ...layout import FORMATS, LANGUAGES, find_case_files
from ...register.filing import CHANNELS, OUTCOMES
from ...register.filings import (
    SIGNED_TYPES,
    AlreadyFiled,
    Standing,
    archived_file,
    due_within,
    record_extension,
    record_filing,
    record_registration,
    record_reminder,
    record_reply,
    standings,
)
from ..problems import say, say_finding
from ..safety import EVIDENCE_TYPES, MAX_UPLOAD, Outside, inside, media_type, safe_name
from ..view import SESSION_COOKIE, Desk, desk, form_of, lang, page, redirect

DUE_SOON = 5  # working days ahead, as `complaints due` counts by default
REMINDERS = "reminders"  # the follow-up letters' folder, in the project folder (`complaints remind --out`)
FORMS = ("filing", "registration", "reply", "extension", "reminder", "remind")
# the library's parameter (UsageError.about) → the form's field it is shown beside
_FIELD = {"filing": {"on": "date", "file": "file", "case": "case", "lang": "lang", "channel": "channel", "ref": "ref",
                     "registered": "registered", "again": "again", "anyway": "anyway", "signed": "signed"},
          "registration": {"on": "on", "ref": "ref", "lang": "filing"},
          "reply": {"on": "on", "outcome": "outcome", "file": "reply_file", "replace": "replace", "lang": "filing"},
          "extension": {"until": "until", "ref": "ref", "lang": "filing"},
          "reminder": {"on": "on", "ref": "ref", "lang": "filing"},
          "remind": {"grace": "formats", "format": "formats", "out": "formats"}}
NOTICE_KEY = "register.notice"  # desk.jobs: what the last form did, shown once on the page it leads to


@dataclass
class Refused:
    """A form sent back: its fields as sent, and what is wrong, by field ("" for the form as a whole)."""

    form: str
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)  # check's, when the letter is not ready to file
    kept: dict[str, str] = field(default_factory=dict)  # a file sent with the form, kept: its field → its name

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _said(exc: ComplaintsError, code: str, form: str, refused: Refused) -> None:
    """A library refusal beside its field, in the page's language."""
    if isinstance(exc, CaseError):
        for problem in exc.errors or exc.problems:
            refused.add("case", say(problem, code).message)
        return
    about = getattr(exc, "about", None) or ""
    message = say(Problem("", 0, 0, about, str(exc)), code).message
    refused.add(_FIELD.get(form, {}).get(about, ""), message)


# ---------------------------------------------------------------- what the page shows


def _cases(root: Path) -> list[tuple[str, str]]:
    """The project's cases as (id, file relative to the root), by id; the id read from the file, else its name."""
    from ...case.load import read_yaml

    found = []
    for path in find_case_files([root]):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in ("letters", REMINDERS):
            continue
        try:
            data = read_yaml(path).data
            case_id = str(data.get("id")) if isinstance(data, dict) and data.get("id") else path.stem
        except (CaseError, OSError):
            case_id = path.stem
        found.append((case_id, rel))
    return sorted(found)


def _followups(root: Path) -> list[dict[str, str]]:
    """The follow-up letters on disk, by case."""
    folder = root / REMINDERS
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts) \
                and path.suffix[1:].lower() in FORMATS:
            found.append({"case": rel.parts[0] if len(rel.parts) > 1 else "", "name": path.name,
                          "file": path.relative_to(root).as_posix(), "kind": path.suffix[1:].lower()})
    return found


def _state(here: Desk) -> dict[str, Any]:
    """Everything the page lists, read from the register and the project folder (the register is not made by
    looking at it: no complaints.db yet, no filings)."""
    rows: list[Standing] = []
    soon: list[Standing] = []
    if here.db.is_file():
        rows = standings(db=here.db, full=True)
        soon = due_within(DUE_SOON, db=here.db)
    cases = _cases(here.root)
    files = dict(cases)
    letters = []
    for case_id, _ in cases:
        mine = [p.relative_to(here.root).as_posix() for p in case_letters(here.letters, case_id)]
        if mine:
            letters.append((case_id, [(rel, rel.rsplit("/", 1)[-1]) for rel in mine]))
    latest: dict[tuple[str, str], Standing] = {}
    for s in rows:
        latest[(s.filing.case_id, s.filing.lang)] = s  # in case, language and `again` order: the last one stays
    with_letters = {case_id for case_id, _ in letters}
    return {"rows": rows, "overdue": [s for s in rows if s.overdue], "soon": soon, "case_files": files,
            "cases": [(case_id, rel) for case_id, rel in cases if case_id in with_letters],
            "letters": letters, "filings": list(latest.values()), "followups": _followups(here.root),
            "today": kz_today().isoformat(), "due_soon": DUE_SOON}


async def register(request: Request, refused: Refused | None = None) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    state = await run_in_threadpool(_state, here)
    notice = here.jobs.pop(f"{NOTICE_KEY}.{request.cookies.get(SESSION_COOKIE, '')}", None)
    chosen = request.query_params.get("case", "")
    values: dict[str, dict[str, str]] = {form: {} for form in FORMS}
    errors: dict[str, dict[str, list[str]]] = {form: {} for form in FORMS}
    values["filing"] = {"case": chosen, "lang": "ru", "date": state["today"], "time": "", "channel": "eotinish",
                        "ref": "", "registered": "", "file": "", "again": "", "anyway": ""}
    findings: list[dict[str, Any]] = []
    kept: dict[str, dict[str, str]] = {form: {} for form in FORMS}
    if refused is not None:
        values[refused.form] = refused.values
        errors[refused.form] = refused.errors
        findings = refused.findings
        kept[refused.form] = refused.kept
    code = lang(request)
    return page(request, "register.html", {**state, "values": values, "errors": errors, "notice": notice,
                                           "findings": findings, "kept": kept, "signed_types": SIGNED_TYPES,
                                           "long_day": lambda d: say_day(d, code),
                                           "long_moment": lambda m: say_moment(m, code), "numeric_day": _shown,
                                           "channels": CHANNELS, "outcomes": OUTCOMES, "languages_of_letters": LANGUAGES,
                                           "formats": FORMATS, "here": "/register"},
                status=400 if refused is not None else 200)


def _tell(request: Request, key: str, **values: str) -> None:
    """What a form did, for the page it leads to (once)."""
    desk(request).jobs[f"{NOTICE_KEY}.{request.cookies.get(SESSION_COOKIE, '')}"] = {"key": key, "values": values}


def _shown(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


# A date as the page's language writes it in running text (Babel's CLDR data): «2 декабря 2026 г.», "2 December
# 2026"; in Kazakh «2026 жылғы 2 желтоқсан» (CLDR's «2026 ж. 2 желтоқсан» is the short form).
_DAY_PATTERN = {"kk": "y 'жылғы' d MMMM", "en": "d MMMM y"}


def say_day(day: date | datetime | None, code: str) -> str:
    """A date in the page's language, through Babel; "" for none."""
    from babel.dates import format_date

    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, _DAY_PATTERN.get(code, "long"), locale=code)


def say_moment(moment: datetime | None, code: str) -> str:
    """A date and time (Kazakhstan time, as the register holds it) in the page's language."""
    return f"{say_day(moment, code)}, {moment.strftime('%H:%M')}" if moment else ""


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _filing_of(value: str) -> tuple[str, str]:
    case_id, _, code = value.partition("|")
    return case_id, code


async def _handle(request: Request, form_name: str, names: tuple[str, ...],
                  act: Callable[[FormData, Refused], str | None], *, files: int = 0) -> Response:
    """A form: its fields read, `act` run in a worker thread (it returns the notice to show, or adds to the
    refusal); then to the page, or the page again with the form as it was sent and the messages beside it."""
    if not desk(request).has_project:
        return redirect("/first-run")
    form = await form_of(request, files=files)
    refused = Refused(form_name, {name: _text(form, name) for name in names})
    code = lang(request)
    try:
        key = await run_in_threadpool(act, form, refused)
    except ComplaintsError as exc:
        _said(exc, code, form_name, refused)
        key = None
    if refused.errors or key is None:
        return await register(request, refused)
    return redirect("/register#filings")


# ---------------------------------------------------------------- the forms


UPLOADS = Path(".complaints") / "uploads"  # a file sent with a form, kept there until the register archives it
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _upload(root: Path, form: FormData, name: str, allowed: tuple[str, ...], refused: Refused,
            code: str) -> Path | None:
    """The file a form sent as `name` (or, when none was chosen, the one it kept at an earlier try, named by its
    token in `<name>_token`), stored once under .complaints/uploads/<token>/<its name>; its token and name carried
    in the refusal, so that a form sent back still has it. None when no file was sent or kept."""
    sent = form.get(name)
    if isinstance(sent, UploadFile) and sent.filename:
        try:
            safe = safe_name(sent.filename, allowed)
        except ValueError:
            refused.add(name, _w(code, f"{name}_type"))
            return None
        data = sent.file.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            refused.add(name, _w(code, "too_large"))
            return None
        if not data:
            refused.add(name, _w(code, "empty"))
            return None
        token = secrets.token_hex(16)
        kept = root / UPLOADS / token / safe
        write_new(kept, data)
    else:
        token = _text(form, f"{name}_token")
        if not _TOKEN.match(token):
            return None
        folder = root / UPLOADS / token
        found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in allowed] \
            if folder.is_dir() and not folder.is_symlink() else []
        if len(found) != 1:
            return None
        kept = found[0]
    refused.kept = {"token": token, "name": kept.name}
    return kept


def _forget(kept: Path | None) -> None:
    """An upload the register has archived: removed from .complaints/uploads."""
    if kept is not None:
        kept.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            kept.parent.rmdir()


async def file_form(request: Request) -> Response:
    here = desk(request)
    code = lang(request)

    def act(form: FormData, refused: Refused) -> str | None:
        v = refused.values
        case_path = _inside(here.root, v["case"], refused, "case", "no_case", code)
        signed = _upload(here.root, form, "signed", SIGNED_TYPES, refused, code)
        if signed is not None:
            letter: Path | None = signed
        elif refused.errors.get("signed"):
            letter = None
        else:
            letter = _inside(here.root, v["file"], refused, "file", "no_letter", code)
            if letter is not None and not letter.is_relative_to(here.letters.resolve()):
                refused.add("file", _w(code, "no_letter"))
        if not v["date"]:
            refused.add("date", _w(code, "no_date"))
        if refused.errors or case_path is None or letter is None:
            return None
        on = f"{v['date']}T{v['time']}" if v["time"] else v["date"]
        try:
            f = record_filing(case_path, lang=v["lang"], on=on, channel=v["channel"], ref=v["ref"] or None,
                              again=bool(v["again"]), letters=here.letters, file=letter,
                              registered=v["registered"] or None, db=here.db, anyway=bool(v["anyway"]))
        except AlreadyFiled as exc:
            refused.add("again", _w(code, "already_filed") + " " + say(Problem("", 0, 0, "", str(exc)), code).message)
            return None
        except ComplaintsError as exc:
            from ...review.run import NotReady

            if isinstance(exc, NotReady):
                refused.add("anyway", _w(code, "not_ready"))
                refused.findings = [{"kind": "problem", "said": say(p, code)} for p in exc.problems] + \
                    [{"kind": f.kind, "said": say_finding(f, code)} for f in exc.findings]
                return None
            if signed is not None and getattr(exc, "about", None) == "file":
                exc.about = "signed"  # type: ignore[attr-defined]
            raise
        _forget(signed)
        checked = "" if signed is None else "verified" if f.evidence_from in ("letter", "group") else "unverified"
        _tell(request, "filed", case=f.case_id, language=_w_lang(code, f.lang), due=say_day(f.due, code),
              registered=say_day(f.registered, code), computed="" if f.registered_known else "1", signed=checked,
              name=f.letter_name)
        return "filed"

    return await _handle(request, "filing", ("case", "lang", "date", "time", "channel", "ref", "registered", "file",
                                             "again", "anyway"), act, files=1)


def _w_lang(code: str, letter_lang: str) -> str:
    from ..words import say as words_say

    return words_say(f"register.lang_{letter_lang}", code)


def _w(code: str, key: str) -> str:
    from ..words import say as words_say

    return words_say(f"register.error.{key}", code)


def _inside(root: Path, rel: str, refused: Refused, name: str, missing: str, code: str) -> Path | None:
    """The file a form names by its path in the project, or None (and the message beside the field)."""
    try:
        path = inside(root, rel) if rel else None
    except Outside:
        path = None
    if path is None or not path.is_file():
        refused.add(name, _w(code, missing))
        return None
    return path


async def registration_form(request: Request) -> Response:
    here = desk(request)

    def act(form: FormData, refused: Refused) -> str | None:
        case_id, code = _filing_of(refused.values["filing"])
        f = record_registration(case_id, on=refused.values["on"], ref=refused.values["ref"] or None, lang=code or None,
                                db=here.db)
        _tell(request, "registered", case=f.case_id, language=_w_lang(lang(request), f.lang),
              due=say_day(f.due, lang(request)))
        return "registered"

    return await _handle(request, "registration", ("filing", "on", "ref"), act)


async def extension_form(request: Request) -> Response:
    here = desk(request)

    def act(form: FormData, refused: Refused) -> str | None:
        case_id, code = _filing_of(refused.values["filing"])
        f = record_extension(case_id, until=refused.values["until"], ref=refused.values["ref"] or None,
                             lang=code or None, db=here.db)
        _tell(request, "extended", case=f.case_id, language=_w_lang(lang(request), f.lang),
              until=say_day(f.deadline, lang(request)))
        return "extended"

    return await _handle(request, "extension", ("filing", "until", "ref"), act)


async def reminder_form(request: Request) -> Response:
    here = desk(request)

    def act(form: FormData, refused: Refused) -> str | None:
        case_id, code = _filing_of(refused.values["filing"])
        f, _ = record_reminder(case_id, ref=refused.values["ref"] or None, on=refused.values["on"] or None,
                               lang=code or None, db=here.db)
        _tell(request, "reminded", case=f.case_id, language=_w_lang(lang(request), f.lang))
        return "reminded"

    return await _handle(request, "reminder", ("filing", "ref", "on"), act)


async def reply_form(request: Request) -> Response:
    here = desk(request)
    code = lang(request)

    def act(form: FormData, refused: Refused) -> str | None:
        case_id, filing_lang = _filing_of(refused.values["filing"])
        kept = _upload(here.root, form, "reply_file", EVIDENCE_TYPES, refused, code)
        if refused.errors:
            return None
        f = record_reply(case_id, on=refused.values["on"], outcome=refused.values["outcome"], file=kept,
                         note=refused.values["note"] or None, lang=filing_lang or None, db=here.db,
                         replace=bool(refused.values["replace"]))
        _forget(kept)
        _tell(request, "replied", case=f.case_id, language=_w_lang(code, f.lang),
              outcome=_words(code, f"register.status.{f.outcome}"))
        return "replied"

    return await _handle(request, "reply", ("filing", "on", "outcome", "note", "replace"), act, files=1)


def _words(code: str, key: str) -> str:
    from ..words import say as words_say

    return words_say(key, code)


async def remind_form(request: Request) -> Response:
    """The follow-up letters of every overdue filing (`complaints remind`), written into <root>/reminders."""
    here = desk(request)
    code = lang(request)

    def act(form: FormData, refused: Refused) -> str | None:
        from ...register.remind import remind

        formats = [f for f in form.getlist("formats") if isinstance(f, str) and f in FORMATS] or ["docx"]
        refused.values["formats"] = ",".join(formats)
        result = remind(out=here.root / REMINDERS, formats=formats, db=here.db)
        for problem in result.problems:
            refused.add("formats", say(Problem("", 0, 0, "", problem), code).message)
        if refused.errors:
            return None
        _tell(request, "reminders", letters=str(result.letters), filings=str(result.filings),
              waiting="\n".join(say(Problem("", 0, 0, "", w), code).message for w in result.waiting))
        return "reminders"

    return await _handle(request, "remind", (), act)


async def followup(request: Request) -> Response:
    """A follow-up letter, downloaded: only a file inside <root>/reminders."""
    root = desk(request).root
    try:
        path = inside(root, request.query_params.get("file", ""))
    except Outside:
        raise HTTPException(404) from None
    if not path.is_relative_to((root / REMINDERS).resolve()) or not path.is_file() \
            or path.suffix[1:].lower() not in FORMATS:
        raise HTTPException(404)
    return FileResponse(path, filename=path.name, media_type=media_type(path))


async def archived(request: Request) -> Response:
    """The register's archived copy of a file filed or of a reply, by its SHA-256: only a file the register names,
    from its archive (never a path from the address); always downloaded, never shown in the page."""
    here = desk(request)
    if not here.db.is_file():
        raise HTTPException(404)
    found = await run_in_threadpool(archived_file, request.query_params.get("sha256", ""), db=here.db)
    if found is None:
        raise HTTPException(404)
    path, name = found
    media = media_type(name)
    if media.startswith("text/html"):
        media = "application/octet-stream"
    return FileResponse(path, filename=name, media_type=media)




routes = [
    Route("/register", register, methods=["GET"], name="register"),
    Route("/register/filed", file_form, methods=["POST"], name="register-filed"),
    Route("/register/registered", registration_form, methods=["POST"], name="register-registered"),
    Route("/register/reply", reply_form, methods=["POST"], name="register-reply"),
    Route("/register/extended", extension_form, methods=["POST"], name="register-extended"),
    Route("/register/reminded", reminder_form, methods=["POST"], name="register-reminded"),
    Route("/register/remind", remind_form, methods=["POST"], name="register-remind"),
    Route("/register/followup", followup, methods=["GET"], name="register-followup"),
    Route("/register/archived", archived, methods=["GET"], name="register-archived"),
]
