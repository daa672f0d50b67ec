"""Verbatim or refused: the texts a letter quotes as written are read exactly as written, or the file is refused at
the place YAML would change them, with how to write them instead (a `|` block).

YAML changes a text without a word where it is written plain (unquoted): ` #` starts a comment and the rest of the
line is gone; the lines of a value over several lines are joined with a space, so its line breaks are gone; `yes`,
`no`, `~`, `1_000`, `2023-10-06` are a yes/no, nothing, a number or a date to every other YAML tool. A `>` block
joins its lines too, and `!tag` or `&anchor` before a text are YAML's and vanish from it.

A line break that a YAML writer (PyYAML, as `yaml.safe_dump` folds at its default width of 80) put into a long
one-line text is no break of the user's: it reads back as the space it was, and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import Problem
from .load import Document, Path_, Scalar, dotted

# The fields a letter quotes as written (load._QUOTED_IN names their sections, whose scalars the loader records):
# the comment, its translations and its author, the article's title, the
# licence clause and an inline norm's text (one text, or one per language)
_VERBATIM: tuple[tuple[str | type, ...], ...] = (
    ("comment", "text"),
    ("comment", "author"),
    ("comment", "translations", str),
    ("article", "title"),
    ("article", "translations", str),
    ("legal_basis", "licence_clause", "text"),
    ("legal_basis", "licence_clause", "text", str),
    ("legal_basis", "norms", int, "text"),
    ("legal_basis", "norms", int, "text", str),
)
# of those, the ones of one line, written in quotes rather than as a block (which would end them with a line break)
_ONE_LINE = {("comment", "author"), ("article", "title"), ("article", "translations", str)}
_YAML = "tag:yaml.org,2002:"
# what YAML 1.1 reads a plain scalar as, in words
_NOT_TEXT = {"bool": "a yes/no value", "int": "a number", "float": "a number", "null": "no value at all",
             "timestamp": "a date", "value": "a YAML value marker", "merge": "a YAML merge key"}
WIDTH = 80  # PyYAML's (and ruamel's) default width: a longer line it folds at its first single space past it
_COMMENT = re.compile(r"([ \t]+)#[^\r\n]*")


def is_verbatim(path: Path_) -> bool:
    """True for a field the letter quotes as written."""
    known = _SAID.get(path)
    if known is None:
        known = any(len(path) == len(pattern) and all(
            part == want or (isinstance(want, type) and isinstance(part, want)) for part, want in zip(path, pattern))
            for pattern in _VERBATIM)
        if len(_SAID) < 4096:  # a batch's files have the same few dozen paths
            _SAID[path] = known
    return known


_SAID: dict[Path_, bool] = {}


def block_example(doc: Document, path: Path_, value: str = "") -> str:
    """How to write the text at `path` so that YAML reads it as written, with (the start of) its own text: as a
    literal block, `text: |` then `    Уезжайте отсюда #…`; a name or a title, in double quotes."""
    name = str(path[-1]) if path and isinstance(path[-1], str) else "text"
    mark = doc.keys.get(path)
    pad = " " * ((mark.column - 1) if mark else 2)
    first = next((" ".join(line.split()) for line in value.splitlines() if line.strip()), "") or "…"
    if len(first) > 50:
        first = first[:50].rstrip() + "…"
    if tuple(path) in _ONE_LINE:
        quoted = first.replace("\\", "\\\\").replace('"', '\\"')
        return f'write it in double quotes (a " inside as \\"): `{name}: "{quoted}"`'
    return (f"write it as a `|` block, the text on the lines below the field, indented two spaces more:"
            f" `{pad}{name}: |` then `{pad}  {first}`")


def problems(doc: Document) -> list[Problem]:
    """Every place in `doc` where YAML reads a quoted field otherwise than it is written."""
    found: list[Problem] = []
    for path, scalar in doc.scalars.items():
        if is_verbatim(path):
            found += _check(doc, path, scalar)
    return found


def structure_hint(path: Path_) -> str:
    """What to add to 'expected text here, not a list/mapping' for a quoted field: why YAML made it one."""
    if not is_verbatim(path):
        return ""
    return ("; a text starting with '- ' is a list to YAML, and one with ': ' inside (or '{…}', '[…]') a mapping"
            " or list: write it as a `|` block, the text on the lines below the field, indented two spaces more")


def _check(doc: Document, path: Path_, s: Scalar) -> list[Problem]:
    text = doc.source
    field = dotted(path)
    value = text[s.start:s.end]
    out: list[Problem] = []

    def at(offset: int, message: str) -> Problem:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return Problem(doc.path, line, column, field, message)

    if not s.alias and text[s.start:s.start + 1] in ("!", "&"):
        what = "a tag" if text[s.start] == "!" else "an anchor"
        word = text[s.start:].split(None, 1)[0] if text[s.start:].strip() else text[s.start]
        out.append(at(s.start, f"'{word[:30]}' before the text is {what} to YAML and is not part of the text;"
                               f" if it is part of the text, {block_example(doc, path, value)}"))
        return out
    if s.style == "":
        kind = s.tag[len(_YAML):] if s.tag.startswith(_YAML) else ""
        if kind in _NOT_TEXT and value:
            shown = value if len(value) <= 30 else value[:30] + "…"
            out.append(at(s.start, f"YAML reads `{shown}` as {_NOT_TEXT[kind]}, not as text (other YAML tools"
                                   f" would change it): write it in quotes, `{path[-1]}: \"{shown}\"`"))
        after = _COMMENT.match(text, s.end)
        if after and (len(after.group(1)) == 1 or "\t" in after.group(1)):
            # one space or a tab before '#': a hashtag in the sentence (a note of the user's stands two spaces away)
            cut = after.group()[len(after.group(1)):]
            shown = cut if len(cut) <= 40 else cut[:40] + "…"
            out.append(at(after.start(1) + len(after.group(1)),
                          f"the text stops before '{shown}': YAML reads ' #' and what follows as a comment, so the"
                          f" letter would quote it cut short; {block_example(doc, path, value + after.group())}"))
    if s.style in ("", "'", '"'):
        lost = next(_lost_breaks(text, s), None)
        if lost is not None:
            line = text.count("\n", 0, lost) + 1
            kind = "a plain (unquoted) value" if s.style == "" else "a quoted value"
            out.append(at(s.start, f"the line break on line {line} is lost: YAML joins the lines of {kind} into"
                                   f" one, with a space; to keep the lines as written,"
                                   f" {block_example(doc, path, _source_lines(value))}"))
    if s.style == ">" and len([line for line in value.splitlines()[1:] if line.strip()]) > 1:
        out.append(at(s.start, "a `>` block joins its lines into one, with a space, so its line breaks are lost:"
                               f" write `|` instead of `>` to keep them ({path[-1]}: |)"))
    return out


def _source_lines(value: str) -> str:
    """A flow scalar's own text as written, without its quotes: for the example in the message."""
    return value.strip("'\"")


