"""The norms catalogue and the authority profiles: data files with sources, read and looked up."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import CaseError, DataError, Problem
from .load import Document, read_yaml
from .model import ALL, AuthorityOverride, Case, Day, InlineNorm, Localized, NonEmpty, Recipients, Url, structure_problems

DATA = resources.files("complaints") / "data"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InForce(_Data):
    from_: Day | None = Field(default=None, alias="from")
    until: Day | None = None
    confirmed: bool = False


class Replacement(_Data):
    """The norm that replaced a repealed one, and the first day it did: `on` is the successor's `in_force.from`.

    `confirmed: false` marks a day not read in the official text; `unconfirmed` says what is known, and
    `earliest`/`latest` bound the day where only that much is known (a posting date between them is a warning:
    which of the two norms was in force then depends on the unconfirmed day).
    """

    norm: NonEmpty
    on: Day
    confirmed: bool = False
    unconfirmed: str | None = None
    earliest: Day | None = None
    latest: Day | None = None
    source: Url
    checked: Day


class Norm(_Data):
    """One entry of the norms catalogue."""

    id: str = ""
    short: Localized
    citation: Localized
    article: str | None  # None: the law is cited by title (and number/date) only; `unconfirmed` says why
    text: Localized | None = None
    in_force: InForce = InForce()
    replaced_by: Replacement | None = None
    source: Url
    checked: Day
    unconfirmed: str | None = None
    note: str | None = None

    def in_force_on(self, day: date) -> bool:
        start, end = self.in_force.from_, self.in_force.until
        return (start is None or day >= start) and (end is None or day <= end)


class _Catalogue(_Data):
    format: int
    norms: dict[str, Norm]


class ReplyTerm(_Data):
    working_days: int
    extension: str | None = None
    basis: Localized


class Competence(_Data):
    """What a body is competent for, as the letter states it before the requests, with where that is written."""

    text: Localized
    source: Url
    checked: Day


class Authority(_Data):
    """Who a letter is addressed to."""

    id: str = ""
    name: Localized
    possessive: Localized
    addressee: dict[str, list[NonEmpty]]
    address: Localized
    email: Recipients = ""  # the rules an e-mail draft follows, as for an override (case/mail.py)
    channels: list[str] = Field(default_factory=list)
    reply_term: ReplyTerm
    competence: Competence | None = None
    source: Url
    checked: Day
    note: str | None = None
    # the fields not read in an official source, each with why: `complaints check` lists them before signing
    unconfirmed: dict[str, str] = Field(default_factory=dict)


class _Authorities(_Data):
    format: int
    authorities: dict[str, Authority]


def read_data(name: str, model: type[BaseModel]) -> Any:
    """The tool's data file complaints/data/NAME, read and checked as `model`: DataError lists every problem at
    its line (a lawyer edits these files)."""
    with resources.as_file(DATA / name) as path:
        return _read_file(path, f"complaints/data/{name}", model)[1]


def _read_file(path: Path, display: str, model: type[BaseModel]) -> tuple[Document, Any]:
    try:
        doc = read_yaml(path, display=display)
    except CaseError as exc:
        raise DataError(str(exc)) from None
    try:
        return doc, model.model_validate(doc.data)
    except ValidationError as exc:
        raise DataError("\n".join(str(p) for p in structure_problems(doc, exc, model))) from None


def read_catalogue(path: Path, display: str | None = None) -> dict[str, Norm]:
    """A norms catalogue file, read and checked: DataError lists every problem at its line (a lawyer edits it).

    Besides each entry's fields: a `replaced_by` names a norm of the catalogue; a period does not end before
    it starts; a replaced norm's last day is the day before `replaced_by.on`, and its successor's first day is
    that day (the two periods neither overlap nor leave a gap); `article: null` says in `unconfirmed` why.
    """
    doc, data = _read_file(path, display or str(path), _Catalogue)
    norms = {key: n.model_copy(update={"id": key}) for key, n in data.norms.items()}
    problems = catalogue_problems(doc, norms)
    if problems:
        raise DataError("\n".join(str(p) for p in problems))
    return norms


def catalogue_problems(doc: Document, norms: dict[str, Norm]) -> list[Problem]:
    """What joins entries of a catalogue: the links between norms and their periods (see read_catalogue)."""
    problems: list[Problem] = []
    for key, n in norms.items():
        at = ("norms", key)
        start, end = n.in_force.from_, n.in_force.until
        if start and end and start > end:
            problems.append(doc.problem(at + ("in_force", "until"),
                                        f"{end} is before in_force.from ({start}): the period ends before it starts"))
        if n.article is None and not n.unconfirmed:
            problems.append(doc.problem(at + ("article",), "no article: say in `unconfirmed` why the law is cited"
                                                           " by title only (which article is not confirmed)"))
        link = n.replaced_by
        if link is None:
            continue
        if link.norm == key:
            problems.append(doc.problem(at + ("replaced_by", "norm"), "a norm cannot replace itself"))
            continue
        successor = norms.get(link.norm)
        if successor is None:
            close = difflib.get_close_matches(link.norm, sorted(norms), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (the ids are: {', '.join(sorted(norms))})"
            problems.append(doc.problem(at + ("replaced_by", "norm"), f"'{link.norm}' is not in the catalogue{hint}"))
            continue
        day_before = link.on - timedelta(days=1)
        if end is None:
            problems.append(doc.problem(at + ("in_force",), f"a replaced norm needs `until: {day_before}`, its last"
                                                            f" day in force (replaced_by.on is {link.on})"))
        elif end != day_before:
            what = "overlaps its successor's" if end >= link.on else "leaves a gap before its successor's"
            problems.append(doc.problem(at + ("in_force", "until"),
                                        f"{end} {what} period: the last day in force is {day_before}, the day"
                                        f" before replaced_by.on ({link.on})"))
        if successor.in_force.from_ != link.on:
            problems.append(doc.problem(("norms", link.norm, "in_force", "from"),
                                        f"{successor.in_force.from_ or 'nothing'}: {link.norm} replaced {key} on"
                                        f" {link.on} (norms.{key}.replaced_by.on), so it is in force from that day;"
                                        " the two periods must neither overlap nor leave a gap"))
        if link.earliest and link.on < link.earliest:
            problems.append(doc.problem(at + ("replaced_by", "earliest"), f"is after replaced_by.on ({link.on})"))
        if link.latest and link.on > link.latest:
            problems.append(doc.problem(at + ("replaced_by", "latest"), f"is before replaced_by.on ({link.on})"))
        if not link.confirmed and not link.unconfirmed:
            problems.append(doc.problem(at + ("replaced_by", "confirmed"), "an unconfirmed date needs"
                                                                           " `unconfirmed`: what is known of it"))
    return problems


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Norm]:
    """Every norm of the catalogue, by id."""
    with resources.as_file(DATA / "norms.yaml") as path:
        return read_catalogue(path, "complaints/data/norms.yaml")


@lru_cache(maxsize=1)
def authorities() -> dict[str, Authority]:
    """Every built-in authority profile, by id."""
    data: _Authorities = read_data("authorities.yaml", _Authorities)
    return {key: a.model_copy(update={"id": key}) for key, a in data.authorities.items()}


def check_data() -> None:
    """Read the catalogue and the authority profiles now: DataError lists every located problem of either file.

    Commands call it before a batch, so that a mistake in a data file a lawyer edited is shown at its line once,
    rather than as every case's failure.
    """
    catalogue()
    authorities()


def norm(norm_id: str) -> Norm:
    """One norm of the catalogue; KeyError names the unknown id."""
    return catalogue()[norm_id]


DEFAULT_AUTHORITY = "mki-rk"  # the addressee of a case and project that name none: the Ministry of Culture and Information


def resolve_authority(ref: str | AuthorityOverride | None) -> Authority:
    """A profile id or an override on top of one (the project's or the case's) → the profile to use."""
    if ref is None:
        ref = DEFAULT_AUTHORITY
    if isinstance(ref, str):
        return authorities()[ref]
    base = authorities()[ref.base]
    changes = {k: v for k, v in ref.model_dump(exclude={"base", "unconfirmed"}).items() if v is not None}
    # a field the project gives is the project's to vouch for: the profile's doubt about it goes, its own stays
    changes["unconfirmed"] = {**{k: v for k, v in base.unconfirmed.items() if k not in changes},
                              **(ref.unconfirmed or {})}
    if "addressee" in changes:
        changes["addressee"] = {**base.addressee, **changes["addressee"]}
    for key in ("name", "possessive", "address"):
        if key in changes and ALL not in changes[key]:
            changes[key] = {**getattr(base, key), **changes[key]}
    return base.model_copy(update=changes)


@dataclass(frozen=True)
class CitedNorm:
    """A norm as a letter cites it: from the catalogue or written inline in the case."""

    id: str | None
    citation: dict[str, str]
    text: dict[str, str] | None
    in_force_from: date | None
    in_force_until: date | None
    source: str | None

    def in_force_on(self, day: date) -> bool:
        start, end = self.in_force_from, self.in_force_until
        return (start is None or day >= start) and (end is None or day <= end)


def cited(ref: str | InlineNorm) -> CitedNorm:
    """A case's norm reference, looked up."""
    if isinstance(ref, str):
        n = norm(ref)
        return CitedNorm(n.id, n.citation, n.text, n.in_force.from_, n.in_force.until, n.source)
    return CitedNorm(None, ref.citation, ref.text, ref.in_force_from, ref.in_force_until, ref.source)


