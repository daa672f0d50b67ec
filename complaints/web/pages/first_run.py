"""The first run: a folder with no complaints.yaml yet gets its applicant from a form, written as a commented
project file by the library (case/project.py), checked by load_project before it is written."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...case.model import iin_is_valid
from ...case.project import check_project, project_text, write_project
from ...errors import Problem, ProjectError
from ...layout import LANGUAGES
from .. import problems as said
from ..view import desk, form_of, lang, page, redirect, t

KINDS = ("person", "organisation")
TEXTS = ("name", "address", "signatory_name", "signatory_position")  # one text per letter language each
SINGLE = ("kind", "iin", "bin", "email", "phone")


def _blank() -> dict[str, Any]:
    values: dict[str, Any] = {name: "" for name in SINGLE}
    values["kind"] = "person"
    values.update({f"{name}_{code}": "" for name in TEXTS for code in LANGUAGES})
    values["languages"] = list(LANGUAGES)
    return values


def _values(form: FormData) -> dict[str, Any]:
    values = _blank()
    for name in values:
        if name != "languages":
            raw = form.get(name)
            values[name] = raw.strip() if isinstance(raw, str) else ""
    values["languages"] = [code for code in LANGUAGES if code in form.getlist("languages")]
    for name in ("iin", "bin"):
        values[name] = values[name].replace(" ", "")
    return values


def _texts(values: dict[str, Any], name: str) -> dict[str, str] | None:
    found = {code: values[f"{name}_{code}"] for code in LANGUAGES if values[f"{name}_{code}"]}
    return found or None


def _data(values: dict[str, Any]) -> dict[str, Any]:
    """The project file's fields from the form (those of the other kind of applicant left out)."""
    organisation = values["kind"] == "organisation"
    applicant: dict[str, Any] = {
        "kind": values["kind"],
        "name": _texts(values, "name"),
        "iin": None if organisation else values["iin"] or None,
        "bin": (values["bin"] or None) if organisation else None,
        "address": _texts(values, "address"),
        "phone": values["phone"] or None,
        "email": values["email"] or None,
    }
    if organisation:
        applicant["signatory"] = {"name": _texts(values, "signatory_name") or {},
                                  "position": _texts(values, "signatory_position") or {}}
    return {"applicant": {k: v for k, v in applicant.items() if v is not None}, "languages": values["languages"]}


def _form_errors(request: Request, values: dict[str, Any]) -> dict[str, list[str]]:
    """What the form lacks before the library is asked: each field the letters need, and the IIN or BIN by the
    library's own check."""
    say = t(request)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if values["kind"] not in KINDS:
        add("kind", say("first_run.error.kind"))
        values["kind"] = "person"
    if not values["languages"]:
        add("languages", say("first_run.error.languages"))
    texts = ["name", "address"] + (["signatory_name", "signatory_position"] if values["kind"] == "organisation" else [])
    for name in texts:
        for code in values["languages"]:
            if not values[f"{name}_{code}"]:
                add(f"{name}_{code}", say("first_run.error.required"))
    number = "bin" if values["kind"] == "organisation" else "iin"
    what = say(f"first_run.{number}.label")
    digits = values[number]
    if not digits:
        add(number, say("first_run.error.required_plain"))
    elif not digits.isdigit() or len(digits) != 12:
        add(number, say("first_run.error.digits", what=what, count=sum(c.isdigit() for c in digits)))
    elif not iin_is_valid(digits):
        add(number, say("first_run.error.check_digit", what=what))
    return errors


def _field_of(problem: Problem) -> str:
    """The form's field for a problem of the project file: applicant.name.en → name_en."""
    parts = problem.field.removeprefix("applicant.").replace("[", ".").replace("]", "").split(".")
    return "_".join(p for p in parts if p)


def _library_errors(request: Request, problems: list[Problem]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    here = lang(request)
    for problem in problems:
        if problem.is_error:
            errors.setdefault(_field_of(problem), []).append(said.say(problem, here).message)
    return errors


def _form(request: Request, values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> Response:
    known = {*values, "signatory", "signatory_name", "signatory_position", "name", "address"}
    general = [m for field, messages in errors.items() if field not in known for m in messages]
    return page(request, "first_run.html", {"values": values, "errors": errors, "general": general,
                                            "kinds": KINDS, "codes": LANGUAGES}, status=status)


async def first_run(request: Request) -> Response:
    here = desk(request)
    if here.has_project:
        return redirect("/cases")
    if request.method != "POST":
        return _form(request, _blank(), {})
    values = _values(await form_of(request))
    errors = _form_errors(request, values)
    if errors:
        return _form(request, values, errors, status=422)
    data = _data(values)
    chosen = lang(request)
    problems = await run_in_threadpool(check_project, project_text(data, chosen), here.project_file)
    if any(p.is_error for p in problems):
        return _form(request, values, _library_errors(request, problems), status=422)
    try:
        await run_in_threadpool(write_project, data, here.root, chosen)
    except FileExistsError:  # written meanwhile (another tab, by hand): that one stands
        return redirect("/cases")
    except ProjectError as exc:
        return _form(request, values, _library_errors(request, list(exc.problems)), status=422)
    except OSError as exc:  # a folder one may not write in, a full disk: said, and the form kept
        message = t(request)("first_run.error.write", folder=here.root.name, reason=exc.strerror or type(exc).__name__)
        return _form(request, values, {"": [message]}, status=500)
    return redirect("/cases")


routes = [Route("/first-run", first_run, methods=["GET", "POST"], name="first_run")]
