"""Every rule under "Validation" in case-format.md: one bad file each, reported at its line, column and field.

The files are written as YAML text, not dumped from data, so that the line of each mistake is known: BASE is a
valid case whose numbered lines are edited (`edit(BASE, {13: "  posted: yesterday"})`) to make one bad variant.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complaints.batch.run import render_batch, validate_paths
from complaints.case.load import MAX_BYTES
from complaints.case.model import InlineNorm, iin_is_valid
from complaints.case.read import find_project, load_case
from complaints.cli import app
from complaints.errors import CaseError, Problem, ProjectError

LETTER_DATE = date(2026, 11, 25)
IIN = "900101300126"  # valid: 9·1 + 1·4 + 1·6 + 3·7 + 1·10 + 2·11 = 72 ≡ 6 (mod 11)
BAD_IIN = "900101300127"  # the same with a wrong check digit

PROJECT = f"""\
applicant:
  kind: person
  name: {{kk: "Серікұлы Нұрлан", ru: "Серікұлы Нұрлан", en: "Nurlan Serikuly"}}
  iin: "{IIN}"
  address: {{kk: "Астана қ., Мысал көшесі, 1", ru: "г. Астана, ул. Мысал, 1", en: "1 Mysal St, Astana"}}
languages: [kk, ru, en]
"""

BASE = """\
format: 1
id: test-case-1
title: "A test case"
outlet:
  name: Example.kz
  url: https://example.kz
article:
  title: "Статья о языке"
  url: https://example.kz/a/
  published: 2023-10-06
comment:
  author: Someone
  posted: 2023-10-06T22:53
  language: ru
  text: "Текст комментария"
  translations:
    en: "Comment text"
    kk: "Пікір мәтіні"
  still_online: 2026-11-20T10:00+05:00
legal_basis:
  norms:
    - criminal-code-174-1
  licence_clause:
    reference: {ru: пункт 3.2, kk: 3.2-тармақ, en: clause 3.2}
evidence:
  - file: evidence/shot.png
    description: {ru: Снимок экрана, kk: Скриншот, en: Screenshot}
    taken: 2026-11-20T10:02+05:00
  - url: https://web.archive.org/web/2023/https://example.kz/a/
    description: Archived copy of the page
requests: [assess, act_on_outlet, refer_to_police, reply_in_writing]
"""

# An applicant given in the case itself (lines 32-35 once appended to BASE).
APPLICANT = """\
applicant:
  kind: person
  name: Test Person
  address: Somewhere 1
"""
ORGANISATION = """\
applicant:
  kind: organisation
  name: Test Foundation
  address: Somewhere 1
