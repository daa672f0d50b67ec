"""The .eml draft as the user's mail client gets it: headers, body and attachments parsed back from the bytes."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from complaints.render.email import render_eml

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SENT = datetime(2026, 11, 25, 14, 30, 5, tzinfo=timezone(timedelta(hours=5)))
RIPMIME = shutil.which("ripmime")
# a quoted hateful comment, as a letter quotes it: markup-like text, quotes, emoji, Kazakh letters,
# leading spaces, a blank line and one paragraph far longer than the 998 octets a mail line may have
COMMENT = "«Казахский язык — это не язык, пусть все учат русский!» & <b>\"ха-ха\"</b> 'да' 😡🤬 <script>&amp;"
BODY = (
    "Қазақстан Республикасы Мәдениет және ақпарат министрлігіне\n\n"
    f"Пікір мәтіні:\n    {COMMENT}\n"
    "   ә ғ қ ң ө ұ ү һ і — Ә Ғ Қ Ң Ө Ұ Ү Һ І\n\n"
    + "Ұзын абзац: " + "бұл пікір ұлтаралық араздықты қоздырады, " * 40 + "соңы.\n"
    + "Құрметпен,\nӘлия Сәрсенбаева"
)


def _png() -> bytes:
    """A real 2×2 RGB PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + bytes([255, 0, 0, 0, 128, 255]) for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _docx() -> bytes:
    """A zip laid out like a Word file, with Kazakh text inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", "<w:document><w:t>Шағым: ә ғ қ ң ө ұ ү һ і</w:t></w:document>")
    return buffer.getvalue()


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 3 + b"\r\n\r\x00\n%%EOF\n"
ATTACHMENTS = [
    ("скриншот-әріп.png", _png()),
    # long enough that its RFC 2231 encoding is continued over several lines
    ("Шағым — Әлия Сәрсенбаева, ә ғ қ ң ө ұ ү һ і.docx", _docx()),
    ("дәлел.pdf", PDF),
    ("деректер.unknownext", bytes(range(255, -1, -1))),
]
TYPES = ["image/png", DOCX, "application/pdf", "application/octet-stream"]


def _render(**changes: Any) -> bytes:
    """render_eml with realistic arguments, some of them changed."""
    args: dict[str, Any] = dict(
        sender_name="Әлия Сәрсенбаева", sender_email="aliya.sarsenbayeva@example.kz", to="info@mci.gov.kz",
        subject="Шағым: «Nur.kz» сайтындағы ұлтаралық араздықты қоздыратын пікір туралы", body=BODY,
        attachments=ATTACHMENTS, sent=SENT, lang="kk", ref="nurkz-2023-10-06-kazakh-language/kk",
    )
    return render_eml(**{**args, **changes})


def _parse(data: bytes) -> email.message.EmailMessage:
    """The message as a mail program reads it, checked to have parsed without a complaint."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert [part.defects for part in msg.walk()] == [[] for _ in msg.walk()]
    return msg


@pytest.mark.parametrize("name", [
    "Әлия Сәрсенбаева", "Ғалымжан Қуанышұлы", "Өмірзақ Үсенов", "Теңіз Шаһмарданова",
    "Nurlan Serikuly", "O'Brien, \"Dr.\" Smith", "Фонд «Тіл»",
])
def test_from_decodes_back_exactly(name: str) -> None:
    msg = _parse(_render(sender_name=name))
    (sender,) = msg["From"].addresses
    assert sender.display_name == name
    assert sender.addr_spec == "aliya.sarsenbayeva@example.kz"


def test_long_display_name_is_split_into_words_a_mail_client_joins() -> None:
    name = "Қазақстан Республикасы Мәдениет және ақпарат министрлігі жанындағы «Тіл» қоғамдық бірлестігі"
    msg = _parse(_render(sender_name=name, to=f"{name} <info@mci.gov.kz>"))
    for field in ("From", "To"):
        raw = dict(msg.raw_items())[field]
        phrase, address = re.fullmatch(r"(.*?)\s*<(.*)>", raw, re.S).groups()
        # RFC 2047 6.2, as mail clients do it (Python 3.11's own address parser adds a space between words)
        assert str(make_header(decode_header(phrase))) == name
        assert address == msg[field].addresses[0].addr_spec


@pytest.mark.parametrize("subject", [
    "Шағым: «Nur.kz» сайтындағы пікір — ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І — ҚР Қылмыстық кодексінің 174-бабы "
    "бойынша ұлтаралық араздықты қоздыратын жарияланымды тексеру және шара қолдану туралы өтініш",
    "Жалоба: комментарий на сайте «Nur.kz», возбуждающий межнациональную рознь (ст. 174 УК РК), — просьба "
    "провести проверку и принять меры в отношении автора \"ZapadNamNePomozhet\"",
    "Complaint: a comment inciting ethnic hatred",
    "Complaint about a comment on Nur.kz inciting ethnic hatred (Article 174 of the Criminal Code of Kazakhstan)",
    "=?utf-8?q?not_an_encoded_word?= &  two  spaces ",
    "",
])
def test_subject_decodes_back_exactly(subject: str) -> None:
    assert str(_parse(_render(subject=subject))["Subject"]) == subject


