"""A count said with its noun in the right plural form of the page's language: Russian has three (1 письмо,
2 письма, 5 писем), Kazakh and English fewer. The forms are in the wording files, under the keys one, few, many
and other; Babel's CLDR rules say which a number takes."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from . import words


@cache
def _rule(lang: str) -> Callable[[int], str]:
    from babel import Locale

    return Locale.parse(lang).plural_form


def form(n: int, lang: str) -> str:
    """The CLDR plural category of `n` in `lang`: one, few, many or other."""
    return _rule(lang)(abs(n))


def say_count(key: str, n: int, lang: str, **values: object) -> str:
    """The wording `key`.<form> for `n` in `lang`, with `{n}` (and `values`) filled in; the `other` form where the
    language's form is not written."""
    found = form(n, lang)
    wanted = f"{key}.{found}" if f"{key}.{found}" in words.catalogue() else f"{key}.other"
    return words.say(wanted, lang, n=f"{n:,}".replace(",", "\u00a0"), **values)


def counter(lang: str) -> Callable[..., str]:
    """`count("batch.n.letters", 3)` for a template, in the page's language."""

    def count(key: str, n: int, **values: object) -> str:
        return say_count(key, n, lang, **values)

    return count
