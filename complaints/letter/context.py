"""One case in one language → the letter's context: every wording decision, no layout.

The sentences come from the phrasebook (`phrases.py`), filled in with the case's
facts. The result is a plain dict of strings and lists of strings, the same for
every output format.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..case.law import letter_citations
from ..case.model import LANGUAGES, REQUESTS, Applicant
from ..case.read import CaseFile
from ..case.when import Moment, kz_today
from ..errors import DataError
from ..evidence.record import STEM_PATTERN
from .phrases import Fixed, Phrases, phrases, pick


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
    day = letter_date or kz_today()
    # one comment: its requests in its order; several: every request any of them makes, in the usual order
    requested = (tuple(r for r in REQUESTS if any(r in case.case.requests for case in cases)) if many
                 else tuple(first.case.requests))
    frame = _frame(first, lang, day, requested, len(cases))
    shared = frame["shared"]

    comments: list[dict[str, Any]] = []
    annexes: dict[tuple[str, str], _Annex] = {}  # one annex for evidence two comments share
    for n, case in enumerate(cases, start=1):
        comments.append(_comment(case, lang, say, n if many else 0, annexes, shared, day))
    _tell_apart(annexes.values())
    annex_lines = [_annex_line(say, number, annex, many) for number, annex in enumerate(annexes.values(), start=1)]

    return {
        "lang": lang,
        "case_id": first.case.id,
        "letter_id": letter_id or first.case.id,
        "case_ids": [case.case.id for case in cases],
        "addressee": list(frame["addressee"]),
        "authority_name": frame["authority_name"],
        "authority_address": frame["authority_address"],
        "applicant": list(frame["applicant"]),
        "heading": frame["heading"],
        "subject": frame["subject"],
        "email_subject": frame["email_subject"],
        "sender": frame["sender"],
        "sender_email": frame["sender_email"],
        "authority_email": frame["authority_email"],
        "intro": frame["intro"],
        "facts_heading": frame["facts_heading"],
        "comments": comments,
        "law_heading": frame["law_heading"],
        "law_intro": frame["law_intro"],
        "requests_heading": frame["requests_heading"],
        "competence": frame["competence"],
        "requests_intro": frame["requests_intro"],
        "requests": list(frame["requests"]),
        "reply_term": frame["reply_term"],
        "annexes_heading": say("annexes_heading") if annexes else "",
        "annexes": annex_lines,
        "signature": dict(frame["signature"]),
    }


# The wording every letter of a project shares (its applicant, authority and outlet, the requests, the letter's
# date): worked out once and recalled for the next letter, by the very objects it was made from (a project's
# applicant and authority are one object for all its cases), which the memory keeps alive so that their ids name
# them. A few hundred letter heads at most: memory stays flat.
_FRAMES: dict[tuple[Any, ...], tuple[Any, Any, dict[str, Any]]] = {}
_FRAMES_KEPT = 256


def _frame(first: CaseFile, lang: str, day: date, requested: tuple[str, ...], count: int) -> dict[str, Any]:
    outlet = first.case.outlet
    key = (id(first.applicant), id(first.authority), outlet.name, outlet.url, requested, count, lang, day)
    known = _FRAMES.get(key)
    if known is not None and known[0] is first.applicant and known[1] is first.authority:
        return known[2]
    frame = _make_frame(first, lang, day, requested, count)
    if len(_FRAMES) >= _FRAMES_KEPT:
        _FRAMES.clear()
    _FRAMES[key] = (first.applicant, first.authority, frame)
    return frame


def _make_frame(first: CaseFile, lang: str, day: date, requested: tuple[str, ...], count: int) -> dict[str, Any]:
    """What a letter says that is not about its comments: its head, the requests, the reply term, the signature."""
    say = phrases(lang)
    many = count > 1
    applicant = first.applicant
    kind = applicant.kind
    ap = applicant_values(applicant, lang)
    authority = Fixed(name=pick(first.authority.name, lang), possessive=pick(first.authority.possessive, lang))
    outlet = first.case.outlet
    shared = {"outlet": Fixed(name=outlet.name, url=outlet.url), "applicant": ap, "authority": authority,
              "count": count, "kind": kind}

    def phrase(*key: str, **values: Any) -> str:
        """The wording for several comments where the phrases have one (`many`), else the usual one; either
        split by the applicant's kind where the phrases split it (one grammatical person for the signer)."""
        if many and say.has("many", *key):
            return say.kinded(kind, "many", *key, **values)
        return say.kinded(kind, *key, **values)

    applicant_lines = applicant_block(applicant, lang, shared)
    requests = [say("request", n=i, text=phrase("requests", r, **shared)) for i, r in enumerate(requested, start=1)]
    term = first.authority.reply_term
    reply = say("reply_term", days=term.working_days, basis=pick(term.basis, lang),
                working_days=say.book["working_days"])
    competence = first.authority.competence
    subject = phrase("subject", **shared)
    return {
        "shared": shared,
        "addressee": tuple(first.authority.addressee.get(lang, [])),
        "authority_name": authority["name"],
        "authority_address": pick(first.authority.address, lang),
        "applicant": tuple(applicant_lines),
        "heading": say("heading"),
        "subject": subject,
        "email_subject": phrase("email_subject", subject=subject),
        "sender": ap["name"],
        "sender_email": ap["email"],
        "authority_email": first.authority.email,
        "intro": phrase("intro", **shared),
        "facts_heading": say("facts_heading"),
        "law_heading": say("law_heading"),
        "law_intro": phrase("law_intro", **shared),
        "requests_heading": say("requests_heading"),
        "competence": (pick(competence.text, lang) or "") if competence else "",
        "requests_intro": say("requests_intro", kind),
        "requests": tuple(requests),
        "reply_term": reply,
        "signature": signature(applicant, lang, day),
    }