"""


def edit(text: str, changes: dict[int, str | None]) -> str:
    """`text` with its 1-based lines replaced (a replacement may hold several lines) or, for None, removed."""
    lines: list[str | None] = list(text.splitlines())
    for number, new in changes.items():
        assert 1 <= number <= len(lines)
        lines[number - 1] = new
    return "\n".join(line for line in lines if line is not None) + "\n"


def col(line: str, needle: str) -> int:
    """The 1-based column where `needle` starts in `line`."""
    return line.index(needle) + 1


@pytest.fixture
def loose(tmp_path: Path) -> Path:
    """A folder with no complaints.yaml above it, and evidence/shot.png in it."""
    folder = tmp_path / "loose"
    (folder / "evidence").mkdir(parents=True)
    (folder / "evidence" / "shot.png").write_bytes(b"png")
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project folder: complaints.yaml, and evidence/shot.png beside where the cases go."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "complaints.yaml").write_text(PROJECT, encoding="utf-8")
    (folder / "evidence").mkdir()
    (folder / "evidence" / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    return folder


def write(folder: Path, text: str | bytes, name: str = "case.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, **kwargs) -> list[Problem]:
    """Every problem load_case reports for a file it refuses."""
    kwargs.setdefault("letter_date", LETTER_DATE)
    with pytest.raises(CaseError) as info:
        load_case(path, **kwargs)
    assert info.value.problems, "a CaseError must carry its problems"
    return info.value.problems


def one_error(folder: Path, text: str | bytes, **kwargs) -> Problem:
    """The single problem of a file with a single mistake, checked to be an error in the documented form."""
    path = write(folder, text)
    problems = problems_of(path, **kwargs)
    assert len(problems) == 1, "\n".join(map(str, problems))
    p = problems[0]
    assert p.severity == "error"
    where = f"{p.field}: " if p.field else ""
    assert str(p) == f"{path}:{p.line}:{p.column}: error: {where}{p.message}"
    return p


def where(p: Problem) -> tuple[int, int, str]:
    return p.line, p.column, p.field


def warnings_of(folder: Path, text: str, **kwargs) -> list[Problem]:
    """A case that loads, and the warnings it gives."""
    kwargs.setdefault("letter_date", LETTER_DATE)
    case = load_case(write(folder, text), **kwargs)
    assert all(p.severity == "warning" for p in case.warnings)
    return list(case.warnings)


# ---------------------------------------------------------------- the base files themselves


def test_base_case_is_valid_and_quiet(root: Path) -> None:
    case = load_case(write(root, BASE), letter_date=LETTER_DATE)
    assert case.id == "test-case-1"
    assert case.warnings == ()
    assert case.applicant.iin == IIN
    assert case.evidence_files[0].size == len(b"\x89PNG\r\n\x1a\n not really a picture")


def test_base_line_numbers_are_the_ones_the_tests_use() -> None:
    lines = BASE.splitlines()
    expected = {1: "format:", 2: "id:", 6: "  url:", 10: "  published:", 13: "  posted:", 14: "  language:",
                15: "  text:", 19: "  still_online:", 22: "    - criminal-code", 24: "    reference:",
                26: "  - file:", 29: "  - url:", 31: "requests:"}
    for number, start in expected.items():
        assert lines[number - 1].startswith(start), (number, lines[number - 1])
    assert len(lines) == 31


# ---------------------------------------------------------------- single-field rules, one bad file each

SINGLE_FIELD = [
    # format
    pytest.param({1: "format: 2"}, (1, 9, "format"), "it reads format 1", id="format-2"),
    pytest.param({1: "format: one"}, (1, 9, "format"), "it reads format 1", id="format-word"),
    pytest.param({1: None}, (1, 1, "format"), "required field is missing", id="format-missing"),
    # required fields
    pytest.param({2: None}, (1, 1, "id"), "required field is missing", id="id-missing"),
    pytest.param({5: None}, (4, 1, "outlet.name"), "required field is missing", id="outlet-name-missing"),
    pytest.param({6: None}, (4, 1, "outlet.url"), "required field is missing", id="outlet-url-missing"),
    pytest.param({8: None}, (7, 1, "article.title"), "required field is missing", id="article-title-missing"),
    pytest.param({9: None}, (7, 1, "article.url"), "required field is missing", id="article-url-missing"),
    pytest.param({12: None}, (11, 1, "comment.author"), "required field is missing", id="author-missing"),
    pytest.param({14: None}, (11, 1, "comment.language"), "required field is missing", id="language-missing"),
    pytest.param({15: None}, (11, 1, "comment.text"), "required field is missing", id="text-missing"),
    pytest.param({15: '  text: ""'}, (15, 9, "comment.text"), "must not be empty", id="text-empty"),
    pytest.param({15: '  text: "   "'}, (15, 9, "comment.text"), "must not be empty", id="text-blank"),
    pytest.param({5: "  name:"}, (5, 8, "outlet.name"), "must not be empty", id="outlet-name-null"),
    pytest.param({21: None, 22: None}, (20, 1, "legal_basis.norms"), "required field is missing",
                 id="norms-missing"),
    pytest.param({21: "  norms: []", 22: None}, (21, 10, "legal_basis.norms"), "at least one item",
                 id="norms-empty"),
    pytest.param({20: None, 21: None, 22: None, 23: "legal_basis:", 24: "  licence_clause: {reference: x}"},
                 (20, 1, "legal_basis.norms"), "required field is missing", id="norms-missing-with-clause"),
    # id pattern
    pytest.param({2: "id: Test-Case-1"}, (2, 5, "id"), "is not a valid id", id="id-uppercase"),
    pytest.param({2: "id: cases/test-1"}, (2, 5, "id"), "is not a valid id", id="id-slash"),
    pytest.param({2: "id: ../../etc/passwd"}, (2, 5, "id"), "is not a valid id", id="id-path"),
    pytest.param({2: "id: .hidden"}, (2, 5, "id"), "is not a valid id", id="id-dot-first"),
    pytest.param({2: "id: " + "a" * 81}, (2, 5, "id"), "is not a valid id", id="id-81-chars"),
    pytest.param({2: "id: with space"}, (2, 5, "id"), "is not a valid id", id="id-space"),
    # unknown fields
    pytest.param({3: 'titel: "A test case"'}, (3, 1, "titel"), "unknown field 'titel' (did you mean 'title'?)",
                 id="unknown-top-level"),
    pytest.param({10: "  publshed: 2023-10-06"}, (10, 3, "article.publshed"),
                 "unknown field 'publshed' (did you mean 'published'?)", id="unknown-nested"),
    pytest.param({30: "    descripton: Archived copy of the page\n    description: Archived copy"},
                 (30, 5, "evidence[1].descripton"), "did you mean 'description'?", id="unknown-in-list-item"),
    # web addresses
    pytest.param({6: "  url: ftp://example.kz"}, (6, 8, "outlet.url"), "'ftp://example.kz' is not a web address",
                 id="outlet-url-ftp"),
    pytest.param({9: "  url: www.example.kz/a/"}, (9, 8, "article.url"), "must start with http:// or https://",
                 id="article-url-no-scheme"),
    pytest.param({12: "  author: Someone\n  url: javascript:alert(1)"}, (13, 8, "comment.url"),
                 "is not a web address", id="comment-url-javascript"),
    pytest.param({29: "  - url: file:///etc/passwd"}, (29, 10, "evidence[1].url"), "is not a web address",
                 id="evidence-url-file"),
    pytest.param({6: "  url: https://"}, (6, 8, "outlet.url"), "is not a web address", id="url-no-host"),
    # dates and times
    pytest.param({10: "  published: 2023-02-30"}, (10, 14, "article.published"), "not a real date",
                 id="published-feb-30"),
    pytest.param({13: "  posted: yesterday"}, (13, 11, "comment.posted"), "'yesterday' is not a date",
                 id="posted-word"),
    pytest.param({13: "  posted: 2023-10-06T25:00"}, (13, 11, "comment.posted"), "not a real date or time",
                 id="posted-hour-25"),
    pytest.param({13: "  posted: 31.02.2023 22:53"}, (13, 11, "comment.posted"), "not a real date or time",
                 id="posted-dotted-feb-31"),
    pytest.param({13: "  posted: 06/10 22:53"}, (13, 11, "comment.posted"),
                 "write it as one of 2023-10-06, 2023-10-06T22:53 (or with +05:00), 06.10.2023", id="posted-lists-forms"),
    pytest.param({13: "  posted: 2023-10-06T22:53+15:00"}, (13, 11, "comment.posted"), "is not a UTC offset",
                 id="posted-bad-offset"),
    pytest.param({19: "  still_online: soon"}, (19, 17, "comment.still_online"), "is not a date",
                 id="still-online-word"),
    pytest.param({28: "    taken: 20.11.20266"}, (28, 12, "evidence[0].taken"), "is not a date", id="taken-dotted-bad"),
    pytest.param({6: "  url: https://example.kz\n  registration:\n    issued: 2015-01-01T10:00"},
                 (8, 13, "outlet.registration.issued"), "a date alone (2023-10-06 or 06.10.2023) is expected",
                 id="issued-with-time"),
    # language codes
    pytest.param({14: "  language: russian"}, (14, 13, "comment.language"), "not an ISO 639-1 language code",
                 id="language-word"),
    pytest.param({14: "  language: RU"}, (14, 13, "comment.language"), "not an ISO 639-1 language code",
                 id="language-uppercase"),
    pytest.param({14: "  language: xx"}, (14, 13, "comment.language"), "not a known ISO 639-1 language code",
                 id="language-unknown"),
    pytest.param({17: '    english: "Comment text"'}, (17, 5, "comment.translations.english"),
                 "not an ISO 639-1 language code", id="translation-key-word"),
    # norms
    pytest.param({22: "    - criminal-code-174"}, (22, 7, "legal_basis.norms[0]"),
                 "'criminal-code-174' is not in the norms catalogue (did you mean 'criminal-code-174-1'?)",
                 id="norm-unknown"),
    pytest.param({22: "    - criminal-code-174-1\n    - media-law-2042"}, (23, 7, "legal_basis.norms[1]"),
                 "'media-law-2042' is not in the norms catalogue", id="norm-unknown-second-item"),
    pytest.param({22: "    - criminal-code-174-1\n    - text: {ru: x, kk: y, en: z}"},
                 (23, 7, "legal_basis.norms[1].citation"), "required field is missing", id="inline-norm-no-citation"),
    pytest.param({24: "    text: {ru: x, kk: y, en: z}"}, (23, 3, "legal_basis.licence_clause.reference"),
                 "required field is missing", id="licence-clause-no-reference"),
    # evidence
    pytest.param({29: "  - url: https://web.archive.org/web/2023/https://example.kz/a/\n    file: evidence/shot.png"},
                 (29, 5, "evidence[1]"), "give exactly one of `file:` or `url:`", id="evidence-file-and-url"),
    pytest.param({29: "  - description: Archived copy of the page", 30: None}, (29, 5, "evidence[1]"),
                 "give exactly one of `file:` or `url:`", id="evidence-neither"),
    pytest.param({26: "  - file: evidence/missing.png"}, (26, 11, "evidence[0].file"),
                 "no such file: evidence/missing.png", id="evidence-file-missing"),
    pytest.param({26: "  - file: evidence"}, (26, 11, "evidence[0].file"), "is not a file",
                 id="evidence-file-is-a-folder"),
    pytest.param({30: None}, (29, 5, "evidence[1].description"), "required field is missing",
                 id="evidence-no-description"),
    # requests
    pytest.param({31: "requests: [assess, please_hurry]"}, (31, 20, "requests[1]"),
                 "must be one of 'assess', 'act_on_outlet', 'check_outlet', 'refer_to_police' or 'reply_in_writing'",
                 id="request-unknown"),
    pytest.param({31: "requests: [assess, refer_to_police, assess]"}, (31, 37, "requests[2]"),
                 "'assess' is asked for twice", id="request-twice"),
    pytest.param({31: "requests: []"}, (31, 11, "requests"), "an appeal must ask for something",
                 id="requests-empty"),
    # structure
    pytest.param({11: "comment: Someone said something", 12: None, 13: None, 14: None, 15: None, 16: None,
                  17: None, 18: None, 19: None}, (11, 10, "comment"), "expected a mapping", id="comment-not-mapping"),
    pytest.param({31: "requests: assess"}, (31, 11, "requests"), "expected a list", id="requests-not-list"),
    pytest.param({3: "title: [a, b]"}, (3, 8, "title"), "expected text here, not a list", id="plain-given-a-list"),
    # the addressee
    pytest.param({31: "requests: [assess]\nauthority: ministry-of-magic"}, (32, 12, "authority"),
                 "'ministry-of-magic' is not a known authority profile (known: mki-rk, prosecutor-general)",
                 id="authority-unknown"),
]


@pytest.mark.parametrize(("changes", "expected", "message"), SINGLE_FIELD)
def test_single_field_rule(root: Path, changes: dict[int, str | None], expected: tuple[int, int, str],
                           message: str) -> None:
    p = one_error(root, edit(BASE, changes))
    assert where(p) == expected, str(p)
    assert message in p.message, str(p)


def test_format_message_says_which_versions_are_read(root: Path) -> None:
    p = one_error(root, edit(BASE, {1: "format: 2"}))
    assert p.message == "format '2' is not one this tool reads (it reads format 1)"


def test_id_of_80_characters_is_accepted(root: Path) -> None:
    case = load_case(write(root, edit(BASE, {2: "id: " + "a" * 80})), letter_date=LETTER_DATE)
    assert case.id == "a" * 80


def test_misspelt_section_is_an_unknown_field_and_a_missing_one(root: Path) -> None:
    path = write(root, edit(BASE, {11: "coment:"}))
    problems = problems_of(path)
    assert [(where(p), p.message) for p in problems] == [
        ((1, 1, "comment"), "required field is missing"),
        ((11, 1, "coment"), "unknown field 'coment' (did you mean 'comment'?); notes of your own go in fields"
                            " starting with 'x-'"),
    ]
    assert str(problems[1]).startswith(f"{path}:11:1: error: coment: unknown field 'coment'")


def test_x_keys_are_allowed_anywhere_and_never_used(root: Path) -> None:
    text = edit(BASE, {
        3: 'title: "A test case"\nx-notes: "checked by Aigerim on 2026-11-20"',
        12: "  author: Someone\n  x-seen-by: [Aigerim, Dana]",
        28: "    taken: 2026-11-20T10:02+05:00\n    x-original:\n      folder: /home/aigerim\n      bytes: 123",
    })
    case = load_case(write(root, text), letter_date=LETTER_DATE)
    assert case.warnings == ()
    data = case.document.data
    assert "x-notes" not in data and "x-seen-by" not in data["comment"] and "x-original" not in data["evidence"][0]


def test_unknown_field_without_a_close_match_lists_the_allowed_ones(root: Path) -> None:
    p = one_error(root, edit(BASE, {3: "colour: red"}))
    assert where(p) == (3, 1, "colour")
    assert "allowed here: format, id, title, outlet" in p.message


# ---------------------------------------------------------------- localized text


def test_localized_mapping_missing_a_letter_language(root: Path) -> None:
    line = "    reference: {ru: пункт 3.2, en: clause 3.2}"
    p = one_error(root, edit(BASE, {24: line}))
    assert where(p) == (24, col(line, "{"), "legal_basis.licence_clause.reference")
    assert "no text for language kk" in p.message


def test_localized_block_mapping_missing_languages_is_reported_at_its_key(root: Path) -> None:
    p = one_error(root, edit(BASE, {27: "    description:\n      en: Screenshot"}))
    assert where(p) == (27, 5, "evidence[0].description")
    assert "no text for language kk, ru" in p.message


def test_localized_mapping_needs_only_the_letter_languages(root: Path) -> None:
    text = edit(BASE, {24: "    reference: {ru: пункт 3.2, en: clause 3.2}"})
    case = load_case(write(root, text), languages=["ru", "en"], letter_date=LETTER_DATE)
    assert case.languages == ("ru", "en")
    p = one_error(root, text, languages=["kk"])
    assert p.field == "legal_basis.licence_clause.reference" and "kk" in p.message


def test_localized_mapping_with_an_unknown_language(root: Path) -> None:
    line = "    reference: {ru: пункт 3.2, kk: 3.2-тармақ, en: clause 3.2, de: Klausel 3.2}"
    p = one_error(root, edit(BASE, {24: line}))
    assert where(p) == (24, col(line, "de:"), "legal_basis.licence_clause.reference.de")
    assert p.message == "unknown language 'de': use kk, ru, en"


def test_localized_block_mapping_unknown_language_is_reported_at_that_key(root: Path) -> None:
    text = edit(BASE, {24: "    reference:\n      ru: пункт 3.2\n      kk: 3.2-тармақ\n      en: clause 3.2\n"
                           "      fr: clause 3.2"})
    p = one_error(root, text)
    assert where(p) == (28, 7, "legal_basis.licence_clause.reference.fr")


def test_localized_plain_string_serves_every_language(root: Path) -> None:
    case = load_case(write(root, edit(BASE, {24: "    reference: clause 3.2"})), letter_date=LETTER_DATE)
    assert case.case.legal_basis.licence_clause is not None


# ---------------------------------------------------------------- norms


def test_inline_norm_is_accepted(root: Path) -> None:
    text = edit(BASE, {22: "    - criminal-code-174-1\n"
                           "    - citation: {ru: статья 1 Закона, kk: Заңның 1-бабы, en: Article 1 of the Law}\n"
                           "      in_force_from: 2020-01-01\n"
                           "      source: https://adilet.zan.kz/rus/docs/Z0000000000"})
    case = load_case(write(root, text), letter_date=LETTER_DATE)
    norms = case.case.legal_basis.norms
    assert norms[0] == "criminal-code-174-1"
    assert isinstance(norms[1], InlineNorm) and norms[1].citation["en"] == "Article 1 of the Law"
    assert case.warnings == ()


def test_inline_norm_not_in_force_when_posted_is_a_warning(root: Path) -> None:
    text = edit(BASE, {22: "    - criminal-code-174-1\n    - {citation: Art. 1, in_force_until: 2022-12-31}"})
    [w] = warnings_of(root, text)
    assert where(w) == (23, 7, "legal_basis.norms[1]")
    assert w.message == ("this norm was not in force on 2023-10-06, when the comment was posted"
                         " (in force … to 2022-12-31)")


def test_inline_norm_ending_before_it_starts(root: Path) -> None:
    line = "    - {citation: Art. 1, in_force_from: 2020-01-01, in_force_until: 2019-01-01}"
    problems = problems_of(write(root, edit(BASE, {22: "    - criminal-code-174-1\n" + line})))
    errors = [p for p in problems if p.severity == "error"]
    assert [where(p) for p in errors] == [(23, col(line, "2019"), "legal_basis.norms[1].in_force_until")]
    assert errors[0].message == "the norm stops being in force before it starts"


def test_every_unknown_norm_is_reported_at_its_own_line(root: Path) -> None:
    text = edit(BASE, {22: "    - criminal-code-174-1\n    - criminal-code-174\n    - constitution-1995-art-20-3\n"
                           "    - constitution-art-20"})
    problems = problems_of(write(root, text))
    assert [where(p) for p in problems] == [(23, 7, "legal_basis.norms[1]"), (25, 7, "legal_basis.norms[3]")]
    assert "did you mean 'constitution-1995-art-20-3'?" in problems[1].message


# ---------------------------------------------------------------- evidence paths


def test_evidence_path_with_dotdot_inside_the_root_is_fine(root: Path) -> None:
    text = edit(BASE, {26: "  - file: ../evidence/shot.png"})
    case = load_case(write(root / "sub", text), letter_date=LETTER_DATE)
    assert case.root == root.resolve()
    assert case.evidence_files[0].path == (root / "evidence" / "shot.png").resolve()


def test_evidence_path_climbing_out_of_the_root(root: Path) -> None:
    (root.parent / "outside.png").write_bytes(b"secret")
    p = one_error(root, edit(BASE, {26: "  - file: ../outside.png"}))
    assert where(p) == (26, 11, "evidence[0].file")
    assert "'../outside.png' is outside the case's root folder (project/)" in p.message


def test_evidence_path_climbing_out_from_a_subfolder(root: Path) -> None:
    (root.parent / "outside.png").write_bytes(b"secret")
    p = one_error(root / "sub", edit(BASE, {26: "  - file: ../../outside.png"}))
    assert where(p) == (26, 11, "evidence[0].file") and "outside the case's root folder" in p.message


def test_evidence_symlink_out_of_the_root(root: Path) -> None:
    (root.parent / "outside.png").write_bytes(b"secret")
    link = root / "evidence" / "link.png"
    try:
        link.symlink_to(root.parent / "outside.png")
    except (OSError, NotImplementedError):
        pytest.skip("this system cannot make symbolic links")
    p = one_error(root, edit(BASE, {26: "  - file: evidence/link.png"}))
    assert where(p) == (26, 11, "evidence[0].file")
    assert "outside the case's root folder" in p.message


def test_evidence_symlinked_folder_out_of_the_root(root: Path) -> None:
    elsewhere = root.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "shot.png").write_bytes(b"secret")
    try:
        (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("this system cannot make symbolic links")
    p = one_error(root, edit(BASE, {26: "  - file: linked/shot.png"}))
    assert where(p) == (26, 11, "evidence[0].file") and "outside the case's root folder" in p.message


def test_absolute_evidence_path(root: Path) -> None:
    target = root / "evidence" / "shot.png"  # exists, and is even inside the root: still refused
    p = one_error(root, edit(BASE, {26: f"  - file: {target.resolve()}"}))
    assert where(p) == (26, 11, "evidence[0].file")
    assert "relative to the case file, not from /" in p.message


def test_evidence_root_without_project_file_is_the_case_folder(tmp_path: Path, loose: Path) -> None:
    folder = loose
    (tmp_path / "outside.png").write_bytes(b"secret")
    assert find_project(folder) is None
    text = edit(BASE + APPLICANT + f'  iin: "{IIN}"\n', {26: "  - file: ../outside.png"})
    p = one_error(folder, text)
    assert where(p) == (26, 11, "evidence[0].file") and "outside the case's root folder (loose/)" in p.message


# ---------------------------------------------------------------- the applicant (APPC Article 63)


def test_no_applicant_anywhere(loose: Path) -> None:
    folder = loose
    assert find_project(folder) is None
    p = one_error(folder, BASE)
    assert where(p) == (1, 1, "applicant")
    assert "anonymous appeals are not considered" in p.message


def test_applicant_in_the_case_without_a_project_file(loose: Path) -> None:
    folder = loose
    case = load_case(write(folder, BASE + APPLICANT + f'  iin: "{IIN}"\n'), letter_date=LETTER_DATE)
    assert case.applicant.name == {"*": "Test Person"} and case.root == folder.resolve()


def test_person_without_iin(root: Path) -> None:
    p = one_error(root, BASE + APPLICANT)
    assert where(p) == (32, 1, "applicant.iin")
    assert "a person applicant needs an IIN" in p.message


@pytest.mark.parametrize(("iin", "message"), [
    (BAD_IIN, "this IIN fails its check digit"),
    ("9001013001", "an IIN is 12 digits"),
    ("90010130012X", "an IIN is 12 digits"),
])
def test_bad_iin_never_appears_in_the_message(root: Path, iin: str, message: str) -> None:
    line = f'  iin: "{iin}"'
    p = one_error(root, BASE + APPLICANT + line + "\n")
    assert where(p) == (36, col(line, '"'), "applicant.iin")
    assert message in p.message
    assert iin not in str(p) and iin[:6] not in str(p)


def test_bad_iin_in_the_project_file(root: Path) -> None:
    project = root / "complaints.yaml"
    project.write_text(PROJECT.replace(IIN, BAD_IIN), encoding="utf-8")
    path = write(root, BASE)
    with pytest.raises(ProjectError) as info:
        load_case(path, letter_date=LETTER_DATE)
    [p] = info.value.problems
    assert (p.file, p.line, p.column, p.field) == (str(project), 4, 8, "applicant.iin")
    assert "check digit" in p.message and BAD_IIN not in str(info.value)


def test_project_file_problems_are_reported_all_at_once(root: Path) -> None:
    project = root / "complaints.yaml"
    project.write_text(edit(PROJECT, {1: "aplicant:", 6: "languages: [kk, de]"}), encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        load_case(write(root, BASE), letter_date=LETTER_DATE)
    assert [(p.file, p.line, p.column, p.field) for p in info.value.problems] == [
        (str(project), 1, 1, "aplicant"),
        (str(project), 6, 17, "languages[1]"),
    ]
    assert "did you mean 'applicant'?" in info.value.problems[0].message


def test_project_file_with_unknown_authority(root: Path) -> None:
    project = root / "complaints.yaml"
    project.write_text(PROJECT + "authority: nowhere\n", encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        load_case(write(root, BASE), letter_date=LETTER_DATE)
    [p] = info.value.problems
    assert (p.file, p.line, p.column, p.field) == (str(project), 7, 12, "authority")


def test_organisation_without_bin_or_signatory(root: Path) -> None:
    problems = problems_of(write(root, BASE + ORGANISATION))
    assert [where(p) for p in problems] == [(32, 1, "applicant.bin"), (32, 1, "applicant.signatory")]
    assert "needs its BIN" in problems[0].message and "needs a signatory" in problems[1].message


def test_organisation_with_bad_bin(root: Path) -> None:
    text = BASE + ORGANISATION + f'  bin: "{BAD_IIN}"\n  signatory: {{name: A. Person, position: Director}}\n'
    p = one_error(root, text)
    assert where(p) == (36, 8, "applicant.bin")
    assert "this BIN fails its check digit" in p.message and BAD_IIN not in str(p)


def test_organisation_complete(root: Path) -> None:
    text = BASE + ORGANISATION + f'  bin: "{IIN}"\n  signatory: {{name: A. Person, position: Director}}\n'
    case = load_case(write(root, text), letter_date=LETTER_DATE)
    assert case.applicant.kind == "organisation" and case.applicant.bin == IIN


@pytest.mark.parametrize(("number", "valid"), [
    ("900101300126", True),
    ("900101300127", False),
    # first pass gives 10, second pass weights 3..11,1,2 give 1
    ("900101300811", True),
    ("900101300810", False),
    # both passes give 10: never valid, whatever the last digit
    *[(f"90010130080{d}", False) for d in range(10)],
    ("90010130012", False),
    ("9001013001260", False),
    ("90010130012a", False),
])
def test_iin_and_bin_check_digit(number: str, valid: bool) -> None:
    assert iin_is_valid(number) is valid


# ---------------------------------------------------------------- YAML reading


def test_duplicate_key_is_reported_at_the_second(root: Path) -> None:
    p = one_error(root, edit(BASE, {12: "  author: Someone\n  author: Someone Else"}))
    assert where(p) == (13, 3, "comment.author")
    assert p.message == "duplicate key 'author' (first given on line 12)"


def test_duplicate_top_level_and_note_keys(root: Path) -> None:
    text = edit(BASE, {2: "id: test-case-1\nx-note: one", 3: 'title: "A"\nid: test-case-2\nx-note: two'})
    problems = problems_of(write(root, text))
    assert [(where(p), p.message) for p in problems] == [
        ((5, 1, "id"), "duplicate key 'id' (first given on line 2)"),
        ((6, 1, "x-note"), "duplicate key 'x-note' (first given on line 3)"),
    ]


@pytest.mark.parametrize(("changes", "line", "column", "field", "words", "message"), [
    pytest.param({12: "\tauthor: Someone"}, 12, 1, "comment.author", "a tab used for indentation",
                 "found character '\\t' that cannot start any token", id="tab-indent"),
    pytest.param({13: "  posted: 2023-10-06T22:53: oops"}, 13, 27, "comment.posted",
                 "': ' inside the value of `posted`", "mapping values are not allowed here", id="colon-in-plain-value"),
    pytest.param({15: '  text: "Текст" комментария"'}, 15, 17, "comment.text",
                 "the text goes on after its closing quote", "expected <block end>", id="text-after-quote"),
])
def test_yaml_syntax_error_line(root: Path, changes: dict[int, str], line: int, column: int, field: str, words: str,
                                message: str) -> None:
    """A syntax error in plain words, at its place, naming the field; YAML's own words after it."""
    p = one_error(root, edit(BASE, changes))
    assert (p.line, p.column, p.field) == (line, column, field)
    assert p.message.startswith(f"YAML syntax: {words}") and "(YAML: " in p.message and message in p.message


