"""The screenshot says what the letter says: the comment's text looked for by OCR (real Tesseract) in pictures of
comment boxes a real headless Chromium draws, and `complaints check`'s warning where a picture shows another
comment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from complaints.evidence import ocr
from complaints.review.findings import signs
from complaints.review.pictures import langs_of
from tests.conftest import REPO, write_yaml
from tests.evidence.pictures import CHROMIUM, COMMENTS, OTHERS, THREAD, Look, chromium, degrade, draw, draw_thread
from tests.test_check import clean_case, clean_project

TESSERACT = shutil.which("tesseract")


def _need(thing: str | None, what: str) -> None:
    if thing is None or not Path(thing).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no {what} here: .ci/run installs it")
        pytest.skip(f"no {what} here")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need(CHROMIUM, "Chromium")
    _need(TESSERACT, "Tesseract")
    with chromium() as opened:
        yield opened


@pytest.fixture(autouse=True)
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test reads its pictures itself, with a cache folder of its own (the commands it runs too)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ocr.forget()
    yield
    ocr.forget()


THRESHOLD = signs().ocr.threshold


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_picture_of_the_comment_is_found(browser: Any, tmp_path: Path, lang: str) -> None:
    picture = draw(browser, COMMENTS[lang], tmp_path / "shot.png", Look(600, 15), language=lang)
    match = ocr.text_in_picture(picture, COMMENTS[lang], langs_of(lang))
    assert match.checked and match.available
    assert match.found, match
    assert match.score >= 0.95 and match.threshold == THRESHOLD
    assert match.langs.split("+")[0] == {"ru": "rus", "kk": "kaz", "en": "eng"}[lang]
    # the excerpt is the picture's own text, as read: the comment's first words are in it
    assert " ".join(COMMENTS[lang].split()[:3]).casefold() in match.excerpt.casefold()
    assert match.seconds > 0


def test_kazakh_letters_are_read(browser: Any, tmp_path: Path) -> None:
    picture = draw(browser, COMMENTS["kk"], tmp_path / "shot.png", Look(800, 16), language="kk")
    read = ocr.read_picture(picture, "kaz+rus+eng").text
    for word in ("қазақ", "тілінде", "Ұят", "Өңірде", "ғалымдар"):
        assert word in read


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_picture_of_another_comment_is_not(browser: Any, tmp_path: Path, lang: str) -> None:
    picture = draw(browser, OTHERS[lang], tmp_path / "other.png", Look(600, 15), language=lang)
    match = ocr.text_in_picture(picture, COMMENTS[lang], langs_of(lang))
    assert match.checked
    assert not match.found
    assert match.score < THRESHOLD - 0.15  # with a margin: what two comments of one language share by chance


def test_a_full_page_of_other_comments_on_the_subject_is_not_and_with_the_comment_is(browser: Any,
                                                                                      tmp_path: Path) -> None:
    wrong = ocr.text_in_picture(draw_thread(browser, tmp_path / "page.png"), COMMENTS["ru"], langs_of("ru"))
    assert not wrong.found and wrong.score < THRESHOLD - 0.05, wrong  # many runs of words: more chance, still below
    right = draw_thread(browser, tmp_path / "right.png", THREAD[:12] + [COMMENTS["ru"]] + THREAD[12:])
    assert ocr.text_in_picture(right, COMMENTS["ru"], langs_of("ru")).found


def test_a_scaled_down_jpeg_is_still_found(browser: Any, tmp_path: Path) -> None:
    clean = draw(browser, COMMENTS["ru"], tmp_path / "shot.png", Look(600, 15), language="ru")
    noisy = degrade(clean, tmp_path / "shot.jpg", factor=0.6, quality=35)
    assert noisy.stat().st_size < clean.stat().st_size
    match = ocr.text_in_picture(noisy, COMMENTS["ru"], langs_of("ru"))
    assert match.found and match.score >= 0.8, match


def test_spaces_quotes_dashes_and_look_alike_letters_are_one() -> None:
    # Latin letters where Cyrillic ones were typed (OCR reads "Нe" with a Latin e), quotes, dashes, line breaks
    score, excerpt = ocr.score_text("«Не хватает» слов — в казахском\nязыке?",
                                    'Автор, 22:53\n"Heхватает" слов - в  казахском языке ?? Ответить')
    assert score >= 0.85  # "Heхватает": two words OCR read as one, counted in part
    assert excerpt.startswith('"Heхватает"') and excerpt.endswith("языке")
    assert ocr.normalise("Қазақ ТІЛІ — «үшін»") == ocr.normalise("казак тiлi - \"ушiн\"")
    assert ocr.score_text("😡", "any text") == (0.0, "")


def test_a_file_that_is_not_a_picture_is_said_so(tmp_path: Path) -> None:
    _need(TESSERACT, "Tesseract")
    fake = tmp_path / "shot.png"
    fake.write_bytes(b"\x89PNG not really")
    match = ocr.text_in_picture(fake, "текст", ["rus"])
    assert match.available and not match.found
    assert match.error == "is not a picture OCR can read (PNG, JPEG or WebP)"


def test_without_tesseract_a_clear_answer_and_no_crash(browser: Any, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    picture = draw(browser, COMMENTS["ru"], tmp_path / "shot.png", Look(600, 15))
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-such-tesseract"))
    match = ocr.text_in_picture(picture, COMMENTS["ru"], langs_of("ru"))
    assert not match.available and not match.found and not match.checked
    assert match.error is not None and match.error == (
        f"OCR not available: Tesseract is not installed: no '{tmp_path / 'no-such-tesseract'}' command")


# ---------------------------------------------------------------- complaints check

def _check(folder: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "complaints.cli", "check", "cases", *options], cwd=folder.parent,
                          capture_output=True, text=True, encoding="utf-8", env={**os.environ, **(env or {})},
                          timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A case check finds nothing in (tests/test_check.py's clean case), with the comment's text as drawn."""
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", clean_project())
    case = clean_case()
    case["comment"]["text"] = COMMENTS["ru"]
    write_yaml(folder / "nurkz-clean.yaml", case)
    (folder / "evidence").mkdir()
    return folder


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_check_warns_at_the_evidence_item_whose_picture_shows_another_comment(browser: Any, project: Path) -> None:
    draw(browser, OTHERS["ru"], project / "evidence" / "shot.png", Look(600, 15))
    result = _check(project)
    assert result.returncode == 1, result.stderr
    line = _line_of(project / "nurkz-clean.yaml", "evidence/shot.png")
    column = (project / "nurkz-clean.yaml").read_text(encoding="utf-8").splitlines()[line - 1].index("evidence/") + 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    prefix = (f"cases/nurkz-clean.yaml:{line}:{column}: screenshot-text-missing: evidence[0].file: the comment's text"
              " was not found in the screenshot evidence/shot.png (OCR score 0.")
    assert lines[0].startswith(prefix), lines[0]
    assert lines[0].endswith(f", threshold {THRESHOLD:.2f}): check that the picture shows this comment")
    score = float(lines[0][len(prefix) - 2:].split(",")[0])
    assert score < THRESHOLD
    assert "1 screenshot-text-missing" in result.stderr
    assert "Traceback" not in result.stderr

    skipped = _check(project, "--no-ocr")  # the check is optional
    assert skipped.returncode == 0 and skipped.stdout == "", skipped.stdout + skipped.stderr


