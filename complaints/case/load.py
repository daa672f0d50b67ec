"""Safe YAML reading that remembers where every value came from.

Every scalar becomes a string (or None for a plain null): the case model, not
YAML 1.1's guessing, decides what a value means, so `no` stays a language
code and `0123` stays a registration number.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import CaseError, Problem

MAX_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_NODES = 50_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

# What YAML's reader refuses and what XML 1.0 cannot carry: C0 controls but tab,
# newline and carriage return; DEL and the C1 controls but NEL; surrogates; U+FFFE/F.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_NULLS = {"", "~", "null", "Null", "NULL"}
# Escapes in a double-quoted scalar; the single-letter ones that write a character _BAD_CHAR refuses.
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_BAD_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "v": "\x0b", "f": "\x0c", "e": "\x1b"}


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Scalar:
    """How a scalar was written: what case/verbatim.py needs to tell whether YAML read it as written."""

    style: str  # "" plain, "'" or '"' quoted, "|" literal, ">" folded
    tag: str  # as YAML resolved it: tag:yaml.org,2002:str, …:bool, …:int, …:null, …
    start: int  # offsets into Document.source
    end: int
    alias: bool = False  # read through an alias (*name): its anchor belongs to the value it repeats


@dataclass
class Document:
    """A YAML file read into plain Python values, with the position of each value and key.

    The positions are worked out from the parsed file the first time one is asked for (a problem to report, a
    finding to place): a file with nothing wrong in it never needs them.
    """

    path: str
    data: Any
    problems: list[Problem] = field(default_factory=list)
    # the path of every scalar under the sections that hold quoted texts (_QUOTED_IN) → how it was written; and
    # the text it was read from
    scalars: dict[Path_, Scalar] = field(default_factory=dict)
    source: str = ""
    sha256: str = ""  # of the bytes read (the file's, or the content given)
    root: Node | None = field(default=None, repr=False)  # the parsed file, for the positions
    _values: dict[Path_, Mark] | None = field(default=None, repr=False)
    _keys: dict[Path_, Mark] | None = field(default=None, repr=False)
    _spans: list[tuple[int, int, Path_]] = field(default_factory=list, repr=False)

    @property
    def values(self) -> dict[Path_, Mark]:
        """The position of each value, by its path."""
        if self._values is None:
            self._place()
        assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[Path_, Mark]:
        """The position of each key, by the path of its value."""
        if self._keys is None:
            self._place()
        assert self._keys is not None
        return self._keys

    def _place(self) -> None:
        self._values, self._keys = {}, {}
        if self.root is None:
            self._values[()] = Mark(1, 1)
        else:
            _Marks(self).walk(self.root, ())

    def field_at(self, offset: int) -> Path_ | None:
        """The path of the innermost scalar whose text covers `offset` in the source."""
        if self._values is None:
            self._place()
        best: tuple[int, Path_] | None = None
        for start, end, path in self._spans:
            if start <= offset < end and (best is None or end - start < best[0]):
                best = (end - start, path)
        return best[1] if best else None

    def mark(self, path: Path_, *, key: bool = False) -> Mark:
        """The position of the value at `path` (or its key), else of the nearest enclosing value."""
        if self._values is None and self.root is not None:  # one position: found along its path, not all of them
            return _Marks.find(self.root, path, key=key)
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            p = p[:-1]
        return self.values.get((), Mark(1, 1))

    def problem(self, path: Path_, message: str, *, severity: str = "error", key: bool = False) -> Problem:
        m = self.mark(path, key=key)
        return Problem(self.path, m.line, m.column, dotted(path), message, severity)


def dotted(path: Path_) -> str:
    """`('evidence', 0, 'file')` → `evidence[0].file`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _DepthLimit:
    """A composer that refuses a value nested deeper than MAX_DEPTH as it reaches it, before composing further:
    composing recurses once a level, so a file nested thousands deep would otherwise end in RecursionError."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:  # the root is at depth 0, as the builder counts
                at = self.peek_event().start_mark  # type: ignore[attr-defined]
                raise _TooBig(f"nested deeper than {MAX_DEPTH} levels: refused", Mark(at.line + 1, at.column + 1))
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class _PyLoader(_DepthLimit, yaml.SafeLoader):
    """PyYAML's own reader: slower, but it words a mistake best ("found character '\\t' …")."""


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.resolver import Resolver

    class _CLoader(_DepthLimit, Composer, CParser, Resolver):
        """libyaml's (C) events, composed in Python so that the depth is counted: parsing is most of the time
        a case takes, and stays in C."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

    _LOADER: type = _CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADER = _PyLoader


if getattr(yaml, "__with_libyaml__", False):

    class _Resolver(Resolver):
        """YAML's own resolver, remembering what each plain scalar resolved to: a batch's files repeat their keys
        and many of their values, and resolving is most of the time the C composer leaves to Python."""

        _resolved: dict[tuple[str, Any], str] = {}

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and type(value) is str and len(value) <= 40:  # keys, dates, ids: not texts
                key = (value, implicit)
                tag = self._resolved.get(key)
                if tag is None:
                    tag = super().resolve(kind, value, implicit)
                    if len(self._resolved) < 2048:
                        self._resolved[key] = tag
                return tag
            return super().resolve(kind, value, implicit)

    class _CComposer(CParser, _Resolver):
        """libyaml's events composed by PyYAML's C composer: for files whose nesting is known to be shallow."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            _Resolver.__init__(self)

    _SHALLOW: type | None = _CComposer
