"""Writing case files: the one writer and the one id scheme of `new` and `import`.

    outlet_slug(url)             `nur-kz`: an outlet's host as a name (case ids; the grouped letters' folders)
    suggest_id(fields)           `nur-kz-2023-10-06-1a2b3c4d5e6f7a8b`: outlet, date, a hash of the comment's identity
    case_text(data, header)      the fields as commented YAML that reads back exactly (wording: data/case-file.yaml)
    updated_text(text, changes)  an existing file with some fields set, its other lines and comments as they were
    check_text(text, target)     what `complaints validate` says of the text as the file it is about to become
    put(target, text)            written whole: created, never over a file (or, with replace, replacing it)
    draft_case(data, out)        what write_case would write, where, and its problems, without writing
    write_case(data, out)        one new case: its text, checked, put in OUT/<id>.yaml

Existing case files keep their ids (the id is in the file); only the suggestions for new files come from here.
"""

from __future__ import annotations

import hashlib
import io
import re
import types
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import CaseError, DataError, Problem, UsageError
from ..files import write_new, write_whole
from ..layout import outlet_slug, shown
from . import yamltext
from .model import ID_PATTERN, Case, Day, Localized, When
from .when import Moment, parse_moment

if TYPE_CHECKING:
    from .read import CaseFile, ProjectFile

__all__ = ["case_folder", "case_text", "check_text", "comment_identity", "date_as_written", "dates_as_written",
           "draft_case", "field_type", "fill", "header", "is_localized", "moment_text", "outlet_slug", "put", "REMOVE",
           "suggest_id", "updated_text", "wording", "write_case"]

# The hash's length. Ids collide only between comments on one outlet and day (both are in the id); for n such
# comments and b bits, the chance that any two share an id is about n²/2^(b+1) (the birthday bound). A sheet of
# 1,000,000 rows, all of one outlet and one day, the worst case: 24 bits: certain (262 pairs at 100,000 rows);
# 48 bits: 10^12/2^49 ≈ 1.8e-3; 64 bits: 10^12/2^65 ≈ 2.7e-8. And should two ever meet, the import compares the
# comments themselves (comment_identity) and refuses the second, naming both: a collision never loses a case.
HASH_HEX = 16  # 64 bits
_FLOW_WIDTH = 120  # a text by language on one line, `{ru: …, kk: …, en: …}`, while the line stays this short
_COMMENT_COLUMN = 36


# ---------------------------------------------------------------- the id scheme

