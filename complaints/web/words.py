"""The interface's wording: every label, help text and message of the web pages, in Russian, Kazakh and English,
read from words/<page>.yaml (a key, then its text in each language), never written in Python."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError

LANGUAGES = ("ru", "kk", "en")  # the interface's languages, in the order the language switch offers them
DEFAULT = "ru"
FOLDER = Path(__file__).parent / "words"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every wording, by its key `<file>.<key>` (`cases.title`), with its text in each language."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise DataError(f"{path.name}: the wording file must be a mapping of keys to texts")
        for key, texts in _flat(data):
            if not isinstance(texts, dict) or set(texts) != set(LANGUAGES) \
                    or not all(isinstance(t, str) and t.strip() for t in texts.values()):
                raise DataError(f"{path.name}: '{key}' needs a text in each of {', '.join(LANGUAGES)}")
            found[f"{path.stem}.{key}"] = texts
    return found


def _flat(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested groups of keys (`form: {save: {ru: …}}`) as dotted keys (`form.save`)."""
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict) and not set(value) & set(LANGUAGES):
            items += _flat(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", value))
    return items


def say(key: str, lang: str, **values: object) -> str:
    """The wording `key` in `lang`, with `{name}` filled from `values`; KeyError for a key no file has (a bug the
    tests find: every key a template uses is checked)."""
    text = catalogue()[key][lang if lang in LANGUAGES else DEFAULT]
    return text.format(**values) if values else text


def choose(asked: str | None, accept_language: str | None) -> str:
    """The page's language: the one chosen in the page (remembered in a cookie), else the browser's first of ours,
    else Russian."""
    if asked in LANGUAGES:
        return asked
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT
