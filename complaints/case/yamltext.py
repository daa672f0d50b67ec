"""YAML scalars for the case files the tool writes (case/write.py, for `new` and `import`), that read back exactly.

Each choice is checked by reading it back: a plain scalar only where every YAML reader, 1.1 or 1.2, gives back
the same string (no `no`, `0123` or `2023-02-30` taken for something else); else double quotes, with the
characters YAML's reader or XML cannot carry written as escapes, so the loader can name them; a literal block
(`|`) for text of several lines where it reads back the same.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import yaml

# PyYAML's own readers, not libyaml's: they are the stricter (a tab inside a plain scalar, say), so what
# passes here reads back the same in both
_BASE = yaml.BaseLoader  # builds strings, lists and dicts only
_SAFE = yaml.SafeLoader
_ODD_BREAKS = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]")


def quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return quoted_json(text)


def quoted_json(value: Any) -> str:
    """A value in JSON form, which YAML reads too, with YAML's escapes for what it cannot carry raw."""
    return ESCAPED.sub(lambda m: _ODD_BREAKS.get(m[0], f"\\u{ord(m[0]):04x}"), json.dumps(value, ensure_ascii=False))


def read_strings(text: str) -> Any:
    """YAML text as the strings, lists and dicts it holds (no types guessed)."""
    return yaml.load(text, Loader=_BASE)  # noqa: S506 - a loader that builds strings, lists and dicts only


# Most names, sentences and web addresses: a letter first, then letters, digits, spaces and punctuation that
# means nothing to YAML there (`: `, ` #` and a final `:` are refused first); plain for certain unless a YAML
# 1.1 word (yes, off, null…). Anything else is read back to decide.
_SURELY_PLAIN = re.compile(r"[^\W\d_][\w .,'«»()\-–—!?/:;\"%&*+=@#~]*")
_WORDS = frozenset("y n yes no on off true false null".split())
# A date or a time as the case format writes it: plain when it is a real one (YAML 1.1 reads 2023-10-06 and
# 2023-10-06T22:53:10 as a date and a time, which are no number and no yes/no; 2023-02-30 cannot be read).
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2})?)?")


def plain_ok(text: str, field: str = "") -> bool:
    """The text reads back the same as a plain scalar, and no YAML 1.1 tool would take it for a number or yes/no
    (`format`, the one number a case file has, may be one)."""
    if not text or text != text.strip() or "\n" in text or ": " in text or " #" in text or text.endswith(":"):
        return False  # a plain scalar ends at `: ` or ` #` (a key, a comment)
    if _SURELY_PLAIN.fullmatch(text) and text.lower() not in _WORDS:
        return True
    if field == "format" and text.isdigit():
        return True
    if _ISO.fullmatch(text):
        with contextlib.suppress(ValueError):
            (date.fromisoformat if len(text) == 10 else datetime.fromisoformat)(text)
            return True
    try:
        if read_strings(f"k: {text}\n") != {"k": text}:
            return False
        resolved = yaml.load(f"k: {text}\n", Loader=_SAFE)["k"]  # noqa: S506 - the safe loader
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):  # 2023-02-30: a timestamp that is no date
        return False
    return not isinstance(resolved, bool | int | float) and resolved is not None or field == "format"


def block(text: str) -> list[str] | None:
    """A literal block (`|`) for text of several lines, where it reads back exactly: its header, then its lines
    indented by two; else None."""
    if text[:1] in (" ", "\t", "\n") or ESCAPED.search(text) or "\r" in text or "\x85" in text:
        return None
    trailing = len(text) - len(text.rstrip("\n"))
    header = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
    body = [("  " + line) if line else "" for line in text.rstrip("\n").split("\n")] + [""] * (trailing - 1)
    try:
        if read_strings("k: " + header + "\n" + "\n".join(body) + "\n") != {"k": text}:
            return None
    except yaml.YAMLError:
        return None
    return [header, *body]


def scalar(value: Any, field: str = "", *, flow: bool = False) -> str:
    """A value as a YAML scalar: plain where that is safe, else quoted; `flow`: inside `{…}` or `[…]`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if flow and any(c in text for c in ",[]{}:#"):  # inside `{…}` or `[…]` these end or mark a plain scalar
        return quoted(text)
    return text if plain_ok(text, field) else quoted(text)


@lru_cache(maxsize=1024)  # the case format's few dozen names, asked for in every file written
def key(name: str) -> str:
    """A mapping key, quoted unless it is a plain name."""
    return name if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name) and plain_ok(name) else quoted(name)
