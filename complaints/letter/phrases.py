"""The wording of the letters: `data/phrases/<lang>.yaml`, each phrase filled in by a sandboxed, strict Jinja.

Case text is only ever a value in that rendering, never a template. Dates, times and numbers are written by
Babel in the phrase's language; Kazakh case endings after them come from the grammar tables in the same file.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from jinja2 import TemplateError, meta
from jinja2.runtime import new_context

from ..case.law import DATA
from ..case.load import read_yaml
from ..case.model import ALL, LANGUAGES
from ..case.when import Moment, utc_offset_label
from ..errors import CaseError, DataError
from ..templating import environment

Day = date  # the type, under a name the `date` filter below does not hide


def pick(text: dict[str, str] | None, lang: str) -> str | None:
    """The `lang` entry of a localized text (or the one text given for every language)."""
    if text is None:
        return None
    return text.get(lang, text.get(ALL))


@cache
def phrasebook(lang: str) -> dict[str, Any]:
    """The wording of the `lang` letters, as the data file gives it."""
    if lang not in LANGUAGES:
        raise DataError(f"no phrases for language '{lang}' (have: {', '.join(LANGUAGES)})")
    name = f"phrases/{lang}.yaml"
    try:
        doc = read_yaml(Path(str(DATA / name)), display=f"complaints/data/{name}")
    except CaseError as exc:
        raise DataError(str(exc)) from None
    if not isinstance(doc.data, dict):
        raise DataError(f"complaints/data/{name}: expected a mapping")
    return doc.data


_MISSING = object()


class _Unfrozen(Exception):
    """A value whose equal copies might not fill a phrase the same way: the phrase is rendered, not recalled."""


_SCALARS = frozenset({int, bool, float, date, datetime, Moment, type(None)})


def _frozen(value: Any) -> Any:
    """A value as a key: equal keys only for values that fill a phrase with the same text (1, 1.0 and True told
    apart by their types; dicts and lists by their items, in order)."""
    kind = type(value)
    if kind is str or kind is Fixed:
        return value
    if kind is dict:
        return (dict, tuple((k, _frozen(v)) for k, v in value.items()))
    if kind is list or kind is tuple:
        return (kind, tuple(_frozen(v) for v in value))
    if kind in _SCALARS:
        return (kind, value)
    raise _Unfrozen


class Fixed(dict[str, Any]):
    """Values many phrases of a letter read (the applicant, the authority, the outlet), fixed once made: their key
    for the phrases' memory is worked out once, not at every phrase that reads them."""

    __slots__ = ("_key", "_hash")

    def __init__(self, *args: Any, **values: Any):
        super().__init__(*args, **values)
        self._key = tuple((k, _frozen(v)) for k, v in self.items())
        self._hash = hash(self._key)

    def __hash__(self) -> int:  # type: ignore[override]
        return self._hash

    def __eq__(self, other: object) -> bool:
        if type(other) is Fixed:
            return self._hash == other._hash and self._key == other._key
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def _fixed(self, *args: Any, **values: Any) -> Any:
        raise TypeError("these values are fixed once made")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _fixed


class _Phrase:
    """A phrase with something to fill in, and the texts it gave for the values it reads.

    Most phrases of a batch read the same values in every letter of a project (the applicant, the authority, the
    letter date): each such text is rendered once and recalled after. A phrase that keeps getting new values (a
    comment's own facts) stops being remembered, so memory stays flat however many letters a worker makes.
    """

    LIMIT = 256  # texts kept per phrase
    TRIAL = 64  # calls after which a phrase that is rarely the same is no longer remembered

    def __init__(self, template: Any, names: tuple[str, ...]):
        self.template = template
        self.names = names  # the values it reads (Jinja's undeclared variables)
        self.said: dict[Any, str] = {}
        self.calls = 0
        self.recalled = 0
        self.remembering = True

    def memo(self, values: dict[str, Any]) -> Any:
        """The key of these values for this phrase, or None where it is not remembered."""
        if not self.remembering:
            return None
        self.calls += 1
        try:
            key = tuple(_frozen(values[name]) for name in self.names)
        except (KeyError, _Unfrozen):  # a value missing: rendering says so
            return None
        if key in self.said:
            self.recalled += 1
        elif self.calls >= self.TRIAL and self.recalled * 4 < self.calls:
            self.remembering = False
            self.said.clear()
            return None
        return key

    def remember(self, key: Any, text: str) -> None:
        if key is not None and self.remembering and len(self.said) < self.LIMIT:
            self.said[key] = text


