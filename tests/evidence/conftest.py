"""Evidence under test: a local web site of article pages (site.py) and a local time-stamping authority (tsa.py), both
started by the tests on 127.0.0.1; a real headless Chromium and a real `openssl ts`."""

from __future__ import annotations

from .site import site  # noqa: F401
from .tsa import tsa  # noqa: F401
