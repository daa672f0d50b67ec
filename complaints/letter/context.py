"""One case in one language → the letter's context: every wording decision, no layout.

The sentences come from the phrasebook (`phrases.py`), filled in with the case's
facts. The result is a plain dict of strings and lists of strings, the same for
every output format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..case.law import letter_citations
from ..case.model import LANGUAGES, REQUESTS, Applicant
from ..case.read import CaseFile
from ..case.when import kz_today
from ..errors import DataError
from .phrases import Phrases, phrases, pick


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
    say = phrases(lang)
    many = len(cases) > 1
    first = cases[0]
    applicant = first.applicant
    kind = applicant.kind
    ap = applicant_values(applicant, lang)
    authority = {"name": pick(first.authority.name, lang), "possessive": pick(first.authority.possessive, lang)}
    outlet = first.case.outlet
    shared = {"outlet": {"name": outlet.name, "url": outlet.url}, "applicant": ap, "authority": authority,
              "count": len(cases), "kind": kind}

    def phrase(*key: str, **values: Any) -> str:
        """The wording for several comments where the phrases have one (`many`), else the usual one; either
        split by the applicant's kind where the phrases split it (one grammatical person for the signer)."""
        if many and say.has("many", *key):
            return say.kinded(kind, "many", *key, **values)
        return say.kinded(kind, *key, **values)

    applicant_lines = applicant_block(applicant, lang, shared)

    comments: list[dict[str, Any]] = []
    annexes: dict[tuple[str, str], _Annex] = {}  # one annex for evidence two comments share
    for n, case in enumerate(cases, start=1):
        comments.append(_comment(case, lang, say, n if many else 0, annexes, shared, letter_date or kz_today()))
    annex_lines = [_annex_line(say, number, annex, many) for number, annex in enumerate(annexes.values(), start=1)]

    # one comment: its requests in its order; several: every request any of them makes, in the usual order
    requested = ([r for r in REQUESTS if any(r in case.case.requests for case in cases)] if many
                 else list(first.case.requests))
    requests = [say("request", n=i, text=phrase("requests", r, **shared)) for i, r in enumerate(requested, start=1)]

    term = first.authority.reply_term
    reply = say("reply_term", days=term.working_days, basis=pick(term.basis, lang),
                working_days=say.book["working_days"])
    competence = first.authority.competence

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
        "intro": phrase("intro", **shared),
        "facts_heading": say("facts_heading"),
        "comments": comments,
        "law_heading": say("law_heading"),
        "law_intro": phrase("law_intro", **shared),
        "requests_heading": say("requests_heading"),
        "competence": (pick(competence.text, lang) or "") if competence else "",
        "requests_intro": say("requests_intro", kind),
        "requests": requests,
        "reply_term": reply,
        "annexes_heading": say("annexes_heading") if annexes else "",
        "annexes": annex_lines,
        "signature": signature(applicant, lang, day),
    }


def applicant_values(applicant: Applicant, lang: str) -> dict[str, Any]:
    """The applicant as the phrases see it (`applicant.name`, `applicant.iin` …), in `lang`."""
    return {
        "name": pick(applicant.name, lang), "iin": applicant.iin, "bin": applicant.bin,
        "address": pick(applicant.address, lang), "phone": applicant.phone, "email": applicant.email,
        "outgoing": ({"number": applicant.outgoing.number, "date": applicant.outgoing.date}
                     if applicant.outgoing else None),
    }


def applicant_block(applicant: Applicant, lang: str, values: dict[str, Any]) -> list[str]:
    """The applicant's lines under the addressee (the details APPC Article 63 asks for); `values` fill the phrases.

    `values["applicant"]` is `applicant_values(applicant, lang)`.
    """
    say = phrases(lang)
    kind = applicant.kind
    lines = [say("applicant", f"label_{kind}", **values)]
    if kind == "person" and applicant.iin:
        lines.append(say("applicant", "iin", **values))
    if kind == "organisation" and applicant.bin:
        lines.append(say("applicant", "bin", **values))
    lines.append(say("applicant", "address", **values))
    for optional in ("phone", "email", "outgoing"):
        if values["applicant"][optional]:
            lines.append(say("applicant", optional, **values))
    return lines


