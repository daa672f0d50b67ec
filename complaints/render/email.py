"""The letter as an .eml draft: a MIME message the user opens in a mail client and sends from there.

The body travels base64-encoded in MIME's canonical text form: every line ending (LF, CR or CRLF)
is written as CRLF and nothing else changes, not even a final line break is added. Parsed back,
`get_body(("plain",)).get_content()` is `body` with CRLF line endings.

Subject and display names are encoded here (RFC 2047, base64 words of whole characters), not by `email`:
Python 3.11's folding loses or adds spaces in long or mixed-script text (CPython gh-144156). Python 3.11's
parser in turn puts a space between the encoded words of a display name too long for one word (about 22
Kazakh letters), against RFC 2047 6.2 (CPython gh-128110); mail clients read them as written.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Mapping
from datetime import date, datetime, time
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from ..case.mail import ascii_address, line_break_problem, recipients
from ..case.when import kz_zone
from ..errors import ComplaintsError

# CRLF line endings, lines of at most 78, non-ASCII only in RFC 2047/2231 encoded form: a 7-bit file every client opens
_POLICY = email_policy.SMTP
# Python's own table, not the system's mime.types: the same name gets the same type on every machine
_TYPES = mimetypes.MimeTypes()
_TYPES.add_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
_TYPES.add_type("application/vnd.oasis.opendocument.text", ".odt")
_TYPES.add_type("image/webp", ".webp")
# RFC 5322 atext and space: a display name of only these needs neither quotes nor encoding
_ATEXT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~ ")
_UNSTRUCTURED = frozenset(chr(c) for c in range(32, 127))


def draft(context: Mapping[str, Any], *, body: str, attachments: list[tuple[str, bytes]], day: date,
          ref: str) -> bytes:
    """A letter's context (a letter's or a follow-up's) as its .eml draft: from its sender to its authority's
    address where the profile gives one, dated 09:00 Kazakhstan time on the letter's date (the mail program sets
    the real date when it sends)."""
    sender_email = context.get("sender_email")
    if not sender_email:
        raise ComplaintsError("e-mail letters (.eml) need the applicant's e-mail address: add"
                              " applicant.email to the project file (complaints.yaml)")
    return render_eml(sender_name=str(context["sender"]), sender_email=str(sender_email),
                      to=str(context.get("authority_email") or "") or None, subject=str(context["email_subject"]),
                      body=body, attachments=attachments, sent=datetime.combine(day, time(9, 0), tzinfo=kz_zone()),
                      lang=str(context["lang"]), ref=ref)


def render_eml(*, sender_name: str, sender_email: str, to: str | None, subject: str, body: str,
               attachments: list[tuple[str, bytes]], sent: datetime, lang: str, ref: str) -> bytes:
    """The letter and its attachments as .eml bytes, marked unsent so mail clients open it as a draft."""
    if sent.utcoffset() is None:
        raise ValueError("sent must be a timezone-aware datetime")
    msg = EmailMessage(policy=_POLICY)
    # the rules validation checks (case/mail.py): what it lets through is written here, the rest refused the same
    sender = Address(display_name=_one_line(sender_name, "the sender's name"), addr_spec=ascii_address(sender_email))
    # set_raw: written as given, so the policy's folding never touches the text
    msg.set_raw("From", _mailbox(sender, "From"))
    if to and to.strip():
        msg.set_raw("To", ",\r\n ".join(_mailbox(Address(display_name=name, addr_spec=spec), "To")
                                          for name, spec in recipients(to)))
    msg.set_raw("Subject", _text(subject, _UNSTRUCTURED, "Subject"))
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<{hashlib.sha256(ref.encode()).hexdigest()[:32]}@complaints.invalid>"
    msg["X-Unsent"] = "1"
    # as bytes, so that the text comes back exactly: a str body would get a final line break added
    canonical = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    msg.set_content(canonical.encode(), "text", "plain", params={"charset": "utf-8"})
    for name, data in attachments:
        _one_line(name, f"the attachment's name '{name}'")
        maintype, subtype = _mime_type(name).split("/")
        msg.add_attachment(data, maintype, subtype, filename=name)
    for part in msg.iter_attachments():
        del part["MIME-Version"]  # add_attachment gives every part one; only the message needs it
    if attachments:
        msg.set_boundary(_boundary(ref, body, attachments))
    # last: set_content and add_attachment move or drop every Content-* header already there
    msg["Content-Language"] = lang
    return msg.as_bytes(policy=_POLICY)


def _mailbox(address: Address, field: str) -> str:
    """One address as it stands in the From or To field, its display name encoded if it has to be."""
    if not address.display_name:
        return address.addr_spec
    # room for the comma that may follow in a list of recipients
    name = _text(address.display_name, _ATEXT, field, after=len(f" <{address.addr_spec}>,"))
    # encoded words fill their lines, so the address goes on a line of its own
    return f"{name} <{address.addr_spec}>" if name == address.display_name else f"{name}\r\n <{address.addr_spec}>"


def _text(text: str, plain: frozenset[str], field: str, after: int = 0) -> str:
    """Header text as written: as is if it is short and `plain`, else RFC 2047 encoded words, one a line."""
    _one_line(text, f"the {field} '{text}'")
    room = 78 - len(f"{field}: ")
    if set(text) <= plain and "=?" not in text and text == " ".join(text.split()) and len(text) + after <= room:
        return text
    # as many whole characters as fit: "=?utf-8?b?" + base64 + "?=" at most 75 long (RFC 2047) and on the first line
    size = (min(75, room) - len("=?utf-8?b??=")) // 4 * 3
    words, chunk = [], b""
    for char in text:
        if len(chunk) + len(char.encode()) > size:
            words.append(chunk)
            chunk = b""
        chunk += char.encode()
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words)


def _one_line(text: str, what: str) -> str:
    problem = line_break_problem(text)
    if problem:
        raise ValueError(f"{what} {problem}")
    return text


def _mime_type(name: str) -> str:
    """The content type an attachment is sent as, from its file name."""
    mime, encoding = _TYPES.guess_type(name, strict=False)
    # a compressed file (.gz) is not its inner type; message/* parts may not be base64 (RFC 2046)
    if mime is None or encoding is not None or mime.startswith("message/"):
        return "application/octet-stream"
    return mime


def _boundary(ref: str, body: str, attachments: list[tuple[str, bytes]]) -> str:
    """A MIME boundary that is the same for the same message, so the output is reproducible."""
    digest = hashlib.sha256()
    for piece in (ref, body, *(f"{name}\0{hashlib.sha256(data).hexdigest()}" for name, data in attachments)):
        digest.update(piece.encode() + b"\0")
    # every part is base64, which has no "_", so no part can contain the boundary
    return f"=_complaints_{digest.hexdigest()[:40]}"
