"""`complaints new --from-json`: a case file from a JSON object of its fields, without questions; every problem
reported at its line and column in the JSON."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from ..case.load import MAX_BYTES, MAX_DEPTH
from ..case.model import ID_PATTERN
from ..case.write import dates_as_written, suggest_id, write_case
from ..errors import CaseError, Problem
from ..layout import shown as _shown
from .sheets import regular_file
from .wizard import field_path

__all__ = ["case_from_json"]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key '{key}' is given twice")
        data[key] = value
    return data


def case_from_json(source: str | Path, out: str | Path) -> Path:
    """A case file written from a JSON object of the case's fields (the YAML's names), without questions.

    `-` reads standard input. A missing `id` is suggested as for every new case (case.write.suggest_id); dates
    may be written in any form case files take, and are written in ISO form; `format` defaults to 1; null
    means the field is left out. Every problem is reported against the JSON file (with the line of the field
    where it can be found) in one CaseError, and nothing is written.
    """
    name = "<stdin>" if str(source) == "-" else _shown(Path(source))
    if str(source) == "-":
        raw = sys.stdin.read(MAX_BYTES + 1)
        if len(raw.encode("utf-8")) > MAX_BYTES:
            raise CaseError(name, [Problem(name, 1, 1, "", "the input is larger than 1 MiB")])
    else:
        path = regular_file(Path(source), "the JSON file of the case's fields", about="source")
        if path.stat().st_size > MAX_BYTES:
            raise CaseError(name, [Problem(name, 1, 1, "", "the file is larger than 1 MiB")])
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CaseError(name, [Problem(name, 0, 0, "", f"cannot read it as UTF-8 text: {exc}")]) from None
    refused = _refused(raw)  # before parsing: json's parser recurses, and takes NaN and lone surrogates
    if refused is not None:
        line, column, message = refused
        raise CaseError(name, [Problem(name, line, column, "", message)])
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
    data = dates_as_written(data)  # 06.10.2023 22:53, as dates are written in Kazakhstan: ISO in the case file
    if data.get("id") is None:
        data["id"] = suggest_id(data)
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
            line, column = positions.mark(field_path(p.field), key=on_key)
            problems.append(Problem(name, line, column, p.field, p.message, p.severity))
        raise CaseError(name, problems) from None


_MAX_DIGITS = 40  # a number longer than this is no field of a case (and int() of 4,300 digits raises)
_SURROGATE = re.compile(r"\\u[dD]([89abAB])[0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _refused(raw: str) -> tuple[int, int, str] | None:
    """The first place where the JSON text holds what no case field can take, and why: nesting deeper than
    case files may be, NaN or Infinity (not JSON), a number too long to be one, or an escaped lone
    surrogate (half of a UTF-16 pair, no character); None when there is none."""
    depth, line, start = 0, 1, 0  # start: where the current line begins
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\n":
            line, start = line + 1, i + 1
        elif c == '"':
            j = i + 1
            while j < n and raw[j] != '"':
                if raw[j] == "\\":
                    if raw.startswith("\\u", j):
                        m = _SURROGATE.match(raw, j)
                        if m and (m.group(1) is None or m.end() - j == 6):  # a low half alone, or a high one
                            return line, j - start + 1, (f"'{m.group(0)}' is half of a UTF-16 surrogate pair, no"
                                                         " character: write the character itself")
                        if m:
                            j = m.end() - 1
                    j += 1
                elif raw[j] == "\n":
                    break  # an unclosed string: json's own message says so
                j += 1
            i = j
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, i - start + 1, f"nested deeper than {MAX_DEPTH} levels: refused"
        elif c in "]}":
            depth -= 1
        elif c.isalnum() or c == "-":
            j = i
            while j < n and (raw[j].isalnum() or raw[j] in "+-."):
                j += 1
            word = raw[i:j]
            if word.lstrip("-") in ("NaN", "Infinity"):
                return line, i - start + 1, f"{word} is not a number JSON allows: write the value as text or leave it out"
            if sum(ch.isdigit() for ch in word) > _MAX_DIGITS:
                return line, i - start + 1, f"a number of {len(word)} characters: no field of a case takes one"
            i = j - 1
        i += 1
    return None


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
