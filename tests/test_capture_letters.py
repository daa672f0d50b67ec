"""Issue 14, item 6: the letters cite the capture. What the advocate gets, read back out of the letters written
(the .txt and the .docx): each captured file's annex line gives its capture time and the RFC 3161 authorities that
time-stamped it; the facts say when the comment was last seen online and how (by the capture, or a screenshot
taken then); a file that is no longer the one captured is refused; the schema, `new`'s comments and the case page
know the new fields. A case without them gets the letter it always got (tests/test_letters.py and the others pin
that, and so do the lines below)."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import LETTER_DATE, PROJECT, case_data, docx_paragraphs, write_yaml
from typer.testing import CliRunner

import complaints
from complaints.case.load import read_yaml
from complaints.case.write import case_text, updated_text
from complaints.cli import app
from complaints.evidence.record import token_name
from complaints.web import caseform

LANGS = ("kk", "ru", "en")
STEM = "capture-2026-11-24-190312"
WHEN = "2026-11-24T19:03:12+05:00"
ROLES = (("comment", "png", "Close-up of the comment"), ("page", "png", "The whole page"),
         ("page", "mhtml", "The page as a web archive"), ("record", "json", "The capture's record"))
runner = CliRunner()


def capture_files(folder: Path, stem: str = STEM, *, when: str = WHEN, authorities: list[str] | None = None,
                  salt: str = "") -> list[dict[str, Any]]:
    """A capture's four files in `folder`/evidence, and their evidence items as the capture adds them."""
    items = []
    for role, ext, description in ROLES:
        path = folder / "evidence" / f"{stem}-{role}.{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"{salt}{role}.{ext} as captured".encode())
        items.append({"file": f"evidence/{path.name}", "description": description, "taken": when,
                      "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                      "timestamped_by": list(authorities or ["freetsa.org"])})
    for name in authorities or ["freetsa.org"]:
        tokens(folder, stem, name, salt)
    return items


def tokens(folder: Path, stem: str, name: str, salt: str = "") -> None:
    """The token a capture keeps of `name` beside its record (its bytes matter not to the letter)."""
    (folder / "evidence" / token_name(stem, name)).write_bytes(f"{salt}token of {name}".encode())


def written(folder: Path, data: dict[str, Any]) -> Path:
    """The case file as the tool's own writer writes it (the capture adds its items through the same one)."""
    path = folder / f"{data['id']}.yaml"
    path.write_text(case_text(data, header="a captured case"), encoding="utf-8")
    return path


def render(cases: Path, out: Path, *, group_by: str | None = None) -> complaints.BatchResult:
    result = complaints.render_batch([cases], out=out, letter_date=LETTER_DATE, formats=("txt", "docx"),
                                     workers=1, group_by=group_by)
    assert result.exit_code == 0, [c.problems for c in result.cases] if hasattr(result, "cases") else result
    return result


def letters(out: Path, letter_id: str, lang: str) -> tuple[list[str], list[str]]:
    """The letter's lines as the .txt has them, and its paragraphs as the .docx has them."""
    base = out / letter_id / f"{letter_id}.{lang}"
    return (Path(f"{base}.txt").read_text(encoding="utf-8").splitlines(),
            docx_paragraphs(Path(f"{base}.docx")))


def annex_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if re.match(r"^\d+\. .*SHA-256|^\d+\. .*https?://", line)]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def captured(project_dir: Path) -> Path:
    """A case with a capture: its four files, each time-stamped by freetsa.org (the record by two authorities),
    the comment last seen online at the capture's time."""
    items = capture_files(project_dir)
    items[3]["timestamped_by"] = ["freetsa.org", "tsa.example.kz"]
    tokens(project_dir, STEM, "tsa.example.kz")
    written(project_dir, case_data(id="captured", evidence=items, **{"comment.still_online": WHEN}))
    return project_dir


# the annex lines of the capture, in each language, exactly as a letter gives them
ANNEXES = {
    "en": [
        "1. Close-up of the comment: file capture-2026-11-24-190312-comment.png, 23 bytes, SHA-256: {0}; captured on"
        " 24 November 2026 at 19:03 (UTC+5) and time-stamped by freetsa.org (RFC 3161).",
        "2. The whole page: file capture-2026-11-24-190312-page.png, 20 bytes, SHA-256: {1}; captured on"
        " 24 November 2026 at 19:03 (UTC+5) and time-stamped by freetsa.org (RFC 3161).",
        "3. The page as a web archive: file capture-2026-11-24-190312-page.mhtml, 22 bytes, SHA-256: {2}; captured on"
        " 24 November 2026 at 19:03 (UTC+5) and time-stamped by freetsa.org (RFC 3161).",
        "4. The capture's record: file capture-2026-11-24-190312-record.json, 23 bytes, SHA-256: {3}; captured on"
        " 24 November 2026 at 19:03 (UTC+5) and time-stamped by freetsa.org and tsa.example.kz (RFC 3161).",
    ],
    "ru": [
        "1. Close-up of the comment — файл capture-2026-11-24-190312-comment.png, 23 байта, SHA-256: {0};"
        " зафиксировано 24 ноября 2026 года в 19:03 (UTC+5) и снабжено меткой времени службы freetsa.org (RFC 3161).",
        "2. The whole page — файл capture-2026-11-24-190312-page.png, 20 байт, SHA-256: {1};"
        " зафиксировано 24 ноября 2026 года в 19:03 (UTC+5) и снабжено меткой времени службы freetsa.org (RFC 3161).",
        "3. The page as a web archive — файл capture-2026-11-24-190312-page.mhtml, 22 байта, SHA-256: {2};"
        " зафиксировано 24 ноября 2026 года в 19:03 (UTC+5) и снабжено меткой времени службы freetsa.org (RFC 3161).",
        "4. The capture's record — файл capture-2026-11-24-190312-record.json, 23 байта, SHA-256: {3};"
        " зафиксировано 24 ноября 2026 года в 19:03 (UTC+5) и снабжено метками времени служб freetsa.org и"
        " tsa.example.kz (RFC 3161).",
    ],
    "kk": [
        "1. Close-up of the comment – capture-2026-11-24-190312-comment.png файлы, 23 байт, SHA-256: {0};"
        " 2026 жылғы 24 қарашада сағат 19:03-те (UTC+5) түсірілген және freetsa.org қызметінің уақыт белгісі"
        " (RFC 3161) қойылған.",
        "2. The whole page – capture-2026-11-24-190312-page.png файлы, 20 байт, SHA-256: {1};"
        " 2026 жылғы 24 қарашада сағат 19:03-те (UTC+5) түсірілген және freetsa.org қызметінің уақыт белгісі"
        " (RFC 3161) қойылған.",
        "3. The page as a web archive – capture-2026-11-24-190312-page.mhtml файлы, 22 байт, SHA-256: {2};"
        " 2026 жылғы 24 қарашада сағат 19:03-те (UTC+5) түсірілген және freetsa.org қызметінің уақыт белгісі"
        " (RFC 3161) қойылған.",
        "4. The capture's record – capture-2026-11-24-190312-record.json файлы, 23 байт, SHA-256: {3};"
        " 2026 жылғы 24 қарашада сағат 19:03-те (UTC+5) түсірілген, freetsa.org және tsa.example.kz қызметтерінің"
        " уақыт белгілері (RFC 3161) қойылған.",
    ],
}

# the facts' last sentence: when the comment was last seen online, and that the capture shows it
SEEN_BY_CAPTURE = {
    "en": "As of 24 November 2026, 19:03 (UTC+5), the comment remained publicly available, as verified by a capture"
          " of the page made at that time (Annexes 1–4).",
    "ru": "По состоянию на 19:03 (UTC+5) 24 ноября 2026 года комментарий оставался в открытом доступе, что"
          " подтверждается фиксацией страницы, произведённой в указанное время (приложения 1–4).",
    "kk": "2026 жылғы 24 қарашадағы (сағат 19:03, UTC+5) жағдай бойынша пікір көпшілікке қолжетімді болып қала"
          " берді; бұл беттің сол уақытта жасалған көшірмесімен расталады (1–4-қосымшалар).",
}
# as the letters have always said it (no item taken at that moment)
SEEN_ONLY = {
    "en": "As of 24 November 2026, 19:03 (UTC+5), the comment remained publicly available.",
    "ru": "По состоянию на 19:03 (UTC+5) 24 ноября 2026 года комментарий оставался в открытом доступе.",
    "kk": "2026 жылғы 24 қарашадағы (сағат 19:03, UTC+5) жағдай бойынша пікір көпшілікке қолжетімді болып қала"
          " берді.",
}


# ------------------------------------------------------------------ the annexes and the facts, txt and docx

@pytest.mark.parametrize("lang", LANGS)
def test_each_captured_file_is_annexed_with_its_capture_time_and_its_time_stamps(captured: Path, tmp_path: Path,
                                                                                 lang: str) -> None:
    render(captured, tmp_path / "out")
    hashes = [hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (captured / "evidence" / f"{STEM}-{r}.{e}" for r, e, _ in ROLES)]
    expected = [line.format(*hashes) for line in ANNEXES[lang]]
    text, docx = letters(tmp_path / "out", "captured", lang)
    assert annex_lines(text) == expected
    assert annex_lines(docx) == expected


@pytest.mark.parametrize("lang", LANGS)
def test_the_facts_say_the_comment_was_seen_online_by_the_capture(captured: Path, tmp_path: Path, lang: str) -> None:
    render(captured, tmp_path / "out")
    text, docx = letters(tmp_path / "out", "captured", lang)
    assert SEEN_BY_CAPTURE[lang] in text
    assert SEEN_BY_CAPTURE[lang] in docx


@pytest.mark.parametrize("lang", LANGS)
def test_a_screenshot_taken_when_the_comment_was_seen_is_cited_as_showing_it(project_dir: Path, tmp_path: Path,
                                                                            lang: str) -> None:
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "shot.png").write_bytes(b"a screenshot by hand")
    evidence = [{"url": "https://web.archive.org/web/2026/https://www.nur.kz/a/", "description": "Archive"},
                {"file": "evidence/shot.png", "description": "Screenshot", "taken": "2026-11-24T19:03+05:00"}]
    write_yaml(project_dir / "c.yaml", case_data(id="hand", evidence=evidence,
                                                 **{"comment.still_online": "2026-11-24T19:03"}))
    render(project_dir, tmp_path / "out")
    text, docx = letters(tmp_path / "out", "hand", lang)
    sentence = {
        "en": "As of 24 November 2026, 19:03 (UTC+5), the comment remained publicly available, as shown in Annex 2.",
        "ru": "По состоянию на 19:03 (UTC+5) 24 ноября 2026 года комментарий оставался в открытом доступе, что"
              " подтверждается приложением 2.",
        "kk": "2026 жылғы 24 қарашадағы (сағат 19:03, UTC+5) жағдай бойынша пікір көпшілікке қолжетімді болып қала"
              " берді; бұл 2-қосымшамен расталады.",
    }[lang]
    assert sentence in text and sentence in docx
    # the screenshot's own annex line is the one it always was
    line = {
        "en": "2. Screenshot: file shot.png, 20 bytes, SHA-256: {0}; captured on 24 November 2026 at 19:03 (UTC+5).",
        "ru": "2. Screenshot — файл shot.png, 20 байт, SHA-256: {0}; зафиксировано 24 ноября 2026 года в 19:03"
              " (UTC+5).",
        "kk": "2. Screenshot – shot.png файлы, 20 байт, SHA-256: {0}; 2026 жылғы 24 қарашада сағат 19:03-те (UTC+5)"
              " түсірілген.",
    }[lang].format(sha("a screenshot by hand"))
    assert annex_lines(text)[1] == line and annex_lines(docx)[1] == line


