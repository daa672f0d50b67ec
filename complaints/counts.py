"""Counts in the English messages of the command line, with the noun in its plural form where the count needs it
("1 warning", "2 warnings"): the gettext `ngettext` choice, so that a translated catalogue could take over."""

from __future__ import annotations

from gettext import ngettext


def counted(n: int, one: str, many: str | None = None) -> str:
    """`n` and its noun: counted(1, "case") is "1 case", counted(3, "case") "3 cases", counted(2, "match",
    "matches") "2 matches"."""
    return f"{n:,} {ngettext(one, many if many is not None else one + 's', n)}"


def verb(n: int, one: str, many: str) -> str:
    """The verb agreeing with a count: verb(1, "has", "have") is "has"."""
    return ngettext(one, many, n)


def rate(done: int, seconds: float, unit: str = "letters/s") -> str:
    """How fast, where it means something: nothing for a run too short to time, or with nothing done."""
    per_second = done / seconds if done > 0 and seconds >= 1.0 else 0.0
    if per_second < 0.05:  # "0 letters/s" says nothing
        return ""
    return f"{per_second:,.1f} {unit}" if per_second < 10 else f"{per_second:,.0f} {unit}"
