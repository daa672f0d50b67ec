"""Capture benchmark: python bench/bench_capture.py [N] [WORKERS]  (default 100 cases, 4 workers).

Starts the tests' local news site (tests/evidence/site.py) on 127.0.0.1, then times, with Debian's Chromium:
- `capture` of one page, five times, each as `complaints capture --url` does it (the browser started each time);
- `capture_case` of one case file (the same, and the case file updated);
- `watch` over N generated case files and N pages (each comment added by JavaScript 100 ms after its page), with
  WORKERS pages at once and no pacing (one host: with the default pace of 5 s a watch of one outlet's N cases would
  take 5·N s by design), twice: every comment found, then a tenth of them removed.
No timestamps (a local authority's time is helper A's benchmark).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from complaints.evidence.capture import Limits, capture  # noqa: E402
from complaints.evidence.casefile import capture_case  # noqa: E402
from complaints.evidence.watch import watch  # noqa: E402
from tests.evidence.site import Site, _handler, copy_examples, make_cases  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    limits = Limits(navigation=20, appear=5)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path, author, text = site.add_generated(9999)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            cap = capture(site.url(path), text=text, author=author, posted=None, folder=root / "single", limits=limits)
            times.append(time.perf_counter() - start)
            assert cap.found, cap.detail
        print(f"capture of one page (browser started each time): {min(times):.2f} s best,"
              f" {sum(times) / len(times):.2f} s mean of {len(times)}")
        first, _ = copy_examples(site, root / "examples")
        start = time.perf_counter()
        cap = capture_case(first, limits=limits)
        assert cap.found, cap.detail
        print(f"capture_case of the first example case (JavaScript comment after 700 ms, case file updated):"
              f" {time.perf_counter() - start:.2f} s")
        make_cases(site, root / "many", n)
        start = time.perf_counter()
        results = watch([root / "many"], db=None, workers=workers, pace=0, limits=limits)
        took = time.perf_counter() - start
        found = sum(1 for r in results if r.capture is not None and r.capture.found)
        print(f"watch of {n} cases, {workers} workers, all online: {took:.1f} s ({took / n:.2f} s per case),"
              f" {found} found")
        for k in range(0, n, 10):
            site.remove(f"/gen/{k}")
        start = time.perf_counter()
        results = watch([root / "many"], db=None, workers=workers, pace=0, limits=limits)
        took = time.perf_counter() - start
        missing = sum(1 for r in results if r.capture is not None and r.capture.outcome == "not-found")
        print(f"watch of {n} cases, {workers} workers, a tenth removed: {took:.1f} s ({took / n:.2f} s per case),"
              f" {missing} not found (each waited {limits.appear:g} s for its comment)")
    server.shutdown()


if __name__ == "__main__":
    main()