@pytest.mark.parametrize("lang", LANGS)
def test_without_an_item_of_that_moment_the_facts_and_annexes_are_as_always(project_dir: Path, tmp_path: Path,
                                                                          lang: str) -> None:
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "shot.png").write_bytes(b"a screenshot by hand")
    evidence = [{"file": "evidence/shot.png", "description": "Screenshot", "taken": "2026-11-24T19:05+05:00"}]
    write_yaml(project_dir / "c.yaml", case_data(id="plain", evidence=evidence, **{"comment.still_online": WHEN}))
    render(project_dir, tmp_path / "out")
    text, docx = letters(tmp_path / "out", "plain", lang)
    assert SEEN_ONLY[lang] in text and SEEN_ONLY[lang] in docx
    line = {
        "en": "1. Screenshot: file shot.png, 20 bytes, SHA-256: {0}; captured on 24 November 2026 at 19:05 (UTC+5).",
        "ru": "1. Screenshot — файл shot.png, 20 байт, SHA-256: {0}; зафиксировано 24 ноября 2026 года в 19:05"
              " (UTC+5).",
        "kk": "1. Screenshot – shot.png файлы, 20 байт, SHA-256: {0}; 2026 жылғы 24 қарашада сағат 19:05-те (UTC+5)"
              " түсірілген.",
    }[lang].format(sha("a screenshot by hand"))
    assert annex_lines(text) == [line] and annex_lines(docx) == [line]


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_time_stamped_with_no_capture_time_says_only_the_time_stamp(project_dir: Path, tmp_path: Path,
                                                                         lang: str) -> None:
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "doc.pdf").write_bytes(b"the outlet's rules")
    evidence = [{"file": "evidence/doc.pdf", "description": "Rules", "sha256": sha("the outlet's rules"),
                 "timestamped_by": ["freetsa.org"]}]
    write_yaml(project_dir / "c.yaml", case_data(id="rules", evidence=evidence))
    render(project_dir, tmp_path / "out")
    text, _ = letters(tmp_path / "out", "rules", lang)
    assert annex_lines(text) == [{
        "en": "1. Rules: file doc.pdf, 18 bytes, SHA-256: {0}; time-stamped by freetsa.org (RFC 3161).",
        "ru": "1. Rules — файл doc.pdf, 18 байт, SHA-256: {0}; снабжено меткой времени службы freetsa.org (RFC 3161).",
        "kk": "1. Rules – doc.pdf файлы, 18 байт, SHA-256: {0}; freetsa.org қызметінің уақыт белгісі (RFC 3161)"
              " қойылған.",
    }[lang].format(sha("the outlet's rules"))]


