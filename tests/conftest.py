"""Shared helpers: build case folders in a temporary directory, read text back out of a .docx."""

from __future__ import annotations

import copy
import io
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document

REPO = Path(__file__).resolve().parent.parent

# The tool's cache (the summaries of unchanged runs, batch/unchanged.py) in a folder of the test run's own, for
# this process and the commands the tests start, not in the user's home.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="complaints-tests-cache-"))
LETTER_DATE = date(2026, 11, 25)

PROJECT: dict[str, Any] = {
    "applicant": {
        "kind": "person",
        "name": {"kk": "Серікұлы Нұрлан", "ru": "Серікұлы Нұрлан", "en": "Nurlan Serikuly"},
        "iin": "900101300126",
        "address": {"kk": "Астана қ., Мысал көшесі, 1", "ru": "г. Астана, ул. Мысал, 1", "en": "1 Mysal St, Astana"},
        "phone": "+7 700 000 00 00",
        "email": "applicant@example.org",
    },
    "languages": ["kk", "ru", "en"],
}

CASE: dict[str, Any] = {
    "format": 1,
    "id": "test-case",
    "outlet": {"name": "Nur.kz", "url": "https://www.nur.kz"},
    "article": {"title": "Заголовок статьи", "url": "https://www.nur.kz/a/", "published": "2023-10-06"},
    "comment": {
        "author": "ZapadNamNePomozhet",
        "posted": "2023-10-06T22:53",
        "language": "ru",
        "text": "Не хватает слов в казахском языке?",
        "translations": {"en": "Not enough words in Kazakh?", "kk": "Қазақ тілінде сөз жетпей ме?"},
    },
    "legal_basis": {"norms": ["criminal-code-174-1"]},
}


def case_data(**changes: Any) -> dict[str, Any]:
    """The base case with dotted-path changes: case_data(**{"comment.text": "x"}); None removes a field."""
    data = copy.deepcopy(CASE)
    for dotted, value in changes.items():
        node = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return data


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A folder with a valid complaints.yaml."""
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    return folder


def docx_paragraphs(source: Path | bytes) -> list[str]:
    """Every paragraph of a .docx as python-docx reads it back, table cells included."""
    doc = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = []  # a merged cell: python-docx gives it once for each column it spans
            for cell in row.cells:
                if any(cell._tc is tc for tc in seen):
                    continue
                seen.append(cell._tc)
                lines.extend(p.text for p in cell.paragraphs)
    return lines


def docx_text(source: Path | bytes) -> str:
    return "\n".join(docx_paragraphs(source))


def need_tool(tool: str) -> None:
    """A test that reads its letters with `tool` (pdftotext, pdffonts…): skipped where it is not installed, failed
    in CI, whose .ci/run must install it."""
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing in CI: .ci/run must install it")
        pytest.skip(f"{tool} is not installed")


def need_office() -> None:
    """pdftotext and LibreOffice, for a test that makes a PDF and reads it: skipped without them, failed in CI."""
    from complaints.render.pdf import OfficeMissing, find_office

    need_tool("pdftotext")
    try:
        find_office()
    except OfficeMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def office() -> None:
    need_office()
