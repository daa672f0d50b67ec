"""The case and project types, and the rules a case file must follow.

Structure and single-field rules are pydantic validators (so every one of them
is reported at once); rules that join several fields, and the warnings, run
afterwards in `check_case`.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal, Union, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)

from ..errors import Problem
from ..layout import LANGUAGES
from .load import Document
from .mail import address_problem, line_break_problem, recipients_problem
from .verbatim import structure_hint
from .when import Moment, parse_day, parse_moment

FORMAT_VERSIONS = (1,)
ALL = "*"  # the key of a localized text given as one plain string
RequestId = Literal["assess", "act_on_outlet", "check_outlet", "refer_to_police", "reply_in_writing"]
REQUESTS: tuple[RequestId, ...] = get_args(RequestId)  # the requests, in the order the letter makes them
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_LANG_CODE = re.compile(r"^[a-z]{2}$")


# ---------------------------------------------------------------- field types

def _plain(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise ValueError("expected text here, not a " + ("mapping" if isinstance(value, dict) else "list"))
    if value is None:
        raise ValueError("must not be empty")
    return str(value)


def _nonempty(value: Any) -> str:
    text = _plain(value)
    if not text.strip():
        raise ValueError("must not be empty")
    return text


class _AtKey(ValueError):
    """A value error about one key of a mapping: reported at that key, with the key in the field path."""

    def __init__(self, message: str, key: str):
        super().__init__(message)
        self.key = key


def _localized(value: Any, info: ValidationInfo) -> dict[str, str]:
    if isinstance(value, dict):
        langs = (info.context or {}).get("languages", ())
        missing = [lang for lang in langs if lang not in value]
        bad = [k for k in value if k not in LANGUAGES]
        if bad:
            raise _AtKey(f"unknown language '{bad[0]}': use {', '.join(LANGUAGES)}", bad[0])
        if missing:
            need = ", ".join(missing)
            raise ValueError(f"no text for language {need}, which a letter is rendered in; add '{missing[0]}: …'"
                             " or give one plain string for every language")
        for key, text in value.items():
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"the '{key}' text must be non-empty text")
        return dict(value)
    return {ALL: _nonempty(value)}


def _one_line(value: str) -> str:
    """A text that goes in an e-mail's header (the outlet's name in the Subject, the applicant's in From)."""
    problem = line_break_problem(value)
    if problem:
        raise ValueError(f"'{value}' {problem}")
    return value


def _one_line_each(value: dict[str, str]) -> dict[str, str]:
    for key, text in value.items():
        problem = line_break_problem(text)
        if problem:
            raise ValueError(f"'{text}' {problem}") if key == ALL else _AtKey(f"'{text}' {problem}", key)
    return value


def _email(value: str | None) -> str | None:
    problem = address_problem(value) if value is not None else None
    if problem:
        raise ValueError(problem)
    return value


def _recipients(value: str | None) -> str | None:
    problem = recipients_problem(value) if value is not None else None
    if problem:
        raise ValueError(problem)
    return value


