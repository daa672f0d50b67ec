"""The library's messages in the page's language: a case file's problems, a refusal, check's findings.

The library says each problem in English (the command line's language). Here each message is matched against the
catalogue in problems.yaml (beside this module): an English pattern with `{name}` holes, and its Russian and
Kazakh wording; the holes carry over (a field name, a date, a value the user wrote). A message the catalogue does
not know yet is shown in English, marked so, never dropped.

A hole is `{name}` (any text) or `{name:kind}`, where the kind says what it may match:

    text     any text of one line (the default)
    field    a field path: comment.posted, evidence[0].file
    number   digits: 1,048,576; 0x1F; 3.5
    numbers  1, 2, 3
    date     2023-10-06 (a time may follow)
    day      a date, or … or ? for none
    id       a norm, profile or case id
    lang     a language code: kk, ru, en
    quoted   'a', 'b' (pydantic's choices)
    hex      hexadecimal digits (a character's code)
    path     a file's path (it has a dot or a slash)
    file     a file's name that does not end in ")" (no note after it); neither a path nor a file starts with a
             word and a colon (`stale: …` is a message of its own)
    msg      a message of its own, itself translated through the catalogue (the reason inside a message: "the time
             of filing: {reason:msg}"); when it cannot be translated, neither can the whole
    maybe    a text without a colon, translated where the catalogue knows it, else kept as written (an unconfirmed
             field's reason: the tool's own are known, a project's are the user's words)

A hole is tried at every place the words after it appear (so that an inner message that does not translate at
the first place may at the next). No hole takes a line break: a message of several lines (a list of problems) is
translated line by line. Literal braces are written doubled, `{{` and `}}`, as in str.format. Entries are tried in
the file's order (most specific first).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import ComplaintsError, DataError, Problem, UsageError

FILE = Path(__file__).parent / "problems.yaml"
LANGS = ("en", "ru", "kk")

# what each kind of hole may match
KINDS = {
    "text": r"[^\n]+?",
    "msg": r"[^\n]+?",
    "field": r"[A-Za-z_][\w-]*(?:\[\d+\]|\.[\w*-]+)*",
    "number": r"(?:0x[0-9A-Fa-f]+|[0-9][0-9,]*(?:\.[0-9]+)?)",
    "date": r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?",
    "id": r"[A-Za-z0-9][A-Za-z0-9._-]*",
    "lang": r"[a-z]{2,3}",
    "quoted": r"'[^']*'(?:, '[^']*')*",
    "day": r"(?:\d{4}-\d{2}-\d{2}|…|\?)",
    "maybe": r"[^:\n]+?",
    "numbers": r"\d+(?:, \d+)*",
    "hex": r"[0-9A-Fa-f]+",
    "path": r"(?![\w-]+: )[^\n]*?[./\\][^\n]*?",
    "file": r"(?![\w-]+: )[^\n]*?[^)\n]",
}
_TOKEN = re.compile(r"\{\{|\}\}|\{(\w+)(?::(\w+))?\}")
# a line of a list of problems, as str(Problem) writes it: FILE:LINE:COL: severity: field: message
_LINE = re.compile(r"^(?P<where>.+?:\d+:[A-Z0-9]+: (?:error|warning|[a-z-]+): )(?P<field>[\w.\[\]*-]+: )?(?P<rest>.+)$")


@dataclass(frozen=True)
class Said:
    """A problem as a page shows it: its field, its severity, its message in the page's language."""

    field: str
    severity: str
    message: str
    translated: bool  # False: the English message, the catalogue has no wording for it yet
    line: int
    column: int | str