else:  # pragma: no cover - PyYAML built without libyaml
    _SHALLOW = None

# What the C composer is trusted with: nesting is bounded by the characters that open a level (a flow collection's
# bracket, a block sequence's dash, a mapping key's colon or question mark), and C recursion this deep is safe on
# any thread's stack; a file that could nest deeper is composed in Python, which counts its depth as it goes.
_SHALLOW_ENOUGH = 512


def _shallow(text: str) -> bool:
    return sum(text.count(ch) for ch in "[{-:?") < _SHALLOW_ENOUGH


def _compose(text: str, loader_class: type | None = None) -> Node | None:
    """The YAML node graph, aliases still shared, nothing constructed."""
    if loader_class is None:
        loader_class = _SHALLOW if _SHALLOW is not None and _shallow(text) else _LOADER
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError:
        if loader_class is _PyLoader:
            raise
        # A mistake is rare and PyYAML's own reader words it better ("found character '\t' …"): ask it.
        return _compose(text, _PyLoader)
    finally:
        loader.dispose()


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _refuse_alias_bombs(root: Node) -> None:
    """Count aliases and the size the tree would have once they are expanded, without expanding them."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    aliases = 0
    stack = [(root, iter(_children(root)))]
    open_nodes.add(id(root))
    while stack:
        node, pending = stack[-1]
        child = next(pending, None)
        if child is None:
            stack.pop()
            open_nodes.discard(id(node))
            size = 1 + sum(sizes[id(c)] for c in _children(node))
            if size > MAX_NODES:
                raise _TooBig(f"more than {MAX_NODES:,} values once aliases are expanded (an alias bomb?): refused",
                              _mark(node))
            sizes[id(node)] = size
        elif id(child) in open_nodes:
            raise _TooBig("an alias refers to the value that contains it: refused", _mark(child))
        elif id(child) in sizes:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _TooBig(f"more than {MAX_ALIASES} aliases (*name): refused", _mark(node))
        else:
            open_nodes.add(id(child))
            stack.append((child, iter(_children(child))))


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _position(text: str, index: int) -> Mark:
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return Mark(line, index - start + 1)


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f" ({unicodedata.name(ch)})" if unicodedata.name(ch, "") else " (a control character)")


def read_yaml(path: str | Path, *, display: str | None = None, collect: bool = False,
              content: bytes | None = None) -> Document:
    """Read one YAML file safely; raise CaseError with every problem if it cannot be read.

    With `collect`, problems that do not stop the reading (duplicate keys, characters XML cannot carry,
    merge keys) are left in `doc.problems` for the caller to report with the rest of the file's.
    `content`: the bytes the file is about to hold, read as they would be from it (the file is not opened).
    """
    path = Path(path)
    shown = display or str(path)

    def fail(line: int, col: int, message: str, fld: str = "") -> CaseError:
        return CaseError(shown, [Problem(shown, line, col, fld, message)])

    if content is not None:
        raw = content
    else:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise fail(1, 1, f"file is {size:,} bytes; case files are limited to 1 MiB ({MAX_BYTES:,} bytes)")
            raw = path.read_bytes()
        except OSError as exc:
            raise fail(1, 1, f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise fail(1, 1, f"file is larger than 1 MiB ({MAX_BYTES:,} bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        m = _position(good, len(good))
        raise fail(
            m.line, m.column, f"byte 0x{raw[exc.start]:02X} is not UTF-8; save the file as UTF-8 text"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]

    # Characters YAML or XML cannot carry are blanked out so the rest still parses;
    # each one is reported against the field that holds it, once the tree is known.
    bad_chars = [(m.start(), m.group()) for m in _BAD_CHAR.finditer(text)]
    if bad_chars:
        text = _BAD_CHAR.sub(" ", text)

    try:
        root = _compose(text)
        if root is not None and "*" in text:  # no asterisk, no alias
            _refuse_alias_bombs(root)
    except _TooBig as exc:
        raise fail(exc.mark.line, exc.mark.column, str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        from .yamlerrors import explain  # only for a file with a mistake

        said = explain(text, exc)
        raise fail(said.line, said.column, f"YAML syntax: {said.message}", said.field) from None
    except yaml.YAMLError as exc:
        raise fail(1, 1, f"YAML syntax: {exc}") from None
    except ValueError:  # chr() on an escape such as "\U00110000"
        at = _position(text, max(text.find("\\U"), 0))
        raise fail(at.line, at.column,
                   "YAML syntax: an escape in a quoted string names no Unicode character (above U+10FFFF)") from None

    doc = Document(shown, None, source=text, sha256=hashlib.sha256(raw).hexdigest(), root=root)
    if root is not None:
        builder = _Builder(doc, text)
        try:
            doc.data = builder.build(root, ())
        except _TooBig as exc:
            raise fail(exc.mark.line, exc.mark.column, str(exc)) from None
        for offset, ch in bad_chars:
            at = _position(text, offset)
            fld = doc.field_at(offset)
            doc.problems.append(
                Problem(shown, at.line, at.column, dotted(fld) if fld is not None else "",
                        f"character {_char_name(ch)} is not allowed in a letter (XML cannot carry it); "
                        "remove it")
            )
    if not collect and any(p.is_error for p in doc.problems):
        raise CaseError(shown, doc.problems)
    return doc


class _Marks:
    """The positions of a document's values and keys, worked out from its nodes the way _Builder walks them (the
    same keys skipped), the first time one is asked for."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.values: dict[Path_, Mark] = {}
        self.keys: dict[Path_, Mark] = {}
        doc._values, doc._keys, doc._spans = self.values, self.keys, []

    @staticmethod
    def find(root: Node, path: Path_, *, key: bool = False) -> Mark:
        """What `Document.mark` gives once every position is worked out, worked out along `path` alone: the
        value's position (a block mapping's or list's: its key's), its key's, else the nearest enclosing value's."""
        node, at = root, _mark(root)
        for i, part in enumerate(path):
            found: tuple[Node | None, Node] | None = None
            if isinstance(node, MappingNode) and isinstance(part, str) and not part.startswith("x-"):
                for key_node, value_node in node.value:  # the first of duplicate keys, as walk() keeps it
                    if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge" \
                            and key_node.value == part:
                        found = key_node, value_node
                        break
            elif isinstance(node, SequenceNode) and type(part) is int and 0 <= part < len(node.value):
                found = None, node.value[part]
            if found is None:
                return at
            key_node, node = found
            block = isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style
            at = _mark(key_node) if key_node is not None and (block or (key and i == len(path) - 1)) else _mark(node)
        return at

    def walk(self, node: Node, path: Path_) -> None:
        self.values.setdefault(path, _mark(node))
        if isinstance(node, ScalarNode):
            self.doc._spans.append((node.start_mark.index, max(node.end_mark.index, node.start_mark.index + 1),
                                    path))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, path + (i,))
        elif isinstance(node, MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, ScalarNode):
                    continue
                key = key_node.value
                if key in seen:
                    continue
                seen.add(key)
                if key.startswith("x-"):
                    continue
                key_mark = _mark(key_node)
                self.keys[path + (key,)] = key_mark
                self.walk(value_node, path + (key,))
                if isinstance(value_node, (MappingNode, SequenceNode)) and not value_node.flow_style:
                    # A block mapping or list starts on the line after its key; point at the key.
                    self.values[path + (key,)] = key_mark


