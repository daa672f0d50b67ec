"""Every format from one `render`: the e-mail built from the letter and the text beside it, incremental runs per
format, and what the manifest says about each file."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, REPO, case_data, write_yaml
from typer.testing import CliRunner

from complaints.cli import app
from complaints.errors import UsageError
from complaints.render.pdf import OfficeMissing, find_office

runner = CliRunner()
EXAMPLE = "nurkz-2023-10-06-kazakh-language"


def _render(cases: Path, out: Path, formats: str, *extra: str) -> str:
    result = runner.invoke(app, ["render", str(cases), "--out", str(out), "--format", formats,
                                 "--date", LETTER_DATE.isoformat(), "--workers", "1", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def _office() -> None:
    try:
        find_office()
    except OfficeMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def every_format(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _office()
    out = tmp_path_factory.mktemp("all") / "letters"
    _render(REPO / "cases", out, "docx,pdf,txt,md,html,eml")
    return out


def test_every_format_is_written_for_every_letter(every_format: Path) -> None:
    for lang in ("kk", "ru", "en"):
        for ext in ("docx", "pdf", "txt", "md", "html", "eml"):
            assert (every_format / EXAMPLE / f"{EXAMPLE}.{lang}.{ext}").stat().st_size > 0
    rows = json.loads((every_format / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert len(rows) == 2 * 3 * 6
    for row in rows:
        data = (every_format / row["path"]).read_bytes()
        assert row["size"] == len(data) and row["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_email_carries_the_text_the_pdf_and_the_evidence(every_format: Path) -> None:
    folder = every_format / EXAMPLE
    for lang in ("kk", "ru", "en"):
        msg = _message(folder / f"{EXAMPLE}.{lang}.eml")
        assert msg["From"].addresses[0].addr_spec == "applicant@example.org"
        assert msg["X-Unsent"] == "1"
        assert msg["To"] is None  # the Ministry's profile gives no e-mail address
        assert msg["Content-Language"] == lang
        body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert body.strip() == (folder / f"{EXAMPLE}.{lang}.txt").read_text(encoding="utf-8").strip()
        parts = {part.get_filename(): part for part in msg.iter_attachments()}
        assert set(parts) == {f"{EXAMPLE}.{lang}.pdf", "nurkz-2023-10-06.png"}
        assert parts[f"{EXAMPLE}.{lang}.pdf"].get_content() == (folder / f"{EXAMPLE}.{lang}.pdf").read_bytes()
        assert parts[f"{EXAMPLE}.{lang}.pdf"].get_content_type() == "application/pdf"
        assert parts["nurkz-2023-10-06.png"].get_content() == (REPO / "cases/evidence/nurkz-2023-10-06.png").read_bytes()
    subjects = {lang: str(_message(folder / f"{EXAMPLE}.{lang}.eml")["Subject"]) for lang in ("kk", "ru", "en")}
    assert subjects["ru"].startswith("Обращение о принятии мер")
    assert subjects["kk"].endswith("қабылдау туралы өтініш")
    assert subjects["en"].startswith("Appeal: Request for action")


def test_the_email_attaches_the_docx_when_no_pdf_is_made(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c.yaml", case_data())
    _render(project_dir, tmp_path / "a", "eml", "--lang", "ru")
    _render(project_dir, tmp_path / "b", "docx", "--lang", "ru")
    msg = _message(tmp_path / "a" / "test-case" / "test-case.ru.eml")
    (part,) = list(msg.iter_attachments())
    assert part.get_filename() == "test-case.ru.docx"
    assert part.get_content() == (tmp_path / "b" / "test-case" / "test-case.ru.docx").read_bytes()
    assert not (tmp_path / "a" / "test-case" / "test-case.ru.docx").exists()  # only what was asked for


def test_an_email_without_the_applicants_address_fails_that_case_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    project = json.loads(json.dumps(PROJECT))
    del project["applicant"]["email"]
    write_yaml(folder / "complaints.yaml", project)
    write_yaml(folder / "c.yaml", case_data())
    result = runner.invoke(app, ["render", str(folder), "--out", str(tmp_path / "out"), "--format", "docx,eml",
                                 "--date", LETTER_DATE.isoformat(), "--workers", "1"])
    assert result.exit_code == 1
    assert "applicant.email" in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("*/*.docx"))  # a case is written whole or not at all


def test_the_authoritys_address_goes_in_to(project_dir: Path, tmp_path: Path) -> None:
    project = json.loads(json.dumps(PROJECT))
    project["authority"] = {"base": "mki-rk", "email": "kense@mci.example.kz"}
    write_yaml(project_dir / "complaints.yaml", project)
    write_yaml(project_dir / "c.yaml", case_data())
    output = _render(project_dir, tmp_path / "out", "eml", "--lang", "kk")
    msg = _message(tmp_path / "out" / "test-case" / "test-case.kk.eml")
    assert msg["To"].addresses[0].addr_spec == "kense@mci.example.kz"
    assert "no To: address" not in output


def test_changing_the_text_template_renders_again_only_its_format_and_the_email(project_dir: Path,
                                                                                 tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    write_yaml(project_dir / "c.yaml", case_data())
    out = tmp_path / "out"
    args = ("--templates", str(templates), "--lang", "ru")
    _render(project_dir, out, "docx,txt,html,eml", *args)
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*/*")}
    text = templates / "letter.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _render(project_dir, out, "docx,txt,html,eml", *args)
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("*/*")}
    changed = sorted(name for name in before if after[name] != before[name])
    assert changed == ["test-case.ru.eml", "test-case.ru.txt"]


def test_a_layout_in_a_language_folder_wins_for_that_language_only(project_dir: Path, tmp_path: Path) -> None:
    """templates/letter.txt lays out every language; templates/ru/letter.txt, where a lawyer puts one, lays out
    the Russian letters alone; and taking it away brings the shared layout back."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    write_yaml(project_dir / "c.yaml", case_data())
    out = tmp_path / "out"
    args = ("--templates", str(templates), "--lang", "ru,kk")
    _render(project_dir, out, "txt", *args)
    shared = {lang: (out / "test-case" / f"test-case.{lang}.txt").read_text(encoding="utf-8") for lang in ("ru", "kk")}
    own = templates / "ru" / "letter.txt"
    own.write_text("РУССКИЙ МАКЕТ\n" + (templates / "letter.txt").read_text(encoding="utf-8"), encoding="utf-8")
    _render(project_dir, out, "txt", *args)
    ru = (out / "test-case" / "test-case.ru.txt").read_text(encoding="utf-8")
    assert ru.startswith("РУССКИЙ МАКЕТ") and ru != shared["ru"]
    assert (out / "test-case" / "test-case.kk.txt").read_text(encoding="utf-8") == shared["kk"]
    own.unlink()
    _render(project_dir, out, "txt", *args)
    assert (out / "test-case" / "test-case.ru.txt").read_text(encoding="utf-8") == shared["ru"]