# ---- norms over time ---------------------------------------------------------------------------------------
# A letter cites the norm in force when the comment was posted; where that norm is no longer in force on the
# letter's date it says so, and, for a comment still online, adds the norm that replaced it (`replaced_by` in the
# catalogue). `complaints check` uses in_force/successor to list the norms no longer in force on a letter's date.

NormLike = str | Norm | CitedNorm


def _as_cited(n: NormLike) -> CitedNorm:
    if isinstance(n, Norm):
        return CitedNorm(n.id, n.citation, n.text, n.in_force.from_, n.in_force.until, n.source)
    return cited(n) if isinstance(n, str) else n


def in_force(n: NormLike, on: date) -> bool:
    """Whether the norm (a catalogue id, a catalogue Norm, or a case's CitedNorm) is in force on the day `on`.

    An open end (no `from`, no `until`) counts as in force; both ends are inclusive.
    """
    return _as_cited(n).in_force_on(on)


def successor(n: NormLike, on: date) -> Norm | None:
    """The catalogue norm in force on `on` that replaced `n`, directly or along a chain of `replaced_by` links.

    None when `n` itself is in force on `on`, when it is an inline norm (no links), or when nothing in force that
    day replaced it (a norm repealed without a successor, or `on` before the norm was repealed).
    """
    start = _as_cited(n)
    if start.id is None or start.in_force_on(on):
        return None
    seen = {start.id}
    current = norm(start.id)
    while current.replaced_by is not None and current.replaced_by.norm not in seen:
        current = norm(current.replaced_by.norm)
        seen.add(current.id)
        if current.in_force_on(on):
            return current
    return None