def _at(data: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def _words(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def _instant(value: Any) -> str:
    """A comment's time as one text whichever way it was written (06.10.2023 22:53 is 2023-10-06T22:53)."""
    if value in (None, ""):
        return ""
    try:
        moment = parse_moment(value)
    except ValueError:
        return _words(value)
    if moment.clock is None:
        return moment.day.isoformat()
    return moment.instant().astimezone(UTC).isoformat()


def suggest_id(fields: Mapping[str, Any]) -> str:
    """The id for a new case with these fields (the case file's names and nesting): `<outlet>-<date>-<hash>`.

    The outlet is `outlet_slug` of its home page (else of the article's address); the date is the comment's
    (else the article's; `undated` without either); the hash, 16 hex digits, is of the comment's identity
    (comment_identity): the outlet, the article's address, the author, the time posted and the text. The same
    comment gets the same id from `new`, `new --from-json` and `import`, however its date or spacing was typed.
    """
    slug = _slug(fields)
    posted = _at(fields, "comment", "posted")
    day = "undated"
    for when in (posted, _at(fields, "article", "published")):
        try:
            day = parse_moment(when).day.isoformat()
            break
        except ValueError:
            continue
    identity = comment_identity(fields)
    tail = f"{day}-{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:HASH_HEX]}"
    return f"{slug[:80 - len(tail) - 1].rstrip('-')}-{tail}"


def _slug(fields: Mapping[str, Any]) -> str:
    return (outlet_slug(_at(fields, "outlet", "url") or "") or outlet_slug(_at(fields, "article", "url") or "")
            or re.sub(r"[^a-z0-9]+", "-", _words(_at(fields, "outlet", "name")).lower()).strip("-") or "case")


def comment_identity(fields: Mapping[str, Any]) -> str:
    """What makes a comment the same comment, as one text: its outlet, the article's address, the author, the
    time posted and the text (spacing, line ends and the way the date is written aside). Two rows or files
    are the same comment exactly when these are equal; the id is a hash of it."""
    text = unicodedata.normalize("NFC", str(_at(fields, "comment", "text") or ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "\x1f".join((_slug(fields), str(_at(fields, "article", "url") or "").strip(),
                        _words(_at(fields, "comment", "author")), _instant(_at(fields, "comment", "posted")), text))


# ---------------------------------------------------------------- wording

class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")
    headers: dict[str, str]
    comments: dict[str, str]
    derived: dict[str, str]
    hints: dict[str, str]


@lru_cache(maxsize=1)
def wording() -> _Wording:
    """What the tool writes into a case file besides its values, from data/case-file.yaml."""
    from .load import read_yaml

    with resources.as_file(resources.files("complaints") / "data" / "case-file.yaml") as path:
        try:
            return _Wording.model_validate(read_yaml(path, display="complaints/data/case-file.yaml").data)
        except (CaseError, ValidationError) as exc:
            raise DataError(f"complaints/data/case-file.yaml: {exc}") from None


def fill(text: str, **values: object) -> str:
    """`{name}` replaced where a value is given; any other brace (a YAML example) left as it is."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], text)


def header(kind: str, **values: object) -> str:
    """The header of a case file written by `new` or `import` (data/case-file.yaml), its words filled in."""
    return fill(wording().headers[kind], **values)


# ---------------------------------------------------------------- the case format's fields

def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, list, Annotated):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=256)
def field_type(field: str) -> tuple[Any, bool]:
    """The type the case model gives a dotted field (list items' fields as `evidence.file`), and whether it is
    required; KeyError for a field the case format does not have."""
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


@lru_cache(maxsize=256)
def _known(field: str) -> bool:
    try:
        field_type(field)
    except KeyError:
        return False
    return True


def _is(field: str, kind: Any) -> bool:
    if not _known(field):
        return False
    annotation, _ = field_type(field)
    return annotation == kind or kind in get_args(annotation)


@lru_cache(maxsize=256)
def is_localized(field: str) -> bool:
    """A field that takes one text for every language, or one per language."""
    return _is(field, Localized)


@lru_cache(maxsize=256)
def _is_date(field: str) -> bool:
    return _is(field, When) or _is(field, Day)


@lru_cache(maxsize=64)
def _order(node: tuple[str, ...]) -> list[str]:
    """The fields of the mapping at `node` (`()`, `("outlet",)`, `("evidence",)`) in the case format's order."""
    model = _model_in(field_type(".".join(node))[0]) if node else Case
    return list(model.model_fields) if model is not None else []


# ---------------------------------------------------------------- the YAML text

def moment_text(moment: Moment) -> str:
    """A date or time as a case file writes it: ISO, the time to the minute (to the second where it has seconds),
    the offset only where one was given (2023-10-06, 2023-10-06T22:53, 2023-10-06T22:53+05:00)."""
    if moment.clock is None:
        return moment.day.isoformat()
    clock = moment.clock.isoformat("minutes" if not (moment.clock.second or moment.clock.microsecond) else "auto")
    text = f"{moment.day.isoformat()}T{clock}"
    if moment.offset is not None:
        minutes = int(moment.offset.total_seconds() // 60)
        text += f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text


def date_as_written(field: str, value: Any) -> Any:
    """A date or time field's value as a case file writes it (ISO), whichever form case.when reads it was given
    in; any other value, or one that cannot be read (left for the validation to word), as it is."""
    if not isinstance(value, str) or not _is_date(field):
        return value
    try:
        return moment_text(parse_moment(value))
    except ValueError:
        return value


def date_as_typed(field: str, value: Any) -> Any:
    """A date or time field's value as a person types it (06.10.2023, 06.10.2023 22:53), where that form reads
    back to the very value given (no offset, no seconds); anything else as it is."""
    if not isinstance(value, str) or not _is_date(field):
        return value
    try:
        moment = parse_moment(value)
    except ValueError:
        return value
    typed = moment.day.strftime("%d.%m.%Y")
    if moment.clock is not None:
        typed += " " + moment.clock.strftime("%H:%M")
    try:
        same = moment_text(parse_moment(typed)) == moment_text(moment) == value.strip()
    except ValueError:
        same = False
    return typed if same else value


def dates_as_written(data: Any, at: tuple[str, ...] = ()) -> Any:
    """The fields with every date and time in them as a case file writes it (date_as_written)."""
    if isinstance(data, dict):
        return {k: dates_as_written(v, (*at, str(k))) for k, v in data.items()}
    if isinstance(data, list):
        return [dates_as_written(v, at) for v in data]
    return date_as_written(".".join(at), data) if at else data



def _with_comment(line: str, comment: str | None) -> str:
    return line if not comment else f"{line.ljust(max(len(line) + 2, _COMMENT_COLUMN))}# {comment}"


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _as_text(value: Any) -> Any:
    """Values as the case loader gives them back: strings, lists and dicts only, without the x- notes."""
    if isinstance(value, dict):
        return {str(k): _as_text(v) for k, v in value.items() if not str(k).startswith("x-")}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _prepared(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as written: `format: 1` unless given, fields that are None left out."""
    return _without_nulls({"format": 1, **data})


class _Writer:
    """The fields as YAML lines, in the case format's order, each with its comment."""

    def __init__(self, comments: Mapping[str, str], hints: Mapping[str, str]):
        self.comments = comments
        self.hints = hints

    def mapping(self, data: Mapping[str, Any], at: tuple[str, ...], depth: int, hints: bool = True) -> list[str]:
        pad = "  " * depth
        fields = _order(at)
        lines: list[str] = []
        for name in fields:
            hint = self.hints.get(".".join((*at, name))) if hints else None
            if name in data:
                lines += self.entry(name, data[name], at, depth)
            elif hint:
                lines.append(f"{pad}# {hint}")
        for name in data:
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
        comment = self.comments.get(field) if known else None
        head = f"{pad}{yamltext.key(name)}:"
        if isinstance(value, dict) and value:
            if known and _model_in(field_type(field)[0]) is not None:
                return [_with_comment(head, comment)] + self.mapping(value, path, depth + 1)
            flow = self.flow(value) if known and is_localized(field) else None
            if flow is not None and len(head) + 1 + len(flow) <= _FLOW_WIDTH:
                return [_with_comment(f"{head} {flow}", comment)]
            return [_with_comment(head, comment)] + self.loose(value, depth + 1)
        if isinstance(value, list) and value:
            if field == "requests" and all(not isinstance(v, dict | list) for v in value):
                return [_with_comment(f"{head} [{', '.join(yamltext.scalar(v, field, flow=True) for v in value)}]",
                                      comment)]
            lines = [_with_comment(head, comment)]
            item_pad = "  " * (depth + 1)
            for item in value:
                if isinstance(item, dict) and item:
                    sub = self.mapping(item, path, depth + 2, hints=False) if known else self.loose(item, depth + 2)
                    lines.append(f"{item_pad}- {sub[0][len(item_pad) + 2:]}")
                    lines += sub[1:]
                elif isinstance(item, dict | list):
                    lines.append(f"{item_pad}- {yamltext.quoted_json(item)}")
                else:
                    lines.append(f"{item_pad}- {yamltext.scalar(item, field)}")
            return lines
        if isinstance(value, dict | list):
            return [_with_comment(f"{head} {yamltext.quoted_json(value)}", comment)]
        if isinstance(value, str) and "\n" in value.strip("\n") and (literal := yamltext.block(value)):
            return [_with_comment(f"{head} {literal[0]}", comment)] + [
                (pad + line) if line else "" for line in literal[1:]]
        return [_with_comment(f"{head} {yamltext.scalar(value, field)}", comment)]

    def loose(self, data: Mapping[str, Any], depth: int) -> list[str]:
        return [line for k, v in data.items() for line in self.entry(k, v, (), depth, free=True)]

    @staticmethod
    def flow(value: Mapping[str, Any]) -> str | None:
        """`{ru: …, kk: …}` for texts of one line each, else None."""
        if not all(isinstance(v, str) and v and "\n" not in v for v in value.values()):
            return None
        return "{" + ", ".join(f"{yamltext.key(k)}: {yamltext.scalar(v, flow=True)}" for k, v in value.items()) + "}"


def case_text(data: Mapping[str, Any], *, header: str, comments: Mapping[str, str] | None = None,
              hints: bool = False) -> str:
    """The YAML text of a case file with these fields (the case's own names and nesting): `header` as comment
    lines, then the fields in the case format's order, each with its comment from data/case-file.yaml (or from
    `comments`, which replace those); `hints`: the optional fields left out, commented out. `format: 1` is
    added when missing; fields that are None are left out. Every value reads back exactly as given."""
    words = wording()
    writer = _Writer({**words.comments, **(comments or {})}, words.hints if hints else {})
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += writer.mapping(_prepared(data), (), 0, hints=hints)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- an existing file, updated

Change = tuple[tuple[str | int, ...], Any]  # (the field's path, its value); path ("evidence", "+"): an item added


class _Remove:
    """The value of a change that takes the field (or list item) out of the file."""

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE: Any = _Remove()


def updated_text(text: str, changes: Sequence[Change]) -> str:
    """The text of an existing case file with the given fields set (evidence items added), new keys placed where
    the case format puts them; every other line, comment and quote as it was. A path may go through a list by
    its index (`("evidence", 0, "description")`); the value REMOVE takes the field or item out (and a mapping
    left empty by it). ruamel.yaml's YAMLError for a text it cannot read; KeyError for a path through a list
    item the file does not have."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never fold a long line
    yaml.preserve_quotes = True
    doc = yaml.load(text)
    for path, value in changes:
        if path == ("evidence", "+"):
            item = CommentedMap()
            for key, v in value.items():
                if isinstance(v, dict):
                    v = CommentedMap(v)
                    if _Writer.flow(v) is not None:
                        v.fa.set_flow_style()
                item[key] = _styled(f"evidence.{key}", v)
            seq = doc.get("evidence")
            if not isinstance(seq, list):
                seq = CommentedSeq()
                _insert(doc, (), "evidence", seq)
            seq.append(item)
            continue
        if value is REMOVE:
            _remove(doc, path)
            continue
        node = doc
        names = tuple(str(p) for p in path if not isinstance(p, int))
        for depth, part in enumerate(path[:-1]):
            if isinstance(part, int):
                if not isinstance(node, list) or not 0 <= part < len(node):
                    raise KeyError(f"no item {part} at {'.'.join(str(p) for p in path[:depth])}")
                node = node[part]
                continue
            nested = node.get(part)
            if not isinstance(nested, dict) and not (isinstance(nested, list) and isinstance(path[depth + 1], int)):
                _insert(node, tuple(str(p) for p in path[:depth] if not isinstance(p, int)), part, CommentedMap())
            node = node[part]
        last = path[-1]
        field = ".".join(names)
        styled: Any
        if isinstance(value, list):
            styled = CommentedSeq([_styled("", v) for v in value])
        elif isinstance(value, dict) and is_localized(field) and value:
            styled = CommentedMap(value)
            if _Writer.flow(value) is not None:
                styled.fa.set_flow_style()
        else:
            styled = _styled(field, value)
        if isinstance(last, int):
            node[last] = styled
        elif last in node:
            node[last] = styled
        else:
            _insert(node, names[:-1], last, styled)
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    return buffer.getvalue()


def _remove(doc: Any, path: tuple[str | int, ...]) -> None:
    """The field or item at `path` taken out, and each mapping above it that it leaves empty; nothing if it is
    not there."""
    nodes = [doc]
    for part in path[:-1]:
        node = nodes[-1]
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                return
        elif not isinstance(node, dict) or part not in node:
            return
        nodes.append(node[part])
    for depth in range(len(path) - 1, -1, -1):
        node, part = nodes[depth], path[depth]
        if isinstance(part, int):
            if not (isinstance(node, list) and 0 <= part < len(node)):
                return
        elif not (isinstance(node, dict) and part in node):
            return
        del node[part]
        if depth == 0 or not isinstance(node, dict) or node:
            return


def _insert(node: Any, path: tuple[str, ...], key: str, value: Any) -> None:
    """A new key where the case format puts it among its neighbours."""
    order = _order(path) if not path or _known(".".join(path)) else []

    def rank(name: str) -> int:
        return order.index(name) if name in order else len(order)

    position = sum(1 for k in node if rank(str(k)) <= rank(key))
    node.insert(position, key, value)


def _styled(field: str, value: Any) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if not isinstance(value, str):
        return value
    if _is_date(field) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)  # written plain, as the case format writes a date
    if "\n" in value and yamltext.block(value):
        return LiteralScalarString(value)
    return value if yamltext.plain_ok(value) else DoubleQuotedScalarString(value)


# ---------------------------------------------------------------- checking and writing

def case_folder(out: str | Path, *, make: bool = True) -> Path:
    """The folder case files are written in, made if it is not there yet (`make`); UsageError about `out`."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"the case folder {shown(out)} is a file, not a folder", about="out")
    if make:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot make the case folder {shown(out)}: {exc.strerror or exc}", about="out") from None
    return out


def check_text(text: str, target: Path, *, project: ProjectFile | None = None,
               expect: Mapping[str, Any] | None = None) -> tuple[CaseFile | None, list[Problem]]:
    """What `complaints validate` would say of `text` as the file `target`: the case (None when it has errors)
    and every problem, named as `target`. Checked as that file, so that evidence paths and the project file are
    found as they will be, though it is neither written nor read (load_case's `content`). `expect`: the fields the
    text must read back as (else the writer has a bug, reported as an error)."""
    from .read import load_case

    try:
        case = load_case(target, project=project, content=text.encode("utf-8"))
    except CaseError as exc:
        return None, list(exc.problems)
    if expect is not None and (case.document is None or case.document.data != _as_text(_prepared(expect))):
        return None, [Problem(shown(target), 1, 1, "", "these fields could not be written faithfully (a bug in"
                                                      " complaints: please report it with what was given)")]
    return case, list(case.warnings)


def put(target: Path, text: str, *, replace: bool = False, durable: bool = False) -> None:
    """The text written whole as `target`: created only if there is no file there (FileExistsError, and nothing
    written, if there is), or with `replace` replacing it; `durable`: on the disk before it is in place."""
    (write_whole if replace else write_new)(target, text.encode("utf-8"), durable=durable)


def draft_case(data: Mapping[str, Any], out: str | Path) -> tuple[Path, str, list[Problem]]:
    """What write_case would write for these fields, without writing it: the file OUT/<id>.yaml, its text, and
    every problem the real validation finds in it (a file already there is one, at `id`)."""
    out = case_folder(out, make=False)
    case_id = str(data.get("id") or "")
    good_id = bool(ID_PATTERN.match(case_id))
    target = out / f"{case_id if good_id else 'new-case'}.yaml"
    text = case_text(data, header=header("new"), hints=True)
    _, problems = check_text(text, target, expect=data)
    if good_id and target.exists():
        problems.append(_exists(target))
    return target, text, problems


def _exists(target: Path) -> Problem:
    return Problem(shown(target), 1, 1, "id", f"{shown(target)} already exists; give another id")


def write_case(data: Mapping[str, Any], out: str | Path) -> Path:
    """A new case file OUT/<id>.yaml with these fields, as `new` writes it: commented (with hints for the optional
    fields left out), checked whole by the real validation, never over an existing file. CaseError carries every
    problem, and then nothing is written."""
    case_folder(out)
    target, text, problems = draft_case(data, out)
    if any(p.is_error for p in problems):
        raise CaseError(shown(target), problems)
    try:
        put(target, text, durable=True)
    except FileExistsError:  # made since it was checked
        raise CaseError(shown(target), [_exists(target)]) from None
    return target