def _lost_breaks(text: str, s: Scalar) -> Iterator[int]:
    """The offsets of the line breaks inside a plain or quoted scalar that YAML reads as a space (or, in a plain
    one, a blank line read as one line break), except those a YAML writer made by folding a long line."""
    pos = s.start
    while True:
        nl = text.find("\n", pos, s.end)
        if nl < 0:
            return
        line_start = text.rfind("\n", 0, nl) + 1
        line = text[line_start:nl].rstrip("\r")
        pos = nl + 1
        if s.style == '"' and _escaped(line):
            continue  # `\` at the end of the line: the break is escaped, not folded
        rest = text[pos:s.end]
        blank = re.match(r"[ \t\r]*\n", rest) is not None
        if blank:
            if s.style == "" and line.strip():
                yield nl  # a paragraph break in a plain value: its lines' breaks, one fewer, are all that's left
            continue  # in quotes, a blank line is how YAML (and its writers) write one line break
        if not line.strip():
            continue  # the blank line read above
        if _folded_by_writer(line):
            continue
        yield nl


def _escaped(line: str) -> bool:
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _folded_by_writer(line: str) -> bool:
    """A line as PyYAML folds a long value: it writes on past WIDTH characters to the next single space and
    breaks there, so the line is longer than WIDTH and has no single space after it."""
    line = line.rstrip(" \t")
    if len(line) <= WIDTH:
        return False
    singles = [m.start() for m in re.finditer(r"(?<! ) (?! )", line)]
    return all(i <= WIDTH for i in singles)
