"""What an e-mail's header can carry: the one set of rules the .eml writer (render/email.py) follows and
validation checks beforehand, so that a case `validate` passes never fails at `render --format eml`.

A draft is a 7-bit message (RFC 5322, no SMTPUTF8): a header is one line; an address's part before the @ is
ASCII (an address like пользователь@пример.рф needs SMTPUTF8, which drafts opened by mail programs cannot
count on); a domain in another script (bücher.example, пример.рф) is written in its ASCII form (IDNA,
xn--bcher-kva.example) where that form gives the same domain back.
"""

from __future__ import annotations

import re
from email import errors, policy

# RFC 5322 dot-atom: the part of an address before the @, as every mail program writes it
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
# a host name's label (RFC 1035, with digits first allowed as RFC 1123 does); IDNA's "xn--" labels are of this form
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
EXAMPLE = "name@example.kz"


def line_break_problem(text: str) -> str | None:
    """Why `text` cannot stand in an e-mail header (From, To, Subject, an attachment's name), or None."""
    if "\r" in text or "\n" in text:
        return "has a line break, which an e-mail's header cannot carry: write it on one line"
    return None


def address_problem(text: str) -> str | None:
    """Why `text` is not one e-mail address the writer can put in a header, or None."""
    try:
        ascii_address(text)
    except ValueError as exc:
        return str(exc)
    return None


def ascii_address(text: str) -> str:
    """One e-mail address (name@example.kz) as a header carries it: its domain in ASCII (IDNA) if it is in another
    script; ValueError saying what is wrong."""
    if line_break_problem(text):
        raise ValueError("an e-mail address cannot have a line break")
    spec = text.strip()
    if any(c in spec for c in ",;<>"):
        raise ValueError(f"'{spec}' is not one e-mail address: give one address alone, such as {EXAMPLE}")
    local, at, domain = spec.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"'{spec}' is not an e-mail address: it needs a name, @ and a domain, such as {EXAMPLE}")
    if not local.isascii():
        raise ValueError(f"'{spec}': the part before @ is not in Latin letters, which an e-mail draft cannot"
                         " carry (that takes SMTPUTF8, which mail programs do not all have): give an address"
                         " written in Latin letters")
    if len(local) > 64 or not _LOCAL.fullmatch(local):
        raise ValueError(f"'{spec}' is not an e-mail address: before the @ only letters, digits and"
                         f" !#$%&'*+-/=?^_`{{|}}~ are allowed, with single dots between them (e.g. {EXAMPLE})")
    return f"{local}@{_ascii_domain(spec, domain)}"


def _ascii_domain(spec: str, domain: str) -> str:
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        raise ValueError(f"'{spec}' is not an e-mail address: the domain after @ must be names with single dots"
                         " between them, such as example.kz")
    out = []
    for label in labels:
        if not label.isascii():
            try:
                encoded = label.encode("idna").decode("ascii")
                same = encoded.encode("ascii").decode("idna") == label.lower()
            except UnicodeError:
                encoded, same = "", False
            if not same:
                # IDNA 2003 (Python's) would send it elsewhere: ß becomes ss, fußball.de fussball.de
                raise ValueError(f"'{spec}': the domain's '{label}' has no ASCII form that gives it back (e-mail"
                                 " headers carry a domain in ASCII): write the domain as your mail provider gives"
                                 " it in ASCII (xn--…)")
            label = encoded
        if not _LABEL.fullmatch(label):
            raise ValueError(f"'{spec}' is not an e-mail address: '{label}' is not a domain name (letters, digits"
                             " and inner hyphens)")
        out.append(label)
    ascii_domain = ".".join(out)
    if len(ascii_domain) > 253:
        raise ValueError(f"'{spec}' is not an e-mail address: its domain is longer than 253 characters")
    return ascii_domain


def recipients(text: str) -> list[tuple[str, str]]:
    """The addresses of a To field: one or more, separated by commas, each `name@example.kz` or `Name
    <name@example.kz>`, as (display name, address as the header carries it); ValueError saying what is wrong."""
    if line_break_problem(text):
        raise ValueError("e-mail addresses cannot have a line break: separate them with commas")
    parsed = policy.SMTP.header_factory("To", text)
    # an address in another script before the @ is told apart below, with what to do about it
    defects = [d for d in parsed.defects if not isinstance(d, errors.NonASCIILocalPartDefect)]
    if defects or not parsed.addresses:
        raise ValueError(f"'{text.strip()}' is not a list of e-mail addresses: write {EXAMPLE}, or Name <{EXAMPLE}>,"
                         " with commas between them")
    return [(address.display_name, ascii_address(address.addr_spec)) for address in parsed.addresses]


def recipients_problem(text: str) -> str | None:
    """Why `text` is not a To field's addresses, or None (an empty one is none: no To)."""
    if not text.strip():
        return None
    try:
        recipients(text)
    except ValueError as exc:
        return str(exc)
    return None
