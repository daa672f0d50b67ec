"""The settings page, /settings: the project file complaints.yaml once it exists, corrected in the browser.

Two forms, each saved on its own, neither over a file changed on disk since the page was opened (its SHA-256 is
carried in the form), each checked whole by load_project before the file is replaced in one step, and each
changing only its own fields, every other line and comment of the file kept (case/project.py):

- the applicant: the first run's form (web/applicant.py), filled from the file; check's placeholders and the
  examples' sample IIN refused when typed here, and shown beside their input when already in the file;
- the addressee: the Ministry's postal address and addressee block as the authority profile gives them, with
  why each is not confirmed, and as the user confirms them, with where and when (a comment beside the value,
  the format having no field for it); written as `authority: {base: mki-rk, address: …, addressee: …}`, and a
  field given but not ticked as checked goes under `unconfirmed:` with why, so that check still reminds.

fix_link(field) is where a finding about complaints.yaml is put right (the letters page links to it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...case.law import DEFAULT_AUTHORITY, authorities, resolve_authority
from ...case.model import ALL
from ...case.project import Changed, authority_changes, confirmation_of, replace_project, updated_project_text
from ...case.when import kz_today, parse_day
from ...errors import CaseError, Problem, ProjectError
from ...layout import LANGUAGES, PROJECT_FILE
from .. import applicant
from .. import problems as said
from ..view import desk, form_of, lang, page, redirect, t

NAMES = ("address", "addressee")  # the addressee's fields the page confirms

# the anchors of the page's parts, by the project file's field (fix_link)
_ANCHORS = {"authority.address": "authority-address", "authority.addressee": "authority-addressee",
            "languages": "group-languages", "applicant.kind": "group-kind", "applicant.signatory": "group-signatory"}


def fix_link(field: str, file: str | None = None) -> str | None:
    """Where on the desk a finding (or problem) about this field of complaints.yaml is put right: "/settings#iin"
    for applicant.iin, "/settings#name_ru" for applicant.name.ru, "/settings#authority-address" for
    authority.address…; None for a field the settings page does not show, or (given `file`, the file the finding
    names) for a file other than a complaints.yaml (a case's own applicant or authority is the case page's)."""
    if file is not None and Path(file.replace("\\", "/")).name != PROJECT_FILE:
        return None
    if field in _ANCHORS:
        return f"/settings#{_ANCHORS[field]}"
    if field == "authority" or field.startswith("authority."):
        return "/settings#authority"
    if field == "applicant":
        return "/settings#applicant"
    if field.startswith("applicant."):
        name = applicant.field_of(field)
        if name.startswith("signatory_") and name.count("_") == 1:
            return "/settings#group-signatory"
        if name in applicant.KNOWN or name in ("name", "address"):
            return f"/settings#{name if name not in ('name', 'address') else 'group-' + name}"
        return "/settings#applicant"
    return None


@dataclass
class Opened:
    """complaints.yaml as the page found it."""

    path: Path
    text: str = ""
    sha: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    broken: list[Problem] = field(default_factory=list)


def _open(path: Path) -> Opened:
    from ...case.read import load_project

    raw = path.read_bytes()
    opened = Opened(path, raw.decode("utf-8", errors="replace"), hashlib.sha256(raw).hexdigest())
    try:
        project = load_project(path, content=raw)
    except CaseError as exc:
        opened.broken = list(exc.problems)
        return opened
    if project.document is not None and isinstance(project.document.data, dict):
        opened.data = project.document.data
    return opened


# ---------------------------------------------------------------- the addressee

def _base(data: Mapping[str, Any]) -> str:
    raw = data.get("authority")
    if isinstance(raw, str) and raw:
        return raw
    if isinstance(raw, Mapping) and raw.get("base"):
        return str(raw["base"])
    return DEFAULT_AUTHORITY


def _override(data: Mapping[str, Any]) -> Mapping[str, Any]:
    raw = data.get("authority")
    return raw if isinstance(raw, Mapping) else {}


def _as_form(name: str, value: Any) -> dict[str, str]:
    if name == "addressee":
        return {f"authority_{name}_{code}": "\n".join(value.get(code, [])) for code in LANGUAGES}
    every = value.get(ALL, "") if isinstance(value, Mapping) else ""
    return {f"authority_{name}_{code}": str(value.get(code, every)) for code in LANGUAGES}


def _authority_values(opened: Opened) -> dict[str, Any]:
    """The addressee form's values: the fields as the letters now give them, and whether (where, when) the file
    says the user checked each."""
    from ...case.model import AuthorityOverride

    raw = opened.data.get("authority")
    ref = AuthorityOverride.model_validate(raw) if isinstance(raw, Mapping) else (raw or None)
    current = resolve_authority(ref)
    own = _override(opened.data)
    values: dict[str, Any] = {}
    for name in NAMES:
        values.update(_as_form(name, getattr(current, name)))
        confirmed = confirmation_of(opened.text, ("authority", name)) if name in own else None
        ticked = name in own and name not in (own.get("unconfirmed") or {})
        values[f"authority_{name}_checked"] = ticked
        values[f"authority_{name}_source"] = confirmed[0] if confirmed else ""
        values[f"authority_{name}_day"] = confirmed[1].isoformat() if confirmed else ""
    return values


def _authority_from(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in NAMES:
        for code in LANGUAGES:
            raw = form.get(f"authority_{name}_{code}")
            text = raw if isinstance(raw, str) else ""
            if name == "addressee":  # one line of the block a line: no blank ones, no spaces at the ends
                text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
            else:
                text = " ".join(text.split())
            values[f"authority_{name}_{code}"] = text
        for part in ("source", "day"):
            raw = form.get(f"authority_{name}_{part}")
            values[f"authority_{name}_{part}"] = " ".join(raw.split()) if isinstance(raw, str) else ""
        values[f"authority_{name}_checked"] = form.get(f"authority_{name}_checked") == "yes"
    return values


def _field_value(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    if name == "addressee":
        return {code: values[f"authority_{name}_{code}"].split("\n") for code in LANGUAGES}
    return {code: values[f"authority_{name}_{code}"] for code in LANGUAGES}


def _authority_errors(say: Any, values: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, date]]:
    errors: dict[str, list[str]] = {}
    days: dict[str, date] = {}
    for name in NAMES:
        for code in LANGUAGES:
            if not values[f"authority_{name}_{code}"]:
                errors.setdefault(f"authority_{name}_{code}", []).append(say("first_run.error.required_plain"))
        if not values[f"authority_{name}_checked"]:
            continue
        if not values[f"authority_{name}_source"]:
            errors.setdefault(f"authority_{name}_source", []).append(say("settings.authority.error.source"))
        day = values[f"authority_{name}_day"]
        if not day:
            errors.setdefault(f"authority_{name}_day", []).append(say("settings.authority.error.day"))
            continue
        try:
            days[name] = parse_day(day)
        except ValueError:
            errors.setdefault(f"authority_{name}_day", []).append(say("settings.authority.error.day_form"))
            continue
        if days[name] > kz_today():
            errors.setdefault(f"authority_{name}_day", []).append(say("settings.authority.error.day_future"))
    return errors, days


def _day(day: date) -> str:
    """A day as the page shows it, as Kazakhstan writes it: 02.12.2026."""
    return day.strftime("%d.%m.%Y")


def _profile_view(opened: Opened, language: str) -> dict[str, Any]:
    """What the page shows of the profile: each field as the profile gives it and why it is not confirmed."""
    base = _base(opened.data)
    profile = authorities().get(base)
    shown: dict[str, Any] = {"base": base, "name": "", "fields": {}, "email": ""}
    if profile is None:
        return shown
    shown["name"] = profile.name.get(language) or profile.name.get("en", "")
    shown["email"] = profile.email
    own = _override(opened.data)
    found = own.get("unconfirmed")
    own_doubts: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    for name in NAMES:
        value = getattr(profile, name)
        reason = profile.unconfirmed.get(name)
        checked = confirmation_of(opened.text, ("authority", name)) if name in own and name not in own_doubts else None
        shown["fields"][name] = {
            "lines": value.get(language, []) if name == "addressee" else [value.get(language, "")],
            "reason": said.say_text(" ".join(reason.split()), language).message if reason else "",
            "own_reason": str(own_doubts.get(name) or ""),
            "given": name in own,
            "confirmed": {"source": checked[0], "day": _day(checked[1])} if checked else None,
        }
    return shown


# ---------------------------------------------------------------- the page

def _show(request: Request, opened: Opened, *, values: dict[str, Any] | None = None,
          errors: dict[str, list[str]] | None = None, warnings: dict[str, list[str]] | None = None,
          authority: dict[str, Any] | None = None, authority_errors: dict[str, list[str]] | None = None,
          notice: str = "", status: int = 200) -> Response:
    language = lang(request)
    if opened.broken:
        return page(request, "settings.html", {"broken": [said.say(p, language) for p in opened.broken],
                                               "opened": opened, "notice": notice}, status=status)
    values = values if values is not None else applicant.from_project(opened.data)
    errors = errors or {}
    if warnings is None:  # what check says of the file as it is, beside its inputs
        warnings = applicant.placeholders(opened.text, opened.path, language)
    authority_errors = authority_errors or {}
    return page(request, "settings.html", {
        "broken": [], "opened": opened, "notice": notice,
        "values": values, "errors": errors, "warnings": {k: v for k, v in warnings.items() if k not in errors},
        "general": applicant.general(errors), "kinds": applicant.KINDS, "codes": LANGUAGES,
        "authority": authority if authority is not None else _authority_values(opened),
        "authority_errors": authority_errors, "names": NAMES,
        "profile": _profile_view(opened, language),
        "authority_general": [m for k, ms in authority_errors.items()
                              if not k.startswith("authority_") for m in ms],
        "saved": request.query_params.get("saved", ""),
    }, status=status)


async def settings(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    try:
        opened = await run_in_threadpool(_open, here.project_file)
    except FileNotFoundError:  # taken away meanwhile
        return redirect("/first-run")
    return _show(request, opened)


def _authority_field(field: str) -> str:
    """The addressee form's input for a field of the project file: authority.address.ru → address_ru."""
    parts = field.removeprefix("authority.").split(".")
    return "authority_" + "_".join(parts) if parts and parts[0] in NAMES else ""


