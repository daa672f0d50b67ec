"""RFC 3161 timestamps: a capture record sent to time-stamping authorities, and their tokens checked.

    authorities_of   the authorities complaints.yaml names (`timestamping:`), each with the certificate to trust
    stamp_record     asks each authority, independently, for a token over a record's bytes (SHA-256, a nonce,
                     certReq) and writes each token beside the record; a Stamp per authority, never an exception
                     for an authority's failure
    trust_of         the roots a token may chain to: the authorities' certificates and the system's CA bundle
    verify_token     a token against the bytes it is said to cover and those roots: ok, data-changed, invalid,
                     untrusted

What is written is the authority's whole reply (the DER TimeStampResp, status and token), byte for byte as it
came: it is what the authority signed and sent, `openssl ts -verify -in FILE -data RECORD -CAfile ROOT` reads it
as it is, and rfc3161-client decodes it as it is. The token alone (`-token_out`) would drop the status only.
"""

from __future__ import annotations

import hashlib
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message as HTTPMessage
from functools import lru_cache
from pathlib import Path
from typing import IO

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from .. import __version__
from ..case.read import ProjectFile
from ..errors import Problem, ProjectError
from ..files import write_new
from .record import Stamp, token_name

__all__ = ["Authority", "Trust", "Verdict", "VERDICTS", "SYSTEM_CA_BUNDLE", "MAX_REPLY", "authorities_of",
           "stamp_record", "trust_of", "verify_token", "read_reply"]

SYSTEM_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")  # Debian's ca-certificates: the roots the system trusts
MAX_REPLY = 1 << 20  # a token is a few kilobytes, with its certificate chain some ten: a reply above 1 MiB is not one
VERDICTS = ("ok", "data-changed", "invalid", "untrusted")

_SHA = {"2.16.840.1.101.3.4.2.1": hashlib.sha256, "2.16.840.1.101.3.4.2.2": hashlib.sha384,
        "2.16.840.1.101.3.4.2.3": hashlib.sha512}
_SHA256 = "2.16.840.1.101.3.4.2.1"


@dataclass(frozen=True)
class Authority:
    """A time-stamping authority: its address, its name as the letters say it, the certificate to trust it by."""

    url: str
    name: str = ""  # default: the address's host
    certificate: Path | None = None  # a PEM (or DER) file: the root (or the TSA's own certificate) to trust

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", urllib.parse.urlsplit(self.url).hostname or "tsa")


@dataclass(frozen=True)
class Trust:
    """The certificates a token's signer may chain to, and where they were read from."""

    roots: tuple[x509.Certificate, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    kind: str  # one of VERDICTS
    message: str  # a sentence for the advocate
    time: str | None = None  # genTime, ISO 8601 with offset, where the token could be read
    authority: str | None = None  # the signer as its certificate names it, where the token could be read


# ---------------------------------------------------------------- the authorities of a project


def authorities_of(project: ProjectFile) -> list[Authority]:
    """The authorities of complaints.yaml's `timestamping:`, in order; each `certificate:` resolved against the
    project file's folder, which it must stay inside, and read (ProjectError, with the line and column, if it
    is outside, missing or not a certificate). Two authorities of one name get -2, -3… (their tokens' names)."""
    entries = project.project.timestamping or []
    root = project.root.resolve() if project.root is not None else None
    problems: list[Problem] = []
    found: list[Authority] = []
    taken: set[str] = set()
    for i, entry in enumerate(entries):
        at: tuple[str | int, ...] = ("timestamping", i)
        scheme = urllib.parse.urlsplit(entry.url).scheme.lower()
        if scheme not in ("http", "https"):
            problems.append(_problem(project, (*at, "url"), f"'{entry.url}' is not an http or https address"))
            continue
        certificate: Path | None = None
        if entry.certificate is not None:
            certificate, problem = _certificate_path(project, root, entry.certificate, (*at, "certificate"))
            if problem is not None:
                problems.append(problem)
                continue
        authority = Authority(entry.url, entry.name or "", certificate)
        name, n = authority.name, 1
        while token_name("x", name).lower() in taken:
            n += 1
            name = f"{authority.name}-{n}"
        taken.add(token_name("x", name).lower())
        found.append(Authority(authority.url, name, certificate))
    if problems:
        raise ProjectError(project.document.path if project.document else str(project.path), problems)
    return found


def _certificate_path(project: ProjectFile, root: Path | None, given: str,
                      at: tuple[str | int, ...]) -> tuple[Path | None, Problem | None]:
    if root is None:
        return None, _problem(project, at, "a certificate needs a complaints.yaml to be relative to")
    path = (root / given).resolve()
    if Path(given).is_absolute() or not path.is_relative_to(root):
        return None, _problem(project, at, f"'{given}' is outside the project's folder ({root.name}/); put the"
                                           " certificate in it and give its path relative to complaints.yaml")
    if not path.is_file():
        return None, _problem(project, at, f"no such file: '{given}' (relative to complaints.yaml)")
    try:
        _load_certificates(path)
    except (OSError, ValueError) as exc:
        return None, _problem(project, at, f"'{given}' is not a certificate (PEM or DER): {exc}")
    return path, None


def _problem(project: ProjectFile, at: tuple[str | int, ...], message: str) -> Problem:
    if project.document is not None:
        return project.document.problem(at, message)
    return Problem(str(project.path), 1, 1, ".".join(str(p) for p in at), message)


# ---------------------------------------------------------------- asking for tokens


class _Failed(Exception):
    """An authority gave no usable token; the message says why, for the Stamp."""


def stamp_record(record: Path, stem: str, authorities: Sequence[Authority], *, timeout: float = 20.0) -> list[Stamp]:
    """A token over `record`'s bytes from each authority, asked at the same time and independently, each written
    beside the record as `token_name(stem, authority.name)` (never over an existing file); a Stamp per authority,
    in order: with the token's name and time, or with `error` saying why there is none. `timeout`: for each
    authority, the whole exchange. Only reading the record itself can raise (OSError)."""
    data = Path(record).read_bytes()
    if not authorities:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(authorities)), thread_name_prefix="tsa") as pool:
        futures = [pool.submit(_stamp_one, Path(record), stem, data, a, timeout) for a in authorities]
        return [f.result() for f in futures]


