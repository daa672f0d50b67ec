"""LibreOffice kept running for PDF letters: a small office server, started early by a render or kept between
commands by `complaints office`.

The server is one process (this file, run as a script by the tool's Python with the standard library only) that
starts LibreOffice converters (uno_convert.py, one per process asked for), and serves PDF jobs to the tool's
processes over a local socket: a Unix socket in a folder only the user can open (0700), or on Windows a loopback
TCP port; each connection first gives the server's random token. The tool writes the Word file, the server's
converter writes the PDF beside it, the tool settles the PDF's dates (pdf.settle) as it always did: the bytes are
the same as with a converter of its own.

Two kinds of server, one code:
  - a run's own (`ahead`): a render with pdf among its formats starts it before its heavy imports, so LibreOffice
    starts while Python imports; found by the run's processes through the COMPLAINTS_OFFICE_RUN environment
    variable (a folder); it stops when the run ends or is killed (its standard input ends).
  - the user's (`complaints office`): detached, its state in the user's private folder (office.json); it stops
    after an idle time, on `complaints office stop`, on SIGTERM; killed outright, its converters see their input
    end and stop LibreOffice.

`ahead` runs before the tool's heavy imports: this module imports the standard library, and, in its functions,
the package's errors and layout (loaded with it already) and locks (the standard library alone).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

INSTALL = ("on Debian or Ubuntu: sudo apt install libreoffice-writer-nogui python3-uno fonts-liberation2;"
           " elsewhere: install LibreOffice from libreoffice.org")
RUN_ENV = "COMPLAINTS_OFFICE_RUN"  # the folder of the run's own server (set by `ahead`, inherited by its workers)
RUN_PID_ENV = "COMPLAINTS_OFFICE_RUN_PID"  # its process id
STATE = "office.json"  # in a server's folder: its pid, address and token
LOCK = "office.lock"  # in the user's folder: held by the user's server while it runs
LOG = "office.log"
START = 120.0  # seconds LibreOffice may take to start
TIMEOUT = 120.0  # seconds for one letter: a converter stuck longer is restarted
POSIX = os.name == "posix"
SCRIPT = str(Path(__file__).with_name("uno_convert.py"))


# --- finding LibreOffice --------------------------------------------------------------------------------------

def find_soffice(named: str | None) -> str | None:
    """LibreOffice's `soffice`: the one named (COMPLAINTS_SOFFICE), else on the PATH or where it is installed."""
    if named:
        return named if Path(named).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice",
                      r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if Path(candidate).is_file():
            return candidate
    return None