async def _write(request: Request, opened: Opened, text: str) -> tuple[str, list[Problem]]:
    """The file replaced by `text`: "" when written, else "changed" (on disk since the page was opened) or
    "refused" (load_project's errors, returned)."""
    try:
        await run_in_threadpool(replace_project, opened.path, text, opened.sha)
    except Changed:
        return "changed", []
    except ProjectError as exc:
        return "refused", list(exc.problems)
    return "", []


async def save_applicant(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    form = await form_of(request)
    values = applicant.from_form(form)
    try:
        opened = await run_in_threadpool(_open, here.project_file)
    except FileNotFoundError:  # taken away meanwhile
        return redirect("/first-run")
    language = lang(request)
    if form.get("sha256") != opened.sha:  # changed on disk since the page was opened: nothing written
        return _show(request, opened, values=values, warnings={}, notice="changed", status=409)
    if opened.broken:
        return _show(request, opened, status=422)
    errors = applicant.form_errors(t(request), values)
    if errors:
        return _show(request, opened, values=values, errors=errors, warnings={}, status=422)
    changes, changed = applicant.changes(opened.data, values)
    if not changes:
        return redirect("/settings?saved=applicant-same#applicant")
    text = updated_project_text(opened.text, changes)
    samples = await run_in_threadpool(applicant.placeholders, text, opened.path, language)
    refused = {k: v for k, v in samples.items() if k in changed}  # typed here: refused; already there: said
    if refused:
        return _show(request, opened, values=values, errors=refused, warnings=samples, status=422)
    outcome, problems = await _write(request, opened, text)
    if outcome == "changed":
        return _show(request, opened, values=values, warnings={}, notice="changed", status=409)
    if outcome == "refused":
        return _show(request, opened, values=values, errors=applicant.library_errors(problems, language),
                     warnings={}, status=422)
    return redirect("/settings?saved=applicant#applicant")


async def save_authority(request: Request) -> Response:
    here = desk(request)
    if not here.has_project:
        return redirect("/first-run")
    form = await form_of(request)
    values = _authority_from(form)
    try:
        opened = await run_in_threadpool(_open, here.project_file)
    except FileNotFoundError:  # taken away meanwhile
        return redirect("/first-run")
    language = lang(request)
    if form.get("sha256") != opened.sha:
        return _show(request, opened, authority=values, notice="changed", status=409)
    if opened.broken:
        return _show(request, opened, status=422)
    say = t(request)
    errors, days = _authority_errors(say, values)
    if errors:
        return _show(request, opened, authority=values, authority_errors=errors, status=422)
    reason = say("settings.authority.not_checked", day=_day(kz_today()))
    given = {name: (_field_value(name, values), (values[f"authority_{name}_source"], days[name])
                    if values[f"authority_{name}_checked"] else None) for name in NAMES}
    changes, notes = authority_changes(opened.data, given, language, reason)
    if not changes and not notes:
        return redirect("/settings?saved=authority-same#authority")
    text = updated_project_text(opened.text, changes, notes)
    outcome, problems = await _write(request, opened, text)
    if outcome == "changed":
        return _show(request, opened, authority=values, notice="changed", status=409)
    if outcome == "refused":
        found: dict[str, list[str]] = {}
        for problem in problems:
            if problem.is_error:
                found.setdefault(_authority_field(problem.field), []).append(said.say(problem, language).message)
        return _show(request, opened, authority=values, authority_errors=found, status=422)
    return redirect("/settings?saved=authority#authority")


routes = [
    Route("/settings", settings, methods=["GET"], name="settings"),
    Route("/settings/applicant", save_applicant, methods=["POST"], name="settings_applicant"),
    Route("/settings/authority", save_authority, methods=["POST"], name="settings_authority"),
]
