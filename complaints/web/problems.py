"""A case file's problems in the page's language.

The library says each problem in English (the command line's language). Here each message is matched against the
catalogue in problems.yaml (beside this module): an English pattern with `{name}` holes, and its Russian and
Kazakh wording; the holes carry over (a field name, a date, a value the user wrote). A message the catalogue does
not know yet is shown in English, marked so, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..errors import DataError, Problem

FILE = Path(__file__).parent / "problems.yaml"


@dataclass(frozen=True)
class Said:
    """A problem as a page shows it: its field, its severity, its message in the page's language."""

    field: str
    severity: str
    message: str
    translated: bool  # False: the English message, the catalogue has no wording for it yet
    line: int
    column: int | str


@cache
def _patterns() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    if not FILE.exists():
        return []
    data = yaml.safe_load(FILE.read_text(encoding="utf-8")) or []
    found = []
    for entry in data:
        if not isinstance(entry, dict) or not {"en", "ru", "kk"} <= set(entry):
            raise DataError(f"{FILE.name}: each entry needs en, ru and kk: {entry!r}")
        parts = re.split(r"(\{\w+\})", entry["en"])
        regex = "".join(f"(?P<{p[1:-1]}>.+?)" if re.fullmatch(r"\{\w+\}", p) else re.escape(p) for p in parts)
        found.append((re.compile(f"^{regex}$", re.S), entry))
    return found


def say(problem: Problem, lang: str) -> Said:
    """`problem` in `lang` (ru, kk, en)."""
    message, translated = problem.message, True
    if lang != "en":
        translated = False
        for pattern, entry in _patterns():
            match = pattern.match(problem.message)
            if match:
                message, translated = entry[lang].format(**match.groupdict()), True
                break
    return Said(problem.field, problem.severity, message, translated, problem.line, problem.column)