def _stamp_one(record: Path, stem: str, data: bytes, authority: Authority, timeout: float) -> Stamp:
    try:
        reply, when = _ask(authority, data, timeout)
        name = token_name(stem, authority.name)
        try:
            write_new(record.parent / name, reply)
        except FileExistsError:
            raise _Failed(f"a token named {name} is already there; it was left as it is") from None
        except OSError as exc:
            raise _Failed(f"the token could not be written: {exc.strerror or exc}") from None
        return Stamp(authority.name, authority.url, name, when)
    except _Failed as exc:
        return Stamp(authority.name, authority.url, None, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - an authority's failure is a Stamp's error, never the caller's
        return Stamp(authority.name, authority.url, None, error=f"unexpected failure: {type(exc).__name__}: {exc}")


def _ask(authority: Authority, data: bytes, timeout: float) -> tuple[bytes, str]:
    """The authority's reply for `data`, checked: granted, over our SHA-256, with our nonce, a good signature."""
    request = (TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
               .nonce(nonce=True).cert_request(cert_request=True).build())
    reply = _post(authority.url, request.as_bytes(), timeout)
    try:
        response = read_reply(reply)
    except ValueError:
        raise _Failed(f"the reply is not an RFC 3161 timestamp reply ({len(reply)} bytes)") from None
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        said = "; ".join(response.status_string) if response.status_string else ""
        raise _Failed(f"the authority refused: {_status(response.status)}" + (f" ({said})" if said else ""))
    if response.status != PKIStatus.GRANTED:
        raise _Failed("the authority granted a token with modifications (status 1), which cannot be verified")
    info = response.tst_info
    if info.message_imprint.hash_algorithm.dotted_string != _SHA256 or \
            info.message_imprint.message != hashlib.sha256(data).digest():
        raise _Failed("the token is not over this record (its message imprint is another)")
    if info.nonce != request.nonce:
        raise _Failed("the token does not carry this request's nonce (a replayed or misdirected reply)")
    verdict = verify_token(reply, data, trust_of([authority]))
    if verdict.kind == "invalid":
        raise _Failed(f"the token does not verify: {verdict.message}")
    # "untrusted" is kept: its certificate may be trusted later (complaints.yaml); `evidence --verify` says so
    return reply, _kz_time(info.gen_time)


def _status(status: int) -> str:
    try:
        return f"status {status} ({PKIStatus(status).name.lower().replace('_', ' ')})"
    except ValueError:
        return f"status {status}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        raise _Failed(f"the authority answered with a redirect (HTTP {code}) to {newurl}: give that address in"
                      " complaints.yaml if it is the authority's")


