"""What the tool works out once and keeps between runs in the user's cache folder (layout.user_cache): the
compiled wording (letter/phrases.py) and the prepared Word templates (render/fastdocx.py).

Each is one file, named by everything that could make it otherwise: what it was made from, the tool's and
Python's versions, and the size and time of every module that makes it (the tool's own and the libraries', which
an upgrade or an edit changes), so that a file is only ever read by the code that wrote it. A file that cannot be
read is made again; one that cannot be written is made again next run. Nothing in them is the user's.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any


def kept_path(folder: str, made_from: bytes, modules: tuple[str, ...]) -> Path | None:
    """Where what is made from `made_from` by `modules` is kept, in the cache's `folder`; None without a home
    folder."""
    import hashlib
    import importlib.util
    import os
    import sys

    from . import __version__
    from .layout import user_cache

    key = hashlib.sha256(made_from)
    key.update(f"\n{__version__}\n{sys.version}\n{importlib.util.MAGIC_NUMBER.hex()}".encode())
    for module in modules:
        try:
            spec = importlib.util.find_spec(module)
            st = os.stat(spec.origin) if spec is not None and spec.origin else None
        except (ImportError, OSError, ValueError):
            st = None
        key.update(f"\n{module} {st.st_size if st else ''} {st.st_mtime_ns if st else ''}".encode())
    try:
        return user_cache() / folder / f"{key.hexdigest()[:32]}.marshal"
    except (RuntimeError, KeyError):  # no home folder
        return None


def recall(path: Path | None) -> Any:
    """What is kept at `path`; None where nothing is, or it cannot be read."""
    import marshal

    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            return marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def keep(path: Path | None, value: Any) -> None:
    """`value` (plain data and code objects) kept at `path`, written whole; where it cannot be, it is not."""
    import marshal

    from .files import write_whole

    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_whole(path, marshal.dumps(value))