def _url(value: Any) -> str:
    text = _plain(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise ValueError(f"'{text}' is not a web address (it must start with http:// or https://)")
    return text


def _sha256(value: Any) -> str:
    text = _plain(value).strip().lower()
    if not _SHA256.match(text):
        raise ValueError(f"'{text}' is not a SHA-256 (64 hexadecimal digits)")
    return text


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _lang_code(value: Any) -> str:
    text = _plain(value).strip()
    if not _LANG_CODE.match(text):
        raise ValueError(f"'{text}' is not an ISO 639-1 language code (two lowercase letters, e.g. ru, kk, en)")
    if not _known_language(text):
        raise ValueError(f"'{text}' is not a known ISO 639-1 language code")
    return text


@lru_cache(maxsize=256)
def _known_language(code: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _case_id(value: Any) -> str:
    text = _plain(value)
    if not ID_PATTERN.match(text):
        raise ValueError(
            f"'{text[:90]}' is not a valid id: use 1–80 lowercase letters, digits, '.', '_' or '-',"
            " starting with a letter or digit (it names the output files)"
        )
    return text


def _format(value: Any) -> int:
    text = _plain(value).strip()
    # ASCII digits only, and few: str.isdigit() takes '¹' and '١', and int() of thousands of digits refuses
    if re.fullmatch(r"[0-9]{1,9}", text) and int(text) in FORMAT_VERSIONS:
        return int(text)
    versions = ", ".join(str(v) for v in FORMAT_VERSIONS)
    said = text if len(text) <= 20 else f"{text[:20]}… ({len(text):,} characters)"
    raise ValueError(f"format '{said}' is not one this tool reads (it reads format {versions})")


def iin_is_valid(number: str) -> bool:
    """The check digit of a 12-digit IIN or BIN (legal-notes.md)."""
    if not re.fullmatch(r"\d{12}", number):
        return False
    digits = [int(c) for c in number]
    total = sum(w * d for w, d in zip(range(1, 12), digits[:11])) % 11
    if total == 10:
        weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
        total = sum(w * d for w, d in zip(weights, digits[:11])) % 11
        if total == 10:
            return False
    return total == digits[11]


def _id_number(kind: str) -> Any:
    def check(value: Any) -> str:
        text = _plain(value).strip().replace(" ", "")
        if not re.fullmatch(r"\d{12}", text):
            raise ValueError(f"an {kind} is 12 digits (write it in quotes)")
        if not iin_is_valid(text):
            raise ValueError(f"this {kind} fails its check digit; copy it again from the document")
        return text

    return check


def _moment_schema(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description,
            "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$"}


Plain = Annotated[str, BeforeValidator(_plain), WithJsonSchema({"type": "string"})]
NonEmpty = Annotated[str, BeforeValidator(_nonempty), WithJsonSchema({"type": "string", "minLength": 1})]
Localized = Annotated[
    dict[str, str],
    BeforeValidator(_localized),
    WithJsonSchema({"anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "properties": {lang: {"type": "string"} for lang in LANGUAGES},
         "additionalProperties": False},
    ], "description": "one text for every language, or {kk: …, ru: …, en: …}"}),
]
Url = Annotated[str, BeforeValidator(_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
Sha256 = Annotated[str, BeforeValidator(_sha256), WithJsonSchema({"type": "string", "pattern": "^[0-9a-fA-F]{64}$"})]
LangCode = Annotated[str, BeforeValidator(_lang_code), WithJsonSchema({"type": "string", "pattern": "^[a-z]{2}$"})]
Day = Annotated[date, PlainValidator(parse_day), WithJsonSchema({"type": "string", "format": "date"})]
When = Annotated[Moment, PlainValidator(parse_moment),
                 WithJsonSchema(_moment_schema("a date, or date and time; no offset means Kazakhstan time"))]
CaseId = Annotated[str, BeforeValidator(_case_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN.pattern})]
Iin = Annotated[str, BeforeValidator(_id_number("IIN")), WithJsonSchema({"type": "string", "pattern": r"^\d{12}$"})]
Bin = Annotated[str, BeforeValidator(_id_number("BIN")), WithJsonSchema({"type": "string", "pattern": r"^\d{12}$"})]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- the case

class Registration(_Model):
    kind: Localized | None = None
    number: Plain | None = None
    issued: Day | None = None


OneLine = Annotated[NonEmpty, AfterValidator(_one_line)]
LocalizedLine = Annotated[Localized, AfterValidator(_one_line_each)]
Email = Annotated[Plain, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]
Recipients = Annotated[Plain, AfterValidator(_recipients),
                       WithJsonSchema({"type": "string", "description": "e-mail addresses, separated by commas"})]


class Outlet(_Model):
    name: OneLine
    url: Url
    owner: Localized | None = None
    registration: Registration | None = None


class Article(_Model):
    title: NonEmpty
    url: Url
    published: When | None = None
    translations: dict[LangCode, NonEmpty] = Field(default_factory=dict)  # the title in a letter's language


class Comment(_Model):
    author: NonEmpty
    posted: When | None = None
    url: Url | None = None
    language: LangCode
    text: NonEmpty
    translations: dict[LangCode, NonEmpty] = Field(default_factory=dict)
    still_online: When | None = None


class InlineNorm(_Model):
    citation: Localized
    text: Localized | None = None
    in_force_from: Day | None = None
    in_force_until: Day | None = None
    source: Url | None = None


def _norm_kind(value: Any) -> str:
    return "inline-norm" if isinstance(value, dict) else "norm-id"


def _known_norm(norm: str, info: ValidationInfo) -> str:
    known = (info.context or {}).get("norm_ids")
    if known is not None and norm not in known:
        close = difflib.get_close_matches(norm, sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else " (see `complaints norms`)"
        raise ValueError(f"'{norm}' is not in the norms catalogue{hint}")
    return norm


NormRef = Annotated[
    Annotated[NonEmpty, AfterValidator(_known_norm), Tag("norm-id")] | Annotated[InlineNorm, Tag("inline-norm")],
    Discriminator(_norm_kind),
]


class LicenceClause(_Model):
    reference: Localized
    text: Localized | None = None


class LegalBasis(_Model):
    norms: list[NormRef] = Field(min_length=1)
    licence_clause: LicenceClause | None = None


class Evidence(_Model):
    file: NonEmpty | None = None
    url: Url | None = None
    description: Localized
    taken: When | None = None
    sha256: Sha256 | None = None  # the file's SHA-256 when it was taken (capture writes it); check says if it changed
    timestamped_by: list[Plain] | None = None  # the time-stamping authorities whose tokens cover it (capture)


# a case's evidence list and its id checked on their own (by `check` and `evidence`), built once
EVIDENCE_LIST: TypeAdapter[list[Evidence]] = TypeAdapter(list[Evidence])
CASE_ID: TypeAdapter[str] = TypeAdapter(CaseId)


class Signatory(_Model):
    name: Localized
    position: Localized


class Outgoing(_Model):
    """An organisation's outgoing reference for the letter: its number in the register and its date."""

    number: Plain
    date: Day


class Applicant(_Model):
    kind: Literal["person", "organisation"] = "person"
    name: LocalizedLine
    iin: Iin | None = None
    bin: Bin | None = None
    address: Localized
    phone: Plain | None = None
    email: Email | None = None
    signatory: Signatory | None = None
    outgoing: Outgoing | None = None


class AuthorityOverride(_Model):
    base: NonEmpty = "mki-rk"
    name: Localized | None = None
    possessive: Localized | None = None
    addressee: dict[Literal["kk", "ru", "en"], list[NonEmpty]] | None = None
    address: Localized | None = None
    email: Recipients | None = None
    # fields given here that are not confirmed yet, each with why (`complaints check` lists them)
    unconfirmed: dict[NonEmpty, NonEmpty] | None = None


def _authority_kind(value: Any) -> str:
    return "override" if isinstance(value, dict) else "profile-id"


AuthorityRef = Annotated[
    Annotated[NonEmpty, Tag("profile-id")] | Annotated[AuthorityOverride, Tag("override")],
    Discriminator(_authority_kind),
]


class Case(_Model):
    """One comment and why it breaks the law (case-format.md, format 1)."""

    format: Annotated[int, BeforeValidator(_format), WithJsonSchema({"const": 1})]
    id: CaseId
    title: Plain | None = None
    outlet: Outlet
    article: Article
    comment: Comment
    legal_basis: LegalBasis
    evidence: list[Evidence] = Field(default_factory=list)
    requests: list[RequestId] = Field(default_factory=lambda: list(REQUESTS))
    applicant: Applicant | None = None
    authority: AuthorityRef | None = None


class TimestampingAuthority(_Model):
    """An RFC 3161 time-stamping authority: its address, and the certificate its tokens are trusted by."""

    url: Url
    name: Plain | None = None  # as the letters name it; default the address's host
    certificate: NonEmpty | None = None  # a PEM file, relative to complaints.yaml: the authority's root to trust


def _authority_entry(value: Any) -> Any:
    return {"url": value} if isinstance(value, str) else value


class Project(_Model):
    """The shared settings of complaints.yaml."""

    applicant: Applicant | None = None
    languages: list[Literal["kk", "ru", "en"]] | None = None
    authority: AuthorityRef | None = None
    timestamping: list[Annotated[TimestampingAuthority, BeforeValidator(_authority_entry)]] | None = None
    browser: NonEmpty | None = None  # the Chromium, Chrome or Edge that capture uses, where it is not found itself


# ---------------------------------------------------------------- errors

_TAGS = {"norm-id", "inline-norm", "profile-id", "override"}
_MESSAGES = {
    "missing": "required field is missing",
    "dict_type": "expected a mapping (indented 'name: value' lines)",
    "model_type": "expected a mapping (indented 'name: value' lines)",
    "list_type": "expected a list ('- item' lines, or [a, b])",
    "string_type": "expected text",
    "too_short": "must have at least one item",
}


def structure_problems(doc: Document, exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Turn pydantic's errors into `FILE:LINE:COL` problems that speak to a person."""
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(p for p in err["loc"] if p not in _TAGS)
        kind = err["type"]
        on_key = False
        if loc and loc[-1] == "[key]":
            loc, on_key = loc[:-1], True
        if kind == "extra_forbidden":
            name = str(loc[-1])
            options = _field_names(model, loc[:-1])
            close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            allowed = f"; allowed here: {', '.join(options)}" if options and not close else ""
            message = f"unknown field '{name}'{hint}{allowed}; notes of your own go in fields starting with 'x-'"
            on_key = True
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            message = f"must be one of {expected}"
        elif kind in ("value_error", "assertion_error"):
            message = str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
            if message.startswith("expected text here"):
                message += structure_hint(loc)
            if isinstance(err.get("ctx", {}).get("error"), _AtKey):
                loc, on_key = loc + (err["ctx"]["error"].key,), True
        elif kind in _MESSAGES:
            message = _MESSAGES[kind]
        else:
            message = err["msg"]
        if kind == "missing" and loc == ():
            message = "the file is empty"
        if kind == "model_type" and loc == ():
            message = "a case file is a YAML mapping of fields (format: 1, id: …, outlet: …)"
        problems.append(doc.problem(loc, message, key=on_key))
    return problems


def _field_names(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The fields a mapping at `path` may hold, for 'did you mean' hints."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    for meta in getattr(annotation, "__metadata__", ()) or ():
        found = _model_in(meta)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _model_in(origin) if origin not in (None, list, dict, Union, Annotated) else None
