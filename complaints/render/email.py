"""The letter as an .eml draft: a MIME message the user opens in a mail client and sends from there.

The body travels base64-encoded in MIME's canonical text form: every line ending (LF, CR or CRLF)
is written as CRLF and nothing else changes, not even a final line break is added. Parsed back,
`get_body(("plain",)).get_content()` is `body` with CRLF line endings.
"""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import datetime
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

# CRLF line endings, folding at 78, non-ASCII only in RFC 2047/2231 encoded form: a 7-bit file every client opens
_POLICY = email_policy.SMTP
# Python's own table, not the system's mime.types: the same name gets the same type on every machine
_TYPES = mimetypes.MimeTypes()
_TYPES.add_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
_TYPES.add_type("application/vnd.oasis.opendocument.text", ".odt")
_TYPES.add_type("image/webp", ".webp")


def render_eml(*, sender_name: str, sender_email: str, to: str | None, subject: str, body: str,
               attachments: list[tuple[str, bytes]], sent: datetime, lang: str, ref: str) -> bytes:
    """The letter and its attachments as .eml bytes, marked unsent so mail clients open it as a draft."""
    if sent.utcoffset() is None:
        raise ValueError("sent must be a timezone-aware datetime")
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = Address(display_name=sender_name, addr_spec=sender_email)
    if to and to.strip():
        msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<{hashlib.sha256(ref.encode()).hexdigest()[:32]}@complaints.invalid>"
    msg["X-Unsent"] = "1"
    # as bytes, so that the text comes back exactly: a str body would get a final line break added
    canonical = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    msg.set_content(canonical.encode(), "text", "plain", params={"charset": "utf-8"})
    for name, data in attachments:
        maintype, subtype = _mime_type(name).split("/")
        msg.add_attachment(data, maintype, subtype, filename=name)
    if attachments:
        msg.set_boundary(_boundary(ref, body, attachments))
    # last: set_content and add_attachment move or drop every Content-* header already there
    msg["Content-Language"] = lang
    return msg.as_bytes(policy=_POLICY)


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
    # "=_" never occurs in base64 or quoted-printable text, so no part can contain the boundary
    return f"=_complaints_{digest.hexdigest()[:40]}"
