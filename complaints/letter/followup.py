"""A filed letter gone unanswered → the follow-up letter's context: a reminder to the authority, then (once the
reminder went unanswered too) an appeal about its inaction to the General Prosecutor's Office. It is rendered like a
letter (`render_letter`, with a `Kit(document="followup")`: the templates <lang>/followup.*).

The wording is in `data/phrases/<lang>.yaml` under `followup:` (the applicant block and the signature are the
letters' own); the facts are the register's `Filing` and the project's applicant. Like `letter_context`, the
context is plain strings and lists of strings, the same for every output format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..case.law import Authority, authorities, read_data, resolve_authority
from ..case.model import Applicant, AuthorityOverride, Day, NonEmpty, Url
from ..case.read import ProjectFile
from ..case.when import parse_moment
from ..errors import DataError, UsageError
from ..register.filing import CHANNELS, Filing, FollowUp
from .context import applicant_block, applicant_values, signature
from .phrases import phrases, pick

KINDS = ("reminder", "prosecutor")
PROSECUTOR = "prosecutor-general"  # the authority profile the letter about inaction goes to

# what each kind asks for, in this order (the wording: followup.<kind>.requests.<name>)
_REQUESTS = {"reminder": ("consider", "reasons"), "prosecutor": ("check", "measures", "reply")}


# ---------------------------------------------------------------- the norms the letters cite (data/followup.yaml)

class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cite(_Data):
    """A citation in every language: a letter never cites an empty norm."""

    kk: NonEmpty
    ru: NonEmpty
    en: NonEmpty


class FollowupNorm(_Data):
    """A norm a follow-up letter cites: its citation per language, and whether it was read in the official text."""

    id: str = ""
    cite: _Cite
    confirmed: bool
    unconfirmed: str | None = None
    source: Url
    checked: Day


class _FollowupData(_Data):
    format: int
    norms: dict[str, FollowupNorm]


@lru_cache(maxsize=1)
def followup_norms() -> dict[str, FollowupNorm]:
    """The norms of complaints/data/followup.yaml, by id."""
    data: _FollowupData = read_data("followup.yaml", _FollowupData)
    return {key: n.model_copy(update={"id": key}) for key, n in data.norms.items()}


@dataclass(frozen=True, slots=True)
class Unconfirmed:
    """A citation a follow-up letter prints that was not read in the official text: for `complaints check`."""

    field: str  # where it lives: complaints/data/followup.yaml, norms.<id>
    what: str  # what is not confirmed
    source: str
    checked: date


def unconfirmed_citations(kind: str = "prosecutor") -> list[Unconfirmed]:
    """What a signer of a `kind` follow-up letter must check: its citations marked unconfirmed in the data."""
    cited = _CITED.get(kind, ())
    return [Unconfirmed(f"complaints/data/followup.yaml: norms.{n.id}", n.unconfirmed or "not confirmed",
                        n.source, n.checked) for n in followup_norms().values() if n.id in cited and not n.confirmed]


_CITED = {"reminder": (), "prosecutor": ("appc-91-2", "prosecutor-law-24-1-2")}


def followup_context(filing: Filing, project: ProjectFile, kind: str, *, letter_date: date,
                     overdue_days: int, reminder: FollowUp | None = None,
                     waited_days: int | None = None) -> dict[str, Any]:
    """The context of the `kind` follow-up letter about `filing`, in the filing's language, signed on `letter_date`.

    `overdue_days` is how many working days the reply is late, as the register counts them. The applicant is the
    project's (the register keeps no personal data); the authority the appeal went to is `filing.authority`,
    with the project's override where it is built on that profile. The letter to the prosecutor cites the
    `reminder` that went unanswered (`waited_days` working days since it was sent): it is written only after one.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown follow-up '{kind}': choose from {', '.join(KINDS)}")
    if kind == "prosecutor" and reminder is None:
        raise UsageError(f"filing {filing.id} ({filing.case_id}): the letter to the prosecutor cites the reminder that"
                         " went unanswered; write the reminder first")
    if filing.answered:
        raise UsageError(f"filing {filing.id} ({filing.case_id}) has its reply already: no follow-up to write")
    if overdue_days < 1 or letter_date <= filing.deadline:
        raise UsageError(f"filing {filing.id} ({filing.case_id}) is not overdue on {letter_date.isoformat()}"
                         f" (the reply is due by {filing.deadline.isoformat()})")
    if filing.channel not in CHANNELS:
        raise DataError(f"filing {filing.id}: unknown channel '{filing.channel}' (known: {', '.join(CHANNELS)})")
    applicant = _applicant(project)
    lang = filing.lang
    say = phrases(lang)
    original = _authority(filing.authority, project)
    recipient = original if kind == "reminder" else _authority(PROSECUTOR, project)
    values: dict[str, Any] = {
        "applicant": applicant_values(applicant, lang),
        "authority": {"name": pick(original.name, lang), "possessive": pick(original.possessive, lang)},
        "filed": parse_moment(filing.filed_at).kz_date(),
        "registered": filing.registered,
        "deadline": filing.deadline,
        "letter_date": letter_date,
        "ref": filing.ref or None,
        "extension_ref": filing.extension_ref or None,
        "original_subject": filing.subject,
        "days": original.reply_term.working_days,
        "overdue_days": overdue_days,
        "working_days": say.book["working_days"],
        # the registration date is a fact only from the authority's receipt; else the letters say "filed on"
        "registered_known": filing.registered_known,
        "post": filing.channel == "post",
        "norms": {key.replace("-", "_"): str(getattr(n.cite, lang)) for key, n in followup_norms().items()},
        "reminder": None if reminder is None else {"date": reminder.sent_on or reminder.dated,
                                                   "ref": reminder.ref or None},
        "waited_days": waited_days,
    }
    def text(*key: str, **more: Any) -> str:
        """The phrase `followup.<key>`, or its variant for the applicant's kind where the phrases split it."""
        path = ("followup", *key)
        if say.has(*path, applicant.kind):
            path = (*path, applicant.kind)
        return say(*path, **values, **more)

    values["channel"] = text("channels", filing.channel)  # in person: the applicant, or an organisation's courier

    first = [text(kind, "filed"), text("authority")]
    if filing.registered_known:
        first.append(text("registered"))
    elif filing.ref:
        first.append(text("numbered"))
    late = [text("no_reply")]
    if filing.extended_until is None:
        late.append(text("no_extension"))
    term = "term_extended" if filing.extended_until else "term" if filing.registered_known else "term_computed"
    paragraphs = [" ".join(first), text(term), " ".join(late)]
    if kind == "prosecutor":
        paragraphs += [text(kind, "reminded"), text(kind, "breach"), text(kind, "competence")]

    requests = [say("request", n=n, text=text(kind, "requests", name))
                for n, name in enumerate(_REQUESTS[kind], start=1)]
    subject = text(kind, "subject")
    return {
        "lang": lang,
        "kind": kind,
        "case_id": filing.case_id,
        "filing_id": filing.id,
        "addressee": list(recipient.addressee.get(lang, [])),
        "authority_name": pick(recipient.name, lang),
        "authority_address": pick(recipient.address, lang),
        "authority_email": recipient.email,
        "applicant": applicant_block(applicant, lang, values),
        "sender": values["applicant"]["name"],
        "sender_email": values["applicant"]["email"],
        "heading": text(kind, "heading"),
        "subject": subject,
        "email_subject": text(kind, "email_subject", subject=subject),
        "paragraphs": paragraphs,
        "requests_intro": text(kind, "requests_intro"),
        "requests": requests,
        "annexes_heading": text("annexes_heading"),
        "annexes": [text("annex", name=filing.letter_name, sha256=filing.letter_sha256)],
        "signature": signature(applicant, lang, letter_date),
    }


def _applicant(project: ProjectFile) -> Applicant:
    applicant = project.project.applicant
    if applicant is None:
        where = project.path or "the project"
        raise UsageError(f"{where}: no applicant; a follow-up letter is signed by the project's applicant")
    return applicant


def _authority(profile: str, project: ProjectFile) -> Authority:
    """The profile `profile`, with the project's changes when the project's authority is built on it."""
    if profile not in authorities():
        raise DataError(f"'{profile}' is not a known authority profile (known: {', '.join(sorted(authorities()))})")
    ref = project.project.authority
    if isinstance(ref, AuthorityOverride) and ref.base == profile:
        return resolve_authority(ref)
    return resolve_authority(profile)
