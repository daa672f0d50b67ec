"""The case page's form: a case file's fields as the form's inputs and back, the changes to an existing file, and
each problem's field as the input it is shown beside.

An input is named after the case field it fills (`comment.posted`); a localized text or a translation has one
input per language (`outlet.owner.ru`, `comment.translations.en`); the norms and the requests are checkboxes
(`legal_basis.norms`, `requests`); an evidence item of the file is `evidence.<i>.…`, the one being added
`evidence.new.…`. What the form does not show (an inline norm, the applicant or addressee override, `x-` notes)
is kept as the file has it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..case import law
from ..case.model import REQUESTS
from ..case.write import REMOVE, Change, date_as_typed, date_as_written
from ..layout import LANGUAGES


@dataclass(frozen=True)
class Field:
    """One field of the form: its case field and how it is typed."""

    path: str
    kind: str  # line, url, date, text, language, localized, localized_text, translations, norms, requests
    required: bool = False
    example: str = ""  # shown in the empty input: a date as it may be typed

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))

    @property
    def per_language(self) -> bool:
        return self.kind in ("localized", "localized_text", "translations")


SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("outlet", (Field("outlet.name", "line", True), Field("outlet.url", "url", True),
                Field("outlet.owner", "localized"), Field("outlet.registration.kind", "localized"),
                Field("outlet.registration.number", "line"),
                Field("outlet.registration.issued", "date", example="01.01.2015"))),
    ("article", (Field("article.title", "line", True), Field("article.translations", "translations"),
                 Field("article.url", "url", True), Field("article.published", "date", example="06.10.2023"))),
    ("comment", (Field("comment.author", "line", True), Field("comment.posted", "date", example="06.10.2023 22:53"),
                 Field("comment.language", "language", True), Field("comment.text", "text", True),
                 Field("comment.translations", "translations"), Field("comment.url", "url"),
                 Field("comment.still_online", "date", example="20.11.2026 10:00"))),
    ("legal_basis", (Field("legal_basis.norms", "norms", True),
                     Field("legal_basis.licence_clause.reference", "localized"),
                     Field("legal_basis.licence_clause.text", "localized_text"))),
    ("requests", (Field("requests", "requests"),)),
    ("applicant", (Field("applicant.kind", "applicant_kind"), Field("applicant.name", "localized"),
                   Field("applicant.iin", "line"), Field("applicant.bin", "line"),
                   Field("applicant.address", "localized"), Field("applicant.phone", "line"),
                   Field("applicant.email", "line"), Field("applicant.signatory.name", "localized"),
                   Field("applicant.signatory.position", "localized"))),
    ("about", (Field("title", "line"), Field("id", "line"))),
)
APPLICANT_KINDS = ("person", "organisation")
FIELDS = tuple(f for _, fields in SECTIONS for f in fields)
EVIDENCE_KEYS = ("file", "url", "description", "taken")
NEW = "new"  # the evidence item being added
SHA_KEY = "x-sha256"  # an uploaded evidence file's hash when it was stored, kept in the case file as a note

Get = Callable[[str], str]
GetList = Callable[[str], list[str]]


def _at(data: Any, parts: tuple[str | int, ...]) -> Any:
    for part in parts:
        if isinstance(part, int):
            if not isinstance(data, list) or not 0 <= part < len(data):
                return None
            data = data[part]
        elif isinstance(data, Mapping):
            data = data.get(part)
        else:
            return None
    return data


def _set(data: dict[str, Any], parts: tuple[str, ...], value: Any) -> None:
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _lines(text: str) -> str:
    """A textarea's text as typed: the browser sends its line breaks as CR LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


# ---------------------------------------------------------------- the file → the form

