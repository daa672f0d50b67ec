"""Norms over time (issue 12, item 4): a letter cites the norm in force when the comment was posted, marked as such
once it is repealed, and, for a comment still online, the norm that replaced it, in force on the letter's date.
Through the real command, reading the letters back (DOCX in every language, PDF for one); the catalogue's links
checked, a mistake in it located at its line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import PROJECT, REPO, case_data, docx_paragraphs, write_yaml
from typer.testing import CliRunner

from complaints.case import law
from complaints.cli import app

runner = CliRunner()
DATE = "2026-12-01"  # after the new Constitution took effect (1 July 2026)
ZONAKZ = "zonakz-2018-07-12-mixed-marriages"
LANGS = ("kk", "ru", "en")

# the marks, as the phrases give them (norm_time.when_posted / on_letter_date)
WHEN_POSTED = {"ru": "(действовала на момент размещения комментария)",
               "kk": "(пікір орналастырылған кезде қолданыста болған)",
               "en": "(in force when the comment was posted)"}
ON_LETTER_DATE = {"ru": "(действует на дату настоящего обращения)",
                  "kk": "(осы өтініш жасалған күні қолданыста)",
                  "en": "(in force on the date of this letter)"}
# what picks out each norm's line in a letter
MEDIA_1999 = {lang: "451-I" for lang in LANGS}
MEDIA_2024 = {lang: "93-VIII" for lang in LANGS}
CONSTITUTION_1995 = {"ru": "30 августа 1995 года", "kk": "1995 жылғы 30 тамызда", "en": "30 August 1995"}
CONSTITUTION_2026 = {"ru": "Конституция Республики Казахстан, вступившая в силу 1 июля 2026 года",
                     "kk": "2026 жылғы 1 шілдеде күшіне енген Қазақстан Республикасының Конституциясы",
                     "en": "the Constitution of the Republic of Kazakhstan that took effect on 1 July 2026"}
CRIMINAL_CODE = {lang: "226-V" for lang in LANGS}
PLATFORMS = {lang: "18-VIII" for lang in LANGS}
# the word for an article: a norm cited by title only has none
ARTICLE_WORD = {"ru": "стать", "kk": "баб", "en": "Article"}


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    """Text without spaces and hyphens, to compare across the line breaks a PDF has and its source has not."""
    return re.sub(r"[\s\-‐]", "", text)


def norm_items(paragraphs: list[str]) -> list[str]:
    """The numbered norms of a letter's legal assessment: «1) …;», «2) ….»"""
    return [p for p in paragraphs if re.match(r"^\d+\) ", p) and (p.endswith(";") or p.endswith("."))
            and any(key in p for keys in (MEDIA_1999, MEDIA_2024, CONSTITUTION_1995, CONSTITUTION_2026,
                                          CRIMINAL_CODE, PLATFORMS) for key in keys.values())]


def item(items: list[str], key: str) -> tuple[int, str]:
    [found] = [(i, text) for i, text in enumerate(items) if key in text]
    return found


def render(folder: Path, out: Path, *extra: str, letter_date: str = DATE) -> str:
    result = run("render", str(folder), "--out", str(out), "--date", letter_date, "--workers", "1", *extra)
    assert result.exit_code == 0, result.output
    return result.output


def letters(out: Path, case_id: str, fmt: str = "docx") -> dict[str, Path]:
    return {lang: out / case_id / f"{case_id}.{lang}.{fmt}" for lang in LANGS}



@pytest.fixture(scope="module")
def zonakz(tmp_path_factory: pytest.TempPathFactory, office: None) -> Path:
    """The zonakz example (a comment under a 2018 article, still online in November 2026), rendered as DOCX in
    every language and as PDF in Russian, dated 1 December 2026."""
    folder = tmp_path_factory.mktemp("zonakz") / "cases"
    folder.mkdir()
    shutil.copy(REPO / "cases" / "complaints.yaml", folder / "complaints.yaml")
    shutil.copy(REPO / "cases" / f"{ZONAKZ}.yaml", folder / f"{ZONAKZ}.yaml")
    out = folder.parent / "letters"
    render(folder, out)
    render(folder, out, "--format", "pdf", "--lang", "ru")
    return out


