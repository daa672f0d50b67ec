"""PDF letters: made by LibreOffice from the DOCX, fonts embedded, every character of the comment kept.

These run in CI (which installs LibreOffice and poppler-utils); on a machine without them they are skipped,
except where CI is set, where a missing tool is a failure.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from conftest import LETTER_DATE, REPO, case_data, need_office, need_tool, write_yaml
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()
KAZAKH = "әғқңөұүһі"
SPECIAL = "Ой-бай! «Қазақ» & <b>жоқ</b> \"кавычки\" {{ x }} {% if %} ӘҒҚҢӨҰҮҺІ 100% — №5"



@pytest.fixture(scope="module", autouse=True)
def _office() -> None:
    need_tool("pdffonts")
    need_office()  # pdftotext and LibreOffice: skipped without them, failed in CI


def _text(pdf: Path) -> str:
    """The PDF's text as pdftotext reads it, in one line: words joined across line ends and hyphenation."""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    return " ".join(raw.decode("utf-8").split())


def _flat(text: str) -> str:
    """Text without spaces and hyphens, to compare across the line breaks a PDF has and its source has not."""
    return re.sub(r"[\s\-‐]", "", text)


def _fonts(pdf: Path) -> list[list[str]]:
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [row.split() for row in rows if row.strip()]


def _render(cases: Path, out: Path, *extra: str) -> None:
    result = runner.invoke(app, ["render", str(cases), "--out", str(out), "--format", "pdf",
                                 "--date", LETTER_DATE.isoformat(), "-q", "--workers", "1", *extra])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "letters"
    _render(REPO / "cases", out)
    return out


def test_every_example_letter_has_a_pdf_beside_its_docx(examples: Path) -> None:
    for case in ("nurkz-2023-10-06-kazakh-language", "zonakz-2018-07-12-mixed-marriages"):
        for lang in ("kk", "ru", "en"):
            pdf = examples / case / f"{case}.{lang}.pdf"
            assert pdf.read_bytes().startswith(b"%PDF-")
            assert (examples / case / f"{case}.{lang}.docx").is_file()


def test_the_pdf_quotes_the_comment_verbatim(examples: Path) -> None:
    quote = "Не хватает слов в казахском языке, чтобы переводить человеческие языки?"
    for lang in ("kk", "ru", "en"):
        text = _text(examples / "nurkz-2023-10-06-kazakh-language" / f"nurkz-2023-10-06-kazakh-language.{lang}.pdf")
        assert quote in text


def test_the_kazakh_pdf_has_every_kazakh_letter_it_prints(examples: Path) -> None:
    text = _text(examples / "nurkz-2023-10-06-kazakh-language" / "nurkz-2023-10-06-kazakh-language.kk.pdf")
    assert "Мәдениет және ақпарат министрлігі" in text
    assert "Өтініш беруші" in text
    assert "ӨТІНІШ" in text


def test_every_font_of_every_pdf_is_embedded(examples: Path) -> None:
    pdfs = sorted(examples.glob("*/*.pdf"))
    assert len(pdfs) == 6
    for pdf in pdfs:
        fonts = _fonts(pdf)
        assert fonts, pdf
        for row in fonts:
            emb = row[-5]  # columns: name type encoding emb sub uni object ID
            assert emb == "yes", (pdf.name, row)


def test_the_pdf_is_the_docx_converted(examples: Path) -> None:
    from docx import Document

    case = "zonakz-2018-07-12-mixed-marriages"
    words = []
    for para in Document(str(examples / case / f"{case}.ru.docx")).paragraphs:
        words.append(para.text)
    text = _flat(_text(examples / case / f"{case}.ru.pdf"))
    for para in words:
        assert _flat(para) in text, para


