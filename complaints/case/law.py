"""The norms catalogue and the authority profiles: data files with sources, read and looked up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import CaseError, DataError
from .load import read_yaml
from .model import ALL, AuthorityOverride, Day, InlineNorm, Localized, NonEmpty, Recipients, Url, structure_problems

DATA = resources.files("complaints") / "data"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InForce(_Data):
    from_: Day | None = Field(default=None, alias="from")
    until: Day | None = None
    confirmed: bool = False


class Norm(_Data):
    """One entry of the norms catalogue."""

    id: str = ""
    short: Localized
    citation: Localized
    text: Localized | None = None
    in_force: InForce = InForce()
    source: Url
    checked: Day
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
    source: Url
    checked: Day
    note: str | None = None
    # the fields not read in an official source, each with why: `complaints check` lists them before signing
    unconfirmed: dict[str, str] = Field(default_factory=dict)


class _Authorities(_Data):
    format: int
    authorities: dict[str, Authority]


def _read(name: str, model: type[BaseModel]) -> Any:
    with resources.as_file(DATA / name) as path:
        try:
            doc = read_yaml(path, display=f"complaints/data/{name}")
        except CaseError as exc:
            raise DataError(str(exc)) from None
        try:
            return model.model_validate(doc.data)
        except ValidationError as exc:
            raise DataError("\n".join(str(p) for p in structure_problems(doc, exc, model))) from None


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Norm]:
    """Every norm of the catalogue, by id."""
    data: _Catalogue = _read("norms.yaml", _Catalogue)
    return {key: norm.model_copy(update={"id": key}) for key, norm in data.norms.items()}


@lru_cache(maxsize=1)
def authorities() -> dict[str, Authority]:
    """Every built-in authority profile, by id."""
    data: _Authorities = _read("authorities.yaml", _Authorities)
    return {key: a.model_copy(update={"id": key}) for key, a in data.authorities.items()}


def norm(norm_id: str) -> Norm:
    """One norm of the catalogue; KeyError names the unknown id."""
    return catalogue()[norm_id]


def resolve_authority(ref: str | AuthorityOverride | None) -> Authority:
    """A profile id or an override on top of one (the project's or the case's) → the profile to use."""
    if ref is None:
        ref = "mki-rk"
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
