"""Putting files on disk whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_files(files: dict[Path, bytes], *, temp: Path | None = None) -> None:
    """Write every file or none: each goes to a temporary file first, then all are renamed into place.

    A rename is atomic, so an interrupted or killed run leaves whole files only. `temp` must be on
    the same disk as the targets (default: beside each target). Flushing to the disk itself, against
    a power cut, is done once per batch (see manifest.finish), not once per file.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            folder = temp if temp is not None else target.parent
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