class _TooBig(Exception):
    def __init__(self, message: str, mark: Mark):
        super().__init__(message)
        self.mark = mark


# the sections that hold the texts a letter quotes as written (case/verbatim.py): only their scalars are recorded
_QUOTED_IN = frozenset({"comment", "article", "legal_basis"})


class _Builder:
    """Turns composed YAML nodes into dicts, lists and strings; the positions are left to _Marks."""

    def __init__(self, doc: Document, text: str):
        self.doc = doc
        self.text = text
        self.count = 0
        self.seen: set[int] = set()  # the scalar nodes built already: met again, through an alias
        self.aliases = "*" in text  # no asterisk, no alias

    def build(self, node: Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"more than {MAX_NODES:,} values (an alias bomb?): refused", _mark(node))
        if depth > MAX_DEPTH:
            raise _TooBig(f"nested deeper than {MAX_DEPTH} levels: refused", _mark(node))
        if isinstance(node, ScalarNode):
            if path and path[0] in _QUOTED_IN:
                self.doc.scalars[path] = Scalar(node.style or "", node.tag, node.start_mark.index,
                                                node.end_mark.index, alias=id(node) in self.seen)
            if self.aliases:
                self.seen.add(id(node))
            if not node.style and node.value in _NULLS and node.tag == "tag:yaml.org,2002:null":
                return None
            if node.style == '"' and _BAD_CHAR.search(node.value):
                self._bad_escapes(node, path)
            return unicodedata.normalize("NFC", node.value)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            seen: dict[str, Node] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    key_mark = _mark(key_node)
                    self.doc.problems.append(Problem(self.doc.path, key_mark.line, key_mark.column,
                                                     dotted(path), "merge keys (<<) are not supported"))
                    continue
                if not isinstance(key_node, ScalarNode):
                    key_mark = _mark(key_node)
                    self.doc.problems.append(Problem(self.doc.path, key_mark.line, key_mark.column,
                                                     dotted(path), "a key must be a plain name"))
                    continue
                key = key_node.value
                if key in seen:
                    key_mark = _mark(key_node)
                    self.doc.problems.append(Problem(
                        self.doc.path, key_mark.line, key_mark.column, dotted(path + (key,)),
                        f"duplicate key '{key}' (first given on line {_mark(seen[key]).line})"))
                    continue
                seen[key] = key_node
                if key.startswith("x-"):
                    continue  # the user's own notes: kept in the file, never used
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        raise _TooBig(f"unsupported YAML node {type(node).__name__}", _mark(node))  # pragma: no cover

    def _bad_escapes(self, node: ScalarNode, path: Path_) -> None:
        """Report characters XML cannot carry that a double-quoted scalar wrote as escapes (\\x01, \\v, …)."""
        source = self.text[node.start_mark.index:node.end_mark.index]
        for m in _ESCAPE.finditer(source):
            code = m.group(1)
            ch = _BAD_ESCAPES.get(code, "") if len(code) == 1 else chr(int(code[1:], 16))
            if ch and _BAD_CHAR.fullmatch(ch):
                at = _position(self.text, node.start_mark.index + m.start())
                self.doc.problems.append(Problem(
                    self.doc.path, at.line, at.column, dotted(path),
                    f"character {_char_name(ch)}, written as the escape {m.group()}, is not allowed in a letter"
                    " (XML cannot carry it); remove it"))
