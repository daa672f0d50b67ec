"""Files written whole: the one atomic writer of the package.

    write_whole   replace: a temporary file beside the target, renamed over it in one step
    write_new     create: the same, linked into place only if nothing is there yet (never overwrites,
                  with no window between a check and the write)
    stage, place  the same two steps apart, for a batch: worker processes stage each letter whole in a
                  temporary folder on the same disk; the writer places a letter set's files together, in order
    Staging       a letter set's files staged under their final names in a folder of their own, which the
                  writer renames into place whole where the letters' folder is new (one rename, not one a file)

A reader, or a crash, only ever sees the old file or the new one whole, never a part.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["Staging", "output_folder", "place", "place_folder", "spreadsheet_cell", "stage", "write_new",
           "write_whole"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# A temporary file is made readable by its owner only; the file it becomes gets the mode any file the user makes
# gets (their umask), as a letter saved from Word would: colleagues sharing the folder can read it.
_MODE = 0o666 & ~_umask()


def _usual_mode(fd: int) -> None:
    if hasattr(os, "fchmod"):  # not on Windows, where files have no such modes
        os.fchmod(fd, _MODE)


def _temporary(path: Path, data: bytes, durable: bool) -> str:
    """`data` in a new temporary file beside `path` (same disk, so a rename or link is atomic); the folder made
    if it is not there yet (asked only then: a batch writes many files into one folder)."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        try:
            _usual_mode(fd)
            _write_all(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp


def _write_all(fd: int, data: bytes) -> None:
    """Every byte of `data` to the open file `fd` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_whole(path: str | Path, data: bytes, *, durable: bool = False) -> None:
    """Write `data` to `path`, replacing what is there; `durable`: flushed to the disk before the rename
    (for records that must survive a power cut)."""
    path = Path(path)
    temp = _temporary(path, data, durable)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def unchanged(path: str | Path, sha256: str) -> bool:
    """True if the file `path` still holds the bytes whose SHA-256 is `sha256` (what a page opened, before it
    writes over it); False if it changed or is gone."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha256
    except FileNotFoundError:
        return False


def write_new(path: str | Path, data: bytes, *, durable: bool = False) -> None:
    """Write `data` to `path` only if there is no file there; FileExistsError (and nothing written) if there is,
    even when another process creates it at the same moment."""
    path = Path(path)
    temp = _temporary(path, data, durable)
    try:
        try:
            os.link(temp, path)  # fails if the name is taken: the check and the write are one step
        except FileExistsError:
            raise
        except (AttributeError, NotImplementedError, OSError):  # no hard links on this disk: FAT or exFAT (a USB
            # stick), some network shares; Windows says "Incorrect function", macOS ENOTSUP, Linux EPERM
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def stage(folder: str | Path, data: bytes, *, suffix: str = "") -> str:
    """`data` written whole to a new temporary file in `folder` (on the disk of its final place); its path, for
    `place`. Nobody reads it there: a batch that is stopped leaves only such files, and clears them next run."""
    fd, temp = tempfile.mkstemp(suffix=suffix, dir=folder)
    try:
        _usual_mode(fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp


def place(temp: str | Path, target: str | Path) -> None:
    """A staged file renamed to its place in one step (replacing what is there), its folder made if need be."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, target)


def place_all(staged: dict[Path, str]) -> None:
    """Staged files (target → temporary file) renamed to their places, each folder made once, not once a file."""
    made: set[Path] = set()
    for target, temp in staged.items():
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        os.replace(temp, target)


class Staging:
    """A folder of a worker's own in the batch's temporary folder (`parent`), made at the first file: one letter
    set's files, each written whole under the name it will have. Nobody reads them there; a batch that is stopped
    leaves only such folders, and clears them next run."""

    def __init__(self, parent: str | Path, name: str):
        self.parent = Path(parent)
        self.name = name
        self.folder: Path | None = None

    def _made(self) -> Path:
        if self.folder is None:
            n = 0
            while True:  # a name no other letter set of this run has (a worker's process id, its count)
                folder = self.parent / (self.name if n == 0 else f"{self.name}-{n}")
                try:
                    os.mkdir(folder)  # the user's usual mode: it may become the letters' folder as it is
                    break
                except FileExistsError:
                    n += 1
            self.folder = folder
        return self.folder

    def write(self, name: str, data: bytes) -> str:
        """`data` written whole to the file `name` of the folder; its path."""
        path = self._made() / name
        try:
            with open(path, "xb") as fh:  # created with the user's usual mode (umask), as place() leaves it
                fh.write(data)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        return str(path)

    def discard(self) -> None:
        """The folder and its files removed (a letter set that will not be placed)."""
        if self.folder is not None:
            for entry in os.scandir(self.folder):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
            with contextlib.suppress(OSError):
                os.rmdir(self.folder)
            self.folder = None


def place_folder(folder: str | Path, target: Path, names: list[str]) -> None:
    """A staging folder's files (`names`) into the folder `target`: the folder renamed whole where `target` is
    not there yet (one step for all its files), else each file renamed over its namesake (the others in `target`
    stay) and the staging folder removed."""
    if not os.path.lexists(target):
        try:
            os.rename(folder, target)
            return
        except OSError:
            if not os.path.isdir(folder):  # renamed after all
                raise
    folder = Path(folder)
    place_all({target / name: str(folder / name) for name in names})
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def output_folder(path: str | Path, what: str, *, make: bool = True) -> Path:
    """The folder things are written into, made if need be (`make`: now, else by the first file written);
    UsageError (about "out") when it is a file, or cannot be made. `what` says what it is for, for the message
    ("the letters' folder")."""
    from .errors import UsageError

    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{what} {folder} is a file, not a folder", about="out")
    if not make:
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make {what} {folder}: {exc.strerror or exc}", about="out") from None
    return folder


# What a spreadsheet reads as the start of a formula (or, tab and CR, as a cell to shift): a cell that begins with
# one of them is written with a leading apostrophe, which Excel, LibreOffice and Google Sheets show as text (the
# convention OWASP's "CSV Injection" page recommends); a number stays a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as the text it is, never runs: text beginning with = + - @, tab or CR gets a
    leading apostrophe (numbers are left as they are)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
