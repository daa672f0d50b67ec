#!/usr/bin/env python3
"""The README's pictures of a capture, made by the capture itself (Debian's Chromium, through Playwright).

    .venv/bin/python tools/capture_pictures.py [--out docs]

Serves the tests' local news site (tests/evidence/site.py) on 127.0.0.1, captures the first example case's comment
from it (a copy of cases/, its article's address turned to the local site) and saves:

    docs/capture-comment.png   the close-up, with the address, capture time, author and time written above it
    docs/capture-page.png      the whole page, as the browser showed it
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from complaints.evidence.casefile import capture_case  # noqa: E402
from tests.evidence.site import Site, _handler, copy_examples  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    out = parser.parse_args().out
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            first, _ = copy_examples(site, Path(scratch))
            cap = capture_case(first)
            if not cap.found:
                print(f"not captured: {cap.outcome}: {cap.detail}", file=sys.stderr)
                return 1
            out.mkdir(parents=True, exist_ok=True)
            for role, name in (("comment", "capture-comment.png"), ("page", "capture-page.png")):
                kept = cap.file(role)
                assert kept is not None
                shutil.copyfile(cap.folder / kept.name, out / name)
                print(out / name)
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
