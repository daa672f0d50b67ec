"""Reading a monitoring spreadsheet: a CSV (delimiter sniffed; UTF-8, UTF-8 with BOM or Windows-1251) or the
first sheet of an XLSX workbook (openpyxl), as rows of cells with their number formats."""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ..errors import UsageError
from ..layout import shown

Row = tuple[int, list[Any], list[str | None]]  # row number, cell values, number formats (XLSX)


@dataclass
class Sheet:
    """A sheet being read: its first rows (the header is among them), then every row, read as it is wanted
    (a million rows are never all in memory)."""

    name: str  # as shown in messages
    rows: Iterator[Row]  # every row, the first ones included, read on demand
    head: list[Row] = field(default_factory=list)  # the first ten rows
    total: int | None = None  # how many rows there are, where known before reading them (CSV)
    encoding: str | None = None
    delimiter: str | None = None
    epoch: datetime = datetime(1899, 12, 30)  # Excel's day 0 (1904-01-01 for old Mac workbooks)
    notes: list[str] = field(default_factory=list)


HEAD = 10  # rows read first: a title line or two may sit above the header


def _started(sheet: Sheet, rows: Iterator[Row]) -> Sheet:
    sheet.head = list(itertools.islice(rows, HEAD))
    sheet.rows = itertools.chain(sheet.head, rows)
    return sheet


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
    """A CSV sheet: first read through once, line by line, to learn its encoding (one for the whole file: a
    sheet partly UTF-8, partly Windows-1251 is refused with the lines that differ), to find a bad byte or a
    row the csv module cannot read before any row is imported, and to count the rows; then streamed."""
    name = shown(path)
    with path.open("rb") as fh:
        start = fh.read(4)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: Excel's "Unicode text"; rare, read whole
        text = path.read_bytes().decode("utf-16").lstrip("\ufeff")
        return _csv_sheet(name, lambda: io.StringIO(text, newline=""), "UTF-16", text[:200_000])
    bom = start.startswith(b"\xef\xbb\xbf")
    utf8 = _Lines()  # lines with text that is UTF-8 (not ASCII alone)
    other = _Lines()  # lines that are not UTF-8: Windows-1251, if the whole sheet is
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))

    def lines() -> Iterator[str]:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if number == 1 and bom:
                    raw = raw[3:]
                if raw.isascii():
                    yield raw.decode("ascii")
                    continue
                try:
                    line = raw.decode("utf-8")
                    utf8.append(number)
                except UnicodeDecodeError:
                    line = _decode(raw, "cp1251", name, number)  # a line of Windows-1251, or a bad byte
                    other.append(number)
                yield line

    with path.open("rb") as fh:
        sample = fh.read(200_000)
    try:
        first = sample.decode("utf-8")
    except UnicodeDecodeError as exc:  # cut in a character at the end, or not UTF-8: enough to sniff with
        first = sample[:exc.start].decode("utf-8") if exc.start > len(sample) - 4 else sample.decode("cp1251", "replace")
    head, hint, delimiter = _layout(first)
    reader = csv.reader(lines(), delimiter=delimiter)
    rows = 0
    try:
        for _ in reader:
            rows += 1
    except csv.Error as exc:
        raise UsageError(f"{name}: line {reader.line_num}: cannot read it as CSV ({exc})") from None
    if utf8 and other:
        raise UsageError(f"{name} is not in one encoding: {_lines(utf8)} {_are(utf8)} UTF-8 text, {_lines(other)}"
                         f" {_are(other)} not (Windows-1251?); a sheet put together from files saved differently."
                         " Save it as “CSV UTF-8” (or as .xlsx) and import that")
    encoding = "Windows-1251" if other else "UTF-8 with BOM" if bom else "UTF-8"
    python = "cp1251" if other else "utf-8-sig" if bom else "utf-8"
    sheet = _csv_sheet(name, lambda: path.open(encoding=python, newline=""), encoding, first)
    sheet.total = rows - hint
    if other:
        sheet.notes.append(f"{name} is not UTF-8 text: it was read as Windows-1251 (Cyrillic). Check that the text"
                           " in the case files reads right; to be sure, save the sheet as “CSV UTF-8”.")
    return sheet


def _layout(first: str) -> tuple[str, bool, str]:
    """The sheet's first line, whether it is Excel's `sep=` hint (not a row of the sheet), and the delimiter."""
    first = first.lstrip("\ufeff")
    head, _, _ = first.partition("\n")
    hint = re.fullmatch(r"sep=(.)\r?", head)
    return head, hint is not None, head[4] if hint else _sniff(first)


class _Lines:
    """Line numbers of one kind: the first ten kept (to be named), the rest counted (memory stays flat)."""

    def __init__(self) -> None:
        self.first: list[int] = []
        self.count = 0

    def append(self, number: int) -> None:
        self.count += 1
        if len(self.first) < 10:
            self.first.append(number)

    def __bool__(self) -> bool:
        return self.count > 0


def _lines(numbers: _Lines) -> str:
    more = numbers.count - len(numbers.first)
    listed = ", ".join(map(str, numbers.first)) + (f" and {more} more" if more else "")
    return f"line {listed}" if numbers.count == 1 else f"lines {listed}"


def _are(numbers: _Lines) -> str:
    return "is" if numbers.count == 1 else "are"


def _csv_sheet(name: str, opened: Callable[[], IO[str]], encoding: str, first: str) -> Sheet:
    _, hint, delimiter = _layout(first)

    def rows() -> Iterator[Row]:
        with opened() as fh:
            if hint:
                fh.readline()
            number = 0
            try:
                for number, cells in enumerate(csv.reader(fh, delimiter=delimiter), start=1):
                    yield number, cells, []
            except csv.Error as exc:
                raise UsageError(f"{name}: row {number + 1}: cannot read it as CSV ({exc})") from None

    return _started(Sheet(name, iter(()), encoding=encoding, delimiter=delimiter), rows())


def _decode(raw: bytes, encoding: str, name: str, line: int) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: line {line}, byte {exc.start + 1}: 0x{raw[exc.start]:02X} is neither UTF-8 nor"
                         " Windows-1251 text; save the sheet as “CSV UTF-8” (or as .xlsx) and import that") from None


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
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)  # read_only: rows streamed
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UsageError(f"{name}: cannot read it as an Excel workbook (.xlsx): {exc}") from None
    sheet = Sheet(name, iter(()), epoch=book.epoch)
    try:
        ws = book.worksheets[0]
        if len(book.worksheets) > 1:
            sheet.notes.append(f"{name} has {len(book.worksheets)} sheets: only the first, “{ws.title}”, was read")
        ws.reset_dimensions()  # some programs write a wrong size into the file; read every row there is
    except (KeyError, ValueError, TypeError, OSError, IndexError) as exc:
        book.close()
        raise UsageError(f"{name}: cannot read the workbook's first sheet: {exc}") from None

    def rows() -> Iterator[Row]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for number, row in enumerate(ws.iter_rows(), start=1):
                    cells = [getattr(c, "value", None) for c in row]
                    cells = [_ooxml_unescape(v) if isinstance(v, str) else v for v in cells]
                    formats = [getattr(c, "number_format", None) for c in row]
                    number = getattr(row[0], "row", None) or number if row else number
                    yield number, cells, formats
        except (KeyError, ValueError, TypeError, OSError) as exc:
            raise UsageError(f"{name}: cannot read the workbook's first sheet: {exc}") from None
        finally:
            book.close()

    return _started(sheet, rows())


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
