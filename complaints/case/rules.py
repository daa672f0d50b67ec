"""Rules that join several fields of a case, and the warnings (case-format.md, "Validation")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from ..errors import Problem
from . import law
from .load import Document
from .model import Applicant, Case
from .when import kz_zone


def check_applicant(doc: Document, applicant: Applicant, at: tuple[str, ...]) -> list[Problem]:
    """Article 63 of the APPC: who is appealing must be fully identified."""
    problems = []
    if applicant.kind == "person" and applicant.iin is None:
        problems.append(doc.problem(at + ("iin",), "a person applicant needs an IIN (12 digits, in quotes);"
                                                   " Article 63 of the APPC requires it in the appeal"))
    if applicant.kind == "organisation":
        if applicant.bin is None:
            problems.append(doc.problem(at + ("bin",), "an organisation applicant needs its BIN (12 digits, in quotes)"))
        if applicant.signatory is None:
            problems.append(doc.problem(at + ("signatory",), "an organisation applicant needs a signatory"
                                                             " (name and position of who signs)"))
    return problems


def check_requests(doc: Document, requests: Sequence[str]) -> list[Problem]:
    """Each request once, and at least one."""
    problems = []
    seen: set[str] = set()
    for i, request in enumerate(requests):
        if request in seen:
            problems.append(doc.problem(("requests", i), f"'{request}' is asked for twice"))
        seen.add(request)
    if not requests:
        problems.append(doc.problem(("requests",), "an appeal must ask for something; leave `requests` out"
                                                  " for the default four"))
    return problems


def check_case(doc: Document, case: Case, languages: tuple[str, ...], letter_date: date) -> list[Problem]:
    """The rules of the comment and its norms, and the warnings, for one structurally valid case."""
    problems: list[Problem] = []
    comment = case.comment

    for i, ref in enumerate(case.legal_basis.norms):
        if isinstance(ref, str):
            continue
        if ref.in_force_from and ref.in_force_until and ref.in_force_from > ref.in_force_until:
            problems.append(doc.problem(("legal_basis", "norms", i, "in_force_until"),
                                        "the norm stops being in force before it starts"))

    posted = comment.posted
    if posted is None:
        problems.append(doc.problem(("comment",), "no `posted` date: the letter will say the outlet shows no date",
                                    severity="warning"))
    else:
        if posted.is_ambiguous():
            problems.append(doc.problem(("comment", "posted"),
                                        "this hour happened twice when Kazakhstan moved from UTC+6 to UTC+5 on"
                                        " 1 March 2024; the earlier (UTC+6) is used, add +06:00 or +05:00 to be exact",
                                        severity="warning"))
        now = datetime.now(kz_zone())
        if posted.instant() > now or posted.kz_date() > letter_date:
            problems.append(doc.problem(("comment", "posted"), "the comment is dated in the future",
                                        severity="warning"))
        day = posted.kz_date()
        for i, ref in enumerate(case.legal_basis.norms):
            norm = law.cited(ref)
            if not norm.in_force_on(day):
                name = norm.id or "this norm"
                period = f"{norm.in_force_from or '…'} to {norm.in_force_until or 'now'}"
                problems.append(doc.problem(("legal_basis", "norms", i),
                                            f"{name} was not in force on {day.isoformat()}, when the comment was"
                                            f" posted (in force {period})", severity="warning"))
        if comment.still_online is not None and comment.still_online.instant() < posted.instant():
            problems.append(doc.problem(("comment", "still_online"), "is earlier than the comment was posted"))

    if comment.still_online is not None:
        seen_on = comment.still_online.kz_date()
        if seen_on < letter_date - timedelta(days=365):
            problems.append(doc.problem(("comment", "still_online"),
                                        f"last seen online on {seen_on.isoformat()}, more than a year before the"
                                        " letter; check that it is still published", severity="warning"))
        if seen_on > letter_date:
            problems.append(doc.problem(("comment", "still_online"), "is after the letter's date",
                                        severity="warning"))

    for lang in languages:
        if lang != comment.language and lang not in comment.translations:
            problems.append(doc.problem(("comment", "translations"),
                                        f"no '{lang}' translation: the {lang} letter quotes the original and says"
                                        " that no translation was supplied", severity="warning"))
    # A quote is verbatim: where YAML took the rest of its line for a comment ("#казахстандляказахов …"), the
    # letter would quote it cut short without a word.
    for path, cut in doc.comments_after.items():
        if path[:2] == ("comment", "text") or path[:2] == ("comment", "translations"):
            problems.append(doc.problem(path, f"the text stops before '{cut[:40]}': YAML reads ' #' and what follows"
                                        " as a comment, so the letter would quote it cut short; write the text on"
                                        " the lines after `text: |`, indented, or in quotes"))
    for lang in comment.translations:
        if lang == comment.language:
            problems.append(doc.problem(("comment", "translations", lang),
                                        "a translation into the comment's own language is never used",
                                        severity="warning"))
    return problems


def check_dates(doc: Document, case: Case) -> list[Problem]:
    """Dates that contradict each other across sections: a comment posted before the article it is under."""
    posted, published = case.comment.posted, case.article.published
    if posted is None or published is None:
        return []
    on, out = posted.kz_date(), published.kz_date()
    if on < out:
        return [doc.problem(("comment", "posted"),
                            f"the comment is dated {on.isoformat()}, before the article it is under was published"
                            f" ({out.isoformat()}, article.published): check both dates; where the outlet shows the"
                            " date the article was last updated, give the date it was first published, or leave"
                            " article.published out")]
    if on == out and posted.has_time and published.has_time and posted.instant() < published.instant():
        return [doc.problem(("comment", "posted"),
                            f"the comment is timed {posted.in_kazakhstan().strftime('%H:%M')}, before the article was"
                            f" published at {published.in_kazakhstan().strftime('%H:%M')} the same day"
                            " (article.published): check both times", severity="warning")]
    return []