class Phrases:
    """Renders the phrases of one language with the filters their wording needs."""

    def __init__(self, lang: str):
        self.lang = lang
        self.book = phrasebook(lang)
        self.locale = Locale.parse(lang)
        formats = self.book.get("formats", {})
        self.date_pattern = formats.get("date", "long")
        self.time_pattern = formats.get("time", "HH:mm")
        self.grammar = self.book.get("grammar", {})
        env = environment("phrases")
        env.filters.update(date=self.date, date_in=self.date_in, date_of=self.date_of, date_from=self.date_from,
                           date_to=self.date_to, time=self.time,
                           time_in=self.time_in, offset=self.offset, number=self.number, plural=self.plural,
                           words=self.words, inner=_inner)
        self.env = env
        self.compiled: dict[tuple[str, ...], Any] = {}
        # each phrase's compiled code and the values it reads, by its text: kept in the user's cache between runs
        # (Jinja takes about 2 ms to compile a phrase, and a letter has some forty)
        self.codes: dict[str, tuple[tuple[str, ...], Any]] = _read_codes(_codes_path(env, lang))
        self.codes_changed = False
        self._said: dict[str, dict[Any, str]] = {}  # each filter's texts, by value

    def _node(self, key: tuple[str, ...]) -> Any:
        """The entry of the phrases at `key`, or _MISSING."""
        node: Any = self.book
        for part in key:
            if not isinstance(node, dict) or part not in node:
                return _MISSING
            node = node[part]
        return node

    def has(self, *key: str) -> bool:
        """Whether the phrases give this wording."""
        return self._node(key) is not _MISSING

    def kinded(self, kind: str, /, *key: str, **values: Any) -> str:
        """The phrase at `key`, or its variant for the applicant's kind (`key.person`, `key.organisation`)."""
        if self.has(*key, kind):
            return self(*key, kind, **values)
        return self(*key, **values)

    def __call__(self, *key: str, **values: Any) -> str:
        phrase = self.compiled.get(key)
        if phrase is None:
            phrase = self.compiled[key] = self._compile(key)
        if isinstance(phrase, str):
            return phrase
        memo = phrase.memo(values)
        if memo is not None and memo in phrase.said:
            return phrase.said[memo]
        try:
            # the phrase sees its values and the filters only: no copy of Jinja's globals for each of ~36 a letter
            template = phrase.template
            context = new_context(self.env, template.name, template.blocks, values, True, {})
            text = "".join(template.root_render_func(context)).strip()
        except TemplateError as exc:
            raise DataError(f"complaints/data/phrases/{self.lang}.yaml: phrase '{'.'.join(key)}': {exc}") from None
        phrase.remember(memo, text)
        return text

    def _compile(self, key: tuple[str, ...]) -> _Phrase | str:
        node = self._node(key)
        if node is _MISSING:
            raise DataError(f"complaints/data/phrases/{self.lang}.yaml: missing phrase '{'.'.join(key)}'")
        source = str(node)
        if "{" not in source:  # a phrase with nothing to fill in is its own text
            return source.strip()
        known = self.codes.get(source)
        if known is None:
            try:
                names = tuple(sorted(meta.find_undeclared_variables(self.env.parse(source))))
                code = self.env.compile(source)
            except TemplateError as exc:
                raise DataError(f"complaints/data/phrases/{self.lang}.yaml: phrase '{'.'.join(key)}': {exc}") \
                    from None
            known = self.codes[source] = (names, code)
            self.codes_changed = True
        names, code = known
        env = self.env
        return _Phrase(env.template_class.from_code(env, code, env.make_globals(None), None), names)

    def compile_all(self) -> None:
        """Every phrase compiled now (before worker processes fork, for them to share)."""
        def each(node: Any, key: tuple[str, ...]) -> None:
            if isinstance(node, dict):
                for name, value in node.items():
                    each(value, (*key, str(name)))
            elif isinstance(node, str) and "{" in node and key not in self.compiled:
                with contextlib.suppress(DataError):  # not a phrase after all, or a broken one: told when used
                    self.compiled[key] = self._compile(key)

        each(self.book, ())

    # -- filters: how this language writes dates, times and numbers
    @staticmethod
    def _day(value: Moment | Day) -> Day:
        return value.kz_date() if isinstance(value, Moment) else value

    @staticmethod
    def _clock(value: Moment) -> datetime:
        return value.in_kazakhstan()

    def _recalled(self, table: str, value: Any, make: Any) -> str:
        """A filter's text for `value`, worked out once per value (a batch writes the same dates again and again);
        at most LIMIT values kept per filter, so memory stays flat."""
        said = self._said.setdefault(table, {})
        text = said.get(value)
        if text is None:
            text = make(value)
            if len(said) < _Phrase.LIMIT:
                said[value] = text
        return text

    def date(self, value: Moment | Day) -> str:
        return self._recalled("date", value, self._date)

    def _date(self, value: Moment | Day) -> str:
        return format_date(self._day(value), self.date_pattern, locale=self.locale)

    def _inflected(self, value: Moment | Day, table: str) -> str:
        return self._recalled(table, value, lambda each: self._inflect(each, table))

    def _inflect(self, value: Moment | Day, table: str) -> str:
        day = self._day(value)
        text = self.date(day)
        forms = self.grammar.get(table)
        nominative = self.locale.months["format"]["wide"][day.month]
        if forms and text.endswith(nominative):
            text = text[: -len(nominative)] + forms[day.month - 1]
        return text

    def date_in(self, value: Moment | Day) -> str:
        return self._inflected(value, "month_locative")

    def date_of(self, value: Moment | Day) -> str:
        return self._inflected(value, "month_attributive")

    def date_from(self, value: Moment | Day) -> str:
        """The date a period starts on, as "from …" takes it (Kazakh: 2015 жылғы 1 қаңтардан)."""
        return self._inflected(value, "month_ablative")

    def date_to(self, value: Moment | Day) -> str:
        """The date a period ends on, as "until …" takes it (Kazakh: 2024 жылғы 18 тамызға)."""
        return self._inflected(value, "month_dative")

    def time(self, value: Moment) -> str:
        return self._recalled("time", value, self._time)

    def _time(self, value: Moment) -> str:
        return format_time(self._clock(value), self.time_pattern, locale=self.locale)

    def time_in(self, value: Moment) -> str:
        return self._recalled("time_in", value, self._time_in)

    def _time_in(self, value: Moment) -> str:
        text = self.time(value)
        endings = self.grammar.get("numeral_locative")
        if not endings:
            return text
        clock = self._clock(value)
        spoken = clock.minute or clock.hour  # the last number read aloud
        last = spoken % 10 if spoken % 10 else spoken
        return f"{text}-{endings[str(last)]}"

    def offset(self, value: Moment) -> str:
        return self._recalled("offset", value, lambda each: utc_offset_label(self._clock(each)))

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def words(self, value: int, table: str) -> str:
        """`value` in words from the phrases' `numbers.<table>` (1 the first entry), or "" beyond the table."""
        forms = self.book.get("numbers", {}).get(table)
        if not isinstance(forms, list):
            raise DataError(f"complaints/data/phrases/{self.lang}.yaml: missing number words 'numbers.{table}'")
        return str(forms[value - 1]) if 1 <= value <= len(forms) else ""

    def plural(self, value: int, forms: dict[str, str] | str) -> str:
        """The form of a noun after `value`: `forms` by plural category, or the name of such a table here."""
        if isinstance(forms, str):
            table = self.book.get(forms)
            if not isinstance(table, dict):
                raise DataError(f"complaints/data/phrases/{self.lang}.yaml: missing plural forms '{forms}'")
            forms = table
        form = self.locale.plural_form(value)
        return forms.get(form, forms.get("other", ""))


