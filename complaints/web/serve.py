"""The server: one project folder, on this computer only unless asked, one server per folder at a time."""

from __future__ import annotations

import socket
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
    0 takes any free one. UsageError if the folder is missing, the port taken, or another server has the folder."""
    import uvicorn

    from .app import create_app

    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"no such folder: {folder}", about="folder")
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.bind((host, port))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (another program has the port?"
                         " give another with --port)", about="port") from None
    try:
        with hold(root / LOCK_FILE):
            port = sock.getsockname()[1]
            shown = f"[{host}]" if ":" in host else host
            url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
            names = ("127.0.0.1", "localhost", "[::1]") if host in LOOPBACK else ("*",)
            app = create_app(root, hosts=names)
            server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))

            def announce() -> None:
                while not server.started:
                    if server.should_exit:
                        return
                    threading.Event().wait(0.05)
                started(url)
                if open_browser:
                    webbrowser.open(url)

            threading.Thread(target=announce, daemon=True).start()
            server.run(sockets=[sock])
    except Busy:
        raise UsageError(f"another `complaints serve` is already serving {folder}: use that one (its address is"
                         " in the window it was started from), or stop it first", about="folder") from None
    finally:
        sock.close()
