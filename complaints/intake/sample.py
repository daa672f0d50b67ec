"""What the import page shows of the mapping: the columns a sheet may have (their headers in one language), and a
sample sheet made from them with one example row (data/import-sample.yaml), as CSV that Excel opens right."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from .mapping import FIELDS, Mapping, load_mapping

_KAZAKH = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_CYRILLIC = re.compile("[а-яёА-ЯЁ]")


def header_language(header: str) -> str:
    """The language a header is written in, as far as its letters tell: Kazakh letters, else Cyrillic (Russian),
    else English. (A Kazakh header with no letter of its own reads as Russian: it is listed there.)"""
    if _KAZAKH.search(header):
        return "kk"
    return "ru" if _CYRILLIC.search(header) else "en"


@dataclass(frozen=True)
class Column:
    """A column the import understands: the case field it fills, whether every row needs it, and its headers
    (those in the language asked for first)."""

    field: str
    required: bool
    headers: tuple[str, ...]
    value: str | None = None  # a mapping file's one value for every row: no column needed


def columns(lang: str, mapping: Mapping | None = None) -> list[Column]:
    """The columns of the mapping (the shipped one by default), in the case format's order."""
    found = []
    for name, source in (mapping or load_mapping()).fields.items():
        mine = [h for h in source.headers if header_language(h) == lang]
        found.append(Column(name, FIELDS[name].required, tuple(mine + [h for h in source.headers if h not in mine]),
                            source.value))
    return found


def _sample_row() -> dict[str, Any]:
    text = resources.files("complaints").joinpath("data", "import-sample.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text)["row"])


def sample_csv(lang: str, mapping: Mapping | None = None) -> bytes:
    """A sheet the import reads: one column per field (its first header in `lang`), one example row; the norm
    written as the catalogue's short label in `lang`. UTF-8 with a BOM and semicolons, as Excel expects in
    Kazakhstan."""
    from ..case import law

    row = _sample_row()
    heads, cells = [], []
    for column in columns(lang, mapping):
        if column.value is not None or not column.headers:
            continue
        value = row.get(column.field, "")
        if isinstance(value, dict):
            value = value.get(lang) or value.get("en") or ""
        if column.field == "legal_basis.norms" and value in law.catalogue():
            value = law.catalogue()[str(value)].short.get(lang) or value
        heads.append(column.headers[0])
        cells.append(str(value))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(heads)
    writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
