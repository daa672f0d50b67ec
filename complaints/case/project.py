"""Writing the project file, complaints.yaml: the applicant and the defaults every case of a folder shares.

    project_text(data, lang)    the fields as commented YAML (wording: data/project-file.yaml, in kk, ru or en)
    check_project(text, target) what load_project says of the text as the file it is about to become
    write_project(data, folder) a new complaints.yaml: its text, checked, created (never over an existing one)
    updated_project_text(text, changes, notes)  an existing one with some fields set, its comments as they were
    confirmation_note(source, day, lang)        the comment beside an addressee field the user checked
    confirmation_of(text, path) where and when the comment beside that field says it was checked
    authority_changes(data, given, lang, reason) the addressee's fields as the user gave them (and checked them)
    replace_project(target, text, sha256)       the file replaced by the text, checked, unless changed on disk

The first run of the desk writes it from its form; a lawyer may edit it by hand afterwards, so every field carries
a comment saying what it is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..errors import CaseError, Problem, ProjectError
from ..files import unchanged, write_new, write_whole
from ..layout import LANGUAGES, PROJECT_FILE, shown
from . import yamltext
from .law import DEFAULT_AUTHORITY, authorities, read_data
from .write import REMOVE, Change, updated_text

__all__ = ["ORDER", "Changed", "authority_changes", "check_project", "confirmation_note", "confirmation_of",
           "project_text", "replace_project", "updated_project_text", "write_project"]

Lang = Literal["kk", "ru", "en"]

# The project file's fields in the order it is written (the order of case-format.md).
ORDER: dict[str, tuple[str, ...]] = {
    "": ("applicant", "languages", "authority"),
    "applicant": ("kind", "name", "iin", "bin", "address", "phone", "email", "signatory", "outgoing"),
    "applicant.signatory": ("name", "position"),
}
_COMMENT_COLUMN = 36


class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")
    header: dict[Lang, str]
    comments: dict[str, dict[Lang, str]]
    confirmed: dict[Lang, str]


@lru_cache(maxsize=1)
def wording() -> _Wording:
    """What the tool writes into a project file besides its values, from data/project-file.yaml."""
    found: _Wording = read_data("project-file.yaml", _Wording)
    return found


def _line(text: str, comment: str | None) -> str:
    return text if not comment else f"{text.ljust(max(len(text) + 2, _COMMENT_COLUMN))}# {comment}"


def _entries(data: Mapping[str, Any], at: str, depth: int, comments: Mapping[str, str]) -> list[str]:
    pad = "  " * depth
    order = ORDER.get(at, ())
    names = [n for n in order if n in data] + [n for n in data if n not in order]
    lines: list[str] = []
    for name in names:
        value = data[name]
        if value is None:
            continue
        field = f"{at}.{name}" if at else name
        comment = comments.get(field)
        head = f"{pad}{yamltext.key(name)}:"
        if isinstance(value, Mapping) and field in ORDER:
            lines.append(_line(head, comment))
            lines += _entries(value, field, depth + 1, comments)
        elif isinstance(value, Mapping):  # a text by language: one line each, below the comment
            lines.append(_line(head, comment))
            lines += [f"{pad}  {yamltext.key(str(k))}: {yamltext.quoted(str(v))}" for k, v in value.items()]
        elif isinstance(value, list):
            lines.append(_line(f"{head} [{', '.join(yamltext.scalar(v, flow=True) for v in value)}]", comment))
        elif name in ("iin", "bin"):
            lines.append(_line(f"{head} {yamltext.quoted(str(value))}", comment))  # digits: always in quotes
        else:
            lines.append(_line(f"{head} {yamltext.scalar(value)}", comment))
    return lines


def project_text(data: Mapping[str, Any], lang: str = "en") -> str:
    """The YAML text of a project file with these fields (`applicant`, `languages`, `authority`, as case-format.md
    names them): a header and a comment beside each field in `lang` (kk, ru, en), the fields in the format's
    order, fields that are None left out. `authority` is the library's default profile unless given."""
    words = wording()
    chosen: Lang = lang if lang in LANGUAGES else "en"  # type: ignore[assignment]
    comments = {field: texts[chosen] for field, texts in words.comments.items()}
    fields = {**data}
    fields.setdefault("authority", DEFAULT_AUTHORITY)
    lines = [f"# {line}".rstrip() for line in words.header[chosen].splitlines()]
    lines += _entries(fields, "", 0, comments)
    return "\n".join(lines) + "\n"


def check_project(text: str, target: Path) -> list[Problem]:
    """Every problem load_project finds in `text` read as the file `target` (which is neither read nor written);
    warnings included."""
    from .read import load_project

    try:
        project = load_project(target, content=text.encode("utf-8"))
    except CaseError as exc:
        return list(exc.problems)
    return list(project.warnings)


def write_project(data: Mapping[str, Any], folder: str | Path, lang: str = "en") -> Path:
    """A new FOLDER/complaints.yaml with these fields, commented in `lang`, checked whole by load_project first.
    ProjectError carries every problem (and then nothing is written); FileExistsError if the folder has one
    already (it is never replaced)."""
    target = Path(folder) / PROJECT_FILE
    text = project_text(data, lang)
    problems = check_project(text, target)
    if any(p.is_error for p in problems):
        raise ProjectError(shown(target), problems)
    write_new(target, text.encode("utf-8"), durable=True)
    return target


# ---------------------------------------------------------------- an existing project file, updated

def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never fold a long line
    yaml.preserve_quotes = True
    return yaml