@dataclass(frozen=True)
class Text:
    """A plain message (a refusal, a note) in the page's language; prints as its message."""

    message: str
    translated: bool

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SaidFinding:
    """One of `check`'s findings as a page shows it: its kind in words, what it is and what to do."""

    field: str
    kind: str  # one of review.findings.KINDS, as the library names it
    kind_words: str  # the kind in the page's language
    message: str
    translated: bool
    line: int
    column: int


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: its English pattern, compiled, and its wording in each language."""

    pattern: re.Pattern[str]  # the whole pattern: a quick first test (a message it does not match, no split can)
    parts: tuple[tuple[str, str, str], ...]  # ("", literal text, "") or (name, "", kind), in order
    holes: dict[str, str]  # name → kind
    words: dict[str, str]  # en, ru, kk
    number: int  # its place in the file, from 1


def holes_of(text: str) -> dict[str, str]:
    """The holes of a pattern or a translation: name → kind (text unless given)."""
    return {m[1]: m[2] or "text" for m in _TOKEN.finditer(text) if m[1]}


def _compile(en: str) -> tuple[re.Pattern[str], tuple[tuple[str, str, str], ...]]:
    out, pos, seen = [], 0, set()
    parts: list[tuple[str, str, str]] = []

    def literal(text: str) -> None:
        if not text:
            return
        if parts and not parts[-1][0]:
            parts[-1] = ("", parts[-1][1] + text, "")
        else:
            parts.append(("", text, ""))

    for m in _TOKEN.finditer(en):
        out.append(re.escape(en[pos:m.start()]))
        literal(en[pos:m.start()])
        pos = m.end()
        if m[0] in ("{{", "}}"):
            out.append(re.escape(m[0][0]))
            literal(m[0][0])
            continue
        name, kind = m[1], m[2] or "text"
        if kind not in KINDS:
            raise DataError(f"{FILE.name}: unknown kind of hole {{{name}:{kind}}} in {en!r}")
        if parts and parts[-1][0]:
            raise DataError(f"{FILE.name}: two holes side by side in {en!r}: put words between them")
        parts.append((name, "", kind))
        if name in seen:
            out.append(f"(?P={name})")
            continue
        seen.add(name)
        out.append(f"(?P<{name}>{KINDS[kind]})")
    out.append(re.escape(en[pos:]))
    literal(en[pos:])
    return re.compile("^" + "".join(out) + "$"), tuple(parts)


@cache
def _kind(kind: str) -> re.Pattern[str]:
    return re.compile(KINDS[kind])


def _splits(entry: Entry, message: str, lang: str, depth: int) -> Iterator[dict[str, str]]:
    """Every way the holes of `entry` take the parts of `message` between its words, each hole's value of its
    kind and, for a message hole, translated: the first way that works is the one used (an inner message is
    tried at each place the words after it appear, not only the first)."""

    def walk(i: int, at: int, values: dict[str, str]) -> Iterator[dict[str, str]]:
        if i == len(entry.parts):
            if at == len(message):
                yield values
            return
        name, text, kind = entry.parts[i]
        if not name:
            if message.startswith(text, at):
                yield from walk(i + 1, at + len(text), values)
            return
        if i + 1 == len(entry.parts):
            ends = [len(message)]
        else:
            after = entry.parts[i + 1][1]
            ends, j = [], message.find(after, at + 1)
            while j >= 0:
                ends.append(j)
                j = message.find(after, j + 1)
        for end in ends:
            value = message[at:end]
            if not _kind(kind).fullmatch(value) or name in values and values[name] != value:
                continue
            said = value
            if kind in ("msg", "maybe"):
                inner = _translate(value, lang, depth + 1)
                if inner is None and kind == "msg":
                    continue
                said = inner if inner is not None else value
            yield from walk(i + 1, end, {**values, name: value, "\0" + name: said})

    yield from walk(0, 0, {})


@cache
def catalogue() -> tuple[Entry, ...]:
    """The catalogue's entries, in the file's order; DataError for an entry that lacks a language or a hole."""
    if not FILE.exists():
        return ()
    data = yaml.safe_load(FILE.read_text(encoding="utf-8")) or []
    found = []
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or set(entry) != set(LANGS) or not all(isinstance(entry[k], str) for k in LANGS):
            raise DataError(f"{FILE.name}: entry {number} needs en, ru and kk (texts), and nothing else: {entry!r}")
        holes = holes_of(entry["en"])
        for lang in ("ru", "kk"):
            if set(holes_of(entry[lang])) != set(holes):
                raise DataError(f"{FILE.name}: entry {number} ({entry['en'][:60]!r}): its {lang} text has the holes"
                                f" {sorted(holes_of(entry[lang]))}, the English {sorted(holes)}")
        pattern, parts = _compile(entry["en"])
        found.append(Entry(pattern, parts, holes, dict(entry), number))
    return tuple(found)


def _fill(entry: Entry, message: str, lang: str, depth: int) -> str | None:
    """`message` in `lang` by `entry`, or None if no way of filling its holes works."""
    if entry.pattern.match(message) is None:
        return None
    for values in _splits(entry, message, lang, depth):
        return entry.words[lang].format(**{name: values["\0" + name] for name in entry.holes})
    return None


def _translate(message: str, lang: str, depth: int = 0) -> str | None:
    """`message` in `lang` by the first entry that matches it (and whose inner messages translate), or None."""
    if depth > 6:
        return None
    return next((said for _, said in _all_ways(message, lang, depth, first=True)), None)


def _all_ways(message: str, lang: str, depth: int = 0, *, first: bool = False) -> Iterator[tuple[Entry, str]]:
    for entry in catalogue():
        said = _fill(entry, message, lang, depth)
        if said is not None:
            yield entry, said
            if first:
                return


def matches(message: str, lang: str) -> list[tuple[int, str]]:
    """Every entry that translates `message` into `lang`, by number, with what it makes of it (for the tests: two
    entries that match one message must say the same)."""
    return [(entry.number, said) for entry, said in _all_ways(message, lang)]


def _lines(message: str, lang: str) -> str | None:
    """A message of several lines, each translated: a line of a problem list (FILE:LINE:COL: …) keeps its place
    and field and has its message translated; an indented line, or one of a listing, is translated as it is."""
    out = []
    for line in message.split("\n"):
        if not line.strip():
            out.append(line)
            continue
        m = _LINE.match(line)
        if m is not None:
            said = _translate(m["rest"], lang)
            if said is None:
                return None
            out.append(m["where"] + (m["field"] or "") + said)
            continue
        bare = line.lstrip()
        said = _translate(bare, lang)
        if said is None:
            return None
        out.append(line[:len(line) - len(bare)] + said)
    return "\n".join(out)


def translate(message: str, lang: str) -> str | None:
    """`message` in `lang` (ru, kk; en is itself), or None when the catalogue cannot say it (or the language is
    none of the three)."""
    if lang == "en":
        return message
    if lang not in LANGS:
        return None
    said = _translate(message, lang)
    if said is None and ("\n" in message or _LINE.match(message)):
        said = _lines(message, lang)
    return said


def say(problem: Problem, lang: str) -> Said:
    """`problem` in `lang` (ru, kk, en)."""
    said = translate(problem.message, lang)
    message, translated = (problem.message, False) if said is None else (said, True)
    return Said(problem.field, problem.severity, message, translated, problem.line, problem.column)


def say_text(message: str, lang: str) -> Text:
    """A plain message of the library (a UsageError's, a note) in `lang`; the English, marked, if it is unknown."""
    said = translate(message, lang)
    return Text(message, False) if said is None else Text(said, True)


def say_error(error: ComplaintsError, lang: str) -> Said:
    """A refusal of the library (UsageError, RegisterError, …) as a problem beside its field: the field is the
    argument the error is `about` (the form field of that name), else none."""
    message = str(error.args[0]) if error.args else str(error)
    text = say_text(message, lang)
    about = error.about if isinstance(error, UsageError) else None
    return Said(about or "", "error", text.message, text.translated, 0, 0)


def kind_words(kind: str, lang: str) -> str:
    """A finding's kind (placeholder, unconfirmed, …) in words of `lang`; the kind itself if the catalogue has no
    wording for it."""
    said = translate(f"finding: {kind}", lang) if lang != "en" else None
    return said if said is not None else kind


def say_finding(finding: Any, lang: str) -> SaidFinding:
    """One of `check`'s findings (review.findings.Finding) in `lang`: its message is what it is and what to do."""
    text = say_text(finding.message, lang)
    return SaidFinding(finding.field, finding.kind, kind_words(finding.kind, lang), text.message, text.translated,
                       finding.line, finding.column)
