"""Issue 12, "Done when": the seed's Nur.kz comment, with real-looking values where the seed gives none, passes
`check` and `render --final`, and its letter reads, in each language, as the wording a lawyer asked for: read
back out of the DOCX of each language and the PDF, through the real command."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import docx_text, need_office, write_yaml
from test_check import clean_case, clean_project, edited
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()
DATE = "2026-12-02"
TITLE_EN = "Balayeva explained why there are no foreign films in the Kazakh language in cinemas"
TITLE_KK = "Балаева кинотеатрларда неліктен қазақ тіліндегі шетел фильмдері жоқ екенін түсіндірді"


def signable_case() -> dict[str, Any]:
    """The clean Nur.kz case citing every norm the example does, its title translated for kk and en."""
    return edited(clean_case(), **{
        "id": "nurkz",
        "legal_basis.norms": ["criminal-code-174-1", "media-law-1999-art-2", "constitution-1995-art-20-3"],
        "article.translations": {"en": TITLE_EN, "kk": TITLE_KK},
        "evidence.0.description": {"ru": "Снимок экрана комментария", "kk": "Пікірдің экраннан түсірілген суреті",
                                   "en": "Screenshot of the comment"},
    })


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", clean_project())
    write_yaml(folder / "nurkz.yaml", signable_case())
    (folder / "evidence").mkdir()
    (folder / "evidence" / "shot.png").write_bytes(b"\x89PNG screenshot")
    monkeypatch.chdir(tmp_path)
    return folder


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    return " ".join(text.split())


# what each language's letter must say (the wording of issue 12, item 5, and the norms of item 4)
EXPECTED = {
    "ru": ["Заместителю Премьер-Министра —", "А. Балаевой",
           "В порядке, установленном Административным процедурно-процессуальным кодексом Республики Казахстан"
           " (далее — АППК)",
           "статьи 174 («Возбуждение социальной, национальной, родовой, расовой, сословной или религиозной розни»)",
           "№ 226-V ЗРК", "(действовала на момент размещения комментария)",
           "(действует на дату настоящего обращения)",
           "является уполномоченным органом в области масс-медиа",
           "направить собственнику интернет-ресурса Nur.kz требование об удалении комментария",
           "при выявлении признаков уголовного правонарушения направить материалы в органы внутренних дел для"
           " правовой оценки", "(статья 76 АППК)"],
    "kk": ["А. Балаеваға", f"(«{TITLE_KK}»)", "(бұдан әрі – ӘРПК)", "№ 226-V ҚРЗ",
           "(пікір орналастырылған кезде қолданыста болған)", "экраннан түсірілген суреті",
           "ішкі істер органдарына жолдауды"],
    "en": ["Ms Aida Balayeva", f"(“{TITLE_EN}”)", "appears to contain elements of",
           "the 1999 Law on Mass Media", "the 2024 Law on Mass Media", "(in force when the comment was posted)",
           "send the owner of the Nur.kz website a demand to remove the comment",
           "should elements of a criminal offence be identified, forward the materials to the internal affairs"
           " bodies for a legal assessment", "inform me in writing"],
}
NEVER = {
    "ru": ["содержат признаки уголовного правонарушения", "PLACEHOLDER", "example", "статьёй 63", "статьи 63"],
    "kk": ["PLACEHOLDER", "example", "скриншот"],
    "en": ["bear the hallmarks", "PLACEHOLDER", "example", "the applicant requests"],
}


def test_the_seed_comment_with_real_values_passes_check_and_final(project: Path) -> None:
    checked = run("check", "cases")
    assert checked.exit_code == 0, checked.output
    rendered = run("render", "cases", "--final", "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    for lang in ("kk", "ru", "en"):
        text = flat(docx_text(Path("letters/nurkz") / f"nurkz.{lang}.docx"))
        for phrase in EXPECTED[lang]:
            assert flat(phrase) in text, (lang, phrase)
        for phrase in NEVER[lang]:
            assert phrase not in text, (lang, phrase)


def test_the_signable_letter_reads_the_same_in_its_pdf(project: Path) -> None:
    need_office()
    rendered = run("render", "cases", "--final", "--format", "pdf", "--lang", "en", "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    pdf = subprocess.run(["pdftotext", "-layout", "letters/nurkz/nurkz.en.pdf", "-"], capture_output=True, text=True,
                         check=True).stdout
    text = flat(pdf)
    for phrase in (f"(“{TITLE_EN}”)", "appears to contain elements of", "the 2024 Law on Mass Media"):
        assert flat(phrase) in text, phrase


def test_without_a_translation_the_title_is_shown_as_written(project: Path) -> None:
    write_yaml(project / "nurkz.yaml", edited(signable_case(), **{"article.translations": None}))
    rendered = run("render", "cases", "--lang", "en", "--format", "txt", "--date", DATE)
    assert rendered.exit_code == 0, rendered.output
    facts = Path("letters/nurkz/nurkz.en.txt").read_text("utf-8").split("1. Facts")[1].split(" dated ")[0]
    assert facts.rstrip().endswith("на казахском языке”") and "(“" not in facts