def test_asking_for_pdfs_later_makes_the_email_attach_the_pdf(project_dir: Path, tmp_path: Path) -> None:
    _office()
    write_yaml(project_dir / "c.yaml", case_data())
    out = tmp_path / "out"
    _render(project_dir, out, "eml", "--lang", "en")
    _render(project_dir, out, "pdf,eml", "--lang", "en")
    (part,) = list(_message(out / "test-case" / "test-case.en.eml").iter_attachments())
    assert part.get_filename() == "test-case.en.pdf"
    assert part.get_content() == (out / "test-case" / "test-case.en.pdf").read_bytes()


def test_formats_for_what_was_asked() -> None:
    from complaints.layout import formats_for

    assert formats_for(["eml", "pdf"]) == ("docx", "pdf", "eml")  # a PDF comes with its DOCX
    assert formats_for(["eml"]) == ("eml",)  # its body and the letter it attaches are made, not written
    assert formats_for([]) == ("docx",)
    with pytest.raises(UsageError, match="unknown format 'odt': choose from docx, pdf, txt, md, html, eml"):
        formats_for(["docx", "odt"])


def test_one_letter_is_rendered_once_for_every_format_made_from_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import complaints
    from complaints.render.fastdocx import PreparedTemplate

    case = complaints.load_case(REPO / "cases" / f"{EXAMPLE}.yaml", letter_date=LETTER_DATE)
    context = complaints.letter_context(case, "ru", letter_date=LETTER_DATE)
    kit = complaints.Kit(letter_date=LETTER_DATE, formats=("docx", "txt", "eml"))
    calls: list[str] = []
    original = PreparedTemplate.render
    monkeypatch.setattr(PreparedTemplate, "render", lambda self, ctx: calls.append("docx") or original(self, ctx))
    evidence = [(f.path.name, f.path) for f in case.evidence_files.values()]
    docx = complaints.render_letter(context, "docx", kit)
    message = email.message_from_bytes(complaints.render_letter(context, "eml", kit, attachments=evidence),
                                       policy=email.policy.default)
    assert calls == ["docx"]  # the e-mail attaches the very DOCX, not one rendered again
    attached = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert attached[f"{EXAMPLE}.ru.docx"] == docx
    assert list(attached)[1:] == [name for name, _ in evidence]
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == \
        complaints.render_letter(context, "txt", kit).decode("utf-8")
    with pytest.raises(UsageError, match="unknown format 'odt'"):
        complaints.render_letter(context, "odt", kit)