def pythons(soffice: str) -> list[str]:
    """Pythons that may have `uno`: LibreOffice's own first, then the system's."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [program / "python", program / "python.exe", program.parent / "Resources" / "python",
                  Path("/usr/bin/python3")]
    found = [str(p) for p in candidates if p.is_file()]
    on_path = shutil.which("python3")
    if on_path:
        found.append(on_path)
    return list(dict.fromkeys(found))


def user_folder() -> Path:
    """The user's own folder for LibreOffice (its profiles, the user's server's socket and state), made only the
    user may open (0700): libreoffice/ in the tool's cache folder (layout.user_cache). COMPLAINTS_OFFICE_DIR names
    another (the tests' own). RuntimeError/KeyError/OSError where there is none."""
    from ..layout import user_cache

    named = os.environ.get("COMPLAINTS_OFFICE_DIR")
    folder = Path(named) if named else user_cache() / "libreoffice"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if POSIX and folder.stat().st_mode & 0o077:
        os.chmod(folder, 0o700)  # made by an older version with the umask's rights (another user's: PermissionError)
    return folder


def _profiles(base: Path | None, count: int) -> list[tuple[str, int]]:
    """Kept LibreOffice profile folders for `count` converters (LibreOffice starts faster with one), each with its
    lock taken (complaints.locks: the same lock a render's own converter takes): the open files, which the server
    hands to its converters, each keeping its lock until its LibreOffice has stopped. None on Windows, which
    hands no open file to a child: a fresh profile each run there, slower to start, never shared."""
    if base is None or not POSIX:
        return []
    from .. import locks

    found: list[tuple[str, int]] = []
    for slot in range(64):
        if len(found) == count:
            break
        folder = base / f"profile-{slot}"
        try:
            folder.mkdir(exist_ok=True, mode=0o700)
            found.append((str(folder), locks.take(folder / ".lock")))
        except locks.Busy:  # another converter's
            continue
        except OSError:
            break
    return found


# --- the client's side -----------------------------------------------------------------------------------------

class Link:
    """One connection to an office server: `ask` a job, get its answer."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.file = sock.makefile("rwb")

    def ask(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any] | None:
        """The server's answer, or None: the connection broke, or no answer came in `timeout` seconds."""
        try:
            self.file.write((json.dumps(message) + "\n").encode("utf-8"))
            self.file.flush()
            self.sock.settimeout(timeout)
            line = self.file.readline()
        except OSError:
            return None
        if not line:
            return None
        try:
            answer = json.loads(line)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            self.sock.close()


def _state(folder: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and "address" in state and "token" in state else None


def _connect(address: str, timeout: float) -> socket.socket | None:
    try:
        if address.startswith("unix:"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # type: ignore[attr-defined,unused-ignore]
            target: Any = address[5:]
        else:
            host, _, port = address[4:].rpartition(":")
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (host, int(port))
        sock.settimeout(timeout)
        sock.connect(target)
    except (OSError, ValueError):
        return None
    return sock


def link_to(folder: Path, *, wait: float = 0.0, pid: int | None = None) -> Link | None:
    """A connection to the server whose folder this is, its token given; None where none answers. `wait`: how
    long to wait for a server that is starting (its state not written yet), process `pid`."""
    deadline = time.monotonic() + wait
    while True:
        state = _state(folder)
        if state is None and (not folder.is_dir() or pid is not None and not _alive(pid)):  # it has ended
            return None
        if state is not None:
            sock = _connect(str(state["address"]), 5.0)
            if sock is not None:
                link = Link(sock)
                answer = link.ask({"token": state["token"]}, timeout=10.0)
                if answer is not None and answer.get("ok"):
                    return link
                link.close()
            return None
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def server_link() -> Link | None:
    """A connection to the office server this process should use: its run's own (started by `ahead`), else the
    user's (`complaints office`); None: neither runs, the process starts its own LibreOffice."""
    run = os.environ.get(RUN_ENV)
    if run:
        pid = os.environ.get(RUN_PID_ENV, "")
        found = link_to(Path(run), wait=START, pid=int(pid) if pid.isdigit() else None)
        if found is not None:
            return found
    try:
        folder = user_folder()
    except (RuntimeError, KeyError, OSError):
        return None
    return link_to(folder)


def ask_user_server(message: dict[str, Any], timeout: float = 30.0) -> dict[str, Any] | None:
    """The user's server's answer to one request ({"status": true}, {"stop": true}); None: it does not run."""
    try:
        folder = user_folder()
    except (RuntimeError, KeyError, OSError):
        return None
    link = link_to(folder)
    if link is None:
        return None
    try:
        return link.ask(message, timeout=timeout)
    finally:
        link.close()


# --- starting a server -----------------------------------------------------------------------------------------

def _warm_docx() -> str | None:
    """A Word file to warm LibreOffice with (the tool's own Russian template: a valid Word file)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "templates", here / "templates"):
        path = candidate / "ru" / "letter.docx"
        if path.is_file():
            return str(path)
    return None


def launch_server(folder: Path, *, processes: int, idle: float | None, bound: bool, soffice: str,
                  profiles: Path | None, log: Path | None = None, lock: int | None = None,
                  warm: bool = True) -> subprocess.Popen[bytes]:
    """Start an office server serving from `folder` (it writes its state there once it listens). `bound`: it stops
    when this process's end of its standard input closes (the run that started it ends or is killed); else it is
    detached, and stops after `idle` seconds unused. `profiles`: where its LibreOffice profiles are kept; `lock`:
    an open file holding a lock the server keeps as long as it runs (the user's server's, one at a time)."""
    import secrets

    kept = _profiles(profiles, processes)
    config = {"soffice": soffice, "pythons": pythons(soffice), "script": SCRIPT, "processes": processes,
              "folder": str(folder), "token": secrets.token_hex(16), "idle": idle, "bound": bound,
              "profiles": kept, "warm": _warm_docx() if warm else None, "log": str(log) if log is not None else None}
    handed = [fd for _, fd in kept] + ([lock] if lock is not None else [])
    flags = 0 if POSIX else (getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
                             | (getattr(subprocess, "DETACHED_PROCESS", 0) if not bound else 0)
                             | getattr(subprocess, "CREATE_NO_WINDOW", 0))
    try:
        # -I: the standard library only, not this folder (where email.py would hide the standard one)
        proc = subprocess.Popen([sys.executable, "-I", __file__, "serve"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=POSIX,
                                creationflags=flags, pass_fds=tuple(handed) if POSIX else ())
    finally:
        for fd in handed:
            os.close(fd)  # the server holds the locks now (closed, not released: released, they would be its too)
    assert proc.stdin is not None
    proc.stdin.write((json.dumps(config) + "\n").encode("utf-8"))  # the token never on a command line
    proc.stdin.flush()
    if not bound:
        proc.stdin.close()
    return proc


_EARLY: list[subprocess.Popen[bytes]] = []  # the run's own server, started by `ahead`


# The options of `complaints render` (cli/letters.py): those that take a value, and the flags
RENDER_VALUES = ("--out", "--lang", "--format", "--group-by", "--workers", "--date", "--project", "--templates")
RENDER_FLAGS = ("--pdfa", "--force", "--final", "--quiet", "--json")
RENDER_ALIASES = {"-q": "--quiet"}


def read_render(args: Sequence[str]) -> tuple[dict[str, str | bool], list[str]] | None:
    """`complaints render …` read exactly as the fast answers read a command line (commandline.parse): the
    options given (the last value of each) and the paths; None where the command is another or anything is not
    understood (an unknown option, a value missing, `--help`)."""
    from ..commandline import parse

    parsed = parse(args, "render", values=RENDER_VALUES, flags=RENDER_FLAGS, aliases=RENDER_ALIASES)
    if parsed is None:
        return None
    return {k: v for k, v in parsed.values.items() if isinstance(v, (str, bool))}, parsed.args


def _render_processes(args: Sequence[str]) -> int | None:
    """How many LibreOffices a render of this command line will use (its worker processes), or None: no PDF, or
    the line is not one this reads for sure."""
    parsed = read_render(args)
    if parsed is None or not parsed[1]:
        return None
    options, paths = parsed
    formats = [f.strip() for f in str(options.get("--format", "docx")).split(",")]
    if "pdf" not in formats:
        return None
    cpus = os.cpu_count() or 1
    try:
        wanted = int(str(options["--workers"])) if "--workers" in options else cpus
    except ValueError:
        return None
    if wanted < 1:
        return None
    from ..errors import UsageError
    from ..layout import find_case_files  # both loaded already, with the package

    try:
        cases = len(find_case_files(paths))  # no more letter sets than case files
    except (UsageError, OSError):
        return None  # the render says what is wrong
    return max(1, min(wanted, 2 * cpus, cases))  # as batch.workers.worker_count


def ahead(args: list[str]) -> None:
    """Before the heavy imports of a render with pdf among its formats: LibreOffice started now, one per worker
    process the render will use, in a server of the run's own that its processes find (RUN_ENV), unless the
    user's server (`complaints office`) runs. Anything unsure: nothing is started, the render starts its own."""
    if os.environ.get(RUN_ENV) or _EARLY:
        return
    try:
        processes = _render_processes(args)
        if processes is None:
            return
        soffice = find_soffice(os.environ.get("COMPLAINTS_SOFFICE"))
        if soffice is None:
            return  # the render says what to install
        try:
            mine = user_folder()
        except (RuntimeError, KeyError, OSError):
            mine = None
        if mine is not None:
            running = link_to(mine)
            if running is not None:  # the user's server: the render uses it
                running.close()
                return
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="complaints-office-"))  # 0700
        proc = launch_server(folder, processes=processes, idle=None, bound=True, soffice=soffice,
                             profiles=mine if POSIX else None)
    except OSError:
        return
    _EARLY.append(proc)
    os.environ[RUN_ENV] = str(folder)
    os.environ[RUN_PID_ENV] = str(proc.pid)
    if POSIX:  # a forked worker does not keep the server's input open: the server ends with the run's main process
        os.register_at_fork(after_in_child=_end_early)
    import atexit

    atexit.register(_end_early)


def _end_early() -> None:
    """The run is over (or this is a forked worker of it): its server's input closed here, not waited for."""
    for proc in _EARLY:
        with contextlib.suppress(OSError, ValueError):
            if proc.stdin is not None:
                proc.stdin.close()
    _EARLY.clear()


def start_user_server(processes: int, idle: float, *, wait: float = START) -> dict[str, Any]:
    """`complaints office`: the user's server started, detached, unless it runs already; its status once its
    LibreOffices have started (or failed to). OSError where it cannot be started; `error` in the status where
    LibreOffice is missing or does not start."""
    running = ask_user_server({"status": True})
    if running is not None:
        return dict(running, already=True)
    soffice = find_soffice(os.environ.get("COMPLAINTS_SOFFICE"))
    if soffice is None:
        return {"ok": False, "missing": True, "error": "LibreOffice was not found"}
    folder = user_folder()
    from .. import locks

    try:
        lock: int | None = locks.take(folder / LOCK) if POSIX else None
    except locks.Busy:  # another is starting, or stopping: its status once it answers
        lock = None
        if POSIX:
            return _wait_for_other(wait)
    proc = launch_server(folder, processes=processes, idle=idle, bound=False, soffice=soffice,
                         profiles=folder, log=folder / LOG, lock=lock)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        ended = proc.poll() is not None
        status = ask_user_server({"status": True})
        if status is not None and status.get("ok") and status["ready"] + status["failed"] >= status["processes"]:
            if not status["ready"]:  # no LibreOffice started: the office is of no use
                stop_user_server()
            return status
        if status is None and ended:
            return {"ok": False, "error": f"it stopped at once (exit status {proc.returncode})"}
        time.sleep(0.05)
    return {"ok": False, "error": f"it did not start within {wait:.0f} seconds"}


def _wait_for_other(wait: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        status = ask_user_server({"status": True})
        if status is not None and status.get("ok") and status["ready"] + status["failed"] >= status["processes"]:
            return dict(status, already=True)
        time.sleep(0.1)
    return {"ok": False, "error": "another office is starting or stopping; try again in a minute"}


def stop_user_server(wait: float = 60.0) -> dict[str, Any] | None:
    """The user's server told to stop, and waited for until its LibreOffices have stopped: its last status, or
    None where it was not running."""
    status = ask_user_server({"status": True})
    if status is None:
        return None
    ask_user_server({"stop": True})
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _alive(int(status["pid"])):
        time.sleep(0.05)
    return status


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie of this process's own counts as ended)."""
    if POSIX:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return False
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    kernel.GetExitCodeProcess(handle, ctypes.byref(code))
    kernel.CloseHandle(handle)
    return code.value == 259  # STILL_ACTIVE


# --- the server ------------------------------------------------------------------------------------------------

class Converter:
    """One uno_convert.py with its LibreOffice, for one job at a time; its answers read by a thread of its own
    (a pipe cannot be waited on with a timeout on Windows)."""

    def __init__(self, server: Server, slot: int):
        import queue

        self.server = server
        self.slot = slot
        self.proc: subprocess.Popen[bytes] | None = None
        self.office: int | None = None  # LibreOffice's process id
        self.error = ""
        self.profile = server.config["profiles"][slot] if slot < len(server.config["profiles"]) else None
        self.lines: queue.Queue[bytes] = queue.Queue()

    def _read(self, stream: IO[bytes], lines: Any) -> None:
        for line in stream:
            lines.put(line)
        lines.put(b"")  # it ended

    def _line(self, timeout: float) -> bytes | None:
        """Its next line; b"" where it ended, None where nothing came in time."""
        import queue

        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def start(self) -> bool:
        """Started and ready (and warmed with one letter); False with `error` saying why not."""
        import queue

        cfg = self.server.config
        for python in cfg["pythons"]:
            args = [python, cfg["script"], cfg["soffice"]]
            if self.profile is not None:
                args.append(self.profile[0])
            try:
                self.proc = subprocess.Popen(
                    args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    start_new_session=POSIX, pass_fds=(self.profile[1],) if self.profile is not None else (),
                    creationflags=0 if POSIX else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
            except OSError as exc:
                self.error = str(exc)
                continue
            assert self.proc.stdout is not None
            self.lines = queue.Queue()
            threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
            line = self._line(START)
            try:
                ready = json.loads(line) if line else {}
            except ValueError:
                ready = {}
            if ready.get("ok"):
                self.office = ready.get("office")
                self.server.note(f"LibreOffice {self.slot} started (process {self.office})")
                self._warm()
                return True
            self.error = str(ready.get("error") or ("LibreOffice did not start in time" if line is None else
                                                    f"{python} cannot drive LibreOffice (no uno module)"))
            self.stop()
        return False

    def _warm(self) -> None:
        """One letter converted now, so that the first real one does not wait for Writer and the PDF export to
        load: only where no job waits already. A fresh LibreOffice's first PDF takes about 3 times the next
        (measured: 270-310 ms, then 90-105), whatever the letter: converting the warm-up letter while a job waits
        would only add one conversion before it."""
        warm = self.server.config.get("warm")
        if not warm or self.server.waiting:
            return
        out = os.path.join(self.server.config["folder"], f"warm-{self.slot}.pdf")
        self.ask({"in": warm, "out": out, "pdfa": False}, count=False)
        with contextlib.suppress(OSError):
            os.unlink(out)

    def ask(self, job: dict[str, Any], *, count: bool = True) -> dict[str, Any]:
        proc = self.proc
        if proc is None or proc.stdin is None:
            return {"ok": False, "lost": True, "error": "LibreOffice stopped unexpectedly"}
        clean = {"in": str(job.get("in", "")), "out": str(job.get("out", "")), "pdfa": bool(job.get("pdfa"))}
        line: bytes | None = b""
        try:
            proc.stdin.write((json.dumps(clean) + "\n").encode("utf-8"))
            proc.stdin.flush()
            line = self._line(TIMEOUT)
            answer = json.loads(line) if line else None
        except (OSError, ValueError):
            answer = None
        if not isinstance(answer, dict):
            self.stop()  # crashed or stuck: started again for the next job
            return {"ok": False, "lost": True, "error": f"LibreOffice did not answer within {TIMEOUT:.0f} seconds"
                    if line is None else "LibreOffice stopped unexpectedly"}
        if count and answer.get("ok"):
            self.server.counted()
        return answer

    def stop(self) -> None:
        """Its input closed: it stops LibreOffice and ends; told to (SIGTERM, which it handles by stopping
        LibreOffice too) if it does not, then killed."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        for step in (None, proc.terminate, proc.kill):
            if step is not None:
                with contextlib.suppress(OSError):
                    step()
            try:
                proc.wait(timeout=20)
                break
            except subprocess.TimeoutExpired:
                continue


class Server:
    """The converters, the socket, the idle clock."""

    def __init__(self, config: dict[str, Any]):
        import queue

        self.config = config
        self.folder = Path(config["folder"])
        self.token = str(config["token"])
        self.free: queue.Queue[Converter] = queue.Queue()
        self.converters = [Converter(self, slot) for slot in range(max(1, int(config["processes"])))]
        self.failed = 0
        self.error = ""
        self.ready = 0
        self.conversions = 0
        self.active = 0
        self.waiting = 0  # jobs waiting for a converter
        self.last = time.monotonic()
        self.started = time.time()
        self.lock = threading.Lock()
        self.done = threading.Event()
        self._log = open(config["log"], "a", encoding="utf-8") if config.get("log") else None  # noqa: SIM115

    def note(self, text: str) -> None:
        """A line in the log (never a letter's name or content)."""
        if self._log is not None:
            with self.lock:
                self._log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")
                self._log.flush()

    def counted(self) -> None:
        with self.lock:
            self.conversions += 1

    def _start(self, converter: Converter) -> None:
        if converter.start():
            with self.lock:
                self.ready += 1
                self.last = time.monotonic()  # the idle clock runs from when LibreOffice is ready
            self.free.put(converter)
        else:
            with self.lock:
                self.failed += 1
                self.error = converter.error
                self.last = time.monotonic()
            self.note(f"LibreOffice {converter.slot} did not start: {converter.error}")

    def job(self, job: dict[str, Any]) -> dict[str, Any]:
        """One PDF made by the first converter free; `fatal` where no converter can start."""
        import queue

        with self.lock:
            self.waiting += 1
        try:
            while True:
                if self.done.is_set():
                    return {"ok": False, "fatal": True, "error": "the office is stopping"}
                try:
                    converter = self.free.get(timeout=0.2)
                    break
                except queue.Empty:
                    with self.lock:
                        dead = self.failed >= len(self.converters)
                    if dead:
                        return {"ok": False, "fatal": True, "error": self.error}
        finally:
            with self.lock:
                self.waiting -= 1
        try:
            return converter.ask(job)
        finally:
            if converter.proc is None:  # lost: started again, in a thread of its own
                with self.lock:
                    self.ready -= 1
                threading.Thread(target=self._start, args=(converter,), daemon=True).start()
            else:
                self.free.put(converter)

    def status(self) -> dict[str, Any]:
        with self.lock:
            idle = self.config.get("idle")
            left = None if idle is None else idle if self.active else max(0.0, idle - (time.monotonic() - self.last))
            return {"ok": True, "pid": os.getpid(), "processes": len(self.converters), "ready": self.ready,
                    "failed": self.failed, "error": self.error, "conversions": self.conversions,
                    "clients": self.active, "idle_left": left, "started": self.started,
                    "converters": [c.proc.pid for c in self.converters if c.proc is not None],
                    "offices": [c.office for c in self.converters if c.proc is not None and c.office]}

    def client(self, conn: socket.socket) -> None:
        with self.lock:
            self.active += 1
        file = conn.makefile("rwb")
        try:
            first = True
            for line in file:
                try:
                    message = json.loads(line)
                except ValueError:
                    break
                if not isinstance(message, dict):
                    break
                if first:  # the token first, else not a word
                    if not hmac.compare_digest(str(message.get("token", "")), self.token):
                        break
                    first = False
                    answer = {"ok": True, "processes": len(self.converters)}
                elif message.get("status"):
                    answer = self.status()
                elif message.get("stop"):
                    self.note("asked to stop")
                    self.done.set()
                    answer = {"ok": True, "stopping": True}
                else:
                    answer = self.job(message)
                file.write((json.dumps(answer) + "\n").encode("utf-8"))
                file.flush()
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                file.close()
            with contextlib.suppress(OSError):
                conn.close()
            with self.lock:
                self.active -= 1
                self.last = time.monotonic()

    def listen(self) -> tuple[socket.socket, str]:
        path = self.folder / "office.sock"
        if POSIX and hasattr(socket, "AF_UNIX") and len(str(path)) < 100:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # a killed server's
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            old = os.umask(0o077)
            try:
                sock.bind(str(path))
            finally:
                os.umask(old)
            address = f"unix:{path}"
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            address = f"tcp:127.0.0.1:{sock.getsockname()[1]}"
        sock.listen(16)
        return sock, address

    def write_state(self, address: str) -> None:
        state = {"pid": os.getpid(), "address": address, "token": self.token, "processes": len(self.converters)}
        temp = self.folder / f".{STATE}.{os.getpid()}"
        fd = os.open(temp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh)
        os.replace(temp, self.folder / STATE)

    def run(self) -> None:
        sock, address = self.listen()
        self.write_state(address)
        self.note(f"started: {len(self.converters)} LibreOffice, process {os.getpid()}")
        for converter in self.converters:
            threading.Thread(target=self._start, args=(converter,), daemon=True).start()
        idle = self.config.get("idle")
        sock.settimeout(0.2 if idle is None else min(1.0, max(0.05, idle / 10)))
        try:
            while not self.done.is_set():
                try:
                    conn, _ = sock.accept()
                except TimeoutError:
                    conn = None
                except OSError:
                    if self.done.is_set():
                        break
                    raise
                if conn is not None:
                    conn.settimeout(None)
                    threading.Thread(target=self.client, args=(conn,), daemon=True).start()
                    continue
                if idle is not None:
                    with self.lock:
                        unused = not self.active and time.monotonic() - self.last >= idle
                    if unused:
                        self.note(f"unused for {idle:.0f} s: stopping")
                        break
        finally:
            self.done.set()
            self.shutdown(sock)

    def shutdown(self, sock: socket.socket) -> None:
        """Nothing left: the socket and state gone first (no new client), then each LibreOffice stopped."""
        state = _state(self.folder)
        if state is not None and state.get("pid") == os.getpid():
            with contextlib.suppress(OSError):
                (self.folder / STATE).unlink()
        with contextlib.suppress(OSError):
            sock.close()
        with contextlib.suppress(OSError):
            (self.folder / "office.sock").unlink()
        stoppers = [threading.Thread(target=c.stop) for c in self.converters]
        for each in stoppers:
            each.start()
        for each in stoppers:
            each.join()
        self.note(f"stopped after {self.conversions} PDFs")


def serve(config: dict[str, Any], stdin: IO[bytes]) -> None:
    """The server's process: until told to stop, idle, its run over (`bound`), or SIGTERM."""
    folder = Path(config["folder"])
    server = Server(config)

    def stop(*_: object) -> None:
        server.done.set()

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    if config.get("bound"):
        def watch() -> None:  # the run that started this server ended: so does the server
            with contextlib.suppress(OSError, ValueError):
                while stdin.read(4096):
                    pass
            server.done.set()

        threading.Thread(target=watch, daemon=True).start()
    try:
        server.run()
    finally:
        if config.get("bound"):
            shutil.rmtree(folder, ignore_errors=True)


def _main(argv: Sequence[str], stdin: IO[bytes]) -> int:
    if list(argv) != ["serve"]:
        print("usage: office.py serve  (its settings, one JSON line, on standard input)", file=sys.stderr)
        return 2
    config = json.loads(stdin.readline())
    serve(config, stdin)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:], sys.stdin.buffer))