def applicant_values(applicant: Applicant, lang: str) -> dict[str, Any]:
    """The applicant as the phrases see it (`applicant.name`, `applicant.iin` …), in `lang`."""
    return Fixed(
        name=pick(applicant.name, lang), iin=applicant.iin, bin=applicant.bin,
        address=pick(applicant.address, lang), phone=applicant.phone, email=applicant.email,
        outgoing=(Fixed(number=applicant.outgoing.number, date=applicant.outgoing.date)
                  if applicant.outgoing else None),
    )


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
    """One annex of a letter: its phrase, the values that fill it, and the comments (by number) it belongs to.

    `place`: a captured file's path in its case's root folder, which names it where another annex of the letter
    has the same file name (`_tell_apart`)."""

    phrase: str
    values: dict[str, Any]
    comments: list[int] = field(default_factory=list)
    place: str | None = None


def _tell_apart(annexes: Iterable[_Annex]) -> None:
    """A captured file whose name another file of the letter has too is named by its path in the case's root
    folder (two captures in one second, in two cases' folders, have the same name); every other annex keeps its
    file's name, as the letters have always given it."""
    files = [a for a in annexes if a.phrase == "annex_file"]
    names = Counter(a.values["name"] for a in files)
    for annex in files:
        if annex.place is not None and names[annex.values["name"]] > 1:
            annex.values["name"] = annex.place


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

    # the annexes of the items taken when the comment was last seen online: the files of the tool's capture of the
    # page, and the others (a screenshot taken by hand at that time)
    seen_in: dict[bool, list[tuple[str, str]]] = {True: [], False: []}
    for i, item in enumerate(c.evidence):
        taken = {"taken": item.taken, "taken_has_time": bool(item.taken and item.taken.has_time)}
        description = pick(item.description, lang)
        if item.file is not None:
            found = case.evidence_files[i]
            # one annex per file content, so two cases citing one picture share it; but each capture's files are
            # its own, even when a page did not change between two captures (the later one proves the later time)
            key = ("capture", found.path.as_posix()) if is_capture_file(item.file) else ("file", found.sha256)
            stamped = list(dict.fromkeys(item.timestamped_by or ()))
            if key not in annexes:
                place = found.path.relative_to(case.root).as_posix() if stamped or item.sha256 else None
                annexes[key] = _Annex("annex_file", {"description": description, "name": Path(item.file).name,
                                                     "size": found.size, "sha256": found.sha256,
                                                     "bytes": say.book["bytes"], **taken, "stamped": stamped},
                                      place=place)
            else:  # the same file again: the authorities of either time-stamp it
                known = annexes[key].values.setdefault("stamped", [])
                known += [name for name in stamped if name not in known]
        else:
            key = ("url", str(item.url))
            if key not in annexes:
                annexes[key] = _Annex("annex_url", {"description": description, "url": item.url, **taken})
        if n and n not in annexes[key].comments:
            annexes[key].comments.append(n)
        if comment.still_online and item.taken and _same_moment(item.taken, comment.still_online):
            seen_in[item.file is not None and is_capture_file(item.file)].append(key)
    if comment.still_online:
        captured = bool(seen_in[True])
        seen = _seen(annexes, seen_in[captured], captured)
        after_quote.append(say("facts", "still_online", **facts, seen=seen))

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


def _same_moment(a: Moment, b: Moment) -> bool:
    """Two times of the case file that are the same instant (two dates alone: the same day)."""
    if a.has_time != b.has_time:
        return False
    return a.instant() == b.instant() if a.has_time else a.day == b.day


def is_capture_file(file: str) -> bool:
    """A file of the tool's capture of a page, by the name every capture gives its files (evidence/record.py)."""
    match = _CAPTURE_NAME.match(Path(file).name)
    return match is not None


_CAPTURE_NAME = re.compile(f"^({STEM_PATTERN})-[^.]+\\.")


def _seen(annexes: dict[tuple[str, str], _Annex], keys: list[tuple[str, str]], captured: bool) -> dict[str, Any]:
    """How the comment was last seen online, for the `still_online` phrase: the annexes taken at that moment (their
    numbers in the letter, as "1–4" or "1, 3"; `count` of them; none: the phrase says no more than the date), and
    whether they are a capture of the page by the tool."""
    order = {key: number for number, key in enumerate(annexes, start=1)}
    numbers = sorted({order[key] for key in keys})
    return {"count": len(numbers), "numbers": number_ranges(numbers), "captured": captured}


def number_ranges(numbers: list[int]) -> str:
    """Annex numbers as a letter cites them: three or more in a row as a range (1–4), others one by one (1, 3)."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}\u2013{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


def _lines(text: str) -> list[str]:
    """A quoted text as its lines, without the final newline YAML's `|` adds.

    A carriage return alone (an old Mac's line end, or a sheet cell's) or before a newline ends a line too: it is
    a line break where it was written, and every format shows it as one (Word would make it a space). So do
    Unicode's line and paragraph separators (U+2028, U+2029), which the PDF would drop, joining two words.
    """
    return _LINE_END.split(text.rstrip("\r\n"))


_LINE_END = re.compile("\r\n|\r|\n|\u2028|\u2029")