def test_a_letter_about_several_comments_cites_its_own_annex_numbers(project_dir: Path, tmp_path: Path) -> None:
    """Two cases of one outlet in two folders, captured in the same second (`watch` runs pages in parallel): the
    second comment's capture is Annexes 5–8 of the letter, and the files, of one name, are told apart by their
    folders."""
    for n in (1, 2):
        folder = project_dir / f"case{n}"
        folder.mkdir()
        items = capture_files(folder, salt=f"case {n}: ")
        written(folder, case_data(id=f"c{n}", evidence=items,
                                  **{"comment.still_online": WHEN, "comment.text": f"Комментарий {n}"}))
    render(project_dir, tmp_path / "out", group_by="outlet")
    text, docx = letters(tmp_path / "out", "outlet-nur-kz", "en")
    for lines in (text, docx):
        assert "As of 24 November 2026, 19:03 (UTC+5), the comment remained publicly available, as verified by a" \
               " capture of the page made at that time (Annexes 1–4)." in lines
        assert "As of 24 November 2026, 19:03 (UTC+5), the comment remained publicly available, as verified by a" \
               " capture of the page made at that time (Annexes 5–8)." in lines
        annexes = annex_lines(lines)
        assert len(annexes) == 8
        assert annexes[0].startswith("1. Close-up of the comment (comment No. 1): file"
                                     " case1/evidence/capture-2026-11-24-190312-comment.png, ")
        assert annexes[4].startswith("5. Close-up of the comment (comment No. 2): file"
                                     " case2/evidence/capture-2026-11-24-190312-comment.png, ")
    ru, _ = letters(tmp_path / "out", "outlet-nur-kz", "ru")
    assert any(line.endswith("что подтверждается фиксацией страницы, произведённой в указанное время"
                             " (приложения 5–8).") for line in ru)


