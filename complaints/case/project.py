"""Writing the project file, complaints.yaml: the applicant and the defaults every case of a folder shares.

    project_text(data, lang)    the fields as commented YAML (wording: data/project-file.yaml, in kk, ru or en)
    check_project(text, target) what load_project says of the text as the file it is about to become
    write_project(data, folder) a new complaints.yaml: its text, checked, created (never over an existing one)

The first run of the desk writes it from its form; a lawyer may edit it by hand afterwards, so every field carries
a comment saying what it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..errors import CaseError, Problem, ProjectError
from ..files import write_new
from ..layout import LANGUAGES, PROJECT_FILE, shown
from . import yamltext
from .law import DEFAULT_AUTHORITY, read_data

__all__ = ["ORDER", "check_project", "project_text", "write_project"]

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