def test_other_headers() -> None:
    msg = _parse(_render())
    assert msg["Date"].datetime == SENT
    assert str(msg["Date"]) == format_datetime(SENT) == "Wed, 25 Nov 2026 14:30:05 +0500"
    digest = hashlib.sha256(b"nurkz-2023-10-06-kazakh-language/kk").hexdigest()[:32]
    assert msg["Message-ID"] == f"<{digest}@complaints.invalid>"
    assert msg["X-Unsent"] == "1"
    assert msg["Content-Language"] == "kk"
    assert msg["MIME-Version"] == "1.0"
    assert [part["MIME-Version"] for part in msg.iter_parts()] == [None] * 5
    assert msg.get_content_type() == "multipart/mixed"
    assert _parse(_render(lang="ru"))["Content-Language"] == "ru"


@pytest.mark.parametrize(("to", "expected"), [
    ("info@mci.gov.kz", [("", "info@mci.gov.kz")]),
    ("Мәдениет министрлігі <info@mci.gov.kz>", [("Мәдениет министрлігі", "info@mci.gov.kz")]),
    ("info@mci.gov.kz, Кеңсе <kense@mci.gov.kz>", [("", "info@mci.gov.kz"), ("Кеңсе", "kense@mci.gov.kz")]),
])
def test_to(to: str, expected: list[tuple[str, str]]) -> None:
    msg = _parse(_render(to=to))
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == expected


@pytest.mark.parametrize("to", [None, "", "  "])
def test_no_to_header_without_a_recipient(to: str | None) -> None:
    data = _render(to=to)
    assert "To" not in _parse(data)
    assert b"\r\nTo:" not in data


@pytest.mark.parametrize("change", [
    {"sent": SENT.replace(tzinfo=None)},
    {"subject": "Шағым\r\nBcc: everyone@example.kz"},
    {"sender_name": "Әлия\nСәрсенбаева"},
    {"sender_email": "not an address"},
    {"to": "not an address"},
    {"to": "info@mci.gov.kz\nBcc: everyone@example.kz"},
])
def test_bad_arguments_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        _render(**change)


def test_body_round_trips_exactly() -> None:
    part = _parse(_render()).get_body(("plain",))
    assert part.get_content_type() == "text/plain"
    assert part.get_content_charset() == "utf-8"
    assert part["Content-Transfer-Encoding"] == "base64"
    # line endings come back as CRLF, MIME's canonical form of text; nothing else changes
    assert part.get_content().replace("\r\n", "\n") == BODY
    assert part.get_payload(decode=True) == BODY.replace("\n", "\r\n").encode()


def test_body_line_endings_are_normalised_and_no_final_one_added() -> None:
    plain = _render(body="а\nә\n\nб", attachments=[])
    assert _render(body="а\r\nә\r\n\r\nб", attachments=[]) == plain
    assert _render(body="а\rә\r\rб", attachments=[]) == plain
    assert _parse(plain).get_content() == "а\r\nә\r\n\r\nб"
    assert _parse(_render(body="", attachments=[])).get_content() == ""


def test_attachments() -> None:
    msg = _parse(_render())
    assert len(list(msg.iter_parts())) == 1 + len(ATTACHMENTS)
    parts = list(msg.iter_attachments())
    assert [part.get_filename() for part in parts] == [name for name, _ in ATTACHMENTS]
    assert [part.get_content_type() for part in parts] == TYPES
    assert [part.get_payload(decode=True) for part in parts] == [data for _, data in ATTACHMENTS]
    for part in parts:
        assert part.get_content_disposition() == "attachment"
        assert part["Content-Transfer-Encoding"] == "base64"


@pytest.mark.parametrize(("name", "mime"), [
    ("хат.docx", DOCX), ("хат.PDF", "application/pdf"), ("сурет.jpg", "image/jpeg"), ("сурет.webp", "image/webp"),
    ("жазба.txt.gz", "application/octet-stream"), ("бұрынғы хат.eml", "application/octet-stream"),
    ("атаусыз", "application/octet-stream"),
])
def test_attachment_type_from_name(name: str, mime: str) -> None:
    data = b"\x00\xff data"
    (part,) = _parse(_render(attachments=[(name, data)])).iter_attachments()
    assert (part.get_filename(), part.get_content_type(), part.get_payload(decode=True)) == (name, mime, data)


def test_plain_message_without_attachments() -> None:
    msg = _parse(_render(attachments=[]))
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content().replace("\r\n", "\n") == BODY


def test_raw_bytes_are_ascii_with_crlf_lines_of_at_most_998_octets() -> None:
    data = _render()
    assert data.isascii()
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    assert max(len(line) for line in lines) <= 998
    # folded to 78 wherever the syntax lets a line be folded: a media type cannot be
    assert [line for line in lines if len(line) > 78] == [f"Content-Type: {DOCX}".encode()]


def test_same_arguments_same_bytes() -> None:
    first = _render()
    assert _render() == first
    assert _render(body=BODY + ".") != first
    assert _render(attachments=[*ATTACHMENTS[:-1], ("деректер.unknownext", b"other")]) != first
    boundary = _parse(first).get_boundary()
    assert boundary and boundary == _parse(_render()).get_boundary()


@pytest.mark.skipif(not RIPMIME and not os.environ.get("CI"),
                    reason="ripmime is not installed here (Debian package ripmime; CI installs it)")
def test_an_independent_mime_parser_extracts_the_same_files(tmp_path: Path) -> None:
    assert RIPMIME, "ripmime is not installed: the CI install script must install the Debian package ripmime"
    eml = tmp_path / "letter.eml"
    eml.write_bytes(_render())
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([RIPMIME, "-i", str(eml), "-d", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    for name, data in ATTACHMENTS:
        assert (out / name).read_bytes() == data, name
    # the body has no file name: ripmime saves it as textfileN
    texts = [path.read_bytes() for path in out.glob("textfile*")]
    assert BODY.replace("\n", "\r\n").encode() in texts