def test_annex_numbers_not_in_a_row_are_listed_one_by_one(project_dir: Path, tmp_path: Path) -> None:
    items = capture_files(project_dir)
    (project_dir / "evidence" / "other.png").write_bytes(b"taken another day")
    items.insert(1, {"file": "evidence/other.png", "description": "Earlier", "taken": "2026-11-20"})
    written(project_dir, case_data(id="gaps", evidence=items[:3], **{"comment.still_online": WHEN}))
    render(project_dir, tmp_path / "out")
    text, _ = letters(tmp_path / "out", "gaps", "en")
    assert "…publicly available, as verified by a capture of the page made at that time (Annexes 1, 3)."[1:] in \
           "\n".join(text)


def test_today_s_files_keep_their_names_even_when_two_share_one(project_dir: Path, tmp_path: Path) -> None:
    for folder in ("evidence", "other"):
        (project_dir / folder).mkdir()
        (project_dir / folder / "a.png").write_bytes(folder.encode())
    evidence = [{"file": "evidence/a.png", "description": "One"}, {"file": "other/a.png", "description": "Two"}]
    write_yaml(project_dir / "c.yaml", case_data(id="names", evidence=evidence))
    render(project_dir, tmp_path / "out")
    text, _ = letters(tmp_path / "out", "names", "en")
    assert [line.split(",")[0] for line in annex_lines(text)] == ["1. One: file a.png", "2. Two: file a.png"]


