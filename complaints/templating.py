"""The one place Jinja environments are made: strict everywhere (a missing value is an error, never an empty
string), escaping by what the output is.

    phrases   the wording of data/phrases: sandboxed (a lawyer's file), nothing escaped, filters added by the
              phrasebook of each language
    docx      the Word templates: every value XML-escaped
    txt, md   the text layouts: nothing escaped (Markdown escapes its values with the `md` filter)
    html      the HTML layout: every value HTML-escaped
    web       the web interface's pages: every value HTML-escaped, a comment with `<script>` shows as text
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

KINDS = ("phrases", "docx", "txt", "md", "html", "web")


def environment(kind: str, **options: Any) -> Environment:
    """A new strict environment for `kind` (one of KINDS); `options` adds to its settings (finalize…)."""
    if kind == "phrases":
        return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, **options)
    if kind == "docx":
        return Environment(undefined=StrictUndefined, autoescape=True, **options)
    if kind in ("txt", "md", "html"):
        return Environment(undefined=StrictUndefined, autoescape=kind == "html", keep_trailing_newline=True,
                           trim_blocks=True, lstrip_blocks=True, **options)
    if kind == "web":
        return Environment(undefined=StrictUndefined, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                           **options)
    raise ValueError(f"no Jinja environment for '{kind}' (have: {', '.join(KINDS)})")
