"""One process at a time: an exclusive lock on a file, the same on Linux, macOS (flock) and Windows (msvcrt)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Busy(OSError):
    """Another process holds the lock."""


@contextmanager
def hold(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (made if missing) while the block runs; Busy at once if another
    process holds it. The lock goes with the process: a killed holder leaves nothing to clear by hand."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            _lock(fd)
        except OSError as exc:
            raise Busy(str(path)) from exc
        yield
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: a lock on the file's first byte, refused at once when taken
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
