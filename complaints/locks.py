"""One process at a time: an exclusive lock on a file, the same on Linux, macOS (flock) and Windows (msvcrt)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FOLDER_LOCK = ".complaints-lock"  # Windows only: the file in a folder its lock is held on (see hold_folder)


class Busy(OSError):
    """Another process holds the lock."""


@contextmanager
def hold(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (made if missing) while the block runs; Busy at once if another
    process holds it. The lock goes with the process: a killed holder leaves nothing to clear by hand."""
    fd = take(path)
    try:
        yield
    finally:
        release(fd)


def take(path: str | Path) -> int:
    """An exclusive lock on the file `path` (made if missing), held until `release` (or the process ends): the
    open file it is held by, which a child process may inherit to keep it; Busy if another process holds it."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        _lock(fd)
    except OSError as exc:
        os.close(fd)
        raise Busy(str(path)) from exc
    return fd


def release(fd: int) -> None:
    """The lock `take` gave, let go."""
    try:
        _unlock(fd)
    finally:
        os.close(fd)


@contextmanager
def hold_folder(folder: str | Path) -> Iterator[None]:
    """An exclusive lock on the folder `folder` itself while the block runs; Busy if another process holds it.
    Where a folder can be opened (Linux, macOS) the lock is on the folder, and nothing is written in it; on
    Windows, which opens no folder, on the file FOLDER_LOCK in it."""
    if not _has_flock():
        with hold(Path(folder) / FOLDER_LOCK):
            yield
        return
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy(str(folder)) from exc
        yield
    finally:
        os.close(fd)


def _has_flock() -> bool:
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return True


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: a lock on the file's first byte, refused at once when taken
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    try:
        import fcntl  # noqa: F401 - closing the file lets go of a flock
    except ImportError:  # Windows lets go of a byte lock when the file closes, "when the system gets to it": at once
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            pass