def _post(url: str, body: bytes, timeout: float) -> bytes:
    """POST a request; the reply's body, at most MAX_REPLY bytes. `timeout`: for the connection and each read,
    and for the whole answer (checked between reads, so a reply dripped slowly ends within twice that)."""
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        raise _Failed(f"'{url}' is not an http or https address")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply",
        "User-Agent": f"complaints/{__version__}"})
    opener = urllib.request.build_opener(_NoRedirect)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as answer:
            chunks, size = [], 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Failed(f"no whole answer within {timeout:g} s")
                chunk = answer.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_REPLY:
                    raise _Failed(f"the reply is larger than {MAX_REPLY // 1024} KiB: not a timestamp reply")
                chunks.append(chunk)
            promised = answer.headers.get("Content-Length", "")
            if promised.strip().isdigit() and int(promised) > size:
                raise _Failed(f"the answer was cut short ({size} of the {int(promised)} bytes promised came)")
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise _Failed(f"the authority answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise _Failed(f"no answer within {timeout:g} s") from None
        raise _Failed(f"no answer: {getattr(reason, 'strerror', None) or reason}") from None
    except TimeoutError:
        raise _Failed(f"no answer within {timeout:g} s") from None
    except http.client.IncompleteRead as exc:
        raise _Failed(f"the answer was cut short ({len(exc.partial)} bytes came)") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # the connection cut, a malformed answer
        raise _Failed(f"no usable answer: {getattr(exc, 'strerror', None) or exc or type(exc).__name__}") from None


# ---------------------------------------------------------------- reading and verifying tokens


def read_reply(data: bytes) -> TimeStampResponse:
    """A TimeStampResp decoded (ValueError if it is not one). rfc3161-client reads strict DER; a reply whose
    certificates are not in DER's order (OpenSSL's `-chain`, some authorities) is read from a copy with them
    sorted: the signature does not cover that list, so the copy says the same, and the file keeps the original."""
    try:
        return decode_timestamp_response(data)
    except ValueError:
        sorted_copy = _certificates_sorted(data)
        if sorted_copy is None or sorted_copy == data:
            raise
        return decode_timestamp_response(sorted_copy)


def _tlv(buf: bytes, i: int) -> tuple[int, int, int]:
    """The DER element at `i`: (tag byte, start of its content, end). ValueError where it is not DER."""
    if i + 2 > len(buf):
        raise ValueError("short")
    tag = buf[i]
    if tag & 0x1F == 0x1F:
        raise ValueError("high tag")
    n = buf[i + 1]
    j = i + 2
    if n & 0x80:
        count = n & 0x7F
        if count == 0 or count > 4 or j + count > len(buf):
            raise ValueError("indefinite or long length")
        n = int.from_bytes(buf[j:j + count], "big")
        j += count
    if j + n > len(buf):
        raise ValueError("short")
    return tag, j, j + n


def _children(buf: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    out, i = [], start
    while i < end:
        tag, body, stop = _tlv(buf, i)
        out.append((tag, i, body, stop))
        i = stop
    return out


def _certificates_sorted(data: bytes) -> bytes | None:
    """The reply with SignedData's certificates [0] in DER's SET OF order (None where it cannot be walked)."""
    try:
        tag, body, end = _tlv(data, 0)
        parts = _children(data, body, end)  # status, timeStampToken
        if tag != 0x30 or len(parts) < 2:
            return None
        token = parts[1]
        info = _children(data, token[2], token[3])  # contentType, [0] content
        if len(info) < 2 or info[1][0] != 0xA0:
            return None
        signed = _children(data, info[1][2], info[1][3])
        if not signed or signed[0][0] != 0x30:
            return None
        fields = _children(data, signed[0][2], signed[0][3])
        certs = next((f for f in fields if f[0] == 0xA0), None)
        if certs is None:
            return None
        items = [data[s:e] for _, s, _, e in _children(data, certs[2], certs[3])]
        width = max((len(x) for x in items), default=0)
        items.sort(key=lambda x: (x.ljust(width, b"\0"), len(x)))
        return data[:certs[2]] + b"".join(items) + data[certs[3]:]
    except ValueError:
        return None


def _load_certificates(path: Path) -> list[x509.Certificate]:
    raw = path.read_bytes()
    with warnings.catch_warnings():  # the system bundle holds old roots cryptography warns about (serial ≤ 0)
        warnings.simplefilter("ignore")
        if b"-----BEGIN" in raw:
            return x509.load_pem_x509_certificates(raw)
        return [x509.load_der_x509_certificate(raw)]


@lru_cache(maxsize=4)
def _system_roots(path: Path, mtime_ns: int) -> tuple[x509.Certificate, ...]:
    return tuple(_load_certificates(path))


def trust_of(authorities: Iterable[Authority] = (), *, certificates: Iterable[Path] = (),
             system: bool = True, bundle: Path = SYSTEM_CA_BUNDLE) -> Trust:
    """The roots to trust: each authority's `certificate:`, the `certificates` given, and (`system`) the system's
    CA bundle where there is one. A file that cannot be read is left out (authorities_of has said so)."""
    roots: list[x509.Certificate] = []
    sources: list[str] = []
    paths = [a.certificate for a in authorities if a.certificate is not None] + list(certificates)
    for path in dict.fromkeys(paths):
        try:
            roots += _load_certificates(path)
            sources.append(str(path))
        except (OSError, ValueError):
            continue
    if system and bundle.is_file():
        try:
            roots += _system_roots(bundle, bundle.stat().st_mtime_ns)
            sources.append(str(bundle))
        except (OSError, ValueError):
            pass
    unique = list({c.fingerprint(hashes.SHA256()): c for c in roots}.values())
    return Trust(tuple(unique), tuple(sources))


def verify_token(token: bytes, data: bytes, trust: Trust) -> Verdict:
    """Does `token` (a TimeStampResp, as stamp_record writes it) cover `data`, signed by a certificate that chains
    to one of `trust`'s roots? ok; data-changed (a good token over other bytes); invalid (not a token, refused,
    a bad signature, a signer that is not a time-stamping certificate); untrusted (the signer chains to no root
    trusted here)."""
    try:
        response = read_reply(token)
    except ValueError:
        return Verdict(False, "invalid", f"not an RFC 3161 timestamp reply ({len(token)} bytes that do not read as one)")
    if response.status != PKIStatus.GRANTED:
        return Verdict(False, "invalid", f"the reply holds no granted token: {_status(response.status)}")
    try:
        info = response.tst_info
        when, signer = _kz_time(info.gen_time), _signer(response)
        algorithm = info.message_imprint.hash_algorithm.dotted_string
        imprint = info.message_imprint.message
    except Exception as exc:  # noqa: BLE001 - a token the library cannot read is not a token
        return Verdict(False, "invalid", f"the token cannot be read: {exc}")
    digest = _SHA.get(algorithm)
    if digest is None:
        return Verdict(False, "invalid", f"the token's hash algorithm ({algorithm}) is not SHA-2", when, signer)
    if digest(data).digest() != imprint:
        return Verdict(False, "data-changed", "the file is not the one the token was made for: its hash differs"
                       " from the token's", when, signer)
    if not trust.roots:
        return Verdict(False, "untrusted", "no certificate to trust it by: give the authority's certificate in"
                       " complaints.yaml (timestamping: certificate:)", when, signer)
    try:
        VerifierBuilder(roots=list(trust.roots)).build().verify_message(response, data)
    except VerificationError as exc:
        text = str(exc)
        if "certificate verify error" in text or "local issuer" in text or "self-signed" in text or \
                "self signed" in text:
            detail = text.split('Verify error: ', 1)[-1].split('"', 1)[0] if "Verify error: " in text else text
            return Verdict(False, "untrusted", f"the signer ({signer or 'unknown'}) does not chain to a certificate"
                           f" trusted here ({detail}); give the authority's root certificate in complaints.yaml"
                           " (timestamping: certificate:)", when, signer)
        if "signature failure" in text:
            return Verdict(False, "invalid", "the token's signature is bad (the token was altered)", when, signer)
        return Verdict(False, "invalid", f"the token does not verify: {text}", when, signer)
    except Exception as exc:  # noqa: BLE001 - the library's parser failing on a token is a bad token
        return Verdict(False, "invalid", f"the token does not verify: {exc}", when, signer)
    return Verdict(True, "ok", f"timestamped {when} by {signer or 'the authority'}", when, signer)


def _signer(response: TimeStampResponse) -> str | None:
    """The signer's common name (else its whole name), from the certificate the SignerInfo names."""
    try:
        infos = list(response.signed_data.signer_infos)
        if len(infos) != 1:
            return None
        info = infos[0]
        for der in response.signed_data.certificates:
            cert = x509.load_der_x509_certificate(der)
            if cert.issuer == info.issuer and cert.serial_number == info.serial_number:
                cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
                return str(cn[0].value) if cn else cert.subject.rfc4514_string()
        return None
    except Exception:  # noqa: BLE001 - only a name for the message
        return None


def _kz_time(moment: datetime) -> str:
    """A token's genTime as every other time of the tool is said: Kazakhstan time with its offset."""
    from ..case.when import kz_zone

    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(kz_zone()).isoformat()
