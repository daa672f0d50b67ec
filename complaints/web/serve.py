"""The server: one project folder, on this computer only unless asked, one server per folder at a time."""

from __future__ import annotations

import os
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError
from ..locks import Busy, hold

LOCK_FILE = ".complaints-serve.lock"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(folder: str | Path, *, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          started: Callable[[str], None] = print) -> None:
    """Serve the project folder `folder` until Ctrl-C; `started` is told the address once it answers. A port of
    0 takes any free one. A folder that does not exist yet (in one that does) is made: a new project, whose first
    page asks for the applicant. UsageError if the folder cannot be had, the port is taken, or another server has
    the folder."""
    import uvicorn

    from .app import create_app

    workers_start_apart()
    root = Path(folder)
    if not root.exists() and root.parent.is_dir():
        try:
            root.mkdir()
        except OSError as exc:
            raise UsageError(f"cannot make the folder {folder}: {exc.strerror or exc}", about="folder") from None
    if not root.is_dir():
        raise UsageError(f"no such folder: {folder}", about="folder")
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no other program may take the port beside it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        elif os.name == "posix":  # started again at once, the port is free though the last run's connections
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # linger (TIME_WAIT)
        if host == "::" and hasattr(socket, "IPV6_V6ONLY"):  # every address, IPv4 too (Windows: IPv6 only else),
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # so that 127.0.0.1, announced, answers
        sock.bind((host, port))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (another program has the port?"
                         " give another with --port)", about="port") from None
    try:
        with hold(root / LOCK_FILE):
            port = sock.getsockname()[1]
            shown = f"[{host}]" if ":" in host else host
            url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
            app = create_app(root, hosts=answers_to(host))
            app.state.desk.secret = kept_secret(app.state.desk.secret)
            server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))

            def announce() -> None:
                while not server.started:
                    if server.should_exit:
                        return
                    threading.Event().wait(0.05)
                started(url)
                if open_browser:
                    open_in_browser(url)

            threading.Thread(target=announce, daemon=True).start()
            server.run(sockets=[sock])
    except Busy:
        raise UsageError(f"another `complaints serve` is already serving {folder}: use that one (its address is"
                         " in the window it was started from), or stop it first", about="folder") from None
    finally:
        sock.close()


def answers_to(host: str) -> tuple[str, ...]:
    """The names in a request's Host header the server answers: this computer's own, and the address it was
    told to listen on; any name when it listens on every address (0.0.0.0, ::), as the user asked."""
    from .app import ANY_HOST, LOOPBACK_NAMES

    if host in ("0.0.0.0", "::"):
        return (ANY_HOST,)
    shown = f"[{host}]" if ":" in host else host
    return tuple(dict.fromkeys((*LOOPBACK_NAMES, shown.lower())))


def open_in_browser(url: str) -> bool:
    """Open `url` in the user's browser (Windows, macOS, a Linux desktop); not where only a text browser could
    open, in the very terminal the server prints to (a Linux server without a screen). False if none opened."""
    desktop = sys.platform in ("win32", "darwin") or any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY",
                                                                                       "BROWSER"))
    if not desktop:
        return False
    try:
        return webbrowser.open(url)
    except Exception:  # noqa: BLE001 - no browser to open: the address is printed, the user opens it
        return False


def kept_secret(fresh: bytes) -> bytes:
    """The secret the forms' CSRF tokens are made with, kept between runs in the user's own cache folder (not in
    the project): a page left open while the desk was started again still sends a form that is accepted, so
    nothing typed in it is lost. `fresh` where there is no such folder, or it cannot be written."""
    from ..layout import user_cache

    try:
        path = user_cache() / "desk-secret"
    except (RuntimeError, KeyError):
        return fresh
    try:
        kept = path.read_bytes()
        if len(kept) >= 32:
            return kept
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(fresh)
    except OSError:
        pass
    return fresh


def workers_start_apart() -> None:
    """A batch the desk runs starts its worker processes from a fork server (spawn where there is none, as on
    Windows): the desk's process has threads (the server's, the batches'), and a process with threads that forks
    may leave a lock held for ever in the child, hanging the batch. The command line still forks, faster."""
    import multiprocessing

    from ..batch import workers

    if workers.START_METHOD is None:
        workers.START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
