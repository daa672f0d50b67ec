"""Writing a new case file: answers checked one by one with the case format's own rules, then a commented YAML file.

    check_answer(field, text)   one answer → the value to write, or ValueError(reason)
    suggest_id(url, text, when) an id from the outlet's host, the comment's date and a short hash of its text
    case_from_answers(answers)  the case's fields → YAML text with comments, like the example cases
    write_case(answers, out)    validated in a temporary file beside its place, then put there; never over a file
    case_from_json(file, out)   the same from a JSON object, problems reported against the JSON file
    Interview                   the questions, asked through two callables (the command passes prompts)

The wording (questions, help, the comments written into the file) is in data/wizard.yaml.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import types
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ..case import yamltext
from ..case.load import MAX_BYTES, read_yaml
from ..case.model import ID_PATTERN, Case, Localized
from ..case.when import parse_moment
from ..case.yamltext import quoted_json, read_strings, scalar
from ..errors import CaseError, ComplaintsError, DataError, Problem, UsageError
from ..layout import LANGUAGES, find_project
from ..layout import shown as _shown

__all__ = ["Interview", "NoApplicant", "case_from_answers", "case_from_json", "check_answer", "describe",
           "suggest_id", "write_case"]

Ask = Callable[[str, str], str]  # (prompt, default) → the line typed; "" for the prompt of a continuation line
Tell = Callable[[str], None]


class NoApplicant(ComplaintsError):
    """No project file (or one without an applicant) above the folder the case is to be written in."""


# ---------------------------------------------------------------- wording

class _Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    prompt: str
    help: str
    optional: bool = False
    multiline: bool = False
    only_if: str | None = None


class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intro: str
    project: dict[str, str]
    optional: str
    multiline: str
    same_text: str
    retry: str
    required: str
    catalogue: str
    catalogue_line: str
    exists: str
    recheck: str
    stopped: str
    written: str
    header: str
    questions: list[_Question]
    comments: dict[str, str]
    hints: dict[str, str]

    def question(self, field: str) -> _Question:
        return next(q for q in self.questions if q.field == field)


@lru_cache(maxsize=1)
def wording() -> _Wording:
    """The wizard's wording, from data/wizard.yaml."""
    with resources.as_file(resources.files("complaints") / "data" / "wizard.yaml") as path:
        try:
            doc = read_yaml(path, display="complaints/data/wizard.yaml")
            return _Wording.model_validate(doc.data)
        except (CaseError, ValidationError) as exc:
            raise DataError(f"complaints/data/wizard.yaml: {exc}") from None