def signature(applicant: Applicant, lang: str, letter_date: date) -> dict[str, str]:
    """The signature block of a `lang` letter signed on `letter_date`: role, name, line to sign on, date."""
    say = phrases(lang)
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


@dataclass
class _Annex:
    """One annex of a letter: its phrase, the values that fill it, and the comments (by number) it belongs to."""

    phrase: str
    values: dict[str, Any]
    comments: list[int] = field(default_factory=list)


def _annex_line(say: Phrases, number: int, annex: _Annex, many: bool) -> str:
    """The annex's line, numbered; in a letter about several comments it says which of them it belongs to."""
    belongs = say("many", "annex_for", comments=annex.comments) if many and annex.comments else ""
    return say(annex.phrase, n=number, belongs=belongs, **annex.values)


def _comment(case: CaseFile, lang: str, say: Phrases, n: int, annexes: dict[tuple[str, str], _Annex],
             shared: dict[str, Any], letter_date: date) -> dict[str, Any]:
    """One comment's part of a letter (its facts, quote, norms); its annexes added to `annexes`, in order.

    `n` is the comment's number in a letter about several, 0 in a letter about one (no heading then). The norms
    are those in force when the comment was posted, and those in force on `letter_date` where it is still online
    (case/law.py, cite_in_time); a norm no longer in force is marked with the `norm_time` phrases.
    """
    c = case.case
    comment, outlet, article = c.comment, c.outlet, c.article
    translation = comment.translations.get(lang) if lang != comment.language else None
    language_name = say.locale.languages.get(comment.language, comment.language)
    facts = {
        **shared,
        "n": n,
        "article": {"title": article.title, "url": article.url, "published": article.published,
                    "title_translation": article.translations.get(lang)},
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
        after_quote.append(say.kinded(shared["kind"], "facts", "no_translation", **facts))
    if comment.still_online:
        after_quote.append(say("facts", "still_online", **facts))

    citations, _ = letter_citations(c, letter_date)
    norms = []
    for i, cite in enumerate(citations, start=1):
        citation = pick(cite.norm.citation, lang)
        if cite.mark:
            citation = say("norm_time", cite.mark, citation=citation)
        norms.append(say("norm", n=i, last=i == len(citations), citation=citation, text=pick(cite.norm.text, lang)))
    law_after = []
    clause = c.legal_basis.licence_clause
    if clause:
        law_after.append(say("licence", **facts, reference=pick(clause.reference, lang), text=pick(clause.text, lang)))

    for i, item in enumerate(c.evidence):
        taken = {"taken": item.taken, "taken_has_time": bool(item.taken and item.taken.has_time)}
        description = pick(item.description, lang)
        if item.file is not None:
            found = case.evidence_files[i]
            key = ("file", found.sha256)
            if key not in annexes:
                annexes[key] = _Annex("annex_file", {"description": description, "name": Path(item.file).name,
                                                     "size": found.size, "sha256": found.sha256,
                                                     "bytes": say.book["bytes"], **taken})
        else:
            key = ("url", str(item.url))
            if key not in annexes:
                annexes[key] = _Annex("annex_url", {"description": description, "url": item.url, **taken})
        if n and n not in annexes[key].comments:
            annexes[key].comments.append(n)

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


def _lines(text: str) -> list[str]:
    """A quoted text as its lines, without the final newline YAML's `|` adds.

    A carriage return alone (an old Mac's line end, or a sheet cell's) or before a newline ends a line too: it is
    a line break where it was written, and every format shows it as one (Word would make it a space). So do
    Unicode's line and paragraph separators (U+2028, U+2029), which the PDF would drop, joining two words.
    """
    return _LINE_END.split(text.rstrip("\r\n"))


_LINE_END = re.compile("\r\n|\r|\n|\u2028|\u2029")