def replacement_of(n: NormLike, by: str) -> Replacement | None:
    """The `replaced_by` link along `n`'s chain that leads to `by` (the last one before it), if any."""
    start = _as_cited(n)
    if start.id is None:
        return None
    current = norm(start.id)
    seen = {current.id}
    while current.replaced_by is not None and current.replaced_by.norm not in seen:
        if current.replaced_by.norm == by:
            return current.replaced_by
        current = norm(current.replaced_by.norm)
        seen.add(current.id)
    return None


@dataclass(frozen=True)
class Citation:
    """One norm as a letter cites it, and why.

    `listed` is the index in the case's `legal_basis.norms` it comes from. `why`:
      as_listed        in force when the comment was posted (or the day is unknown) and on the letter's date;
      when_posted      in force when posted, no longer on the letter's date: marked as such;
      successor        replaced the norm above and is in force on the letter's date (the comment still online);
      replaced_before  the listed norm was repealed before the comment was posted: this is the one then in force;
      later_in_force   came into force after the comment was posted; cited as in force on the letter's date
                       because the comment is still online.
    """

    norm: CitedNorm
    listed: int
    why: str

    @property
    def mark(self) -> str | None:
        """The phrase key (under `norm_time` in the phrases) that marks this citation, if any."""
        if self.why == "when_posted":
            return "when_posted"
        if self.why in ("successor", "later_in_force"):
            return "on_letter_date"
        return None