# ------------------------------------------------------------------ the file that is not the one captured

def test_a_file_changed_since_its_capture_is_refused_at_its_sha256(captured: Path, tmp_path: Path) -> None:
    page = captured / "evidence" / f"{STEM}-page.png"
    taken = hashlib.sha256(page.read_bytes()).hexdigest()
    page.write_bytes(b"another picture")
    now = hashlib.sha256(b"another picture").hexdigest()
    case = captured / "captured.yaml"
    line_no, column = next((n, line.index(taken) + 1) for n, line in enumerate(case.read_text().splitlines(), 1)
                           if taken in line)
    result = runner.invoke(app, ["validate", str(case)])
    assert result.exit_code == 1
    problem = next(line for line in result.output.splitlines() if "evidence[1].sha256" in line)
    assert problem.startswith(f"{case}:{line_no}:{column}: error: evidence[1].sha256: ")
    assert f"{now[:12]}…" in problem and f"{taken[:12]}…" in problem
    assert taken not in problem and now not in problem  # shortened
    for what in ("Restore the file", "capture the page again", "remove this sha256 line"):
        assert what in problem
    assert "Traceback" not in result.output
    # no letter annexes it: render refuses the case and writes none
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(captured), "--out", str(out), "--date", LETTER_DATE.isoformat(),
                                 "--workers", "1", "--format", "txt"])
    assert result.exit_code == 1
    assert not list(out.glob("captured/*"))
    # the file put back as it was: the case is good again
    page.write_bytes(b"page.png as captured")
    assert runner.invoke(app, ["validate", str(case)]).exit_code == 0


_OPENED: list[str] | None = None  # while a test listens: every file Python opens (an audit hook, once per run)


