"""Reading a monitoring spreadsheet: a CSV (delimiter sniffed; UTF-8, UTF-8 with BOM or Windows-1251) or the
first sheet of an XLSX workbook (openpyxl), as rows of cells with their number formats."""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..layout import shown


@dataclass
class Sheet:
    name: str  # as shown in messages
    rows: list[tuple[int, list[Any], list[str | None]]]  # row number, cell values, number formats (XLSX)
    encoding: str | None = None
    delimiter: str | None = None
    epoch: datetime = datetime(1899, 12, 30)  # Excel's day 0 (1904-01-01 for old Mac workbooks)
    notes: list[str] = field(default_factory=list)


def regular_file(path: Path, what: str, about: str | None = None) -> Path:
    """`path` if it is a regular file: a FIFO would hang the read, a device never end it."""
    import stat

    try:
        info = path.stat()  # follows a symbolic link: what it points to is what would be read
    except OSError:
        raise UsageError(f"no such file: {path}", about=about) from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path} is a folder; give {what}", about=about)
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode) or \
            stat.S_ISBLK(info.st_mode) else "not a regular file"
        raise UsageError(f"{path} is {kind}, not a file; give {what}", about=about)
    return path


def read_sheet(path: Path) -> Sheet:
    regular_file(path, "the spreadsheet file (.xlsx or .csv)")
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        zipped = fh.read(4) == b"PK\x03\x04"  # a workbook, whatever its name says
    if suffix in (".xlsx", ".xlsm") or zipped and suffix not in (".ods", ".numbers"):
        return _read_xlsx(path)
    if suffix in (".xls", ".ods", ".numbers"):
        raise UsageError(f"{path.name}: this tool reads .xlsx and .csv; open the sheet and save it as"
                         " “Excel Workbook (.xlsx)” or “CSV UTF-8”")
    return _read_csv(path)


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def _read_csv(path: Path) -> Sheet:
    name = shown(path)
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = raw.decode("utf-16"), "UTF-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        text, encoding = _decode(raw[3:], "utf-8", name), "UTF-8 with BOM"
    else:
        try:
            text, encoding = raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text, encoding = _decode(raw, "cp1251", name), "Windows-1251"
    text = text.lstrip("\ufeff")
    delimiter = None
    first, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=(.)\r?", first):  # Excel's own hint line: not a row of the sheet
        delimiter, text = first[4], rest
    delimiter = delimiter or _sniff(text)
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    rows: list[tuple[int, list[Any], list[str | None]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, cells, []))
    except csv.Error as exc:
        raise UsageError(f"{name}: row {number + 1}: cannot read it as CSV ({exc})") from None
    sheet = Sheet(name, rows, encoding, delimiter)
    if encoding == "Windows-1251":
        sheet.notes.append(f"{name} is not UTF-8 text: it was read as Windows-1251 (Cyrillic). Check that the text"
                           " in the case files reads right; to be sure, save the sheet as “CSV UTF-8”.")
    return sheet


def _decode(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(f"{name}: line {line}: byte 0x{raw[exc.start]:02X} is neither UTF-8 nor Windows-1251 text;"
                         " save the sheet as “CSV UTF-8” (or as .xlsx) and import that") from None


def _sniff(text: str) -> str:
    """The delimiter that splits the first rows into the most columns, the same number in each row."""
    best: tuple[tuple[bool, int], str] = ((False, 0), ",")
    for delimiter in DELIMITERS:
        rows: list[list[str]] = []
        try:
            for cells in csv.reader(io.StringIO(text[:200_000], newline=""), delimiter=delimiter):
                if any(c.strip() for c in cells):
                    rows.append(cells)
                if len(rows) >= 30:
                    break
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        steady = sum(1 for r in rows if len(r) == width) >= 0.8 * len(rows)
        score = (steady, width)
        if score > best[0]:
            best = (score, delimiter)
    return best[1]


def _read_xlsx(path: Path) -> Sheet:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = shown(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl talks about styles and extensions it skips
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UsageError(f"{name}: cannot read it as an Excel workbook (.xlsx): {exc}") from None
    try:
        sheet = Sheet(name, [], epoch=book.epoch)
        ws = book.worksheets[0]
        if len(book.worksheets) > 1:
            sheet.notes.append(f"{name} has {len(book.worksheets)} sheets: only the first, “{ws.title}”, was read")
        ws.reset_dimensions()  # some programs write a wrong size into the file; read every row there is
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, row in enumerate(ws.iter_rows(), start=1):
                cells = [getattr(c, "value", None) for c in row]
                cells = [_ooxml_unescape(v) if isinstance(v, str) else v for v in cells]
                formats = [getattr(c, "number_format", None) for c in row]
                number = getattr(row[0], "row", None) or number if row else number
                sheet.rows.append((number, cells, formats))
    except (KeyError, ValueError, TypeError, OSError) as exc:
        raise UsageError(f"{name}: cannot read the workbook's first sheet: {exc}") from None
    finally:
        book.close()
    return sheet


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _ooxml_unescape(text: str) -> str:
    """Excel writes characters XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x); read them back."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