@dataclass(frozen=True)
class Omitted:
    """A norm the letter leaves out, and why.

    `listed` is the index in the case's `legal_basis.norms` it comes from. `why`:
      not_yet_in_force  came into force after the comment was posted, which is not known to be online since;
      seen_before       in force on the letter's date (a listed norm, or the successor of one), but the comment
                        was last seen online (`still_online`) before it took effect.
    """

    norm: CitedNorm
    listed: int
    why: str


def cite_in_time(refs: list[str | InlineNorm] | tuple[str | InlineNorm, ...], posted: date | None,
                 letter_date: date, still_online: date | None) -> tuple[list[Citation], list[Omitted]]:
    """The norms a letter cites for a comment posted on `posted` (None: unknown), in the order the case lists them.

    `still_online` is the day the comment was last seen online (None: not known to be). A listed norm repealed
    before `posted` gives way to the catalogue norm that replaced it then; a norm in force when posted but not on
    `letter_date` is cited as in force then and, for a comment seen online while its successor was in force,
    followed by that successor (in force on `letter_date`); a norm that came into force after `posted` is cited
    likewise only for a comment seen online since it did (as in force on the letter's date), else left out.
    A norm reached twice is cited once.
    """
    out: list[Citation] = []
    omitted: list[Omitted] = []
    seen: set[tuple[str | None, str]] = set()

    def add(n: CitedNorm, i: int, why: str) -> None:
        key = (n.id, n.id or repr(sorted(n.citation.items())))
        if key not in seen:
            seen.add(key)
            out.append(Citation(n, i, why))

    def online_under(n: CitedNorm) -> bool | None:
        """Whether the comment was seen online while `n` was in force: None if it is not known to be online."""
        if still_online is None:
            return None
        return n.in_force_from is None or still_online >= n.in_force_from

    for i, ref in enumerate(refs):
        n = cited(ref)
        if posted is None:
            add(n, i, "as_listed")
            continue
        then: CitedNorm | None = n
        why = "as_listed"
        if not n.in_force_on(posted):
            later = successor(n, posted)
            if later is not None:
                then, why = _as_cited(later), "replaced_before"
            elif n.in_force_from is not None and posted < n.in_force_from:
                then = None
        if then is None:
            online = online_under(n)
            if online and n.in_force_on(letter_date):
                add(n, i, "later_in_force")
            else:
                omitted.append(Omitted(n, i, "seen_before" if online is False else "not_yet_in_force"))
            continue
        if then.in_force_on(letter_date) or not then.in_force_on(posted):
            add(then, i, why)  # in force throughout, or out of force when posted with no successor (a warning)
            continue
        add(then, i, "when_posted")
        now = successor(then, letter_date)
        if now is not None:
            online = online_under(_as_cited(now))
            if online:
                add(_as_cited(now), i, "successor")
            elif online is False:
                omitted.append(Omitted(_as_cited(now), i, "seen_before"))
    return out, omitted


def posting_day(case: Case) -> tuple[date | None, bool]:
    """The day the norms of `case` are chosen for, and whether it is the comment's own date.

    The comment's date in Kazakhstan when the case gives it; else the article's date (the comment is no older
    than the article under which it appeared), False; else (None, False): the norms are cited as listed.
    """
    if case.comment.posted is not None:
        return case.comment.posted.kz_date(), True
    if case.article.published is not None:
        return case.article.published.kz_date(), False
    return None, False


def letter_citations(case: Case, letter_date: date) -> tuple[list[Citation], list[Omitted]]:
    """cite_in_time for one case: its norms, its posting day (posting_day), still online or not. Worked out once
    for the same norms and days (a case's check and its letter in each language ask the same): new lists each
    time, of the same citations."""
    day, _ = posting_day(case)
    seen = case.comment.still_online.kz_date() if case.comment.still_online is not None else None
    refs = case.legal_basis.norms
    if not all(type(ref) is str for ref in refs):  # a norm written out in the case: worked out each time
        return cite_in_time(refs, day, letter_date, seen)
    key = (tuple(refs), day, letter_date, seen)
    found = _CITED.get(key)
    if found is None:
        found = cite_in_time(refs, day, letter_date, seen)
        if len(_CITED) >= 256:
            _CITED.clear()
        _CITED[key] = found
    return list(found[0]), list(found[1])


_CITED: dict[tuple[Any, ...], tuple[list[Citation], list[Omitted]]] = {}