def _listen(event: str, args: tuple[Any, ...]) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, Path)):
        _OPENED.append(str(args[0]))


sys.addaudithook(_listen)


def test_each_captured_file_is_read_once_for_its_check_and_its_annex(captured: Path) -> None:
    """The SHA-256 the check compares is the one the annex gives: each file is read once, by load_case."""
    global _OPENED
    _OPENED = []
    try:
        case = complaints.load_case(captured / "captured.yaml", letter_date=LETTER_DATE)
        read = list(_OPENED)
        _OPENED.clear()
        context = complaints.letter_context(case, "en", letter_date=LETTER_DATE)
        after = list(_OPENED)
    finally:
        _OPENED = None
    for i, item in enumerate(case.case.evidence):
        path = str(case.evidence_files[i].path)
        assert read.count(path) == 1, (item.file, read)
        assert path not in after
        assert case.evidence_files[i].sha256 == item.sha256
        assert item.sha256 in context["annexes"][i]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("timestamped_by", ["freetsa.org", " "], "evidence[0].timestamped_by[1]: must be the name of a time-stamping"),
    ("timestamped_by", ["free\ntsa"], "evidence[0].timestamped_by[0]: has a line break"),
    ("sha256", "12ab", "evidence[0].sha256: '12ab' is not a SHA-256"),
])
def test_bad_capture_fields_are_told_at_their_place(project_dir: Path, field: str, value: Any, message: str) -> None:
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "a.png").write_bytes(b"a")
    item = {"file": "evidence/a.png", "description": "A", "sha256": sha("a"), field: value}
    path = write_yaml(project_dir / "c.yaml", case_data(id="bad", evidence=[item]))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: error: {re.escape(message)}", result.output, re.M), \
        result.output


def test_an_empty_list_of_authorities_claims_no_time_stamp(project_dir: Path, tmp_path: Path) -> None:
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "a.png").write_bytes(b"a")
    item = {"file": "evidence/a.png", "description": "A", "sha256": sha("a"), "timestamped_by": []}
    write_yaml(project_dir / "c.yaml", case_data(id="none", evidence=[item]))
    render(project_dir, tmp_path / "out")
    text, _ = letters(tmp_path / "out", "none", "en")
    assert annex_lines(text) == [f"1. A: file a.png, 1 byte, SHA-256: {sha('a')}."]


def test_a_time_stamp_without_the_files_sha256_is_refused(project_dir: Path) -> None:
    """The stamp covers the file through its SHA-256: without it the letter would claim a stamp nothing checks."""
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "a.png").write_bytes(b"a")
    item = {"file": "evidence/a.png", "description": "A", "timestamped_by": ["freetsa.org"]}
    path = write_yaml(project_dir / "c.yaml", case_data(id="nosha", evidence=[item]))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "error: evidence[0].timestamped_by: a time stamp covers the file by its SHA-256" in result.output


def test_a_web_address_has_no_sha256_or_time_stamp(project_dir: Path) -> None:
    item = {"url": "https://web.archive.org/x", "description": "A", "sha256": "a" * 64, "timestamped_by": ["x"]}
    path = write_yaml(project_dir / "c.yaml", case_data(id="url", evidence=[item]))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "evidence[0].sha256: a SHA-256 is a file's" in result.output
    assert "evidence[0].timestamped_by: the letter says a file was time-stamped" in result.output


# ------------------------------------------------------------------ schema, `new`'s comments, the case page

def test_the_schema_has_the_capture_fields() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    evidence = schema["$defs"]["Evidence"]["properties"]
    assert "SHA-256" in evidence["sha256"]["description"]
    assert {"pattern": "^[0-9a-fA-F]{64}$", "type": "string"} in evidence["sha256"]["anyOf"]
    listed = next(option for option in evidence["timestamped_by"]["anyOf"] if option.get("type") == "array")
    assert listed["items"]["minLength"] == 1
    assert "RFC 3161" in evidence["timestamped_by"]["description"]