def fill(text: str, **values: object) -> str:
    """`{name}` replaced where a value is given; any other brace (a YAML example) left as it is."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], text)


# ---------------------------------------------------------------- one answer

def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, list, Annotated):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=128)
def _field(field: str) -> tuple[Any, bool]:
    """The type the case model gives a dotted field (list items' fields as `evidence.file`), and if it is required."""
    current: Any = Case
    required = True
    for part in field.split("."):
        model = _model_in(current)
        if model is None or part not in model.model_fields:
            raise KeyError(f"no field '{field}' in the case format")
        info = model.model_fields[part]
        current = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        required = info.is_required()
    return current, required


def is_localized(field: str) -> bool:
    """A field that takes one text for every language, or one per language."""
    annotation, _ = _field(field)
    return annotation == Localized or Localized in get_args(annotation)


@lru_cache(maxsize=128)
def _adapter(field: str) -> TypeAdapter[Any]:
    return TypeAdapter(_field(field)[0])


def _context() -> dict[str, Any]:
    from ..case import law

    return {"languages": (), "norm_ids": set(law.catalogue())}


def _reason(exc: ValidationError) -> str:
    """The first of pydantic's errors, worded as the validator or the model's messages word it."""
    err = exc.errors(include_url=False, include_input=False)[0]
    if "error" in err.get("ctx", {}):
        return str(err["ctx"]["error"])
    if err["type"] == "literal_error":
        return f"must be one of {err['ctx']['expected']}"
    if err["type"] == "too_short":
        return "give at least one"
    return str(err["msg"])


def _items(text: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", text) if part]


_DATES = {"published", "posted", "still_online", "issued", "taken"}


def check_answer(field: str, text: str, *, folder: str | Path | None = None) -> Any:
    """One answer checked with the case format's rules: the value to write, None for an optional field left empty;
    ValueError(reason) when it cannot be accepted.

    `field` is a dotted case field (`comment.posted`, `evidence.file`, `comment.translations.kk`); the value is
    the answer as typed (trimmed), a list for `legal_basis.norms` (numbers pick from the catalogue) and
    `requests`. An evidence file is checked to exist under `folder`, where the case file goes, and is given
    relative to it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip("\n") if "\n" in text.strip() else text.strip()
    parts = field.split(".")
    if parts[:2] == ["comment", "translations"] and len(parts) == 3:
        if not text.strip():
            return None
        try:
            _adapter("comment.translations").validate_python({parts[2]: text})
        except ValidationError as exc:
            raise ValueError(_reason(exc)) from None
        return text
    _, required = _field(field)
    if not text.strip():
        if required:
            raise ValueError(wording().required)
        return None
    value: Any = text
    if field == "legal_basis.norms":
        from ..case import law

        ids = list(law.catalogue())
        value = _items(text)
        for x in value:
            if x.isdigit() and not 0 < int(x) <= len(ids):
                raise ValueError(f"there is no norm number {x}: choose from 1 to {len(ids)}, or give ids")
        value = [ids[int(x) - 1] if x.isdigit() else x for x in value]
    elif field == "requests":
        value = _items(text)
    elif field.rsplit(".", 1)[-1] in _DATES:
        from .importer import day_first

        value = day_first(text) or text  # 06.10.2023 22:53, as dates are written in Kazakhstan, is taken too
    try:
        _adapter(field).validate_python(value, context=_context())
    except ValidationError as exc:
        raise ValueError(_reason(exc)) from None
    if field == "evidence.file":
        return _evidence_file(text, Path(folder) if folder is not None else Path("."))
    return value


def _evidence_file(text: str, folder: Path) -> str:
    """The path of an evidence file as the case file will give it: relative to its folder, inside its root."""
    given = Path(text)
    if given.is_absolute():
        raise ValueError(f"give the path relative to {_shown(folder)}/ (where the case file goes), not from /")
    # typed from where the command runs rather than from the case's folder: take it, if it is the same tree
    candidates = [folder / given] + ([given] if not (folder / given).exists() else [])
    for candidate in candidates:
        if candidate.is_file():
            break
    else:
        raise ValueError(f"no such file: {text} (paths are relative to {_shown(folder)}/, where the case file goes)")
    project = find_project(folder)
    root = (project.parent if project else folder).resolve()
    real = candidate.resolve()
    if not real.is_relative_to(root):
        raise ValueError(f"'{text}' is outside the case's root folder ({root.name}/); evidence must stay inside it")
    return Path(os.path.relpath(real, folder.resolve())).as_posix()


def suggest_id(outlet_url: str, text: str, when: str | None = None) -> str:
    """`<host>-<YYYY-MM-DD>-<6 hex>`: the outlet's host, the comment's date, a short hash of its text."""
    host = urlsplit(outlet_url.strip()).hostname or "case"
    host = host.removeprefix("www.")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    host = re.sub(r"[^a-z0-9]", "", host.lower()) or "case"
    day = ""
    if when:
        try:
            day = parse_moment(when).day.isoformat()
        except ValueError:
            day = ""
    digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:6]
    tail = "-".join(x for x in (day, digest) if x)
    return f"{host[:80 - len(tail) - 1]}-{tail}"


# ---------------------------------------------------------------- the YAML text

def _with_comment(line: str, comment: str | None) -> str:
    return line if not comment else f"{line.ljust(max(len(line) + 2, 36))}# {comment}"


def _order(data: dict[str, Any], model: type[BaseModel] | None) -> list[str]:
    known = list(model.model_fields) if model is not None else []
    return [k for k in known if k in data] + [k for k in data if k not in known]


class _Writer:
    """The case's fields as YAML lines, in the model's order, with the comments and hints of wizard.yaml."""

    def __init__(self) -> None:
        self.words = wording()

    def mapping(self, data: dict[str, Any], at: tuple[str, ...], depth: int, hints: bool = True) -> list[str]:
        pad = "  " * depth
        model = _model_in(_field(".".join(at))[0]) if at else Case
        lines: list[str] = []
        present = _order(data, model)
        fields = list(model.model_fields) if model is not None else []
        for name in fields:
            hint = self.words.hints.get(".".join((*at, name))) if hints else None
            if name not in data and hint:
                lines.append(f"{pad}# {hint}")
            elif name in data:
                lines += self.entry(name, data[name], at, depth)
        for name in present:
            if name not in fields:
                lines += self.entry(name, data[name], at, depth, free=bool(at))
        return lines

    def entry(self, name: str, value: Any, at: tuple[str, ...], depth: int, free: bool = False) -> list[str]:
        """One field and its value; `free`: inside a value the case format does not describe (x- notes, texts
        by language), so no comment and no model."""
        pad = "  " * depth
        path = (*at, name)
        field = ".".join(path)
        known = not free and _known(field)
        comment = self.words.comments.get(field) if known else None
        head = f"{pad}{yamltext.key(name)}:"
        if isinstance(value, dict) and value:
            if not known or all(isinstance(v, str) for v in value.values()) and not _model_in(_field(field)[0]):
                # a localized text or translations: one line per language
                return [_with_comment(head, comment)] + self.loose(value, depth + 1)
            return [_with_comment(head, comment)] + self.mapping(value, path, depth + 1)
        if isinstance(value, list) and value:
            if all(not isinstance(v, dict | list) for v in value) and field == "requests":
                return [_with_comment(f"{head} [{', '.join(scalar(v, field) for v in value)}]", comment)]
            lines = [_with_comment(head, comment)]
            item_pad = "  " * (depth + 1)
            for item in value:
                if isinstance(item, dict) and item:
                    sub = self.mapping(item, path, depth + 2, hints=False) if known else self.loose(item, depth + 2)
                    lines.append(f"{item_pad}- {sub[0][len(item_pad) + 2:]}")
                    lines += sub[1:]
                elif isinstance(item, dict | list):
                    lines.append(f"{item_pad}- {quoted_json(item)}")
                else:
                    lines.append(f"{item_pad}- {scalar(item, field)}")
            return lines
        if isinstance(value, dict | list):
            return [_with_comment(f"{head} {quoted_json(value)}", comment)]
        if isinstance(value, str) and "\n" in value.strip("\n") and (literal := yamltext.block(value)):
            return [_with_comment(f"{head} {literal[0]}", comment)] + [
                (pad + line) if line else "" for line in literal[1:]]
        return [_with_comment(f"{head} {scalar(value, field)}", comment)]

    def loose(self, data: dict[str, Any], depth: int) -> list[str]:
        return [line for k, v in data.items() for line in self.entry(k, v, (), depth, free=True)]


def _known(field: str) -> bool:
    try:
        _field(field)
    except KeyError:
        return False
    return True


def _as_text(value: Any) -> Any:
    """Values as a YAML reader that builds strings only gives them back."""
    if isinstance(value, dict):
        return {str(k): _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def case_from_answers(answers: dict[str, Any]) -> str:
    """The YAML text of a case file with these fields (the case's own names and nesting), commented like the
    example cases. `format: 1` is added when missing; fields that are None are left out."""
    data = _without_nulls({"format": 1, **answers})
    writer = _Writer()
    lines = [f"# {line}".rstrip() for line in writer.words.header.splitlines()]
    lines += writer.mapping(data, (), 0)
    text = "\n".join(lines) + "\n"
    if read_strings(text) != _as_text(data):  # pragma: no cover - a bug in the writer, never the user's
        raise AssertionError("the case file written would not read back as the answers given")
    return text


# ---------------------------------------------------------------- writing

def _parse_field(field: str) -> tuple[str | int, ...]:
    """`evidence[0].file` → ('evidence', 0, 'file')."""
    path: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        path.append(int(index) if index else name)
    return tuple(path)


def write_case(answers: dict[str, Any], out: str | Path) -> Path:
    """Write a case file as OUT/<id>.yaml: checked whole by the real validation before it is put in place,
    written atomically, never over an existing file. CaseError carries every problem (nothing written)."""
    out = Path(out)
    case_id = str(answers.get("id") or "")
    good_id = bool(ID_PATTERN.match(case_id))
    target = out / f"{case_id if good_id else 'new-case'}.yaml"
    text = case_from_answers(answers)
    _folder(out)
    fd, temp_name = tempfile.mkstemp(dir=out, prefix=f".{target.stem}.", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        problems = _validate(temp, target)
        if good_id and target.exists():
            problems.append(Problem(_shown(target), 1, 1, "id", f"{_shown(target)} already exists; give another id"))
        if any(p.is_error for p in problems):
            raise CaseError(_shown(target), problems)
        try:
            os.link(temp, target)  # fails if the target exists: no check-then-write race
        except FileExistsError:
            raise CaseError(_shown(target), [Problem(_shown(target), 1, 1, "id", f"{_shown(target)} already"
                                                     " exists; give another id")]) from None
        except OSError:  # a file system without hard links
            if target.exists():
                raise CaseError(_shown(target), [Problem(_shown(target), 1, 1, "id", f"{_shown(target)} already"
                                                         " exists; give another id")]) from None
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target


def _folder(out: Path) -> None:
    """The folder the case goes in, made if it is not there yet."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {_shown(out)} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the folder {_shown(out)}: {exc.strerror or exc}") from None


def _validate(temp: Path, target: Path) -> list[Problem]:
    """The problems `validate` would report for the file, named as the file it is about to become."""
    from ..case.read import load_case

    try:
        load_case(temp)
    except CaseError as exc:
        name = _shown(temp)
        return [replace(p, file=_shown(target)) if p.file == name else p for p in exc.problems]
    return []


def describe(problem: Problem) -> str:
    """`FILE:LINE:COLUMN: error: FIELD: message`, or `FILE: error: FIELD: message` where there is no line."""
    if problem.line > 0:
        return str(problem)
    where = f"{problem.field}: " if problem.field else ""
    return f"{problem.file}: {problem.severity}: {where}{problem.message}"


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key '{key}' is given twice")
        data[key] = value
    return data


def case_from_json(source: str | Path, out: str | Path) -> Path:
    """A case file written from a JSON object of the case's fields (the YAML's names), without questions.

    `-` reads standard input. A missing `id` is suggested as the wizard would; `format` defaults to 1; null
    means the field is left out. Every problem is reported against the JSON file (with the line of the field
    where it can be found) in one CaseError, and nothing is written.
    """
    name = "<stdin>" if str(source) == "-" else _shown(Path(source))
    if str(source) == "-":
        raw = sys.stdin.read(MAX_BYTES + 1)
        if len(raw.encode("utf-8")) > MAX_BYTES:
            raise CaseError(name, [Problem(name, 1, 1, "", "the input is larger than 1 MiB")])
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"no such file: {source}")
        if path.stat().st_size > MAX_BYTES:
            raise CaseError(name, [Problem(name, 1, 1, "", "the file is larger than 1 MiB")])
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CaseError(name, [Problem(name, 0, 0, "", f"cannot read it as UTF-8 text: {exc}")]) from None
    try:
        data = json.loads(raw, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise CaseError(name, [Problem(name, exc.lineno, exc.colno, "", f"not valid JSON: {exc.msg}")]) from None
    except ValueError as exc:  # a key given twice
        twice = [Problem(name, line, column, key, f"the key '{key}' is given twice (first on line {first})")
                 for key, line, column, first in _Positions(raw).twice]
        raise CaseError(name, twice or [Problem(name, 0, 0, "", str(exc))]) from None
    if not isinstance(data, dict):
        raise CaseError(name, [Problem(name, 1, 1, "", "expected a JSON object of the case's fields"
                                                      ' ({"outlet": …, "article": …, "comment": …})')])
    data = _without_nulls(data)
    if "id" not in data:
        data["id"] = _suggestion(data)
    positions = _Positions(raw)
    try:
        return write_case(data, out)
    except CaseError as exc:
        target = _shown(Path(out) / f"{data['id'] if ID_PATTERN.match(str(data['id'])) else 'new-case'}.yaml")
        problems = []
        for p in exc.problems:
            if p.file != target:
                problems.append(p)  # the project file's own
                continue
            on_key = p.message.startswith("unknown field")  # reported at its key, like `validate` does
            line, column = positions.mark(_parse_field(p.field), key=on_key)
            problems.append(Problem(name, line, column, p.field, p.message, p.severity))
        raise CaseError(name, problems) from None


class _Positions:
    """Where each value (and key) is in a JSON text: JSON is YAML, and YAML's nodes know their line and column."""

    def __init__(self, raw: str):
        self.values: dict[tuple[str | int, ...], tuple[int, int]] = {}
        self.keys: dict[tuple[str | int, ...], tuple[int, int]] = {}
        self.twice: list[tuple[str, int, int, int]] = []  # (key, line, column, line first given)
        try:
            root = yaml.compose(raw, Loader=yaml.SafeLoader)
            if root is not None:
                self._walk(root, ())
        except (yaml.YAMLError, RecursionError):  # no places, then: the messages still name the fields
            self.values.clear()

    def _walk(self, node: yaml.Node, path: tuple[str | int, ...]) -> None:
        self.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                at = (*path, str(key.value))
                if at in self.keys:
                    self.twice.append((str(key.value), key.start_mark.line + 1, key.start_mark.column + 1,
                                       self.keys[at][0]))
                self.keys[at] = (key.start_mark.line + 1, key.start_mark.column + 1)
                self._walk(value, at)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*path, i))

    def mark(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """The field's place, else its nearest enclosing value's; (0, 0) when the text gave no places."""
        if key and path in self.keys:
            return self.keys[path]
        while path and path not in self.values:
            path = path[:-1]
        return self.values.get(path, (0, 0))


def _suggestion(data: dict[str, Any]) -> str:
    outlet, comment, article = (data.get(k) if isinstance(data.get(k), dict) else {} for k in
                                ("outlet", "comment", "article"))
    when = comment.get("posted") or article.get("published")
    return suggest_id(str(outlet.get("url") or ""), str(comment.get("text") or ""),
                      str(when) if when else None)


# ---------------------------------------------------------------- the questions

class Interview:
    """The wizard's questions, asked through `ask`, with help and reasons through `tell`; `run` writes the case
    file and returns its path. Each answer is checked at once (and asked again with the reason); what only the whole file can
    show is asked again after the real validation."""

    def __init__(self, out: str | Path, ask: Ask, tell: Tell):
        self.out = Path(out)
        self.ask_line = ask
        self.tell = tell
        self.words = wording()
        self.answers: dict[str, Any] = {}
        self.languages: tuple[str, ...] = LANGUAGES

    # -- the whole run
    def run(self) -> Path:
        self.start()
        self.ask_all()
        return self.write()

    def start(self) -> None:
        """Say which project file and applicant the case will use; none is an error before any question."""
        from ..case.read import load_project
        from ..letter.phrases import pick

        if self.out.exists() and not self.out.is_dir():
            raise UsageError(f"--out {_shown(self.out)} is a file, not a folder")
        found = find_project(self.out)
        if found is None:
            raise NoApplicant(fill(self.words.project["missing"], folder=_shown(self.out)))
        project = load_project(found)
        applicant = project.project.applicant
        if applicant is None:
            raise NoApplicant(fill(self.words.project["no_applicant"], path=_shown(found)))
        self.languages = project.languages
        signer = applicant.signatory.name if applicant.signatory else applicant.name
        shown_in = "en" if "en" in signer or "*" in signer else next(iter(signer))
        self.tell(self.words.intro)
        self.tell(fill(self.words.project["found"], path=_shown(found)))
        self.tell(fill(self.words.project["signer"], name=pick(signer, shown_in), kind=applicant.kind))
        self.tell(fill(self.words.project["languages"], languages=", ".join(self.languages)))

    def ask_all(self) -> None:
        for q in self.words.questions:
            if q.field in ("evidence.description", "evidence.taken", "id"):
                continue  # asked within evidence, and last
            if q.only_if and self._get(_parse_field(q.only_if)) is None:
                continue
            if q.field == "comment.translations":
                self.translations(q)
            elif q.field == "evidence":
                self.evidence(q)
            else:
                if q.field == "legal_basis.norms":
                    self.show_catalogue()
                self._set(_parse_field(q.field), self.field(q))
        self.answers["id"] = self.case_id()

    def write(self) -> Path:
        """Write the file; where the real validation finds a problem with an answer, ask that question again."""
        while True:
            try:
                return write_case(self.answers, self.out)
            except CaseError as exc:
                again = [(p, self._question_for(p)) for p in exc.errors]
                if any(q is None for _, q in again):
                    raise
                self.tell(self.words.recheck)
                done: set[tuple[str | int, ...]] = set()
                for problem, (q, path, extra) in again:  # type: ignore[misc]
                    if path in done:
                        continue
                    done.add(path)
                    self.tell(f"  {problem.field}: {problem.message}")
                    if q.field == "id":
                        self.answers["id"] = self.case_id()
                    elif q.field == "comment.translations":
                        self._set(path, self.one(q, f"comment.translations.{extra}", **self._lang_words(extra)))
                    else:
                        self._set(path, self.field(q))

    # -- kinds of question
    def field(self, q: _Question, **words: object) -> Any:
        """One field; a localized one in each letter language (Enter: the same as the first)."""
        if not is_localized(q.field) or len(self.languages) == 1:
            return self.one(q, q.field, **words)
        first_lang = self.languages[0]
        first = self.one(q, q.field, suffix=f" ({first_lang})", **words)
        if first is None:
            return None
        texts = {first_lang: first}
        for lang in self.languages[1:]:
            same = fill(self.words.same_text, first=first_lang)
            texts[lang] = self.one(q, q.field, suffix=f" ({lang}; {same})", show_help=False, empty=first, **words)
        return first if len(set(texts.values())) == 1 else texts

    def one(self, q: _Question, field: str, *, suffix: str = "", show_help: bool = True, empty: Any = None,
            **words: object) -> Any:
        """Ask until the answer is accepted; None for an optional question skipped, `empty` for an Enter."""
        if show_help:
            self.tell(fill(q.help, folder=_shown(self.out), **words))
        optional = q.optional or empty is not None
        notes = [self.words.multiline] if q.multiline else []
        if optional and empty is None:
            notes.append(self.words.optional)
        prompt = fill(q.prompt, **words) + suffix + (f" ({'; '.join(notes)})" if notes else "")
        while True:
            text = self._read(prompt, q.multiline)
            if not text.strip() and optional:
                return empty
            try:
                return check_answer(field, text, folder=self.out)
            except ValueError as exc:
                self.tell(fill(self.words.retry, reason=exc))

    def _read(self, prompt: str, multiline: bool) -> str:
        first = self.ask_line(prompt, "")
        if not multiline or not first.strip():
            return first
        lines = [first]
        while lines[-1].rstrip("\r").strip() != ".":
            lines.append(self.ask_line("", ""))
        return "\n".join(line.rstrip("\r") for line in lines[:-1])

    def translations(self, q: _Question) -> None:
        language = self._get(("comment", "language"))
        for lang in self.languages:
            if lang == language:
                continue
            text = self.one(q, f"comment.translations.{lang}", **self._lang_words(lang))
            if text is not None:
                self._set(("comment", "translations", lang), text)

    def _lang_words(self, lang: str) -> dict[str, str]:
        from babel import Locale

        return {"language": Locale.parse(lang).get_display_name("en") or lang, "code": lang}

    def show_catalogue(self) -> None:
        from ..case import law
        from ..letter.phrases import pick

        self.tell(self.words.catalogue)
        for n, norm in enumerate(law.catalogue().values(), start=1):
            self.tell(fill(self.words.catalogue_line, n=n, id=norm.id, short=pick(norm.short, "en"),
                           start=norm.in_force.from_ or "…", until=norm.in_force.until or "now"))

    def evidence(self, q: _Question) -> None:
        """Evidence items until an empty answer: a file or a web address, what it is, when it was captured."""
        items: list[dict[str, Any]] = []
        show_help = True
        while True:
            if show_help:
                self.tell(fill(q.help, folder=_shown(self.out)))
                show_help = False
            text = self.ask_line(f"{fill(q.prompt, n=len(items) + 1)} ({self.words.optional})", "").strip()
            if not text:
                break
            kind = "url" if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) else "file"
            try:
                value = check_answer(f"evidence.{kind}", text, folder=self.out)
            except ValueError as exc:
                self.tell(fill(self.words.retry, reason=exc))
                continue
            item: dict[str, Any] = {kind: value}
            item["description"] = self.field(self.words.question("evidence.description"))
            taken = self.field(self.words.question("evidence.taken"))
            if taken is not None:
                item["taken"] = taken
            items.append(item)
        if items:
            self.answers["evidence"] = items

    def case_id(self) -> str:
        """The id, suggested from the outlet, the date and the text; asked again while its file exists."""
        q = self.words.question("id")
        comment = self.answers.get("comment", {})
        when = comment.get("posted") or self.answers.get("article", {}).get("published")
        base = suggest_id(self.answers.get("outlet", {}).get("url", ""), comment.get("text", ""), when)
        self.tell(q.help)
        while True:
            suggestion, n = base, 1
            while (self.out / f"{suggestion}.yaml").exists():
                n += 1
                suggestion = f"{base}-{n}"
            text = self.ask_line(q.prompt, suggestion) or suggestion
            try:
                value = check_answer("id", text)
            except ValueError as exc:
                self.tell(fill(self.words.retry, reason=exc))
                continue
            if (self.out / f"{value}.yaml").exists():
                self.tell(fill(self.words.exists, path=_shown(self.out / f"{value}.yaml")))
                continue
            return str(value)

    # -- answers by path
    def _get(self, path: tuple[str | int, ...]) -> Any:
        node: Any = self.answers
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def _set(self, path: tuple[str | int, ...], value: Any) -> None:
        """Put an answer in its place; None takes it out, and the sections it leaves empty with it."""
        if value is None:
            parent = self._get(path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
                if not parent and len(path) > 1:
                    self._set(path[:-1], None)
            return
        node: Any = self.answers
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
        node[path[-1]] = value

    def _question_for(self, problem: Problem) -> tuple[_Question, tuple[str | int, ...], str] | None:
        """The question that answers the field a problem names, with the field's path; None if none does."""
        if problem.file != _shown(self.out / f"{self.answers.get('id')}.yaml"):
            return None
        path = _parse_field(problem.field)
        names = [p for p in path if isinstance(p, str)]
        if names[:2] == ["comment", "translations"] and len(names) == 3:
            return self.words.question("comment.translations"), path, names[2]
        for q in self.words.questions:
            if q.field == ".".join(names) and q.field not in ("evidence", "comment.translations"):
                last = max(i for i, p in enumerate(path) if isinstance(p, str))
                return q, path[:last + 1], ""  # `requests[1]`: the question answers the whole list
        return None
