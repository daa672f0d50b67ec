"""Word letter → PDF, by LibreOffice itself, one office process kept running for many letters.

The PDF is made from the very DOCX bytes the tool wrote, so the two never disagree. LibreOffice is driven
through UNO by `uno_convert.py`, run by a Python that has the `uno` module (Debian's python3 with the
python3-uno package, or the Python inside LibreOffice). Fonts are embedded (subsets); Times New Roman is
replaced by its metric twin Liberation Serif where Microsoft's font is not installed, which has every
Kazakh letter. The dates and the document id LibreOffice writes into each PDF are replaced by ones made
from the letter itself, so that the same letter gives the same bytes every run.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import re
import select
import shutil
import struct
import subprocess
import tempfile
import threading
import zlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import IO

from .. import locks
from ..errors import ComplaintsError
from .office import INSTALL, Link, find_soffice, pythons, server_link, user_folder

__all__ = ["INSTALL", "ConversionError", "Office", "OfficeFailed", "OfficeMissing", "find_office", "read_line", "settle"]

TIMEOUT = 120.0  # seconds for one letter: LibreOffice stuck longer than this is restarted
START_TIMEOUT = 120.0  # seconds an office server may take to start its LibreOffice


class OfficeMissing(ComplaintsError):
    """LibreOffice (or the Python that drives it) is not installed: no PDF can be made."""


class OfficeFailed(OfficeMissing):
    """LibreOffice is installed but does not start (a broken install, a profile it cannot write): no PDF is made."""


class ConversionError(ComplaintsError):
    """LibreOffice could not turn one letter into a PDF."""


def find_office() -> tuple[str, str]:
    """LibreOffice's `soffice` and a Python that can drive it; OfficeMissing says what to install.

    COMPLAINTS_SOFFICE names the `soffice` to use where it is not on the PATH.
    """
    return _find_office(os.environ.get("COMPLAINTS_SOFFICE"))


@cache
def _find_office(named: str | None) -> tuple[str, str]:
    soffice = find_soffice(named)
    if soffice is None:
        raise OfficeMissing(f"PDF letters need LibreOffice, which was not found ({INSTALL})")
    for python in pythons(soffice):
        try:
            done = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return soffice, python
    raise OfficeMissing("PDF letters need LibreOffice's Python bridge (the `uno` module), which was not found"
                        f" ({INSTALL})")


class Office:
    """One running LibreOffice that converts letters to PDF, started on first use and stopped by `close`."""

    def __init__(self, scratch: str | Path | None = None) -> None:
        # where its scratch folder is made (None: the system's temporary folder); LibreOffice wants a whole path
        self._root = os.path.abspath(scratch) if scratch is not None else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._scratch: str | None = None
        self._profile_lock: int | None = None
        self._soffice = "soffice"
        self._link: Link | None = None  # to an office server (the run's own, or `complaints office`), where one runs
        self._shared = True  # whether to look for one: not after it could not start LibreOffice
        self.shared_pdfs = 0  # the PDFs an office server made for this one
        self._turn = False  # which of the two scratch names the next letter takes

    def convert(self, docx: bytes, *, pdfa: bool = False, letter_date: date | None = None) -> bytes:
        """The PDF of a Word letter (PDF/A-2b with `pdfa`), with its dates set to `letter_date`."""
        attempt = 1
        while True:  # a LibreOffice that crashed or hung is started again, once
            self.launch()
            assert self._scratch is not None
            # two names in turn: LibreOffice closes the last letter while this one is written (and Windows
            # would not let a file still open be written)
            self._turn = not self._turn
            source = os.path.join(self._scratch, f"letter-{int(self._turn)}.docx")
            target = os.path.join(self._scratch, f"letter-{int(self._turn)}.pdf")
            with open(source, "wb") as fh:
                fh.write(docx)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            job: dict[str, object] = {"in": source, "out": target, "pdfa": pdfa}
            try:
                if self._link is not None:
                    answer = self._ask_server(self._link, job)
                    if answer is None:  # the server cannot start LibreOffice: this process starts its own
                        self.close()
                        self._shared = False
                        continue
                else:
                    answer = self._ask(self._started(), job)
            except ConversionError:
                self.close()
                if attempt == 2:
                    raise
                attempt += 1
                continue
            if not answer.get("ok"):
                raise ConversionError(f"LibreOffice could not make the PDF: {answer.get('error', 'no reason given')}")
            with open(target, "rb") as fh:
                return settle(fh.read(), letter_date)

    def _ask_server(self, link: Link, job: dict[str, object]) -> dict[str, object] | None:
        """The office server's answer; None where it cannot start LibreOffice; ConversionError where it went away
        or its LibreOffice stopped on this letter (started again, by the server or here)."""
        answer = link.ask(job, timeout=START_TIMEOUT + TIMEOUT)
        if answer is None or answer.get("lost"):
            raise ConversionError(str((answer or {}).get("error") or "the office server stopped unexpectedly"))
        if answer.get("fatal"):
            return None
        if answer.get("ok"):
            self.shared_pdfs += 1
        return answer

    def launch(self) -> None:
        """Start LibreOffice now, without waiting for it: it gets ready while other work goes on. Where an office
        server runs (the run's own, started early, or `complaints office`), connect to it instead."""
        if self._link is not None or (self._proc is not None and self._proc.poll() is None):
            return
        if self._shared:
            self._link = server_link()
            if self._link is not None:
                self._scratch = self._scratch or self._made_scratch()
                atexit.register(self.close)
                return
        soffice, python = find_office()
        self._soffice = soffice
        self._scratch = self._scratch or self._made_scratch()
        script = str(Path(__file__).with_name("uno_convert.py"))
        args = [python, script, soffice]
        profile = self._kept_profile()
        if profile is not None:
            args.append(profile)
        # The converter runs in a session of its own: a kill of this process's whole group (a terminal closed, a
        # job killed) does not reach it, it sees its input end and stops LibreOffice, which would otherwise run
        # on, holding the profile. It keeps the profile's lock until then, so no other run takes the profile.
        # On Windows a process group of its own is what keeps a Ctrl-C in the console from reaching it.
        posix = os.name == "posix"
        self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      start_new_session=posix,
                                      creationflags=0 if posix else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
                                      pass_fds=(self._profile_lock,) if posix and self._profile_lock is not None else ())
        self._ready = False
        atexit.register(self.close)

    def _made_scratch(self) -> str:
        # the letter passes through this folder (with the IIN): made inside the output's own temporary folder,
        # it goes with it, even when this process is killed before `close`
        if self._root is not None:
            os.makedirs(self._root, exist_ok=True)
        return tempfile.mkdtemp(prefix="complaints-pdf-", dir=self._root)

    def _started(self) -> subprocess.Popen[bytes]:
        self.launch()
        assert self._proc is not None
        if not self._ready:
            try:
                ready = self._answer(self._proc, timeout=TIMEOUT)
            except ConversionError as exc:
                ready = {"ok": False, "error": str(exc)}
            if not ready.get("ok"):
                self.close()
                raise OfficeFailed(f"LibreOffice ({self._soffice}) was found but did not start: {ready.get('error', '')};"
                                   f" see whether `{self._soffice} --headless --version` works, or set"
                                   " COMPLAINTS_SOFFICE to the soffice of a LibreOffice that does")
            self._ready = True
        return self._proc

    def _kept_profile(self) -> str | None:
        """A LibreOffice profile folder kept between runs, one per running converter (LibreOffice starts
        faster with one); None where no cache folder can be had, and on Windows: the profile's lock must pass to
        the converter, to be held as long as its LibreOffice runs, and only POSIX hands an open file to a child
        (pass_fds); a fresh profile each run is slower to start, never shared."""
        if os.name != "posix":
            return None
        try:
            base = user_folder()  # only the user may open it (0700)
        except (RuntimeError, KeyError, OSError):  # no home folder (some service accounts): a fresh profile each run
            return None
        for slot in range(64):
            folder = base / f"profile-{slot}"
            try:
                folder.mkdir(exist_ok=True, mode=0o700)
            except OSError:
                return None
            try:
                self._profile_lock = locks.take(folder / ".lock")
            except locks.Busy:  # another converter's
                continue
            except OSError:  # the lock file cannot be made
                return None
            return str(folder)
        return None

    def _ask(self, proc: subprocess.Popen[bytes], job: dict[str, object]) -> dict[str, object]:
        assert proc.stdin is not None
        try:
            proc.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
            proc.stdin.flush()
        except BrokenPipeError:
            raise ConversionError("LibreOffice stopped unexpectedly") from None
        return self._answer(proc, timeout=TIMEOUT)

    @staticmethod
    def _answer(proc: subprocess.Popen[bytes], timeout: float) -> dict[str, object]:
        assert proc.stdout is not None
        ready, line = read_line(proc.stdout, timeout)
        if not line:
            raise ConversionError("LibreOffice stopped or did not answer in time" if ready else
                                  f"LibreOffice did not answer within {timeout:.0f} seconds")
        return json.loads(line)

    def close(self) -> None:
        """Stop LibreOffice (it stops by itself too when this process ends); an office server's is left running."""
        link, self._link = self._link, None
        if link is not None:
            link.close()
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                if proc.stdin:
                    proc.stdin.close()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        if self._profile_lock is not None:
            locks.release(self._profile_lock)  # the profile folder is free for the next converter
            self._profile_lock = None


