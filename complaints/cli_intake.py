"""The intake commands: `import` (cases from a monitoring spreadsheet). Each parses, calls the library, prints."""

from __future__ import annotations

from .cli import app  # noqa: F401 - commands register themselves on it