def values_of(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's inputs filled from a case file's fields (as read, before validation)."""
    data = data if isinstance(data, Mapping) else {}
    values: dict[str, Any] = {}
    for f in FIELDS:
        value = _at(data, f.parts)
        if f.per_language:
            for lang in LANGUAGES:
                values[f"{f.path}.{lang}"] = _text(value.get(lang)) if isinstance(value, Mapping) else \
                    ("" if f.kind == "translations" else _text(value))
        elif f.kind == "norms":
            values[f.path] = [n for n in value if isinstance(n, str)] if isinstance(value, list) else []
        elif f.kind == "requests":
            values[f.path] = [r for r in value if isinstance(r, str)] if isinstance(value, list) else list(REQUESTS)
        elif f.kind == "date":
            values[f.path] = date_as_typed(f.path, _text(value))
        else:
            values[f.path] = _text(value)
    items = _list(data.get("evidence"))
    for i, item in enumerate(items):
        item = item if isinstance(item, Mapping) else {}
        values[f"evidence.{i}.file"] = _text(item.get("file"))
        values[f"evidence.{i}.url"] = _text(item.get("url"))
        values[f"evidence.{i}.taken"] = date_as_typed("evidence.taken", _text(item.get("taken")))
        values[f"evidence.{i}.sha256"] = _text(item.get(SHA_KEY))
        description = item.get("description")
        for lang in LANGUAGES:
            values[f"evidence.{i}.description.{lang}"] = _text(description.get(lang)) \
                if isinstance(description, Mapping) else _text(description)
    values["evidence.count"] = str(len(items))
    return values


def values_from(get: Get, get_list: GetList) -> dict[str, Any]:
    """The form's inputs as they were sent (to show them again as typed)."""
    values: dict[str, Any] = {}
    for f in FIELDS:
        if f.per_language:
            for lang in LANGUAGES:
                values[f"{f.path}.{lang}"] = get(f"{f.path}.{lang}")
        elif f.kind in ("norms", "requests"):
            values[f.path] = get_list(f.path)
        else:
            values[f.path] = get(f.path)
    for i in range(evidence_count(get)):
        for key in ("file", "url", "taken", "remove", "sha256"):
            values[f"evidence.{i}.{key}"] = get(f"evidence.{i}.{key}")
        for lang in LANGUAGES:
            values[f"evidence.{i}.description.{lang}"] = get(f"evidence.{i}.description.{lang}")
    for key in ("url", "taken", *(f"description.{lang}" for lang in LANGUAGES)):
        values[f"evidence.{NEW}.{key}"] = get(f"evidence.{NEW}.{key}")
    values["evidence.count"] = str(evidence_count(get))
    return values


def evidence_count(get: Get) -> int:
    text = get("evidence.count")
    return min(int(text), 500) if text.isdigit() else 0


# ---------------------------------------------------------------- the form → the fields

def _localized(get: Get, name: str, old: Any, *, lines: bool = False) -> Any:
    texts = {lang: (_lines(get(f"{name}.{lang}")) if lines else get(f"{name}.{lang}")).strip() for lang in LANGUAGES}
    texts = {lang: text for lang, text in texts.items() if text}
    if not texts:
        return None
    if isinstance(old, str) and len(texts) == len(LANGUAGES) and set(texts.values()) == {old.strip()}:
        return old  # one text for every language, as the file gives it
    return texts


def _norms(checked: list[str], old: Any) -> list[Any]:
    """The norms ticked, in the file's order, then the new ones in the catalogue's; inline norms kept."""
    have = old if isinstance(old, list) else []
    kept = [n for n in have if not isinstance(n, str) or n in checked]
    order = list(law.catalogue())
    added = sorted((n for n in dict.fromkeys(checked) if n not in kept), key=lambda n: (order.index(n)
                                                                                          if n in order else len(order)))
    return kept + added


def _requests(checked: list[str], old: Any) -> list[str] | None:
    """The requests ticked, in the file's order where it gives one, else in the letter's; None: the default."""
    ticked = [r for r in REQUESTS if r in checked]
    if isinstance(old, list) and set(old) == set(ticked) and len(old) == len(ticked):
        return list(old)
    if old is None and ticked == list(REQUESTS):
        return None
    return list(map(str, ticked))


def _item(get: Get, prefix: str, old: Any) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("file", "url"):
        text = get(f"{prefix}.{key}").strip()
        if text:
            item[key] = text
    description = _localized(get, f"{prefix}.description", _at(old, ("description",)))
    if description is not None:
        item["description"] = description
    taken = get(f"{prefix}.taken").strip()
    if taken:
        item["taken"] = date_as_written("evidence.taken", taken)
    sha = get(f"{prefix}.sha256").strip()
    if sha and "file" in item:
        item[SHA_KEY] = sha
    return item


@dataclass
class Filled:
    """What the form says: the case's fields, and where each evidence item of the result came from in the form
    (`evidence.0`, `evidence.new`), for the problems about it."""

    data: dict[str, Any]
    slots: list[str]
    removed: list[int]  # the file's evidence items ticked for removal


def fields_of(get: Get, get_list: GetList, old: Mapping[str, Any] | None, *,
              added: Mapping[str, Any] | None = None) -> Filled:
    """The case's fields from the form (`old`: the file's, for what the form does not show); `added`: the
    evidence item being added (its file stored already), or None. The form carries every evidence item: the
    file's first, in its order, then those added since it was opened."""
    old = old if isinstance(old, Mapping) else {}
    shown = {f.parts[0] for f in FIELDS} | {"evidence"}
    data: dict[str, Any] = {key: copy.deepcopy(value) for key, value in old.items() if key not in shown}
    for section in _MAPPINGS:  # what the form does not show, kept
        if isinstance(old.get(section), Mapping):
            data[section] = _unshown(old[section], (section,))
    for f in FIELDS:
        previous = _at(old, f.parts)
        value: Any
        if f.kind in ("localized", "localized_text"):
            value = _localized(get, f.path, previous, lines=f.kind == "localized_text")
        elif f.kind == "translations":
            texts = {lang: _lines(get(f"{f.path}.{lang}")).strip() for lang in LANGUAGES}
            value = {lang: text for lang, text in texts.items() if text} or None
        elif f.kind == "norms":
            value = _norms(get_list(f.path), previous) or None
        elif f.kind == "requests":
            value = _requests(get_list(f.path), previous)
        elif f.kind == "text":
            value = _lines(get(f.path))
            value = value if value.strip() else None
        else:
            value = get(f.path).strip() or None
            if value is not None and f.kind == "date":
                value = date_as_written(f.path, value)
        if value is not None:
            _set(data, f.parts, value)
    items, slots, removed = [], [], []
    have = _list(old.get("evidence"))
    for i in range(evidence_count(get)):
        before = have[i] if i < len(have) and isinstance(have[i], Mapping) else {}
        if get(f"evidence.{i}.remove"):
            if i < len(have):
                removed.append(i)
            continue
        extra = {k: v for k, v in before.items() if k not in EVIDENCE_KEYS}
        items.append({**_item(get, f"evidence.{i}", before), **extra})
        slots.append(f"evidence.{i}")
    if added:
        items.append(dict(added))
        slots.append(f"evidence.{NEW}")
    if items:
        data["evidence"] = items
    for section in _MAPPINGS:
        if section in data and not data[section]:
            del data[section]
    return Filled(data, slots, removed)


_MAPPINGS = ("outlet", "article", "comment", "legal_basis", "applicant")  # the sections that are mappings


def _unshown(section: Mapping[str, Any], at: tuple[str, ...]) -> dict[str, Any]:
    """The part of a section the form has no input for."""
    shown = {f.parts[len(at)] for f in FIELDS if f.parts[:len(at)] == at and len(f.parts) > len(at)}
    kept: dict[str, Any] = {}
    for key, value in section.items():
        if key not in shown:
            kept[key] = copy.deepcopy(value)
        elif isinstance(value, Mapping) and not any(f.parts == (*at, key) for f in FIELDS):
            inner = _unshown(value, (*at, key))
            if inner:
                kept[key] = inner
    return kept


def added_item(get: Get, file: str | None) -> dict[str, Any] | None:
    """The evidence item the form adds: a file just stored (its path) or a web address, with its description."""
    url = get(f"evidence.{NEW}.url").strip()
    if file is None and not url:
        return None
    item = _item(get, f"evidence.{NEW}", None)
    item.pop("file", None)
    if file is not None:
        item = {"file": file, **{k: v for k, v in item.items() if k != "url"}}
    return item


def with_added(values: dict[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    """The form's inputs once the item being added is one of the case's items (its file stored): the form shows
    it with the others, and the inputs for another one empty."""
    i = int(values.get("evidence.count") or 0)
    keep = f"evidence.{NEW}.url" if "file" in item else None  # a web address given with the file: not lost
    typed = _text(values.get(f"evidence.{NEW}.taken")) or _text(item.get("taken"))  # the date as it was typed
    values = {k: v for k, v in values.items() if not k.startswith(f"evidence.{NEW}.") or k == keep}
    values.update({f"evidence.{i}.{key}": _text(item.get(key)) for key in ("file", "url")})
    values[f"evidence.{i}.taken"] = typed
    values[f"evidence.{i}.sha256"] = _text(item.get(SHA_KEY))
    description = item.get("description")
    for lang in LANGUAGES:
        values[f"evidence.{i}.description.{lang}"] = _text(description.get(lang)) \
            if isinstance(description, Mapping) else _text(description)
    values["evidence.count"] = str(i + 1)
    return values


# ---------------------------------------------------------------- an existing file: its changes

def _leaves(f: Field) -> list[tuple[str, ...]]:
    return [(*f.parts, lang) for lang in LANGUAGES] if f.kind == "translations" else [f.parts]


def changes(old: Mapping[str, Any], filled: Filled, sha: Mapping[str, str] | None = None) -> list[Change]:
    """The changes that make the file's fields what the form says: each field set or taken out, each evidence
    item's fields, the item added, the items removed (last first, so that the others keep their places)."""
    new = filled.data
    found: list[Change] = []
    for f in FIELDS:
        for leaf in _leaves(f):
            before, after = _at(old, leaf), _at(new, leaf)
            if before != after:
                found.append((leaf, REMOVE if after is None else after))
    have = _list(old.get("evidence"))
    for slot, item in zip(filled.slots, new.get("evidence", [])):
        if slot == f"evidence.{NEW}":
            found.append((("evidence", "+"), item))
            continue
        i = int(slot.split(".")[1])
        if i >= len(have):  # added by this form before (an upload, kept while the case was not saved yet)
            found.append((("evidence", "+"), {k: v for k, v in item.items() if v is not None}))
            continue
        before = have[i] if isinstance(have[i], Mapping) else {}
        for key in EVIDENCE_KEYS:
            if before.get(key) != item.get(key):
                found.append((("evidence", i, key), REMOVE if item.get(key) is None else item[key]))
    found += [(("evidence", i), REMOVE) for i in sorted(filled.removed, reverse=True)]
    return found


# ---------------------------------------------------------------- problems → inputs

def _keys(slots: list[str]) -> set[str]:
    keys = {"outlet", "article", "comment", "legal_basis", "evidence", "applicant", "outlet.registration",
            "legal_basis.licence_clause", "applicant.signatory"}
    for f in FIELDS:
        keys.add(f.path)
        if f.kind == "translations":
            keys.update(f"{f.path}.{lang}" for lang in LANGUAGES)
    for slot in [*slots, f"evidence.{NEW}"]:
        keys.add(slot)
        keys.update(f"{slot}.{key}" for key in EVIDENCE_KEYS)
    return keys


# warnings the case's rules give at a section that are about one of its inputs: the comment's date missing
_NEAR = {"comment": "comment.posted"}


def form_key(field: str, slots: list[str], severity: str = "error") -> str:
    """The form's place for a problem about `field` (`comment.posted`, `legal_basis.norms[0]`,
    `evidence[1].description`): the input, or the group of inputs, it is about; "" for the page's top."""
    if severity == "warning" and field in _NEAR:
        return _NEAR[field]
    parts: list[str] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        if index:
            if parts == ["evidence"]:
                k = int(index)
                parts = (slots[k] if k < len(slots) else f"evidence.{NEW}").split(".")
            continue  # an item of another list (a norm): the list's own place
        parts.append(name)
    keys = _keys(slots)
    while parts:
        key = ".".join(parts)
        if key in keys:
            return key
        parts.pop()
    return ""