def read_line(stream: IO[bytes], timeout: float, *, select_pipe: bool = os.name == "posix") -> tuple[bool, bytes]:
    """The next line from a child process's pipe, waited for at most `timeout` seconds: (whether anything came,
    the line; empty if the pipe ended or nothing came). Windows cannot `select` a pipe: a thread reads it there
    (`select_pipe` False), and goes on waiting after a timeout until the caller stops the process."""
    if select_pipe:
        ready, _, _ = select.select([stream], [], [], timeout)
        return bool(ready), stream.readline() if ready else b""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return bool(got), got[0] if got else b""


def settle(pdf: bytes, letter_date: date | None) -> bytes:
    """A PDF with LibreOffice's clock times replaced by the letter's date and its id by a hash of the content.

    Every replacement keeps the length, so the file's cross-reference offsets stay right; but for the colour
    profile of a PDF/A (see `_settled_colour_profile`), which moves the objects after it and says so in the
    cross-reference table.
    """
    if letter_date is None:
        return pdf
    pdf = _settled_colour_profile(pdf, letter_date)
    day = letter_date.strftime("%Y%m%d")

    def pdf_date(m: re.Match[bytes]) -> bytes:
        return b"D:" + day.encode() + b"0" * (len(m.group(1)) - 8)

    pdf = re.sub(rb"D:(\d{14})", pdf_date, pdf)
    iso = letter_date.isoformat().encode()

    def xmp_date(m: re.Match[bytes]) -> bytes:
        stamp = m.group(2)
        return m.group(1) + (iso + b"T00:00:00" + b"0" * len(stamp))[: len(stamp)].ljust(len(stamp), b"0")

    pdf = re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", xmp_date, pdf)
    tail = pdf[-4096:]  # the trailer: the file's id and LibreOffice's checksum, both made with the clock
    ids = set(re.findall(rb"<([0-9A-Fa-f]{32})>", tail)) | set(re.findall(rb"/DocChecksum /([0-9A-Fa-f]{32})", tail))
    body = pdf
    for old in ids:
        body = body.replace(old, b"")
    digest = hashlib.md5(body, usedforsecurity=False).hexdigest().upper().encode()
    for old in ids:
        pdf = pdf.replace(old, digest)
    uuids = set(re.findall(rb"uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", pdf))
    for i, old in enumerate(sorted(uuids)):
        h = hashlib.sha256(digest + bytes([i])).hexdigest()
        new = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}".encode()
        pdf = pdf.replace(b"uuid:" + old, b"uuid:" + new)
    return pdf



