"""YAML's syntax errors in plain words, at the line where the mistake is, with the fix.

PyYAML says where it noticed a mistake, which is often lines after it: a quote never closed is noticed at the next
quote (nine lines later, say), a field name without its colon on the line below it. Each explanation here looks
back at the text for the place the mistake was made and says, in words, what it is and how to write it instead;
YAML's own words follow in parentheses, for whoever knows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

_KEY = re.compile(r"(\s*)(?:- +)?([^\s#'\"\[\]{}:,&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:[ \t]|$)")
_TEXTS = {"text", "author", "title", "kk", "ru", "en"}  # fields (or languages of one) that hold a sentence
_FIX = "write the text in quotes or as a `|` block (the text on the lines below the field, indented two spaces more)"


@dataclass(frozen=True)
class Explained:
    line: int  # 1-based
    column: int
    field: str
    message: str


def explain(text: str, exc: yaml.MarkedYAMLError) -> Explained:
    """Where the mistake behind `exc` is, and what it is in plain words (at worst, YAML's words at its mark: the
    looking back is guesswork about a broken file, and must never turn a mistake into a traceback)."""
    try:
        return _explain(text, exc)
    except (IndexError, ValueError, TypeError, AttributeError, yaml.YAMLError):  # pragma: no cover - a safety net
        mark = exc.problem_mark or exc.context_mark
        said = f"{exc.context}: {exc.problem}" if exc.context and exc.problem else exc.problem or str(exc)
        return Explained(mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "", said)


def _explain(text: str, exc: yaml.MarkedYAMLError) -> Explained:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line, mark.column) if mark else (0, 0)  # 0-based from here on
    raw = exc.problem or str(exc)
    if exc.context and "found" not in exc.context:
        raw = f"{exc.context}: {raw}" if exc.problem else exc.context
    lines = text.split("\n")
    problem, context = exc.problem or "", exc.context or ""
    error_at = mark.index if mark else len(text)

    def out(at_line: int, at_col: int, words: str, fld: str | None = None) -> Explained:
        return Explained(at_line + 1, at_col + 1, _field_of(lines, at_line) if fld is None else fld,
                         f"{words} (YAML: {raw})")

    # a quote never closed: YAML read on to the next quote, taking the lines between (and their fields) for text
    opened = _swallowing_quote(text, error_at)
    if opened is not None:
        start, end, quote = opened
        return out(start[0], start[1], f"the quote {quote} opened here is not closed on its line, so YAML reads on"
                                       f" to the next {quote} on line {end + 1}, taking the lines between for text:"
                                       f" close it on this line (a text of several lines goes in a `|` block)")
    if "while scanning a quoted scalar" in context and "end of stream" in problem and exc.context_mark:
        cm = exc.context_mark
        quote = text[cm.index] if cm.index < len(text) else '"'
        return out(cm.line, cm.column, f"the quote {quote} opened here is never closed: close it where the text"
                                       " ends (a text of several lines goes in a `|` block)")
    # a tab in the indentation
    here = lines[line] if line < len(lines) else ""
    indent = here[:len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent and ("\t" in problem or col <= len(indent) or "indent" in problem or "block" in problem):
        return out(line, indent.index("\t"), "a tab used for indentation: YAML indents with spaces only; replace"
                                             " the tab with spaces, as many as the lines around it use")
    if "'\\t'" in problem:
        return out(line, col, "a tab where YAML expects a value or a field name: use spaces")
    # text going on after its closing quote
    closed = _quote_ending_before(text, line, col, error_at)
    if closed is not None and ("expected" in problem or "found" in problem):
        return out(line, col, "the text goes on after its closing quote: a quote inside the text ends it. Inside"
                              ' "…" write a quote as \\", inside \'…\' an apostrophe as \'\'; or write the text as'
                              " a `|` block (the text on the lines below the field, indented two spaces more)")
    flow = _flow_ending_before(text, line, col, error_at)
    if flow is not None:
        return out(flow[0], flow[1], f"a value starting with '[' or '{{' is a list or a mapping to YAML, and ends at"
                                     f" ']' or '}}', so the text after it is a mistake; if it is all text, {_FIX}")
    if "could not find expected ':'" in problem and exc.context_mark:
        return _no_colon(lines, exc.context_mark.line, out)
    if "mapping values are not allowed" in problem:
        key = _KEY.match(here)
        if key and key.end() <= col:
            value = here[key.end():].strip()
            example = (f"`{key[1]}{key[2]}: |` then `{key[1]}  {value[:50]}`" if key[2] in _TEXTS else
                       f"`{key[2]}: \"{value[:50]}\"`")
            return out(line, col, f"': ' inside the value of `{key[2]}`: YAML ends the value there and takes"
                                  f" `{here[key.end():col].strip()}:` for a field name; {_FIX}, e.g. {example}")
        previous = _previous_content(lines, line)
        if previous is not None:
            above = lines[previous]
            above_key = _KEY.match(above)
            if above_key is None and not above.lstrip().startswith(("-", "#", '"', "'", "[", "{")):
                return _no_colon(lines, previous, out)
            if above_key is not None and _indent(here) > _indent(above):
                return out(line, col, f"': ' inside the value of `{above_key[2]}` (which starts on line"
                                      f" {previous + 1} and goes on here): YAML takes"
                                      f" `{here[:col].strip()}:` for a field name; {_FIX}",
                           _field_of(lines, previous))
    if "sequence entries are not allowed" in problem:
        return out(line, col, f"a value cannot start with '- ' on the line of its field: YAML takes it for a list;"
                              f" if it is text, {_FIX}")
    if "mapping keys are not allowed" in problem:
        return out(line, col, f"a value cannot start with '? ': YAML takes it for a key; if it is text, {_FIX}")
    reserved = re.search(r"found character '(.)' that cannot start any token", problem)
    if reserved:
        return out(line, col, f"a value cannot start with '{reserved[1]}' (YAML keeps it for itself); {_FIX}")
    for word, sign, what in (("alias", "*", "alias (it repeats the value named &name elsewhere)"),
                             ("tag", "!", "tag (it names the type of the value)"),
                             ("anchor", "&", "anchor (it names the value for a * elsewhere)")):
        if word in context or word in problem:
            at = exc.context_mark or mark
            return out(at.line if at else line, at.column if at else col,
                       f"'{sign}' at the start of a value is YAML's {what}; if it is text, {_FIX}")
    if "while parsing a flow" in context and exc.context_mark:
        line, col = exc.context_mark.line, exc.context_mark.column
        note = re.search(r"[ \t]#", lines[line][col:]) if line < len(lines) else None
        if note:
            return out(line, col + note.start() + 1, "' #' inside `{…}` or `[…]` starts a note to YAML, which drops"
                                                     " the rest of the line, its closing bracket too: write that"
                                                     " text in quotes (`en: \"Leave here #x\"`), or each text on a"
                                                     " line of its own as a `|` block")
    short = _short_block_line(lines, line)
    if short is not None:
        return out(line, _indent(here), f"this line is indented less than the first line of the `|` block on line"
                                        f" {short + 1}, so YAML ends the block above it: indent every line of the"
                                        " text at least as far as the first")
    if "while parsing a flow" in context or "while scanning a plain scalar" in context:
        return out(line, col, f"a value starting with '[' or '{{' is a list or a mapping to YAML, and ends at"
                              f" ']' or '}}'; if it is text, {_FIX}")
    if "unknown escape character" in problem:
        return out(line, col, "a backslash inside \"…\" starts an escape (\\n, \\\", \\\\): write a backslash"
                              " as \\\\, or the text as a `|` block, where a backslash is a backslash")
    if "while scanning a block scalar" in context:
        return out(line, col, "after `|` (or `>`) only a note (# …) may follow on its line: the text goes on the"
                              " lines below it, indented two spaces more than the field")
    if re.search(r"expected (<block end>|'<document start>'), but found '<(block mapping|block sequence) start>'",
                 problem) or ("expected <block end>" in problem and "'<scalar>'" in problem):
        previous = _previous_content(lines, line)
        above = f" (line {previous + 1} is indented {_spaces(_indent(lines[previous]))})" if previous is not None else ""
        return out(line, _indent(here), f"this line is indented {_spaces(_indent(here))}, which lines it up with no"
                                        f" field above it{above}: fields side by side start at the same column,"
                                        " a field's own fields two spaces further in; indent it so")
    return out(line, col, f"the file is not valid YAML here; if the value is text, {_FIX}")


def _no_colon(lines: list[str], at: int, out: Callable[..., Explained]) -> Explained:
    here = lines[at]
    word = here.strip().split()[0] if here.strip() else ""
    col = here.index(word) + len(word) if word else 0
    rest = here.strip()[len(word):].strip()
    parent = _field_of(lines, at, below=_indent(here))
    fld = f"{parent}.{word}" if parent else word
    return out(at, col, f"`{here.strip()[:60]}` has no ':' after the field name `{word}`, so YAML reads it as"
                        f" text running on into the next line: write `{word}: {rest[:40]}`", fld)


def _spaces(n: int) -> str:
    return f"{n} space" if n == 1 else f"{n} spaces"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _previous_content(lines: list[str], n: int) -> int | None:
    for i in range(n - 1, -1, -1):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return i
    return None


def _field_of(lines: list[str], n: int, below: int | None = None) -> str:
    """The dotted path of the field on line `n` (0-based), from the indentation of the lines above it; `below`:
    of the field that holds line `n`, less indented than `below`."""
    path: list[str | int] = []
    indent: int | None = below
    for i in range(min(n if below is None else n - 1, len(lines) - 1), -1, -1):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        ind = _indent(line)
        if indent is not None and ind >= indent:
            continue
        key = _KEY.match(line)
        dash = line[ind:].startswith("- ")
        if key and not (dash and indent is not None):  # `- file: …` above: a field beside this one
            path.append(key[2].strip())
        if dash:
            path.append(sum(1 for j in range(i) if _indent(lines[j]) == ind and lines[j][ind:].startswith("- ")
                            and not any(_indent(lines[k]) < ind and lines[k].strip() for k in range(j, i))))
        if key is None and not dash and indent is None:
            indent = ind + 1  # a line of text: its field is on a line less indented
            continue
        indent = ind
        if ind == 0:
            break
    out = ""
    for part in reversed(path):  # as load.dotted writes it (not imported: load imports this module)
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def _scalar_tokens(text: str, limit: int) -> list[yaml.ScalarToken]:
    """The quoted scalars YAML scanned before offset `limit` (where the mistake was noticed)."""
    found: list[yaml.ScalarToken] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= limit:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                found.append(token)
    except yaml.YAMLError:
        pass
    return found


def _swallowing_quote(text: str, limit: int) -> tuple[tuple[int, int], int, str] | None:
    """The first quoted scalar before `limit` that runs over lines holding what looks like fields of their own
    (`  translations:`, `    en: "…`): a quote not closed where it was meant to be. (start line, column), end
    line, the quote."""
    for token in _scalar_tokens(text, limit):
        if token.start_mark.line == token.end_mark.line:
            continue
        inner = text[token.start_mark.index:token.end_mark.index].split("\n")[1:]
        if any(_KEY.match(line) or line.lstrip().startswith("- ") for line in inner):
            return (token.start_mark.line, token.start_mark.column), token.end_mark.line, text[token.start_mark.index]
    return None


def _quote_ending_before(text: str, line: int, col: int, limit: int) -> yaml.ScalarToken | None:
    """A quoted scalar that closes on `line` before `col`, when the mistake is noticed right after it."""
    for token in reversed(_scalar_tokens(text, limit + 1)):
        if token.end_mark.line == line and token.end_mark.column <= col:
            between = text[token.end_mark.index:limit]
            if "#" not in between and "," not in between and ":" not in between:
                return token
        break
    return None


def _flow_ending_before(text: str, line: int, col: int, limit: int) -> tuple[int, int] | None:
    """Where a `[…]` or `{…}` starts that closes on `line` before `col`, right before the mistake."""
    tokens: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= limit:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    ends = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
    starts = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
    if not tokens or not isinstance(tokens[-1], ends) or tokens[-1].end_mark.line != line:
        return None
    depth = 0
    for token in reversed(tokens):
        depth += isinstance(token, ends) - isinstance(token, starts)
        if depth == 0:
            return token.start_mark.line, token.start_mark.column
    return None


_BLOCK_HEADER = re.compile(r"[^#]*:[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")


def _short_block_line(lines: list[str], n: int) -> int | None:
    """The line of the `|` (or `>`) header whose block line `n` was meant to belong to, where `n` is indented
    more than the header but less than the block's first line."""
    if n >= len(lines) or not lines[n].strip():
        return None
    for i in range(n - 1, -1, -1):
        if not lines[i].strip():
            continue
        if _BLOCK_HEADER.match(lines[i]):
            first = next((j for j in range(i + 1, n) if lines[j].strip()), None)
            if first is not None and _indent(lines[i]) < _indent(lines[n]) < _indent(lines[first]):
                return i
            return None
        if _indent(lines[i]) <= _indent(lines[n]):
            return None
    return None