def test_a_letter_about_one_comment_is_short_and_its_signature_keeps_its_date(examples: Path) -> None:
    """At most three pages for one comment (five norms cited, two of them with their successors, take the
    Kazakh letter onto a third), and the signature line never on one page with its date alone on the next."""
    for pdf in sorted(examples.glob("*/*.pdf")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        assert 1 <= pages <= 3, (pdf.name, pages)
        last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "____" in last, (pdf.name, "the signature line is not on the page of the date")


def test_special_characters_and_every_kazakh_letter_survive(project_dir: Path, tmp_path: Path) -> None:
    text = SPECIAL + "\n" + KAZAKH + " " + KAZAKH.upper()
    write_yaml(project_dir / "c.yaml", case_data(**{"comment.text": text + "\n"}))
    _render(project_dir, tmp_path / "out", "--lang", "kk")
    pdf = tmp_path / "out" / "test-case" / "test-case.kk.pdf"
    got = _text(pdf)
    for line in text.split("\n"):
        assert " ".join(line.split()) in got, line
    for letter in KAZAKH + KAZAKH.upper():
        assert letter in got


def test_the_same_letter_gives_the_same_pdf_bytes(examples: Path, tmp_path: Path) -> None:
    _render(REPO / "cases", tmp_path / "again", "--force")
    for pdf in sorted(examples.glob("*/*.pdf")):
        assert (tmp_path / "again" / pdf.relative_to(examples)).read_bytes() == pdf.read_bytes(), pdf.name


def test_pdfa_writes_pdf_a_2b(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c.yaml", case_data())
    _render(project_dir, tmp_path / "out", "--lang", "ru", "--pdfa")
    pdf = next((tmp_path / "out").glob("*/*.ru.pdf"))
    data = pdf.read_bytes()
    assert re.search(rb"<pdfaid:part>2</pdfaid:part>", data)
    assert re.search(rb"<pdfaid:conformance>B</pdfaid:conformance>", data)
    assert all(row[-5] == "yes" for row in _fonts(pdf))
    # the plain PDF of the same letter is not PDF/A, and changing --pdfa renders the PDF again
    result = runner.invoke(app, ["render", str(project_dir), "--out", str(tmp_path / "out"), "--format", "pdf",
                                 "--lang", "ru", "--date", LETTER_DATE.isoformat(), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert b"pdfaid:part" not in pdf.read_bytes()


def test_the_same_letter_gives_the_same_pdf_a_bytes_a_second_later(project_dir: Path, tmp_path: Path) -> None:
    """PDF/A embeds a colour profile that LibreOffice stamps with the time of export: the tool sets it to the
    letter's date, and the PDF stays whole (every cross-reference offset points at its object)."""
    write_yaml(project_dir / "c.yaml", case_data())
    _render(project_dir, tmp_path / "one", "--lang", "ru", "--pdfa")
    time.sleep(1.1)  # the profile's clock counts seconds
    _render(project_dir, tmp_path / "two", "--lang", "ru", "--pdfa")
    first, second = (next((tmp_path / name).glob("*/*.ru.pdf")).read_bytes() for name in ("one", "two"))
    assert first == second
    profile = re.search(rb"/N 3/Length (\d+) 0 R/Filter/FlateDecode>>\nstream\n", first)
    assert profile is not None
    header = zlib.decompress(first[profile.end():first.index(b"\nendstream", profile.end())])[:40]
    assert header[36:40] == b"acsp" and struct.unpack(">6H", header[24:36]) == (*LETTER_DATE.timetuple()[:3], 0, 0, 0)
    start = int(re.search(rb"startxref\n(\d+)", first[-64:])[1])  # type: ignore[index]
    table = re.compile(rb"xref\n0 (\d+)\n").match(first, start)
    assert table is not None
    for n in range(int(table[1])):
        row = first[table.end() + 20 * n: table.end() + 20 * n + 20]
        if row[17:18] == b"n":
            assert first[int(row[:10]):].startswith(b"%d 0 obj" % n), n
    text = _text(next((tmp_path / "two").glob("*/*.ru.pdf")))
    assert "Министр" in text


def test_without_libreoffice_the_docx_is_still_written_and_the_error_says_what_to_install(
        project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_SOFFICE", str(tmp_path / "no-such-soffice"))
    write_yaml(project_dir / "c.yaml", case_data())
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(project_dir), "--out", str(out), "--format", "pdf",
                                 "--date", LETTER_DATE.isoformat(), "--workers", "1"])
    assert result.exit_code == 1
    assert "libreoffice-writer-nogui" in result.output
    assert "python3-uno" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.suffix for p in out.glob("*/*")) == [".docx", ".docx", ".docx"]


def _converters(mine: Path) -> list[str]:
    """The converters and LibreOffices running with their profiles in `mine` (this test's own: not those of an
    office the user keeps running, nor of another run)."""
    # -ww: whole command lines, however narrow the terminal (COLUMNS) is
    done = subprocess.run(["ps", "-ww", "-eo", "args"], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    return [line for line in done if str(mine) in line
            and ("uno_convert.py" in line or ("soffice.bin" in line and "complaints-" in line))]


def test_a_batch_stopped_mid_way_leaves_no_libreoffice_running(project_dir: Path, tmp_path: Path) -> None:
    import signal
    import sys
    import time

    for n in range(12):
        write_yaml(project_dir / f"c{n}.yaml", case_data(id=f"case-{n}"))
    out = tmp_path / "out"
    mine = tmp_path / "libreoffice"  # its LibreOffice profiles, by which its processes are told from others'
    proc = subprocess.Popen([sys.executable, "-m", "complaints.cli", "render", str(project_dir), "--out", str(out),
                             "--format", "pdf", "--workers", "2", "--date", LETTER_DATE.isoformat(), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, COMPLAINTS_OFFICE_DIR=str(mine)))
    deadline = time.monotonic() + 120
    seen = False  # its LibreOffices, told by their profiles: the check below sees them
    while not list(out.glob("*/*.pdf")) and time.monotonic() < deadline and proc.poll() is None:
        seen = seen or any("soffice.bin" in line for line in _converters(mine))
        time.sleep(0.2)
    assert seen
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 8
    while _converters(mine) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _converters(mine) == []
    for pdf in out.glob("*/*.pdf"):  # what was written is whole
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
