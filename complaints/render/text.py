"""The letter as plain text, Markdown or HTML: a Jinja layout (one for every language, or a language's own)
filled in with the letter's context.

The wording is all in the context (see `complaints.letter`); these templates only lay it out. Case text is
only ever a value here, never template source, so `{{ … }}` or `{% … %}` in a quoted comment stays as written.
HTML escapes every value; the Markdown template escapes its values with the `md` filter (see `markdown_escape`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import Environment, Template, TemplateError, TemplateSyntaxError, UndefinedError

from ..errors import DataError, UsageError
from ..layout import TEXT_FORMATS
from ..templating import environment

# Markdown that acts wherever it stands: emphasis, code, links, raw HTML and entities, tables, strikethrough,
# ATX headings' closing `#`, GitHub's `$` maths; and runs of `_`, which are emphasis only when not inside a word.
_INLINE = re.compile(r"[\\`*\[\]<&|~#$]|_+")
# Markdown that acts only at the start of a line: blockquote, list, setext underline, ordered list.
_LINE_START = re.compile(r"^([>+\-=])|^(\d{1,9})([.)])")
_LEADING_SPACE = re.compile(r"^[ \t]+")
_SPACES = re.compile(r" {2,}| +$")  # spaces HTML shows fewer of: a run of them folds into one, and a line's last go
_NBSP = "&nbsp;"
_LINE_END = re.compile(r"\r\n|\r|\n")  # where Markdown sees a line end (CommonMark, "Line ending")


def markdown_escape(text: Any) -> str:
    r"""A string as Markdown that shows it literally (the `md` filter of the Markdown templates).

    A backslash goes before these, wherever they are: \ ` * [ ] < & | ~ # $ and `_` (unless it stands
    inside a word, as in snake_case); and at the start of a line before > + - = and the `.` or `)` of `1.`
    or `1)`. Spaces and tabs at the start of a line become `&nbsp;` and `&#9;`, so that Markdown neither drops
    them nor takes the line for code; so do the spaces at the end of a line and all but the first of two or more
    together, which HTML would fold into one or drop (a non-breaking space is never folded). A carriage return
    ends a line, as it does for Markdown. A CommonMark reader (GitHub, markdown-it, Pandoc's commonmark) then
    shows the text character for character, spaces as wide as they were.
    """
    return "\n".join(_escape_line(line) for line in _LINE_END.split(str(text)))


def _escape_line(line: str) -> str:
    def escape(match: re.Match[str]) -> str:
        found = match[0]
        if found[0] != "_":
            return "\\" + found
        before = line[match.start() - 1] if match.start() else ""
        after = line[match.end()] if match.end() < len(line) else ""
        # inside a word `_` is never emphasis: addresses and names keep it bare
        return found if before.isalnum() and after.isalnum() else found.replace("_", "\\_")

    escaped = _INLINE.sub(escape, line)
    escaped = _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
    escaped = _LEADING_SPACE.sub(lambda m: m[0].replace(" ", _NBSP).replace("\t", "&#9;"), escaped)
    return _SPACES.sub(_spaces, escaped)


def _spaces(match: re.Match[str]) -> str:
    """Spaces HTML would fold or drop as non-breaking ones: all at the end of a line, else all but the first."""
    run = match[0]
    if match.end() == len(match.string):
        return _NBSP * len(run)
    return " " + _NBSP * (len(run) - 1)


@cache
def _environment(fmt: str) -> Environment:
    """The Jinja environment of one format: strict, and escaping every value in HTML only."""
    env = environment(fmt)
    env.filters["md"] = markdown_escape
    return env


@lru_cache(maxsize=64)
def _template(path: Path, fmt: str, stamp: tuple[int, int]) -> Template:
    """The compiled template; `stamp` (mtime, size) makes an edited template compile again."""
    env = _environment(fmt)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read the template: {exc}") from None
    try:
        # compiled under its own path, so that an error while rendering points at the template's line
        code = env.compile(source, name=path.name, filename=str(path))
    except TemplateSyntaxError as exc:
        raise DataError(f"{path}:{exc.lineno}: the template is broken: {exc.message}") from None
    return env.template_class.from_code(env, code, env.make_globals(None))


def render_text(context: dict[str, Any], fmt: str, template: Path) -> bytes:
    """The letter in `fmt` (txt, md or html) as UTF-8 bytes; the same context and template give the same bytes."""
    if fmt not in TEXT_FORMATS:
        raise UsageError(f"unknown text format '{fmt}': choose from {', '.join(TEXT_FORMATS)}")
    path = Path(template)
    try:
        info = path.stat()
    except OSError as exc:
        raise DataError(f"{path}: cannot read the template: {exc.strerror or exc}") from None
    compiled = _template(path, fmt, (info.st_mtime_ns, info.st_size))
    try:
        text = compiled.render(context)
    except TemplateError as exc:
        line = _template_line(exc.__traceback__, str(path))
        where = f"{path}:{line}" if line else str(path)
        if isinstance(exc, UndefinedError):
            raise DataError(f"{where}: the template uses a value the letter does not have: {exc.message}") from None
        raise DataError(f"{where}: the template is broken: {exc}") from None
    # one final newline whatever the template's end looks like, so that files concatenate and diff cleanly
    return (text.rstrip("\n") + "\n").encode("utf-8")


def _template_line(tb: TracebackType | None, filename: str) -> int | None:
    """The template line an error was raised at: Jinja rewrites the traceback to show template lines."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