def _node(doc: Any, path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(doc, Mapping) or part not in doc:
            return None
        doc = doc[part]
    return doc


def updated_project_text(text: str, changes: Sequence[Change],
                         notes: Mapping[tuple[str, ...], str | None] | None = None) -> str:
    """The text of an existing complaints.yaml with the given fields set (case/write.py's updated_text: a value
    REMOVE takes the field out), every other line, comment and quote as it was. A field that becomes a mapping
    where it was a text (`authority: mki-rk` → `authority: {base: mki-rk, …}`) keeps the comment of its line.
    `notes`: the comment written beside the key at each path, replacing the one there (None: the one there
    taken away). ruamel.yaml's YAMLError for a text it cannot read."""
    result = updated_text(text, changes)
    if not notes:
        return result
    yaml = _yaml()
    doc = yaml.load(result)
    for path, note in notes.items():
        parent = _node(doc, path[:-1])
        if parent is None or not hasattr(parent, "yaml_add_eol_comment") or path[-1] not in parent:
            continue
        parent.ca.items.pop(path[-1], None)
        child = parent[path[-1]]
        if getattr(getattr(child, "ca", None), "comment", None):  # a mapping's or list's: read back there too
            child.ca.comment[0] = None
        if note:
            parent.yaml_add_eol_comment(" ".join(note.split()), path[-1], column=_COMMENT_COLUMN)
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    return buffer.getvalue()


def confirmation_note(source: str, day: date, lang: str = "en") -> str:
    """The comment written beside an addressee field the user checked: where (a URL or a document) and when."""
    chosen: Lang = lang if lang in LANGUAGES else "en"  # type: ignore[assignment]
    return wording().confirmed[chosen].format(source=" ".join(source.split()), day=day.isoformat())


def confirmation_of(text: str, path: tuple[str, ...]) -> tuple[str, date] | None:
    """Where and when the comment beside the field at `path` says it was checked (as confirmation_note wrote it,
    in any of the languages); None if the field has no such comment (or the text cannot be read)."""
    from ruamel.yaml.error import YAMLError

    try:
        doc = _yaml().load(text)
    except YAMLError:
        return None
    parent = _node(doc, path[:-1])
    items = getattr(getattr(parent, "ca", None), "items", {})
    tokens = items.get(path[-1]) if isinstance(items, dict) else None
    comment = next((t.value for t in (tokens or []) if t is not None and hasattr(t, "value")), None)
    if not comment:
        return None
    said = comment.strip().removeprefix("#").strip()
    for template in wording().confirmed.values():
        pattern = re.escape(template).replace(re.escape("{source}"), "(?P<source>.+)") \
            .replace(re.escape("{day}"), r"(?P<day>\d{4}-\d{2}-\d{2})")
        match = re.fullmatch(pattern, said)
        if match is not None:
            try:
                return match.group("source"), date.fromisoformat(match.group("day"))
            except ValueError:
                return None
    return None


def authority_changes(data: Mapping[str, Any], given: Mapping[str, tuple[Any, tuple[str, date] | None]], lang: str,
                      reason: str) -> tuple[list[Change], dict[tuple[str, ...], str | None]]:
    """The changes (for updated_project_text, with the comments beside them) that write fields of the project's
    addressee (`address`, `addressee`…) as the user gave them, on top of its profile (`authority: {base: …}`).
    `given`: each field's value and, if the user checked it in an official source, where and when (else None).
    A field checked: its value, where and when beside it, no `unconfirmed` entry for it. A field not checked but
    given, or given before: its value under `unconfirmed` with `reason`, so that check still reminds. A field as
    the profile has it and never given: left to the profile, whose own doubt stands. `data`: the file's fields."""
    raw = data.get("authority")
    base = str(raw.get("base") or DEFAULT_AUTHORITY) if isinstance(raw, Mapping) else str(raw or DEFAULT_AUTHORITY)
    profile = authorities()[base]
    own: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {}
    found = own.get("unconfirmed")
    old_doubts: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    doubts = dict(old_doubts)
    notes: dict[tuple[str, ...], str | None] = {}
    for name, (value, checked) in given.items():
        path = ("authority", name)
        if checked is not None:
            own[name] = value
            doubts.pop(name, None)
            notes[path] = confirmation_note(checked[0], checked[1], lang)
        elif name not in own and value == {k: v for k, v in getattr(profile, name).items() if k in value}:
            doubts.pop(name, None)  # the profile's own value: the profile's doubt about it stands
        else:
            own[name] = value
            doubts[name] = reason
            notes[path] = None
    if not isinstance(raw, Mapping):
        if not any(name in own for name in given):
            return [], {}
        whole: dict[str, Any] = {"base": base, **{k: v for k, v in own.items() if k != "unconfirmed"}}
        if doubts:
            whole["unconfirmed"] = doubts
        return [(("authority",), whole)], notes
    changes: list[Change] = [(("authority", name), own[name]) for name in given
                             if name in own and own[name] != raw.get(name)]
    for name in given:
        if name in doubts and doubts[name] != old_doubts.get(name):
            changes.append((("authority", "unconfirmed", name), doubts[name]))
        elif name not in doubts and name in old_doubts:
            changes.append((("authority", "unconfirmed", name), REMOVE))
    return changes, notes


class Changed(Exception):
    """The file is not what the user saw: changed on disk (or made, or removed) since it was read."""


def replace_project(target: str | Path, text: str, sha256: str) -> list[Problem]:
    """`target` (an existing complaints.yaml) replaced by `text` in one step, only if it still has the SHA-256
    `sha256` (else Changed, and nothing written) and load_project finds no error in the text (then ProjectError
    carries every problem, and nothing is written). Its warnings."""
    target = Path(target)
    if not unchanged(target, sha256):
        raise Changed(shown(target))
    problems = check_project(text, target)
    if any(p.is_error for p in problems):
        raise ProjectError(shown(target), problems)
    write_whole(target, text.encode("utf-8"), durable=True)
    return problems
