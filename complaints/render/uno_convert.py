"""A LibreOffice process kept running, converting Word files to PDF: the converter behind `--format pdf`.

This file is run as a script by a Python that can `import uno` (Debian's python3 with python3-uno, or the
Python inside LibreOffice on Windows and macOS), not by the tool's own Python, so it uses the standard
library and `uno` only. It starts `soffice` with its own empty profile, then reads one JSON job a line on
stdin, {"in": DOCX, "out": PDF, "pdfa": bool}, and answers each with one JSON line on stdout, {"ok": true}
or {"ok": false, "error": "..."}. When stdin closes, LibreOffice is shut down and the profile removed.

    python3 uno_convert.py SOFFICE [PROFILE]

PROFILE is a LibreOffice user profile folder kept between runs (LibreOffice starts faster with one); without
it, a temporary one is made and removed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import uno  # noqa: I001 - only here, in LibreOffice's Python
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def start(soffice, profile, pipe):
    args = [soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
            "--nofirststartwizard", "--norestore", "--nolockcheck",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    # dates inside the PDF in UTC, whatever the machine's zone: the tool replaces them with the letter's date
    env = dict(os.environ, TZ="UTC")
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env, start_new_session=True,  # Windows: its own process group, for taskkill /T
                            creationflags=0 if os.name == "posix" else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))


def connect(pipe, office, timeout=60.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if office.poll() is not None:
                raise RuntimeError(f"LibreOffice stopped while starting (exit status {office.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"LibreOffice did not start within {timeout:.0f} seconds") from None
            time.sleep(0.05)


def convert(desktop, job):
    """The job's PDF written; the document, still open, returned to be closed once the answer is sent (closing
    takes a tenth of a conversion, which the tool then spends on its next letter)."""
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["in"]), "_blank", 0,
                                       (prop("Hidden", True), prop("ReadOnly", True),
                                        prop("FilterName", "MS Word 2007 XML")))  # no type detection
    if doc is None:
        raise RuntimeError("LibreOffice could not open the Word file")
    try:
        options = [prop("EmbedStandardFonts", True), prop("UseTaggedPDF", True)]
        if job.get("pdfa"):
            options.append(prop("SelectPdfVersion", 2))  # PDF/A-2b
        data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(options))
        doc.storeToURL(uno.systemPathToFileUrl(job["out"]),
                       (prop("FilterName", "writer_pdf_Export"), prop("FilterData", data)))
    except BaseException:
        doc.close(True)
        raise
    return doc


def stop(office, finished, posix=os.name == "posix"):
    """LibreOffice stopped: told to terminate (`finished`), it ends by itself; if this ended otherwise (the tool's
    process was killed and our pipes broke), it is stopped here, at once. On Linux and macOS its whole process
    group, which it started; Windows has neither groups nor SIGKILL: `taskkill /T` stops its process tree
    (soffice.exe starts soffice.bin), forced if it does not stop."""
    if posix:
        steps = ((None, 5), (lambda: os.killpg(office.pid, signal.SIGTERM), 5),
                 (lambda: os.killpg(office.pid, signal.SIGKILL), 5))
    else:
        steps = ((None, 5), (lambda: _taskkill(office, force=False), 5), (lambda: _taskkill(office, force=True), 5))
    for step, wait in steps:
        if step is not None:
            try:
                step()
            except OSError:
                break
        try:
            office.wait(timeout=wait if step is not None or finished else 0)
            break
        except subprocess.TimeoutExpired:
            continue


def _taskkill(office, force):
    """Windows: the office's process tree told to stop (`force`: killed); Popen's own, where taskkill is not."""
    try:
        subprocess.run(["taskkill", "/T", *(["/F"] if force else []), "/PID", str(office.pid)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        if office.poll() is None:
            (office.kill if force else office.terminate)()


def main():
    # told to stop (SIGTERM): LibreOffice is stopped too (the `finally` below), not left running on its own
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    soffice = sys.argv[1]
    kept = len(sys.argv) > 2
    profile = sys.argv[2] if kept else tempfile.mkdtemp(prefix="complaints-office-")
    pipe = f"complaints-{os.getpid()}-{int(time.time() * 1000)}"
    office = start(soffice, profile, pipe)
    finished = False
    try:
        try:
            desktop = connect(pipe, office)
        except Exception as exc:  # noqa: BLE001 - told to the tool, which tells the user
            print(json.dumps({"ok": False, "error": str(exc), "fatal": True}), flush=True)
            return
        print(json.dumps({"ok": True, "ready": True, "office": office.pid}), flush=True)
        for line in sys.stdin:
            doc = None
            try:
                doc = convert(desktop, json.loads(line))
                answer = {"ok": True}
            except Exception as exc:  # noqa: BLE001 - one letter's failure, reported for that letter
                answer = {"ok": False, "error": getattr(exc, "Message", "") or str(exc) or type(exc).__name__}
            print(json.dumps(answer), flush=True)
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:  # noqa: BLE001,S110 - its PDF is written; LibreOffice lets it go when it stops
                    pass
        finished = True  # stdin closed: the tool is done with us
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001,S110 - it is going away either way
            pass
    finally:
        stop(office, finished)
        if not kept:
            shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
