"""The `new` wizard and the `evidence` check. Each parses, calls the library, prints."""

from __future__ import annotations

from .cli import app  # noqa: F401 - commands register themselves on it