def test_the_case_file_says_what_the_capture_fields_are() -> None:
    text = case_text(case_data(id="x", evidence=[{"file": "evidence/a.png", "description": "A", "sha256": "a" * 64,
                                                  "timestamped_by": ["freetsa.org"]}]), header="h")
    words = yaml.safe_load((Path(complaints.__file__).parent / "data" / "case-file.yaml").read_text())["comments"]
    assert re.search(rf"^    sha256: {'a' * 64} +# {re.escape(words['evidence.sha256'])}$", text, re.M)
    assert re.search(rf"^    timestamped_by: +# {re.escape(words['evidence.timestamped_by'])}$", text, re.M)
    assert yaml.safe_load(text)["evidence"][0]["timestamped_by"] == ["freetsa.org"]


def test_editing_a_captured_case_on_the_desk_keeps_its_capture(captured: Path, tmp_path: Path) -> None:
    """The case page's form has no inputs for sha256 and timestamped_by: an advocate who corrects the author's
    name keeps them, and the letter still cites the capture."""
    path = captured / "captured.yaml"
    before = path.read_text(encoding="utf-8")
    data = read_yaml(path).data
    values = caseform.values_of(data)
    values["comment.author"] = "ZapadNamNePomozhet2"
    filled = caseform.fields_of(lambda name: values.get(name) if isinstance(values.get(name), str) else "",
                                lambda name: list(values.get(name) or []), data)
    changes = caseform.changes(data, filled)
    assert changes == [(("comment", "author"), "ZapadNamNePomozhet2")]
    after = updated_text(before, changes)
    path.write_text(after, encoding="utf-8")
    kept = [line for line in before.splitlines() if "sha256" in line or "timestamped_by" in line or "freetsa" in line
            or "still_online" in line or "taken" in line]
    assert len(kept) == 1 + 4 * 4  # still_online; each item's taken, sha256, timestamped_by, freetsa.org
    assert [line for line in after.splitlines() if line in kept] == kept
    render(captured, tmp_path / "out")
    text, _ = letters(tmp_path / "out", "captured", "en")
    assert SEEN_BY_CAPTURE["en"] in text
    assert any("“ZapadNamNePomozhet2”" in line for line in text)


def test_the_project_file_is_not_needed_for_the_fields(tmp_path: Path) -> None:
    """A case folder of its own (no complaints.yaml above, the applicant in the case): the capture still reads."""
    folder = tmp_path / "alone"
    folder.mkdir()
    items = capture_files(folder)
    written(folder, case_data(id="alone", evidence=items, applicant=PROJECT["applicant"],
                              **{"comment.still_online": WHEN}))
    case = complaints.load_case(folder / "alone.yaml", letter_date=LETTER_DATE)
    context = complaints.letter_context(case, "en", letter_date=LETTER_DATE)
    assert context["annexes"][0].endswith("and time-stamped by freetsa.org (RFC 3161).")


def test_a_time_stamp_whose_token_is_gone_is_refused_at_its_name(captured: Path, tmp_path: Path) -> None:
    """The letter says "time-stamped by tsa.example.kz": with that token deleted, nothing would back the words,
    so the case is refused where it names the authority, and no letter is written."""
    (captured / "evidence" / token_name(STEM, "tsa.example.kz")).unlink()
    case = captured / "captured.yaml"
    result = runner.invoke(app, ["validate", str(case)])
    assert result.exit_code == 1
    [problem] = [line for line in result.output.splitlines() if "timestamped_by" in line]
    assert ": error: evidence[3].timestamped_by[1]: the letter would say" in problem
    assert token_name(STEM, "tsa.example.kz") in problem and "put the token back" in problem
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(captured), "--out", str(out), "--date", LETTER_DATE.isoformat(),
                                 "--workers", "1", "--format", "txt"])
    assert result.exit_code == 1 and not list(out.glob("captured/*"))