def test_the_zonakz_example_is_a_comment_from_2018_still_online_in_2026() -> None:
    text = (REPO / "cases" / f"{ZONAKZ}.yaml").read_text(encoding="utf-8")
    assert "published: 2018-07-12" in text and "still_online: 2026-" in text
    for norm_id in ("media-law-1999-art-2", "constitution-1995-art-20-3"):
        assert f"- {norm_id}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_2018_comment_still_online_cites_the_repealed_norms_marked_and_their_successors(zonakz: Path,
                                                                                          lang: str) -> None:
    items = norm_items(docx_paragraphs(letters(zonakz, ZONAKZ)[lang]))
    assert len(items) == 5, items
    at, code = item(items, CRIMINAL_CODE[lang])
    assert at == 0 and WHEN_POSTED[lang] not in code and ON_LETTER_DATE[lang] not in code  # in force throughout
    # the 1999 media law, in force when the comment was posted, marked; then the 2024 law that replaced it,
    # by its title, number and date only (its article is unconfirmed), as in force on the letter's date
    at, old = item(items, MEDIA_1999[lang])
    assert WHEN_POSTED[lang] in old and ON_LETTER_DATE[lang] not in old
    after, new = item(items, MEDIA_2024[lang])
    assert after == at + 1
    assert ON_LETTER_DATE[lang] in new and WHEN_POSTED[lang] not in new
    assert ARTICLE_WORD[lang] not in new
    # the 1995 Constitution's Article 20(3), marked; then the new Constitution by its title
    at, old = item(items, CONSTITUTION_1995[lang])
    assert WHEN_POSTED[lang] in old
    after, new = item(items, CONSTITUTION_2026[lang])
    assert after == at + 1
    assert new.startswith(f"{after + 1}) {CONSTITUTION_2026[lang]} {ON_LETTER_DATE[lang]}")
    assert ARTICLE_WORD[lang] not in new


def test_the_russian_pdf_cites_the_same(zonakz: Path) -> None:
    pdf = letters(zonakz, ZONAKZ, "pdf")["ru"]
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    text = flat(raw.decode("utf-8"))
    for expected in (f"«О средствах массовой информации» {WHEN_POSTED['ru']}",
                     f"«О масс-медиа» {ON_LETTER_DATE['ru']}",
                     f"принятой 30 августа 1995 года {WHEN_POSTED['ru']}",
                     f"{CONSTITUTION_2026['ru']} {ON_LETTER_DATE['ru']}"):
        assert flat(expected) in text, expected


def _posted_2025(folder: Path, **changes: object) -> Path:
    write_yaml(folder / "complaints.yaml", PROJECT)
    data = case_data(**{"id": "posted-2025", "comment.posted": "2025-03-10T12:00",
                        "comment.still_online": "2026-11-20T10:00+05:00",
                        "legal_basis.norms": ["criminal-code-174-1", "media-law-1999-art-2",
                                              "constitution-1995-art-20-3"], **changes})
    return write_yaml(folder / "posted-2025.yaml", data)


@pytest.mark.parametrize("lang", LANGS)
def test_a_comment_posted_in_2025_cites_the_2024_law_not_the_1999_one(tmp_path: Path, lang: str) -> None:
    _posted_2025(tmp_path / "cases")
    render(tmp_path / "cases", tmp_path / "out", "--lang", lang)
    paragraphs = docx_paragraphs(letters(tmp_path / "out", "posted-2025")[lang])
    assert not any(MEDIA_1999[lang] in p for p in paragraphs)
    items = norm_items(paragraphs)
    assert len(items) == 4, items
    _, media = item(items, MEDIA_2024[lang])
    assert WHEN_POSTED[lang] not in media and ON_LETTER_DATE[lang] not in media  # in force then and now
    at, old = item(items, CONSTITUTION_1995[lang])
    assert WHEN_POSTED[lang] in old
    assert item(items, CONSTITUTION_2026[lang])[0] == at + 1


def test_validate_says_the_2025_letter_cites_the_successor_instead(tmp_path: Path) -> None:
    path = _posted_2025(tmp_path / "cases")
    result = run("validate", str(path), "--date", DATE)
    assert result.exit_code == 0, result.output
    line = path.read_text(encoding="utf-8").splitlines().index("  - media-law-1999-art-2") + 1
    assert (f"{path}:{line}:5: warning: legal_basis.norms[1]: media-law-1999-art-2 was not in force on 2025-03-10,"
            " when the comment was posted (in force 1999-07-23 to 2024-08-18); the letter cites media-law-2024,"
            " which replaced it on 2024-08-19 (unconfirmed), instead") in " ".join(result.output.split())


