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
        if comment.still_online is not None and comment.still_online.instant() < posted.instant():
            problems.append(doc.problem(("comment", "still_online"), "is earlier than the comment was posted"))

    problems += check_norms_in_time(doc, case, letter_date)

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
    for lang in comment.translations:
        if lang == comment.language:
            problems.append(doc.problem(("comment", "translations", lang),
                                        "a translation into the comment's own language is never used",
                                        severity="warning"))
    return problems


def check_norms_in_time(doc: Document, case: Case, letter_date: date) -> list[Problem]:
    """What the letter does with norms not in force when the comment was posted, or no longer on the letter's date.

    The choice itself is law.cite_in_time's; these warnings say it at the norm's line: a norm repealed before the
    comment gives way to its successor, one that came later is cited for a comment still online or left out; a
    posting date on which the day a norm was replaced is unconfirmed; an unknown posting date where it matters.
    None of the listed norms in force when the comment was posted is an error: the letter would cite nothing.
    """
    problems: list[Problem] = []
    day, own_date = law.posting_day(case)
    if day is None:
        return problems
    refs = case.legal_basis.norms
    citations, omitted = law.letter_citations(case, letter_date)
    when = f"on {day.isoformat()}, when the comment was posted" if own_date else \
        f"on {day.isoformat()}, the article's date (the comment's own is not given)"

    def period(n: law.CitedNorm) -> str:
        return f"in force {n.in_force_from or '…'} to {n.in_force_until or 'now'}"

    def warn(i: int, message: str) -> None:
        problems.append(doc.problem(("legal_basis", "norms", i), message, severity="warning"))

    for i, ref in enumerate(refs):
        n = law.cited(ref)
        name = n.id or "this norm"
        if n.in_force_on(day):
            continue
        # the norm then in force that the letter cites in its place (marked, if it was repealed in its turn)
        instead = [c for c in citations if c.listed == i and c.norm.id != n.id
                   and c.why in ("replaced_before", "when_posted")]
        if instead:
            later = instead[0].norm
            link = law.replacement_of(n, later.id or "")
            on = f" on {link.on}{'' if link.confirmed else ' (unconfirmed)'}" if link else ""
            warn(i, f"{name} was not in force {when} ({period(n)}); the letter cites {later.id}, which replaced"
                    f" it{on}, instead")
        elif any(c.listed == i and c.why == "later_in_force" for c in citations):
            warn(i, f"{name} was not in force {when} ({period(n)}); the letter cites it as in force on the"
                    " letter's date only, the comment being still online")
        elif any(o.listed == i and o.why == "not_yet_in_force" for o in omitted):
            warn(i, f"{name} was not in force {when} ({period(n)}), and the comment is not known to be still"
                    " online (no comment.still_online): the letter leaves it out")
        else:
            warn(i, f"{name} was not in force {when} ({period(n)})")

    # a norm in force on the letter's date, left out: the comment was last seen online before it took effect
    for o in omitted:
        if o.why == "seen_before" and case.comment.still_online is not None:
            problems.append(doc.problem(
                ("comment", "still_online"),
                f"the comment was last seen online on {case.comment.still_online.kz_date().isoformat()}, before"
                f" {o.norm.id or 'the norm'} took effect ({o.norm.in_force_from}): the letter does not cite it"
                f" (legal_basis.norms[{o.listed}]); if the comment is still online, check and give the new date",
                severity="warning"))

    # a posting day on which an unconfirmed replacement day decides which norm was in force
    for c in citations:
        link = _unconfirmed_link(c)
        if link is not None and (link.earliest or link.on) <= day <= (link.latest or link.on):
            warn(c.listed, f"the comment was posted {when}: the day {link.norm} replaced the norm before it is"
                           f" unconfirmed ({link.on} is assumed; it lies between {link.earliest or '…'} and"
                           f" {link.latest or '…'}), so which of the two was in force then is not certain;"
                           " check the date against the official text (complaints norms show)")
            break
    if not own_date and (omitted or any(c.why != "as_listed" for c in citations)):
        problems.append(doc.problem(("comment",), f"no `posted` date: the norms are chosen as in force {when};"
                                                  " give comment.posted if the comment is later", severity="warning"))
    if refs and not citations:
        problems.append(doc.problem(("legal_basis", "norms"), f"none of these norms was in force {when}, and the"
                                                              " letter would cite none; cite the norm then in force"))
    return problems


def _unconfirmed_link(c: law.Citation) -> law.Replacement | None:
    """The unconfirmed `replaced_by` link that `c`'s norm hangs on (its own, or the one that led to it)."""
    if c.norm.id is None:
        return None
    own = law.norm(c.norm.id).replaced_by
    if own is not None and not own.confirmed:
        return own
    for n in law.catalogue().values():
        if n.replaced_by and n.replaced_by.norm == c.norm.id and not n.replaced_by.confirmed:
            return n.replaced_by
    return None


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