_ICC_STREAM = re.compile(rb"(\d+) 0 obj\n<</N 3/Length (\d+) 0 R/Filter/FlateDecode>>\nstream\n")


def _icc_stream(pdf: bytes) -> re.Match[bytes] | None:
    """`_ICC_STREAM.search(pdf)`, the same match, found from its fixed text: the pattern opens with digits, which
    a search tries at every digit of the file (4-6 ms a letter, most of `settle`)."""
    at = pdf.find(_ICC_TEXT)
    while at >= 0:
        start = at
        while start > 0 and pdf[start - 1] in _DIGITS:
            start -= 1
        if start < at:
            found = _ICC_STREAM.match(pdf, start)
            if found is not None:
                return found
        at = pdf.find(_ICC_TEXT, at + 1)
    return None


_ICC_TEXT = b" 0 obj\n<</N 3/Length "
_DIGITS = frozenset(b"0123456789")


def _settled_colour_profile(pdf: bytes, letter_date: date) -> bytes:
    """A PDF/A's sRGB colour profile (ICC) with its creation time set to the letter's date: LibreOffice's colour
    library stamps the moment of export into the profile's header, so two runs gave two files.

    The profile is a compressed stream: compressed again it may change length, so the objects after it move, and
    the cross-reference table's offsets, the stream's /Length object and `startxref` are moved with them.
    Anything not as expected (another writer, a table in another form) leaves the PDF as it was.
    """
    found = _icc_stream(pdf)
    if found is None:
        return pdf
    start = found.end()
    end = pdf.find(b"\nendstream", start)
    length_obj = re.compile(rb"\n" + found.group(2) + rb" 0 obj\n(\d+)\nendobj")
    length = length_obj.search(pdf, end)
    startxref = re.search(rb"startxref\n(\d+)\n%%EOF\s*$", pdf)
    if end < 0 or length is None or startxref is None or int(length.group(1)) != end - start:
        return pdf
    try:
        profile = bytearray(zlib.decompress(pdf[start:end]))
    except zlib.error:
        return pdf
    if profile[36:40] != b"acsp":  # not an ICC profile
        return pdf
    profile[24:36] = struct.pack(">6H", letter_date.year, letter_date.month, letter_date.day, 0, 0, 0)
    stream = zlib.compress(bytes(profile), 9)
    moved = len(stream) - (end - start)
    new_length = str(len(stream)).encode()
    moved_more = len(new_length) - len(length.group(1))

    def shifted(offset: int) -> int:
        return offset + (moved if offset > start else 0) + (moved_more if offset > length.start(1) else 0)

    xref_at = int(startxref.group(1))
    table = re.compile(rb"xref\n(\d+) (\d+)\n").match(pdf, xref_at)
    if table is None:
        return pdf
    entries, rows_at = int(table.group(2)), table.end()
    rows = []
    for i in range(entries):
        row = pdf[rows_at + 20 * i: rows_at + 20 * (i + 1)]
        if len(row) != 20 or row[17:18] not in (b"n", b"f"):
            return pdf  # not the classic table of fixed-width rows
        rows.append(b"%010d" % shifted(int(row[:10])) + row[10:] if row[17:18] == b"n" else row)
    out = (pdf[:start] + stream + pdf[end:length.start(1)] + new_length + pdf[length.end(1):rows_at]
           + b"".join(rows) + pdf[rows_at + 20 * entries:startxref.start(1)] + str(shifted(xref_at)).encode()
           + pdf[startxref.end(1):])
    return out