def test_a_picture_is_read_once_and_nothing_is_written_beside_the_case(browser: Any, project: Path,
                                                                         tmp_path: Path) -> None:
    draw(browser, OTHERS["ru"], project / "evidence" / "shot.png", Look(600, 15))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "cache" not in p.parts)
    first = _check(project)
    kept = list((tmp_path / "cache" / "complaints" / "ocr").iterdir())
    assert len(kept) == 1 and kept[0].name.startswith(ocr.hashlib.sha256(
        (project / "evidence" / "shot.png").read_bytes()).hexdigest() + "-rus+kaz+eng-")
    assert "Спасибо автору за статью" in kept[0].read_text(encoding="utf-8")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "cache" not in p.parts) == before
    kept[0].write_text("Не хватает слов в казахском языке, чтобы переводить человеческие языки? Пусть сначала"
                       " научатся.", encoding="utf-8")  # what the cache says is what the next run goes by
    second = _check(project)
    assert "screenshot-text-missing" in first.stdout and second.stdout == "" and second.returncode == 0


def test_check_is_quiet_when_the_picture_shows_the_comment(browser: Any, project: Path) -> None:
    draw(browser, COMMENTS["ru"], project / "evidence" / "shot.png", Look(360, 14, 2.0))
    result = _check(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "nothing to look at" in result.stderr and "note:" not in result.stderr


def test_check_reads_a_captures_close_up_before_any_other_picture(browser: Any, project: Path) -> None:
    case = clean_case()
    case["comment"]["text"] = COMMENTS["ru"]
    close_up = "evidence/capture-2026-12-02-190312-comment.png"
    case["evidence"] = [case["evidence"][0], {**case["evidence"][0], "file": close_up}]
    write_yaml(project / "nurkz-clean.yaml", case)
    draw(browser, OTHERS["ru"], project / "evidence" / "shot.png")  # another picture: not read
    draw(browser, COMMENTS["ru"], project / close_up)
    assert _check(project).stdout == ""
    draw(browser, OTHERS["ru"], project / close_up)  # the close-up of another comment: said, at the close-up
    ocr.forget()
    out = _check(project).stdout
    assert out.count("screenshot-text-missing") == 1 and f"evidence[1].file: the comment's text was not found in" \
        f" the screenshot {close_up} (" in out


def test_check_without_tesseract_says_so_once_and_checks_the_rest(browser: Any, project: Path,
                                                                  tmp_path: Path) -> None:
    draw(browser, OTHERS["ru"], project / "evidence" / "shot.png")
    second = clean_case()
    second["id"] = "nurkz-second"
    write_yaml(project / "nurkz-second.yaml", second)
    empty = tmp_path / "bin"  # a PATH with no tesseract on it
    empty.mkdir()
    result = _check(project, env={"PATH": str(empty)})
    assert "Traceback" not in result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == ["note: OCR not available (Tesseract is not installed: no 'tesseract' command): the screenshots"
                     " were not checked"
                     " against the comments' text (an optional check; install tesseract-ocr with tesseract-ocr-kaz,"
                     " -rus and -eng to have it, or pass --no-ocr to skip it)"], result.stderr
    assert result.stdout == "" and result.returncode == 0  # nothing else to look at: the rest was checked
    assert "2 case files checked: nothing to look at" in result.stderr


def test_the_example_placeholder_picture_is_not_read_again(tmp_path: Path) -> None:
    _need(TESSERACT, "Tesseract")
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    result = _check(tmp_path / "cases")
    assert "screenshot-text-missing" not in result.stdout  # the example's empty picture is marked PLACEHOLDER
    assert "evidence[0].file" in result.stdout and "note:" not in result.stderr


@pytest.mark.parametrize("lang, words", [("ru", "текст комментария не найден на снимке экрана evidence/shot.png"),
                                         ("kk", "пікір мәтіні evidence/shot.png экран суретінен табылмады")])
def test_the_web_says_the_finding_in_russian_and_kazakh(lang: str, words: str) -> None:
    from complaints.errors import Problem
    from complaints.web.problems import say

    message = ("the comment's text was not found in the screenshot evidence/shot.png (OCR score 0.29, threshold"
               " 0.50): check that the picture shows this comment")
    said = say(Problem("c.yaml", 3, 4, "evidence[0].file", f"screenshot-text-missing: {message}"), lang)
    assert said.translated and words in said.message and "0.29" in said.message and "0.50" in said.message
