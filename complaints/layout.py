"""Where things are: project files, case files, templates, letters; the languages and formats letters come in.

Kept free of heavy imports, so that a batch with nothing to do starts fast.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import UsageError, has_unsafe, printable

LANGUAGES = ("kk", "ru", "en")
FORMATS = ("docx", "pdf", "txt", "md", "html", "eml")  # what letters come in, in the order they are made
TEXT_FORMATS = ("txt", "md", "html")  # the formats laid out by a text template, letter.<format> (see template_file)
GROUP_BY = ("outlet",)  # what `render --group-by` can gather several comments' letters by
PROJECT_FILE = "complaints.yaml"


def find_project(start: str | Path) -> Path | None:
    """The first complaints.yaml found walking up from `start` (like git finds .git)."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def user_cache() -> Path:
    """The tool's folder in the user's own cache (what it keeps between runs, never beside a case):
    %LOCALAPPDATA%\\complaints on Windows, else $XDG_CACHE_HOME/complaints or ~/.cache/complaints. RuntimeError or
    KeyError where the user has no home folder."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"], "complaints")
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "complaints")


def case_root(case_path: Path) -> Path:
    """The case's root folder (that of its complaints.yaml, else its own), resolved: what its evidence paths must
    stay inside and what annex paths are relative to."""
    project = find_project(case_path)
    return (project.parent if project else Path(case_path).parent).resolve()


def find_case_files(paths: Iterable[str | Path]) -> list[Path]:
    """Case files named by files, folders (searched recursively) or globs, in a stable order."""
    found: dict[Path, None] = {}
    for raw in paths:
        text = str(raw)
        matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))] if glob.has_magic(text) else [Path(text)]
        if not matches or not all(m.exists() for m in matches):
            raise UsageError(f"no such file or folder: {text}")
        for match in matches:
            if match.is_dir():
                for item in _yaml_files(match):
                    found.setdefault(item, None)
            elif not match.is_file():  # a FIFO would hang the read, a device (or a link to one) never end it
                raise UsageError(f"{shown(match)} is not a regular file (a FIFO, a device, or a link to one):"
                                 " give case files, or a folder of them")
            elif match.name != PROJECT_FILE or len(matches) == 1 and not glob.has_magic(text):
                found.setdefault(match, None)
    return sorted(found, key=lambda p: str(p))


def _yaml_files(folder: Path) -> Iterator[Path]:
    """The case files under a folder: *.yaml and *.yml but complaints.yaml, hidden folders skipped."""
    for here, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.endswith((".yaml", ".yml")) and name != PROJECT_FILE:
                item = Path(here, name)
                if item.is_file():
                    yield item


def templates_dir(override: str | Path | None = None) -> Path:
    """Where the Word templates are: the given folder, the repository's templates/, or the installed copy."""
    if override is not None:
        folder = Path(override)
        if not folder.is_dir():
            raise UsageError(f"no templates folder at {folder}")
        return folder
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "templates", here / "templates"):
        if (candidate / "ru" / "letter.docx").is_file():
            return candidate
    raise UsageError("the letter templates are missing; reinstall the tool")  # pragma: no cover


def template_file(folder: Path, lang: str, name: str) -> Path:
    """A template by name: `folder/<lang>/<name>` where a language is laid out apart (the Word templates are, one
    per language), else the layout all three languages share, `folder/<name>`."""
    own = folder / lang / name
    return own if own.is_file() else folder / name


def formats_for(asked: Iterable[str]) -> tuple[str, ...]:
    """The formats to write for what was asked (nothing: DOCX), in the order of FORMATS.

    A PDF comes with the DOCX it is made from, so that the advocate can correct a word in Word and make the PDF
    again. An e-mail is made from its text body and the letter it attaches (see `made_from`); those are made for
    it, and written only where they are asked for too.
    """
    wanted = set(asked) or {"docx"}
    for fmt in sorted(wanted - set(FORMATS)):
        raise UsageError(f"unknown format '{fmt}': choose from {', '.join(FORMATS)}")
    if "pdf" in wanted:
        wanted.add("docx")
    return tuple(fmt for fmt in FORMATS if fmt in wanted)


def made_from(fmt: str) -> tuple[str, ...]:
    """The templates a letter in `fmt` is made from: a PDF from the DOCX, an e-mail from its text body and the
    letter it attaches (the DOCX, or the PDF made from it); every other format from its own."""
    return {"pdf": ("docx",), "eml": ("txt", "docx")}.get(fmt, (fmt,))


def outlet_slug(url: str) -> str:
    """An outlet's home page as a name: its host without `www.`, other than letters and digits as `-`
    (https://www.Nur.kz/ → nur-kz; a host in another script by its IDNA form); "" when the text has no host.
    The one naming of outlets: case ids (case/write.py) and the grouped letters' folders (outlet-nur-kz/)."""
    try:
        from urllib.parse import urlsplit

        host = urlsplit(str(url).strip()).hostname or ""
    except ValueError:  # an address with a broken [IPv6] part
        host = ""
    return host_slug(host)


def host_slug(host: str) -> str:
    """A host as a name, as `outlet_slug` makes it: www.Nur.kz → nur-kz."""
    host = host.lower().removeprefix("www.")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:  # a label too long for IDNA: what is ASCII in it still names the outlet
        pass
    return re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")


def letter_path(case_id: str, lang: str, fmt: str) -> str:
    """Where a letter goes inside the output folder: <id>/<id>.<lang>.<format>."""
    return f"{case_id}/{case_id}.{lang}.{fmt}"


def shown(path: Path) -> str:
    """A path as the user will recognise it: as typed when relative, else relative to the working folder; one
    with a control character in it (a line break, an escape) in double quotes, escaped (see `_quoted`)."""
    return _quoted(_relative(path))


def _relative(path: Path) -> str:
    text = str(path)
    up = ".." in text.split(os.sep)  # not path.parts: a tuple made and kept on every path shown
    if not up and not path.is_absolute():
        return text
    if up:
        path = path.resolve()
    # asked afresh each time (a microsecond): a library caller may have changed folder since the last call
    here, text = os.getcwd(), str(path)
    return text[len(here) + 1:] if text.startswith(here + os.sep) else text


def _quoted(text: str) -> str:
    """`text` as it is, or, if it holds a character that could forge or hide a line of output, or begins with a
    double quote, in double quotes with backslashes and quotes escaped and those characters written as escapes
    (`printable`). Two files never look the same: the manifest knows a case file by how it is shown."""
    if not has_unsafe(text) and not text.startswith('"'):
        return text
    return '"' + printable(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'