def test_no_object_construction(root: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = edit(BASE, {15: f"  text: !!python/object/apply:os.system ['touch {marker}']"})
    path = write(root, text)
    with pytest.raises(CaseError):
        load_case(path, letter_date=LETTER_DATE)
    assert not marker.exists()
    case = load_case(write(root, edit(BASE, {3: "title: !!python/name:os.system hello"})), letter_date=LETTER_DATE)
    assert case.case.title == "hello"
    # in a text the letter quotes, the tag would vanish from the quote: refused there
    p = one_error(root, edit(BASE, {15: "  text: !!python/name:os.system hello"}))
    assert where(p) == (15, 9, "comment.text") and "is a tag to YAML and is not part of the text" in p.message


def test_file_over_one_mebibyte_is_refused(root: Path) -> None:
    padding = "x-padding: " + "a" * MAX_BYTES + "\n"
    p = one_error(root, BASE + padding)
    assert (p.line, p.column, p.field) == (1, 1, "")
    assert "1 MiB" in p.message


def test_file_of_exactly_one_mebibyte_is_read(root: Path) -> None:
    head = (BASE + "x-padding: ").encode()
    data = head + b"a" * (MAX_BYTES - len(head) - 1) + b"\n"
    assert len(data) == MAX_BYTES
    case = load_case(write(root, data), letter_date=LETTER_DATE)
    assert case.id == "test-case-1"


def test_non_utf8_byte_is_reported_at_its_line_and_column(root: Path) -> None:
    data = edit(BASE, {12: "  author: Some@one"}).encode().replace(b"@", b"\xff")
    p = one_error(root, data)
    assert (p.line, p.column) == (12, col("  author: Some@one", "@"))
    assert "byte 0xFF is not UTF-8" in p.message


def test_non_utf8_column_counts_characters_not_bytes(root: Path) -> None:
    line = '  title: "Статья@ о языке"'
    data = edit(BASE, {8: line}).encode().replace(b"@", b"\xc0")
    p = one_error(root, data)
    assert (p.line, p.column) == (8, col(line, "@"))


def test_windows_1251_file_is_refused_at_its_first_cyrillic_letter(root: Path) -> None:
    p = one_error(root, BASE.encode("cp1251", errors="replace"))
    assert (p.line, p.column) == (8, col(BASE.splitlines()[7], "С"))


def test_byte_order_mark_is_accepted(root: Path) -> None:
    case = load_case(write(root, b"\xef\xbb\xbf" + BASE.encode()), letter_date=LETTER_DATE)
    assert case.id == "test-case-1"


BILLION_LAUGHS = """\
format: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_refused_quickly(root: Path) -> None:
    path = write(root, BILLION_LAUGHS)
    start = time.perf_counter()
    with pytest.raises(CaseError) as info:
        load_case(path, letter_date=LETTER_DATE)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, f"took {elapsed:.2f}s"
    [p] = info.value.problems
    assert "alias bomb" in p.message and p.line in range(2, 11)


def test_alias_bomb_hidden_in_notes_is_refused_too(root: Path) -> None:
    bomb = "".join("x-" + line + "\n" for line in BILLION_LAUGHS.splitlines()[1:])
    p = one_error(root, BASE + bomb)
    assert "alias bomb" in p.message


def test_too_many_aliases_are_refused(root: Path) -> None:
    text = edit(BASE, {31: "requests: &r [assess]\nx-many: [" + ", ".join(["*r"] * 150) + "]"})
    p = one_error(root, text)
    assert p.line == 32 and "aliases" in p.message


def test_self_referencing_alias_is_refused(root: Path) -> None:
    p = one_error(root, "format: 1\nloop: &a [*a]\n")
    assert p.line == 2 and "refused" in p.message


def test_a_few_aliases_are_fine(root: Path) -> None:
    text = edit(BASE, {5: "  name: &outlet Example.kz", 12: "  author: *outlet"})
    case = load_case(write(root, text), letter_date=LETTER_DATE)
    assert case.case.comment.author == "Example.kz"


# ---------------------------------------------------------------- characters


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x00", "\x1b", "\x7f", "\x9f"])
def test_raw_control_character_names_the_field_and_position(root: Path, char: str) -> None:
    line = f'  text: "Текст{char} комментария"'
    p = one_error(root, edit(BASE, {15: line}))
    assert where(p) == (15, col(line, char), "comment.text")
    assert f"U+{ord(char):04X}" in p.message and "XML cannot carry it" in p.message


def test_raw_control_character_in_a_block_scalar(root: Path) -> None:
    text = edit(BASE, {15: "  text: |\n    first line\n    sec\x01ond line"})
    p = one_error(root, text)
    assert where(p) == (17, 8, "comment.text")


def test_raw_control_character_in_a_translation(root: Path) -> None:
    line = '    en: "Comment\x02 text"'
    p = one_error(root, edit(BASE, {17: line}))
    assert where(p) == (17, col(line, "\x02"), "comment.translations.en")


@pytest.mark.parametrize(("escape", "char"), [
    ("\\x01", "\x01"), ("\\x0b", "\x0b"), ("\\v", "\x0b"), ("\\0", "\x00"), ("\\a", "\x07"), ("\\e", "\x1b"),
    ("\\u0001", "\x01"), ("\\U0000001F", "\x1f"), ("\\x7F", "\x7f"), ("\\ufffe", "\ufffe"),
])
def test_escaped_control_character_names_the_field_and_position(root: Path, escape: str, char: str) -> None:
    line = f'  text: "Текст{escape} комментария"'
    p = one_error(root, edit(BASE, {15: line}))
    assert where(p) == (15, col(line, escape), "comment.text")
    assert f"U+{ord(char):04X}" in p.message and escape in p.message and "XML cannot carry it" in p.message


def test_every_escaped_control_character_is_reported(root: Path) -> None:
    line = '  text: "a\\x01b\\x02c"'
    problems = problems_of(write(root, edit(BASE, {15: line})))
    assert [where(p) for p in problems] == [(15, 11, "comment.text"), (15, 16, "comment.text")]


def test_escaped_backslash_is_not_a_control_character(root: Path) -> None:
    case = load_case(write(root, edit(BASE, {15: '  text: "C:\\\\x01 and \\t tab"'})), letter_date=LETTER_DATE)
    assert case.case.comment.text == "C:\\x01 and \t tab"


def test_escape_beyond_unicode_is_an_error_not_a_traceback(root: Path) -> None:
    p = one_error(root, edit(BASE, {15: '  text: "\\U00110000"'}))
    assert p.line == 15 and p.message.startswith("YAML syntax:")


def test_tabs_and_newlines_are_kept(root: Path) -> None:
    text = edit(BASE, {15: "  text: |\n    first\tcolumn\n    second line\n\n    after a blank line",
                       17: '    en: "one\\ttwo\\nthree"'})
    case = load_case(write(root, text), letter_date=LETTER_DATE)
    assert case.case.comment.text == "first\tcolumn\nsecond line\n\nafter a blank line\n"
    assert case.case.comment.translations["en"] == "one\ttwo\nthree"


def test_carriage_return_line_ends_are_read(root: Path) -> None:
    case = load_case(write(root, BASE.replace("\n", "\r\n").encode()), letter_date=LETTER_DATE)
    assert case.case.comment.text == "Текст комментария"


def test_text_is_nfc_normalized(root: Path) -> None:
    decomposed = "Cafe\u0301 и\u0306 Қ"  # é and й written as base letter plus combining mark
    text = edit(BASE, {15: f'  text: "{decomposed}"', 12: "  author: Jose\u0301"})
    assert "\u0301" in text
    case = load_case(write(root, text), letter_date=LETTER_DATE)
    assert case.case.comment.text == "Café й Қ"
    assert case.case.comment.author == "José"


def test_markup_and_template_syntax_are_kept_as_written(root: Path) -> None:
    raw = "a & b < c > d \"q\" 'q' {{ evil }} {% if x %}y{% endif %} 😡 Қазақ שלום مرحبا"
    text = edit(BASE, {15: "  text: |-\n    " + raw})
    case = load_case(write(root, text), letter_date=LETTER_DATE)
    assert case.case.comment.text == raw


# ---------------------------------------------------------------- warnings


def test_warning_when_posted_is_absent(root: Path) -> None:
    [w] = warnings_of(root, edit(BASE, {13: None}))
    assert where(w) == (11, 1, "comment")
    assert "no `posted` date" in w.message
    assert str(w).endswith(": warning: comment: " + w.message)


def test_warning_for_a_letter_language_without_translation(root: Path) -> None:
    [w] = warnings_of(root, edit(BASE, {18: None}))
    assert where(w) == (16, 3, "comment.translations")
    assert "no 'kk' translation" in w.message


def test_no_translation_warning_for_languages_not_lettered(root: Path) -> None:
    assert warnings_of(root, edit(BASE, {18: None}), languages=["ru", "en"]) == []


def test_warning_for_translations_missing_altogether(root: Path) -> None:
    warnings = warnings_of(root, edit(BASE, {16: None, 17: None, 18: None}))
    assert [(where(w), w.message[:18]) for w in warnings] == [
        ((11, 1, "comment.translations"), "no 'kk' translatio"),
        ((11, 1, "comment.translations"), "no 'en' translatio"),
    ]


def test_warning_when_still_online_is_older_than_a_year(root: Path) -> None:
    [w] = warnings_of(root, edit(BASE, {19: "  still_online: 2025-11-20T10:00+05:00"}))
    assert where(w) == (19, 17, "comment.still_online")
    assert "more than a year before the letter" in w.message


def test_no_warning_when_still_online_is_within_a_year(root: Path) -> None:
    assert warnings_of(root, edit(BASE, {19: "  still_online: 2025-11-26T10:00+05:00"})) == []


def test_warning_when_comment_is_posted_in_the_future(root: Path) -> None:
    [w] = warnings_of(root, edit(BASE, {13: "  posted: 2099-12-01T10:00", 19: None}))
    assert where(w) == (13, 11, "comment.posted")
    assert "dated in the future" in w.message


def test_warning_when_posted_after_the_letter_date(root: Path) -> None:
    [w] = warnings_of(root, edit(BASE, {13: "  posted: 2023-10-07", 19: None}), letter_date=date(2023, 10, 6))
    assert where(w) == (13, 11, "comment.posted") and "future" in w.message


def test_warning_for_a_norm_not_in_force_when_posted(root: Path) -> None:
    text = edit(BASE, {13: "  posted: 2025-01-01", 22: "    - criminal-code-174-1\n    - media-law-1999-art-2"})
    [w] = warnings_of(root, text)
    assert where(w) == (23, 7, "legal_basis.norms[1]")
    assert w.message.startswith("media-law-1999-art-2 was not in force on 2025-01-01")
    assert "the letter cites media-law-2024, which replaced it on 2024-08-19 (unconfirmed), instead" in w.message


def test_norm_in_force_when_posted_gives_no_warning(root: Path) -> None:
    text = edit(BASE, {13: "  posted: 2023-10-06T22:53", 22: "    - media-law-1999-art-2"})
    assert warnings_of(root, text) == []


def test_a_comment_posted_when_the_day_of_a_replacement_is_unconfirmed_is_a_warning(root: Path) -> None:
    # the day the 2024 media law took effect is not confirmed (its Article 70): which law then applied is not certain
    text = edit(BASE, {13: "  posted: 2024-08-18T23:00", 22: "    - media-law-1999-art-2"})
    [w] = warnings_of(root, text)
    assert where(w) == (22, 7, "legal_basis.norms[0]")
    assert "the day media-law-2024 replaced the norm before it is unconfirmed (2024-08-19 is assumed" in w.message


def test_warning_for_an_ambiguous_local_time(root: Path) -> None:
    [w] = warnings_of(root, edit(BASE, {13: "  posted: 2024-02-29T23:30"}))
    assert where(w) == (13, 11, "comment.posted")
    assert "happened twice" in w.message


@pytest.mark.parametrize("posted", ["2024-02-29T23:30+06:00", "2024-02-29T23:30+05:00", "2024-02-29T22:30",
                                    "2024-03-01T00:30"])
def test_unambiguous_times_around_the_change_give_no_warning(root: Path, posted: str) -> None:
    assert warnings_of(root, edit(BASE, {13: f"  posted: {posted}"})) == []


def test_warnings_are_reported_with_errors(root: Path) -> None:
    problems = problems_of(write(root, edit(BASE, {6: "  url: example.kz", 13: None})))
    assert [(where(p), p.severity) for p in problems] == [((6, 8, "outlet.url"), "error")]
    # Structural errors stop the warnings (they need a whole case); a cross-field error keeps them beside it.
    problems = problems_of(write(root, edit(BASE, {13: None, 31: "requests: [assess, assess]"})))
    assert [(where(p), p.severity) for p in problems] == [
        ((11, 1, "comment"), "warning"),
        ((30, 20, "requests[1]"), "error"),
    ]


# ---------------------------------------------------------------- all of a file's problems at once


def test_three_mistakes_give_three_problems(root: Path) -> None:
    text = edit(BASE, {2: "id: Bad/Id", 6: "  url: example.kz", 14: "  language: russian"})
    problems = problems_of(write(root, text))
    assert [where(p) for p in problems] == [(2, 5, "id"), (6, 8, "outlet.url"), (14, 13, "comment.language")]


def test_reading_and_model_problems_come_together(root: Path) -> None:
    text = edit(BASE, {
        6: "  url: example.kz",
        12: "  author: Someone\n  author: Someone Else",
        15: '  text: "Текст\x01 комментария"',
        22: "    - criminal-code-174",
    })
    problems = problems_of(write(root, text))
    assert [where(p) for p in problems] == [
        (6, 8, "outlet.url"),
        (13, 3, "comment.author"),
        (16, 15, "comment.text"),
        (23, 7, "legal_basis.norms[0]"),
    ]


def test_model_and_cross_field_problems_come_together(root: Path) -> None:
    text = edit(BASE + APPLICANT, {26: "  - file: evidence/missing.png", 31: "requests: [assess, assess]"})
    problems = problems_of(write(root, text))
    assert [where(p) for p in problems] == [
        (26, 11, "evidence[0].file"),
        (31, 20, "requests[1]"),
        (32, 1, "applicant.iin"),
    ]


# ---------------------------------------------------------------- the command line and batches


@pytest.fixture
def batch_folder(root: Path) -> Path:
    """root/cases with one good case and one bad one (3 mistakes)."""
    folder = root / "cases"
    folder.mkdir()
    (folder / "evidence").mkdir()
    (folder / "evidence" / "shot.png").write_bytes(b"png")
    write(folder, BASE, "good.yaml")
    write(folder, edit(BASE, {2: "id: bad-case", 6: "  url: example.kz", 14: "  language: russian",
                              22: "    - criminal-code-174"}), "bad.yaml")
    return folder


PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): "
                          r"(?P<field>[A-Za-z0-9_.\[\]-]+): (?P<message>.+)$")


def test_cli_validate_reports_problems_in_the_documented_form(root: Path, batch_folder: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["validate", "cases", "--date", "2026-11-25"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "cases/bad.yaml:6:8: error: outlet.url: 'example.kz' is not a web address (it must start with http:// or"
        " https://)",
        "cases/bad.yaml:14:13: error: comment.language: 'russian' is not an ISO 639-1 language code (two lowercase"
        " letters, e.g. ru, kk, en)",
        "cases/bad.yaml:22:7: error: legal_basis.norms[0]: 'criminal-code-174' is not in the norms catalogue"
        " (did you mean 'criminal-code-174-1'?)",
    ]
    for line in lines[:3]:
        assert PROBLEM_LINE.match(line), line
    assert lines[3:] == ["2 case files checked: 1 valid, 1 with errors, 0 warnings"]


def test_cli_validate_good_cases_exit_0(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(root, edit(BASE, {13: None}), "case.yaml")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["validate", "case.yaml", "--date", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "case.yaml:11:1: warning: comment: no `posted` date: the letter will say the outlet shows no date",
        "1 case file checked: 1 valid, 0 with errors, 1 warning",
    ]


def test_cli_validate_never_prints_the_iin(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(root, BASE + APPLICANT + f'  iin: "{BAD_IIN}"\n', "case.yaml")
    (root / "complaints.yaml").write_text(PROJECT.replace(IIN, BAD_IIN), encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["validate", ".", "--date", "2026-11-25"])
    assert result.exit_code == 1, result.output
    assert "check digit" in result.output
    assert BAD_IIN not in result.output and IIN not in result.output


def test_cli_validate_unreadable_files_have_no_traceback(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(root, b"format: 1\nid: \xff\n", "binary.yaml")
    write(root, BILLION_LAUGHS, "bomb.yaml")
    write(root, "format: 1\n  id: x\n", "syntax.yaml")
    write(root, "", "empty.yaml")
    write(root, "- a list\n", "list.yaml")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["validate", ".", "--date", "2026-11-25"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    for line in lines[:-1]:
        assert re.match(r"^[\w./-]+\.yaml:\d+:\d+: error: ", line), line
    assert lines[-1] == "5 case files checked: 0 valid, 5 with errors, 0 warnings"


def test_cli_validate_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "no-such-folder")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output and "Traceback" not in result.output


def test_validate_paths_reports_every_case(batch_folder: Path) -> None:
    report = validate_paths([batch_folder], letter_date=LETTER_DATE)
    assert report.exit_code == 1
    assert [(Path(r.source).name, r.ok) for r in report.results] == [("bad.yaml", False), ("good.yaml", True)]
    assert len(report.failed[0].problems) == 3


def test_one_bad_case_does_not_stop_the_batch(tmp_path: Path, batch_folder: Path) -> None:
    out = tmp_path / "out"
    result = render_batch([batch_folder], out=out, letter_date=LETTER_DATE)
    assert result.exit_code == 1
    for lang in ("kk", "ru", "en"):
        assert (out / "test-case-1" / f"test-case-1.{lang}.docx").is_file()
    assert not (out / "bad-case").exists()
    assert sorted(p.name for p in out.iterdir()) == ["manifest.csv", "manifest.json", "test-case-1"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {row["case_id"] for row in manifest["files"]} == {"test-case-1"}
    [failure] = manifest["failures"]
    assert failure["source"].endswith("bad.yaml")
    assert [e.split(": error: ")[1].split(":")[0] for e in failure["errors"]] == [
        "outlet.url", "comment.language", "legal_basis.norms[0]"]
    assert failure["errors"][0].endswith("bad.yaml:6:8: error: outlet.url: 'example.kz' is not a web address"
                                         " (it must start with http:// or https://)")
    assert IIN not in (out / "manifest.json").read_text(encoding="utf-8")
    assert IIN not in (out / "manifest.csv").read_text(encoding="utf-8")


def test_cross_field_problems_come_with_structural_ones(root: Path) -> None:
    # A bad URL (structure) beside a missing evidence file and a repeated request (cross-field): all in one reading.
    text = edit(BASE, {6: "  url: example.kz", 26: "  - file: evidence/missing.png",
                       31: "requests: [assess, assess]"})
    problems = problems_of(write(root, text))
    assert [where(p) for p in problems] == [
        (6, 8, "outlet.url"),
        (26, 11, "evidence[0].file"),
        (31, 20, "requests[1]"),
    ]


@pytest.mark.parametrize("written, shown", [
    ("2023-10-06T22:53", "2023-10-06T22:53+06:00"),
    ("06.10.2023 22:53", "2023-10-06T22:53+06:00"),
    ("06.10.2023 22.53", "2023-10-06T22:53+06:00"),
    ("06.10.2023", "2023-10-06"),
])
def test_case_dates_day_first_as_in_kazakhstan(tmp_path, written, shown):
    """A case file's dates may be written day first, as they are in Kazakhstan: the same moment as ISO."""
    from complaints.case.read import load_case

    source = Path(__file__).resolve().parent.parent / "cases"
    shutil.copytree(source, tmp_path / "cases")
    case_file = tmp_path / "cases" / "nurkz-2023-10-06-kazakh-language.yaml"
    text = re.sub(r"(?m)^(  posted: )\S+", lambda m: m[1] + written, case_file.read_text(encoding="utf-8"))
    case_file.write_text(text, encoding="utf-8")
    assert load_case(case_file).case.comment.posted.iso() == shown


@pytest.mark.parametrize("line, field", [
    ("  text: Уезжайте отсюда #казахстандляказахов и точка", "comment.text"),
    ("  translations:\n    en: Leave here #kazakhstanforkazakhs\n    kk: Кетіңдер", "comment.translations.en"),
])
def test_a_quote_cut_by_a_yaml_comment_is_an_error_not_a_shorter_quote(tmp_path: Path, line: str, field: str) -> None:
    """' #' in an unquoted text starts a YAML comment: the letter, which quotes the comment verbatim, would quote
    only what comes before it. validate refuses it at the field; render writes no letter for it."""
    source = Path(__file__).resolve().parent.parent / "cases"
    shutil.copytree(source, tmp_path / "cases")
    case_file = tmp_path / "cases" / "nurkz-2023-10-06-kazakh-language.yaml"
    text = case_file.read_text(encoding="utf-8")
    key = line.split(":")[0] + ":"
    start = text.index("\n" + key, text.index("\ncomment:")) + 1  # the comment's field, not the article's
    end = re.search(r"\n  \S", text[start + 1:]).start() + start + 1  # type: ignore[union-attr]
    case_file.write_text(text[:start] + line + text[end:], encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load_case(case_file)
    assert [p.field for p in caught.value.errors] == [field]
    assert "YAML reads ' #' and what follows as a comment" in caught.value.errors[0].message
    # a comment after any other value is the user's note, as the example cases use it
    assert load_case(source / "nurkz-2023-10-06-kazakh-language.yaml").case.comment.posted is not None


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\nb: {c: [1, 2, {d: 3}], e: x}\nf:\n  - g: 1\n    h: [a, b]\n  - - 1\n    - 2\n",
    "base: &b {x: 1, y: [1,2]}\nother:\n  <<: *b\n  z: *b\n  ? [complex]\n  : v\nx-note: hi\nk:\n  x-sub: 1\n"
    "  real:\n    - a\n",
    "- 1\n- {a: b}\n- [c, d]\n",
    "a:\n  b:\n    c: d\n  b: 2\n",
    (Path(__file__).parent.parent / "cases" / "nurkz-2023-10-06-kazakh-language.yaml").read_text(encoding="utf-8"),
])
def test_one_position_is_found_as_the_whole_table_gives_it(tmp_path: Path, text: str) -> None:
    """A problem's place is found along its path alone (a case with one warning does not work out every
    position): the same line and column as the table of every position gives, for every value and key, and for
    paths that go beyond the file (the nearest enclosing value)."""
    from complaints.case.load import read_yaml

    source = tmp_path / "doc.yaml"
    source.write_text(text, encoding="utf-8")
    along = read_yaml(source, collect=True)
    table = read_yaml(source, collect=True)
    paths = set(table.values) | set(table.keys)  # works out the table
    beyond = {p + step for p in paths for step in (("nope",), (0,), (1,), (7,), ("x-note",), ("z",))}
    for path in sorted(paths | beyond | {()}, key=repr):
        for key in (False, True):
            assert along.mark(path, key=key) == table.mark(path, key=key), (path, key)
    assert along._values is None  # it never needed the table