@cache
def _phrases(lang: str) -> Phrases:
    return Phrases(lang)


def warm_up(languages: tuple[str, ...]) -> None:
    """Read the wording and the locale data of these languages and compile every phrase now (before worker
    processes fork); the compiled phrases kept in the user's cache for the next run."""
    for lang in languages:
        say = _phrases(lang)
        say.date(date(2000, 1, 1))
        say.compile_all()
        if say.codes_changed:
            from ..kept import keep

            keep(_codes_path(say.env, lang), say.codes)
            say.codes_changed = False


# what compiles a phrase: a change to any of them (an upgrade, an edit) is another file of compiled phrases
_COMPILED_BY = ("complaints.letter.phrases", "complaints.templating", "jinja2", "markupsafe")


def _codes_path(env: Any, lang: str) -> Path | None:
    """Where the compiled phrases of `lang` are kept (kept.py): named by the language, the environment's kind and
    filters, and the versions of what compiles them."""
    from ..kept import kept_path

    made_from = "\n".join([lang, type(env).__name__, *sorted(env.filters), *sorted(env.tests)])
    return kept_path("phrases", made_from.encode("utf-8"), _COMPILED_BY)


def _read_codes(path: Path | None) -> dict[str, tuple[tuple[str, ...], Any]]:
    """The compiled phrases kept at `path`; none where there are none, or they cannot be read."""
    from ..kept import recall

    codes = recall(path)
    return codes if isinstance(codes, dict) else {}


def phrases(lang: str) -> Phrases:
    """The wording of `lang` with its filters: `phrases(lang)("key", "sub", **values)` → the filled-in text."""
    return _phrases(lang)




def _inner(text: str) -> str:
    """A quoted sentence without its final full stop: the letter's own punctuation follows the quote."""
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


