"""The applicant form, one definition for the first run (a new complaints.yaml) and the settings page (the one
there, corrected): its fields, the values from a form or from a project file, what it lacks, the project-file
fields it gives, and check's placeholders and sample values (the examples' IIN…) beside its inputs.

The wording is the first-run page's (words/first_run.yaml); the template is templates/applicant_fields.html."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData

from ..case.model import ALL, iin_is_valid
from ..case.write import REMOVE, Change
from ..errors import CaseError, Problem
from ..layout import LANGUAGES
from . import problems as said

KINDS = ("person", "organisation")
TEXTS = ("name", "address", "signatory_name", "signatory_position")  # one text per letter language each
SINGLE = ("kind", "iin", "bin", "email", "phone")
FIELDS = ("kind", "name", "iin", "bin", "address", "phone", "email", "signatory")  # the applicant's, the form's

Say = Callable[..., str]  # view.t(request): a key of the words and its values → the page's language


def blank() -> dict[str, Any]:
    values: dict[str, Any] = {name: "" for name in SINGLE}
    values["kind"] = "person"
    values.update({f"{name}_{code}": "" for name in TEXTS for code in LANGUAGES})
    values["languages"] = list(LANGUAGES)
    return values


def from_form(form: FormData) -> dict[str, Any]:
    values = blank()
    for name in values:
        if name != "languages":
            raw = form.get(name)
            values[name] = raw.strip() if isinstance(raw, str) else ""
    values["languages"] = [code for code in LANGUAGES if code in form.getlist("languages")]
    for name in ("iin", "bin"):
        values[name] = values[name].replace(" ", "")
    return values


def _by_language(value: Any, languages: list[str]) -> dict[str, str]:
    """A localized text as the form shows it: one input per language (a text for all of them in each)."""
    if isinstance(value, str):
        return {code: value for code in languages}
    if isinstance(value, Mapping):
        every = value.get(ALL)
        return {code: str(value.get(code, every if every is not None else "")) for code in LANGUAGES
                if code in value or every is not None}
    return {}


def from_project(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values from a project file's fields (its YAML as read), so that the settings page opens filled."""
    values = blank()
    languages = data.get("languages")
    if isinstance(languages, list) and languages:
        values["languages"] = [code for code in LANGUAGES if code in languages]
    elif isinstance(languages, str):
        values["languages"] = [code for code in LANGUAGES if code == languages]
    applicant = data.get("applicant")
    if not isinstance(applicant, Mapping):
        return values
    values["kind"] = str(applicant.get("kind") or "person")
    for name in ("iin", "bin", "email", "phone"):
        if applicant.get(name) is not None:
            values[name] = str(applicant[name])
    found = applicant.get("signatory")
    signatory: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    for name, value in (("name", applicant.get("name")), ("address", applicant.get("address")),
                        ("signatory_name", signatory.get("name")), ("signatory_position", signatory.get("position"))):
        for code, text in _by_language(value, values["languages"]).items():
            values[f"{name}_{code}"] = text
    return values


def _texts(values: Mapping[str, Any], name: str) -> dict[str, str] | None:
    found = {code: values[f"{name}_{code}"] for code in LANGUAGES if values[f"{name}_{code}"]}
    return found or None


def data_of(values: Mapping[str, Any]) -> dict[str, Any]:
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


def _same(old: Any, new: Any, languages: list[str]) -> bool:
    """Whether a field of the file already says what the form gives (a text for all languages is each one)."""
    if isinstance(new, dict) and not isinstance(old, list):
        if set(new) <= {"name", "position"} and isinstance(old, Mapping) and set(old) <= {"name", "position"}:
            return all(_same(old.get(k), new.get(k), languages) for k in {*old, *new})
        return _by_language(old, languages) == new
    return old == new or (old is not None and new is not None and str(old) == str(new))


def changes(data: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[list[Change], set[str]]:
    """The changes that make the project file's applicant and languages what the form says (case/write.py's
    updated_text), leaving what the form does not show (`outgoing`, notes of one's own) as it is; and the form's
    inputs that change."""
    new = data_of(values)
    found_applicant = data.get("applicant")
    old_applicant: Mapping[str, Any] = found_applicant if isinstance(found_applicant, Mapping) else {}
    found: list[Change] = []
    inputs: set[str] = set()
    languages = values["languages"]
    for name in FIELDS:
        old, value = old_applicant.get(name), new["applicant"].get(name)
        if value is None:
            if old is not None:
                found.append((("applicant", name), REMOVE))
            continue
        if _same(old, value, languages):
            continue
        if name == "signatory":
            found.append((("applicant", name), {"name": value["name"] or None, "position": value["position"] or None}))
            inputs |= {f"signatory_{part}_{code}" for part in ("name", "position") for code in LANGUAGES}
        elif isinstance(value, dict) and isinstance(old, Mapping) and ALL not in old:
            for code in LANGUAGES:  # one language at a time: the others' lines (and quotes) stay as they were
                if value.get(code) != old.get(code):
                    found.append((("applicant", name, code), value[code] if code in value else REMOVE))
                    inputs.add(f"{name}_{code}")
        else:
            found.append((("applicant", name), value))
            inputs |= {f"{name}_{code}" for code in LANGUAGES} if isinstance(value, dict) else {name}
    old_languages = data.get("languages")
    if not (isinstance(old_languages, list) and set(map(str, old_languages)) == set(new["languages"])
            and len(old_languages) == len(new["languages"])):  # the same languages in another order: as they were
        found.append((("languages",), new["languages"]))
        inputs.add("languages")
    return found, inputs


def form_errors(say: Say, values: dict[str, Any]) -> dict[str, list[str]]:
    """What the form lacks before the library is asked: each field the letters need, and the IIN or BIN by the
    library's own check."""
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


def field_of(field: str) -> str:
    """The form's input for a field of the project file: applicant.name.en → name_en."""
    parts = field.removeprefix("applicant.").replace("[", ".").replace("]", "").split(".")
    return "_".join(p for p in parts if p)


def library_errors(problems: list[Problem], lang: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.is_error:
            errors.setdefault(field_of(problem.field), []).append(said.say(problem, lang).message)
    return errors


def placeholders(text: str, target: Path, lang: str) -> dict[str, list[str]]:
    """check's placeholders and example values among the applicant's fields of this project-file text (the
    examples' sample IIN, an example.org address, a filler of zeros…), by the form's input, in `lang`: the
    library's own check (review/content.py, its list in data/check.yaml), asked of the text as that file."""
    from ..case.read import load_project
    from ..review.content import scan

    try:
        project = load_project(target, content=text.encode("utf-8"))
    except CaseError:
        return {}
    if project.document is None:
        return {}
    found: dict[str, list[str]] = {}
    for finding in scan(project.document, None):
        if finding.kind == "placeholder" and finding.field.startswith("applicant."):
            found.setdefault(field_of(finding.field), []).append(said.say_finding(finding, lang).message)
    return found


KNOWN = {*blank(), "signatory", "signatory_name", "signatory_position", "name", "address"}


def general(errors: Mapping[str, list[str]]) -> list[str]:
    """The messages of no input of the form (said above it)."""
    return [m for field, messages in errors.items() if field not in KNOWN for m in messages]
