"""One case in one language → the letter's context: every wording decision, no layout.

The sentences come from `data/phrases/<lang>.yaml`, filled in with the case's
facts by a sandboxed Jinja with strict undefined variables. Case text is only
ever a value in that rendering, never a template. The result is a plain dict
of strings and lists of strings, the same for every output format.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from jinja2 import StrictUndefined, TemplateError
from jinja2.runtime import new_context
from jinja2.sandbox import SandboxedEnvironment

from ..case.law import DATA, cited
from ..case.load import read_yaml
from ..case.model import ALL, LANGUAGES, REQUESTS, Applicant
from ..case.read import CaseFile
from ..case.when import Moment, kz_today, utc_offset_label
from ..errors import CaseError, DataError


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


class _Phrases:
    """Renders the phrases of one language with the filters their wording needs."""

    def __init__(self, lang: str):
        self.lang = lang
        self.book = phrasebook(lang)
        self.locale = Locale.parse(lang)
        formats = self.book.get("formats", {})
        self.date_pattern = formats.get("date", "long")
        self.time_pattern = formats.get("time", "HH:mm")
        self.grammar = self.book.get("grammar", {})
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        env.filters.update(date=self.date, date_in=self.date_in, date_of=self.date_of, time=self.time,
                           time_in=self.time_in, offset=self.offset, number=self.number, plural=self.plural,
                           inner=_inner)
        self.env = env
        self.compiled: dict[tuple[str, ...], Any] = {}

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

    def __call__(self, *key: str, **values: Any) -> str:
        template = self.compiled.get(key)
        if template is None:
            node = self._node(key)
            if node is _MISSING:
                raise DataError(f"complaints/data/phrases/{self.lang}.yaml: missing phrase '{'.'.join(key)}'")
            source = str(node)
            # a phrase with nothing to fill in is its own text
            template = source.strip() if "{" not in source else self.env.from_string(source)
            self.compiled[key] = template
        if isinstance(template, str):
            return template
        try:
            # the phrase sees its values and the filters only: no copy of Jinja's globals for each of ~36 a letter
            context = new_context(self.env, template.name, template.blocks, values, True, {})
            return "".join(template.root_render_func(context)).strip()
        except TemplateError as exc:
            raise DataError(f"complaints/data/phrases/{self.lang}.yaml: phrase '{'.'.join(key)}': {exc}") from None

    # -- filters: how this language writes dates, times and numbers
    @staticmethod
    def _day(value: Moment | date) -> date:
        return value.kz_date() if isinstance(value, Moment) else value

    @staticmethod
    def _clock(value: Moment) -> datetime:
        return value.in_kazakhstan()

    def date(self, value: Moment | date) -> str:
        return format_date(self._day(value), self.date_pattern, locale=self.locale)

    def _inflected(self, value: Moment | date, table: str) -> str:
        day = self._day(value)
        text = self.date(day)
        forms = self.grammar.get(table)
        nominative = self.locale.months["format"]["wide"][day.month]
        if forms and text.endswith(nominative):
            text = text[: -len(nominative)] + forms[day.month - 1]
        return text

    def date_in(self, value: Moment | date) -> str:
        return self._inflected(value, "month_locative")

    def date_of(self, value: Moment | date) -> str:
        return self._inflected(value, "month_attributive")

    def time(self, value: Moment) -> str:
        return format_time(self._clock(value), self.time_pattern, locale=self.locale)

    def time_in(self, value: Moment) -> str:
        text = self.time(value)
        endings = self.grammar.get("numeral_locative")
        if not endings:
            return text
        clock = self._clock(value)
        spoken = clock.minute or clock.hour  # the last number read aloud
        last = spoken % 10 if spoken % 10 else spoken
        return f"{text}-{endings[str(last)]}"

    def offset(self, value: Moment) -> str:
        return utc_offset_label(self._clock(value))

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def plural(self, value: int, forms: dict[str, str]) -> str:
        form = self.locale.plural_form(value)
        return forms.get(form, forms.get("other", ""))


@cache
def _phrases(lang: str) -> _Phrases:
    return _Phrases(lang)


def warm_up(languages: tuple[str, ...]) -> None:
    """Read the wording and the locale data of these languages now (before worker processes fork)."""
    for lang in languages:
        _phrases(lang).date(date(2000, 1, 1))


def letter_context(case: CaseFile, lang: str, *, letter_date: date | None = None) -> dict[str, Any]:
    """The exact context the `lang` letter template is rendered with."""
    return group_context([case], lang, letter_date=letter_date)


def group_context(cases: list[CaseFile], lang: str, *, letter_date: date | None = None,
                  letter_id: str | None = None) -> dict[str, Any]:
    """The context of one letter about every comment of `cases` (one outlet, one applicant), in their order.

    A letter about one comment is the same letter with one entry in `comments`; a letter about several says
    so in the wording marked `many` in the phrases, and numbers the comments and, across them, the annexes.
    """
    if lang not in LANGUAGES:
        raise DataError(f"no letters in '{lang}': the languages are {', '.join(LANGUAGES)}")
    if not cases:
        raise DataError("a letter needs at least one case")
    say = _phrases(lang)
    many = len(cases) > 1
    first = cases[0]
    applicant = first.applicant
    kind = applicant.kind
    ap = applicant_values(applicant, lang)
    authority = {"name": pick(first.authority.name, lang), "possessive": pick(first.authority.possessive, lang)}
    outlet = first.case.outlet
    shared = {"outlet": {"name": outlet.name, "url": outlet.url}, "applicant": ap, "authority": authority,
              "count": len(cases)}

    def phrase(*key: str, **values: Any) -> str:
        """The wording for several comments where the phrases have one (`many`), else the usual one."""
        if many and say.has("many", *key):
            return say("many", *key, **values)
        return say(*key, **values)

    applicant_lines = applicant_block(applicant, lang, shared)

    comments: list[dict[str, Any]] = []
    annexes: dict[tuple[str, str], str] = {}  # one annex for evidence two comments share
    for n, case in enumerate(cases, start=1):
        comments.append(_comment(case, lang, say, n if many else 0, annexes, shared))

    # one comment: its requests in its order; several: every request any of them makes, in the usual order
    requested = ([r for r in REQUESTS if any(r in case.case.requests for case in cases)] if many
                 else list(first.case.requests))
    requests = [say("request", n=i, text=phrase("requests", r, **shared)) for i, r in enumerate(requested, start=1)]

    term = first.authority.reply_term
    reply = say("reply_term", days=term.working_days, basis=pick(term.basis, lang),
                working_days=say.book["working_days"])

    day = letter_date or kz_today()
    subject = phrase("subject", **shared)

    return {
        "lang": lang,
        "case_id": first.case.id,
        "letter_id": letter_id or first.case.id,
        "case_ids": [case.case.id for case in cases],
        "addressee": list(first.authority.addressee.get(lang, [])),
        "authority_name": authority["name"],
        "authority_address": pick(first.authority.address, lang),
        "applicant": applicant_lines,
        "heading": say("heading"),
        "subject": subject,
        "email_subject": phrase("email_subject", subject=subject),
        "sender": ap["name"],
        "sender_email": ap["email"],
        "authority_email": first.authority.email,
        "intro": phrase("intro", kind, **shared),
        "facts_heading": say("facts_heading"),
        "comments": comments,
        "law_heading": say("law_heading"),
        "law_intro": phrase("law_intro", **shared),
        "requests_heading": say("requests_heading"),
        "requests_intro": say("requests_intro", kind),
        "requests": requests,
        "reply_term": reply,
        "annexes_heading": say("annexes_heading") if annexes else "",
        "annexes": list(annexes.values()),
        "signature": signature(applicant, lang, day),
    }


def applicant_values(applicant: Applicant, lang: str) -> dict[str, Any]:
    """The applicant as the phrases see it (`applicant.name`, `applicant.iin` …), in `lang`."""
    return {
        "name": pick(applicant.name, lang), "iin": applicant.iin, "bin": applicant.bin,
        "address": pick(applicant.address, lang), "phone": applicant.phone, "email": applicant.email,
    }


def applicant_block(applicant: Applicant, lang: str, values: dict[str, Any]) -> list[str]:
    """The applicant's lines under the addressee (the details APPC Article 63 asks for); `values` fill the phrases.

    `values["applicant"]` is `applicant_values(applicant, lang)`.
    """
    say = _phrases(lang)
    kind = applicant.kind
    lines = [say("applicant", f"label_{kind}", **values)]
    if kind == "person" and applicant.iin:
        lines.append(say("applicant", "iin", **values))
    if kind == "organisation" and applicant.bin:
        lines.append(say("applicant", "bin", **values))
    lines.append(say("applicant", "address", **values))
    for optional in ("phone", "email"):
        if values["applicant"][optional]:
            lines.append(say("applicant", optional, **values))
    return lines


def signature(applicant: Applicant, lang: str, letter_date: date) -> dict[str, str]:
    """The signature block of a `lang` letter signed on `letter_date`: role, name, line to sign on, date."""
    say = _phrases(lang)
    kind = applicant.kind
    signatory = applicant.signatory
    signer = pick(signatory.name, lang) if kind == "organisation" and signatory else pick(applicant.name, lang)
    values = {"letter_date": letter_date, "signer": signer,
              "signatory": {"position": pick(signatory.position, lang) if signatory else None}}
    return {
        "role": say("signature", f"role_{kind}", **values),
        "name": say("signature", "name", **values),
        "line": say("signature", "line"),
        "date": say("signature", "date", **values),
    }


def phrases(lang: str) -> _Phrases:
    """The wording of `lang` with its filters: `phrases(lang)("key", "sub", **values)` → the filled-in text."""
    return _phrases(lang)




def _comment(case: CaseFile, lang: str, say: _Phrases, n: int, annexes: dict[tuple[str, str], str],
             shared: dict[str, Any]) -> dict[str, Any]:
    """One comment's part of a letter (its facts, quote, norms); its annexes added to `annexes`, numbered on.

    `n` is the comment's number in a letter about several, 0 in a letter about one (no heading then).
    """
    c = case.case
    comment, outlet, article = c.comment, c.outlet, c.article
    translation = comment.translations.get(lang) if lang != comment.language else None
    language_name = say.locale.languages.get(comment.language, comment.language)
    facts = {
        **shared,
        "n": n,
        "article": {"title": article.title, "url": article.url, "published": article.published},
        "comment": {
            "author": comment.author, "url": comment.url, "language_name": language_name,
            "posted": comment.posted, "still_online": comment.still_online,
            "still_online_has_time": bool(comment.still_online and comment.still_online.has_time),
        },
    }

    outlet_paragraph = [say("facts", "outlet", **facts)]
    if outlet.owner and n <= 1:  # the outlet's own details once, with the first comment
        outlet_paragraph.append(say("facts", "owner", owner=pick(outlet.owner, lang)))
    reg = outlet.registration
    if reg and (reg.kind or reg.number or reg.issued) and n <= 1:
        outlet_paragraph.append(say("facts", "registration", kind=pick(reg.kind, lang),
                                    number=reg.number, issued=reg.issued))
    fact_paragraphs = [" ".join(outlet_paragraph)]
    if comment.posted is None:
        fact_paragraphs.append(say("facts", "posted_unknown", **facts))
    elif comment.posted.has_time:
        fact_paragraphs.append(say("facts", "posted_time", **facts))
    else:
        fact_paragraphs.append(say("facts", "posted_date", **facts))
    if comment.url:
        fact_paragraphs.append(say("facts", "permalink", **facts))

    after_quote = []
    if lang != comment.language and translation is None:
        after_quote.append(say("facts", "no_translation", **facts))
    if comment.still_online:
        after_quote.append(say("facts", "still_online", **facts))

    refs = c.legal_basis.norms
    norms = []
    for i, ref in enumerate(refs, start=1):
        cite = cited(ref)
        norms.append(say("norm", n=i, last=i == len(refs), citation=pick(cite.citation, lang),
                         text=pick(cite.text, lang)))
    law_after = []
    clause = c.legal_basis.licence_clause
    if clause:
        law_after.append(say("licence", **facts, reference=pick(clause.reference, lang), text=pick(clause.text, lang)))

    for i, item in enumerate(c.evidence):
        taken = {"taken": item.taken, "taken_has_time": bool(item.taken and item.taken.has_time)}
        description = pick(item.description, lang)
        number = len(annexes) + 1
        if item.file is not None:
            found = case.evidence_files[i]
            key = ("file", found.sha256)
            if key not in annexes:
                annexes[key] = say("annex_file", n=number, description=description, name=Path(item.file).name,
                                   size=found.size, sha256=found.sha256, bytes=say.book["bytes"], **taken)
        else:
            key = ("url", str(item.url))
            if key not in annexes:
                annexes[key] = say("annex_url", n=number, description=description, url=item.url, **taken)

    section = {
        "heading": say("many", "comment_heading", **facts) if n else "",
        "facts": fact_paragraphs,
        "quote_intro": say("facts", "quote_intro", **facts),
        "quote": _lines(comment.text),
        "translation_intro": say("facts", "translation_intro") if translation else "",
        "translation": _lines(translation) if translation else [],
        "after_quote": after_quote,
        "law_heading": say("many", "comment_law", **facts) if n else "",
        "norms": norms,
        "law_after": law_after,
    }
    return section


def _inner(text: str) -> str:
    """A quoted sentence without its final full stop: the letter's own punctuation follows the quote."""
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def _lines(text: str) -> list[str]:
    """A quoted text as its lines, without the final newline YAML's `|` adds."""
    return text.rstrip("\n").split("\n")