def test_a_letter_before_the_new_constitution_cites_the_1995_one_unmarked(tmp_path: Path) -> None:
    _posted_2025(tmp_path / "cases")
    render(tmp_path / "cases", tmp_path / "out", letter_date="2026-06-15")
    for lang, path in letters(tmp_path / "out", "posted-2025").items():
        items = norm_items(docx_paragraphs(path))
        _, old = item(items, CONSTITUTION_1995[lang])
        assert WHEN_POSTED[lang] not in old
        assert not any(CONSTITUTION_2026[lang] in i for i in items)


def test_a_comment_no_longer_online_gets_the_mark_but_no_successor(tmp_path: Path) -> None:
    _posted_2025(tmp_path / "cases", **{"comment.still_online": None})
    render(tmp_path / "cases", tmp_path / "out", "--lang", "ru")
    items = norm_items(docx_paragraphs(letters(tmp_path / "out", "posted-2025")["ru"]))
    _, old = item(items, CONSTITUTION_1995["ru"])
    assert WHEN_POSTED["ru"] in old
    assert not any(CONSTITUTION_2026["ru"] in i for i in items)


def test_a_norm_that_came_into_force_after_the_comment_is_not_cited_as_in_force_then(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    norms = ["criminal-code-174-1", "online-platforms-2023-art-9-4"]
    online = write_yaml(folder / "online.yaml", case_data(**{
        "id": "online", "comment.posted": "2018-07-12T10:00", "comment.still_online": "2026-11-20T10:00+05:00",
        "article.published": "2018-07-12", "legal_basis.norms": norms}))
    gone = write_yaml(folder / "gone.yaml", case_data(**{
        "id": "gone", "comment.posted": "2018-07-12T10:00", "article.published": "2018-07-12",
        "legal_basis.norms": norms}))
    output = " ".join(render(folder, tmp_path / "out").split())
    for lang, path in letters(tmp_path / "out", "online").items():
        _, platforms = item(norm_items(docx_paragraphs(path)), PLATFORMS[lang])
        assert ON_LETTER_DATE[lang] in platforms and WHEN_POSTED[lang] not in platforms
    for lang, path in letters(tmp_path / "out", "gone").items():
        items = norm_items(docx_paragraphs(path))
        assert len(items) == 1 and not any(PLATFORMS[lang] in i for i in items)
    line = gone.read_text(encoding="utf-8").splitlines().index("  - online-platforms-2023-art-9-4") + 1
    assert (f"{gone}:{line}:5: warning: legal_basis.norms[1]: online-platforms-2023-art-9-4 was not in force on"
            " 2018-07-12, when the comment was posted (in force 2023-09-01 to now), and the comment is not known"
            " to be still online (no comment.still_online): the letter leaves it out") in output
    assert f"{online}:" in output and "cites it as in force on the letter's date only" in output


def test_a_comment_posted_on_an_unconfirmed_replacement_day_is_a_warning(tmp_path: Path) -> None:
    path = _posted_2025(tmp_path / "cases", **{"comment.posted": "2024-08-01T12:00"})
    result = run("validate", str(path), "--date", DATE)
    output = " ".join(result.output.split())
    assert "the day media-law-2024 replaced the norm before it is unconfirmed (2024-08-19 is assumed; it lies" \
           " between 2024-06-19 and 2024-12-31)" in output


# ---- the library hook `complaints check` uses ------------------------------------------------------------------

def test_in_force_and_successor() -> None:
    assert law.in_force("media-law-1999-art-2", date(2018, 7, 12))
    assert not law.in_force("media-law-1999-art-2", date(2026, 12, 1))
    assert law.in_force("criminal-code-174-1", date(2026, 12, 1))
    media = law.successor("media-law-1999-art-2", date(2026, 12, 1))
    assert media is not None and media.id == "media-law-2024"
    constitution = law.successor("constitution-1995-art-20-3", date(2026, 12, 1))
    assert constitution is not None and constitution.id == "constitution-2026"
    assert law.successor("constitution-1995-art-20-3", date(2026, 6, 30)) is None  # still in force
    assert law.successor("online-platforms-2023-art-9-4", date(2020, 1, 1)) is None  # not yet in force, no link


def test_every_link_has_its_source_and_check_date_and_every_title_only_citation_says_why() -> None:
    for n in law.catalogue().values():
        if n.replaced_by:
            assert n.replaced_by.source.startswith("https://") and n.replaced_by.checked
            assert n.replaced_by.confirmed or n.replaced_by.unconfirmed
        if n.article is None:
            assert n.unconfirmed
    assert law.norm("media-law-2024").article is None
    assert law.norm("constitution-2026").article is None
    link = law.norm("media-law-1999-art-2").replaced_by
    assert link is not None and not link.confirmed and link.earliest and link.latest


# ---- a lawyer's mistake in the catalogue, located ----------------------------------------------------------------

BROKEN = [
    pytest.param("      norm: media-law-2024\n", "      norm: media-law-2042\n", "      norm: media-law-2042",
                 13, "norms.media-law-1999-art-2.replaced_by.norm: 'media-law-2042' is not in the catalogue"
                     " (did you mean 'media-law-2024'?)", id="link-to-nothing"),
    pytest.param("      from: 2015-01-01\n      until: null\n", "      from: 2015-01-01\n      until: 2014-12-31\n",
                 "      until: 2014-12-31", 14, "norms.criminal-code-174-1.in_force.until: 2014-12-31 is before"
                                                 " in_force.from (2015-01-01): the period ends before it starts",
                 id="inverted"),
    pytest.param("      from: 2026-07-01\n      until: null\n", "      from: 2026-06-01\n      until: null\n",
                 "      from: 2026-06-01", 13, "norms.constitution-2026.in_force.from: 2026-06-01:"
                                               " constitution-2026 replaced constitution-1995-art-20-3 on 2026-07-01",
                 id="overlap"),
    pytest.param("      until: 2024-08-18\n", "      until: 2024-09-18\n", "      until: 2024-09-18", 14,
                 "norms.media-law-1999-art-2.in_force.until: 2024-09-18 overlaps its successor's period: the last"
                 " day in force is 2024-08-18, the day before replaced_by.on (2024-08-19)", id="overlap-until"),
]


@pytest.mark.parametrize(("old", "new", "line_text", "column", "message"), BROKEN)
def test_a_broken_link_or_period_in_the_catalogue_is_located(tmp_path: Path, old: str, new: str, line_text: str,
                                                              column: int, message: str) -> None:
    # the installed package copied, its norms.yaml edited as a lawyer would, and the real command run on it
    package = tmp_path / "pkg"
    shutil.copytree(REPO / "complaints", package / "complaints",
                    ignore=shutil.ignore_patterns("__pycache__"))
    norms = package / "complaints" / "data" / "norms.yaml"
    text = norms.read_text(encoding="utf-8")
    assert text.count(old) == 1
    norms.write_text(text.replace(old, new), encoding="utf-8")
    line = norms.read_text(encoding="utf-8").splitlines().index(line_text) + 1
    cases = tmp_path / "cases"
    write_yaml(cases / "complaints.yaml", PROJECT)
    write_yaml(cases / "case.yaml", case_data())
    env = {**os.environ, "PYTHONPATH": str(package)}
    for args in (["validate", str(cases)], ["norms"]):
        done = subprocess.run([sys.executable, "-m", "complaints.cli", *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=120)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "error: the tool's own data is broken:" in done.stderr
        assert f"complaints/data/norms.yaml:{line}:{column}: error: {message}" in done.stderr, done.stderr


def test_a_case_citing_only_norms_not_yet_in_force_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    path = write_yaml(folder / "case.yaml", case_data(**{
        "comment.posted": "2018-07-12T10:00", "article.published": "2018-07-12",
        "legal_basis.norms": ["online-platforms-2023-art-9-4"]}))
    result = run("render", str(folder), "--out", str(tmp_path / "out"), "--date", DATE)
    assert result.exit_code == 1
    line = path.read_text(encoding="utf-8").splitlines().index("  norms:") + 1
    assert (f"{path}:{line}:3: error: legal_basis.norms: none of these norms was in force on 2018-07-12, when the"
            " comment was posted, and the letter would cite none") in " ".join(result.output.split())
    assert not (tmp_path / "out" / "test-case").exists()


def test_a_comment_last_seen_before_the_new_constitution_does_not_cite_it(tmp_path: Path) -> None:
    # seen online in May 2026, under the 1995 Constitution: nothing shows it was still online under the new one
    path = _posted_2025(tmp_path / "cases", **{"comment.still_online": "2026-05-01T10:00+05:00"})
    output = " ".join(render(tmp_path / "cases", tmp_path / "out").split())
    for lang, letter in letters(tmp_path / "out", "posted-2025").items():
        items = norm_items(docx_paragraphs(letter))
        _, old = item(items, CONSTITUTION_1995[lang])
        assert WHEN_POSTED[lang] in old
        assert not any(CONSTITUTION_2026[lang] in i for i in items)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if text.startswith("  still_online:"))
    assert (f"{path}:{line}:17: warning: comment.still_online: the comment was last seen online on 2026-05-01,"
            " before constitution-2026 took effect (2026-07-01): the letter does not cite it"
            " (legal_basis.norms[2])") in output
