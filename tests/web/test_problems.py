"""The library's messages in Russian and Kazakh (complaints/web/problems.py and problems.yaml).

A corpus of broken case files, project files, sheets, register entries and letters to check is run through the
library, and every message it says must come out translated, its holes (dates, numbers, quoted values, field
names, code) carried over. A message the library words anew, whose translation no longer matches it, fails here
and is listed. The catalogue itself is checked: three languages in every entry, the same holes in each, and no
two entries that make two different translations of one message.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from complaints.batch.run import validate_paths
from complaints.case.law import read_catalogue
from complaints.case.read import load_case, load_project
from complaints.case.write import write_case
from complaints.cli import app
from complaints.errors import CaseError, ComplaintsError, DataError, Problem, UsageError
from complaints.intake.importer import import_sheet
from complaints.register import filings
from complaints.review.run import NotReady, check_paths, ready_to_file
from complaints.web import problems
from tests.conftest import CASE, LETTER_DATE, PROJECT, REPO, case_data, write_yaml
from tests.test_validation import BASE, SINGLE_FIELD, edit
from tests.test_validation import PROJECT as PROJECT_TEXT

LANGS = ("ru", "kk")


@dataclass
class Corpus:
    """Every message the broken inputs made the library say, each with where it came from."""

    messages: dict[str, str] = field(default_factory=dict)  # message → the input that made it
    findings: list[Any] = field(default_factory=list)
    refusals: list[ComplaintsError] = field(default_factory=list)

    def add(self, message: str, source: str) -> None:
        self.messages.setdefault(message, source)

    def problems(self, found: list[Problem], source: str) -> None:
        for p in found:
            self.add(p.message, source)

    def refused(self, source: str, call: Callable[[], object]) -> None:
        """`call` must refuse (a UsageError, a RegisterError, a CaseError): its message goes in the corpus."""
        try:
            call()
        except CaseError as exc:
            self.problems(exc.problems, source)
            return
        except ComplaintsError as exc:
            self.refusals.append(exc)
            self.add(str(exc), source)
            return
        raise AssertionError(f"{source}: was not refused")


# ------------------------------------------------------------------------------------------------ case files

def _project(folder: Path, text: str = PROJECT_TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "complaints.yaml").write_text(text, encoding="utf-8")
    (folder / "evidence").mkdir(exist_ok=True)
    (folder / "evidence" / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    return folder


def _case(corpus: Corpus, folder: Path, name: str, content: str | bytes) -> None:
    """A case file of this content, read: its errors, or its warnings."""
    path = folder / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    try:
        case = load_case(path, letter_date=LETTER_DATE)
    except CaseError as exc:
        corpus.problems(exc.problems, name)
    else:
        corpus.problems(list(case.warnings), name)
    path.unlink()


# (the lines in place of BASE's, by number) for what test_validation does not already break one at a time
MORE_EDITS: dict[str, dict[int, str | None]] = {
    # warnings
    "posted-absent": {13: None},
    "posted-absent-norms-by-article-date": {13: None, 22: "    - online-platforms-2023-art-9-4", 19: None,
                                            10: "  published: 2018-07-12"},
    "inline-norm-later-still-online": {22: "    - citation: {ru: ч. 1 ст. 1, kk: 1-бап, en: Art. 1}\n"
                                           "      in_force_from: 2024-01-01"},
    "inline-norm-later-seen-before": {22: "    - criminal-code-174-1\n    - citation: {ru: ст. 1, kk: 1-бап, en: Art. 1}\n"
                                          "      in_force_from: 2024-01-01",
                                      19: "  still_online: 2023-11-20T10:00+05:00"},
    "no-translations": {16: None, 17: None, 18: None},
    "still-online-old": {19: "  still_online: 2025-11-20T10:00+05:00"},
    "still-online-before-posted": {19: "  still_online: 2023-10-01T10:00+05:00"},
    "still-online-after-letter": {19: "  still_online: 2026-12-01T10:00+05:00"},
    "posted-in-the-future": {13: "  posted: 2026-11-30T10:00"},
    "posted-ambiguous-hour": {13: "  posted: 2024-02-29T23:30", 10: "  published: 2024-02-29"},
    "posted-before-article": {13: "  posted: 2023-10-05T10:00"},
    "posted-before-article-time": {10: "  published: 2023-10-06T23:10", 13: "  posted: 2023-10-06T22:53"},
    "translation-into-own-language": {17: '    en: "Comment text"\n    ru: "Текст комментария"'},
    "norm-later-than-comment": {22: "    - online-platforms-2023-art-9-4", 13: "  posted: 2018-07-12",
                                10: "  published: 2018-07-12"},
    "norm-later-not-online": {22: "    - online-platforms-2023-art-9-4", 13: "  posted: 2018-07-12",
                              10: "  published: 2018-07-12", 19: None},
    "norm-replaced-before": {22: "    - media-law-1999-art-2", 13: "  posted: 2025-01-01", 10: "  published: 2025-01-01"},
    "norm-unconfirmed-replacement-day": {22: "    - media-law-2024", 13: "  posted: 2024-08-18",
                                         10: "  published: 2024-08-18"},
    "norm-seen-before-successor": {22: "    - media-law-1999-art-2", 13: "  posted: 2022-11-13",
                                   10: "  published: 2022-11-13", 19: "  still_online: 2022-11-13T10:00+05:00"},
    "inline-norm-out-of-force": {22: "    - citation: {ru: ч. 1 ст. 1, kk: 1-бап, en: Art. 1}\n"
                                     "      in_force_until: 2022-12-31"},
    "inline-norm-backwards": {22: "    - citation: {ru: ч. 1 ст. 1, kk: 1-бап, en: Art. 1}\n"
                                  "      in_force_from: 2020-01-01\n      in_force_until: 2019-01-01"},
    "inline-norm-only-and-none-in-force": {22: "    - citation: {ru: ч. 1 ст. 1, kk: 1-бап, en: Art. 1}\n"
                                               "      in_force_from: 2024-01-01", 19: None},
    # errors
    "unknown-field-no-close-match": {3: "colour: red"},
    "localized-unknown-language": {30: "    description: {ru: Архив, kk: Мұрағат, en: Archive, de: Archiv}"},
    "localized-missing-language": {30: "    description: {ru: Архив}"},
    "localized-empty-text": {30: '    description: {ru: Архив, kk: "", en: Archive}'},
    "evidence-outside-missing": {26: "  - file: ../missing-outside.png"},
    "evidence-absolute": {26: "  - file: /etc/hostname"},
    "evidence-line-break": {26: '  - file: "evidence/shot\\nBcc.png"'},
    "duplicate-key": {12: "  author: Someone\n  author: Someone else"},
    "merge-key": {4: "outlet:\n  <<: {name: x}"},
    "complex-key": {3: "? [a, b]\n: c"},
    "raw-control-char": {15: '  text: "Текст\x01комментария"'},
    "escaped-control-char": {15: '  text: "Текст\\x01комментария"'},
    "escaped-bell": {15: '  text: "Текст\\aкомментария"'},
    "escape-beyond-unicode": {15: '  text: "\\U00110000"'},
    "organisation-without-bin": {31: "requests: [assess]\napplicant:\n  kind: organisation\n  name: Фонд\n"
                                     "  address: Астана"},
    "person-without-iin": {31: "requests: [assess]\napplicant:\n  kind: person\n  name: Иван\n  address: Астана"},
    "bad-iin": {31: 'requests: [assess]\napplicant:\n  name: Иван\n  address: Астана\n  iin: "900101300127"'},
    "short-iin": {31: 'requests: [assess]\napplicant:\n  name: Иван\n  address: Астана\n  iin: "12345"'},
    "bad-bin": {31: 'requests: [assess]\napplicant:\n  kind: organisation\n  name: Фонд\n  address: Астана\n'
                    '  bin: "900101300127"\n  signatory: {name: Иван, position: директор}'},
    "short-bin": {31: 'requests: [assess]\napplicant:\n  kind: organisation\n  name: Фонд\n  address: Астана\n'
                      '  bin: "1"\n  signatory: {name: Иван, position: директор}'},
    "applicant-email-long-domain": {31: 'requests: [assess]\napplicant:\n  name: Иван\n  address: Астана\n'
                                        '  iin: "900101300126"\n  email: "a@' + ".".join(["a" * 60] * 5) + '"'},
    "posted-year-0": {13: "  posted: 0000-01-01"},
    "evidence-outside-existing": {26: "  - file: ../outside.png"},
    "applicant-kind": {31: "requests: [assess]\napplicant:\n  kind: robot\n  name: Иван\n  address: Астана"},
    "applicant-email-one": {31: 'requests: [assess]\napplicant:\n  name: Иван\n  address: Астана\n'
                                '  iin: "900101300126"\n  email: "a@x.kz; b@y.kz"'},
    "applicant-email-dots": {31: 'requests: [assess]\napplicant:\n  name: Иван\n  address: Астана\n'
                                 '  iin: "900101300126"\n  email: "a..b@x.kz"'},
    "applicant-email-domain": {31: 'requests: [assess]\napplicant:\n  name: Иван\n  address: Астана\n'
                                   '  iin: "900101300126"\n  email: "a@localhost"'},
    "applicant-email-label": {31: 'requests: [assess]\napplicant:\n  name: Иван\n  address: Астана\n'
                                  '  iin: "900101300126"\n  email: "a@exa_mple.kz"'},
    "authority-override-unknown-base": {31: "requests: [assess]\nauthority: {base: nowhere}"},
    "authority-override-bad-addressee": {31: "requests: [assess]\nauthority: {base: mki-rk, addressee: {de: [x]}}"},
    "format-long": {1: "format: " + "9" * 5000},
    "posted-feb-29": {13: "  posted: 2023-02-29"},
    "posted-month-13": {13: "  posted: 2023-13-01"},
    "posted-minute-61": {13: "  posted: 2023-10-06T22:61"},
    "posted-second-61": {13: "  posted: 2023-10-06T22:53:61"},
    "posted-out-of-range": {13: "  posted: 1800-01-01"},
    "issued-with-time-dotted": {6: "  url: https://example.kz\n  registration:\n    issued: 06.10.2015 10:00"},
    "issued-not-a-date": {6: "  url: https://example.kz\n  registration:\n    issued: soon"},
    "number-as-list": {6: "  url: https://example.kz\n  registration:\n    number: [1, 2]"},
    "title-as-mapping": {3: "title: {a: b}"},
}

# whole files, and YAML mistakes (yamlerrors.py): a file each
WHOLE_FILES: dict[str, str | bytes] = {
    "empty": "",
    "a-list": "- a\n- b\n",
    "a-word": "hello\n",
    "not-utf8": b"format: 1\nid: x\ntitle: " + "Привет".encode("cp1251") + b"\n",
    "too-big": "format: 1\n# " + "x" * (1024 * 1024) + "\n",
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "many-aliases": "a: &a x\nb: [" + ", ".join(["*a"] * 150) + "]\n",
    "self-alias": "a: &a [1, *a]\n",
    "deep": "a: " + "[" * 70 + "]" * 70 + "\n",
    "tab-indent": edit(BASE, {12: "\tauthor: Someone"}),
    "tab-after-key": edit(BASE, {12: "  author:\tSomeone\t: x"}),
    "colon-in-value": edit(BASE, {13: "  posted: 2023-10-06T22:53: oops"}),
    "text-after-quote": edit(BASE, {15: '  text: "Текст" комментария"'}),
    "quote-never-closed": BASE + 'extra: "never closed\n',
    "single-quote-never-closed": BASE + "extra: 'never closed\n",
    "quote-swallowing-lines": edit(BASE, {15: '  text: "Текст комментария'}),
    "bad-indent": edit(BASE, {13: "   posted: 2023-10-06T22:53"}),
    "indent-less-than-a-sibling": edit(BASE, {5: "   name: Example.kz"}),
    "indent-one-space": edit(BASE, {6: " url: https://example.kz"}),
    "unknown-escape-q": edit(BASE, {3: 'title: "a\\qb"'}),
    "block-short-line": edit(BASE, {15: "  text: |\n      Первая строка\n    вторая строка"}),
    "block-header-text": edit(BASE, {15: "  text: | Текст"}),
    "flow-with-note": edit(BASE, {30: "    description: {ru: Архив #1, kk: Мұрағат, en: Archive}"}),
    "flow-then-text": edit(BASE, {3: "title: [Важно] тема"}),
    "question-mark": edit(BASE, {3: "title: ? тема"}),
    "unknown-escape": edit(BASE, {3: 'title: "C:\\Users"'}),
    "alias-start": edit(BASE, {3: "title: *жирный* текст"}),
    "tag-start": edit(BASE, {3: "title: !важно тема"}),
    "anchor-start": edit(BASE, {3: "title: &якорь"}),
    "no-colon": edit(BASE, {12: "  author Someone"}),
    "dash-value": edit(BASE, {3: "title: - тема"}),
    "at-sign": edit(BASE, {3: "title: @user"}),
    "backtick": edit(BASE, {3: "title: `code`"}),
    "percent": edit(BASE, {3: "title: %5"}),
    "nested-colon": edit(BASE, {15: "  text: Внимание\n    они: тут"}),
    "second-document": BASE + "---\nformat: 1\n",
    "stray-bracket": edit(BASE, {3: "title: a]"}),
    "unclosed-flow": edit(BASE, {3: "title: [a, b"}),
}

# (the line in place of tests/test_yaml_verbatim's CASE line 14, `  text: …`): what YAML would change in a quoted text
VERBATIM_TEXTS = [
    "  text: <<",
    "  text: Уезжайте отсюда #казахстандляказахов и точка",
    "  text: Уезжайте отсюда\n    и точка",
    "  text: первая строка\n\n    после пустой строки",
    '  text: "первая строка\n    вторая строка"',
    "  text: >\n    первая строка\n    вторая строка",
    "  text: yes", "  text: null", "  text: 1_000", "  text: 3.14", "  text: 2023-10-06", "  text: =",
    "  text: !важно Уезжайте", "  text: &x Уезжайте", "  text: !!python/name:os.system hello",
    "  text:\n    - Уезжайте отсюда", "  text:\n    a: b",
    '  text: x #y',
]
# the same, in place of the line `  author: …`
VERBATIM_AUTHORS = ["  author: Патриот #77", "  author: 12345", "  author: no", "  author Патриот_77"]


def _broken_cases(corpus: Corpus, tmp: Path) -> None:
    folder = _project(tmp / "project")
    (tmp / "outside.png").write_bytes(b"png")
    for param in SINGLE_FIELD:
        changes = param.values[0]
        _case(corpus, folder, f"single-field-{param.id}", edit(BASE, changes))
    for name, changes in MORE_EDITS.items():
        _case(corpus, folder, name, edit(BASE, changes))
    for name, text in WHOLE_FILES.items():
        _case(corpus, folder, name, text)
    verbatim_base = yaml.safe_dump(case_data(), allow_unicode=True, sort_keys=False)
    lines = verbatim_base.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  text:"))
    for i, new in enumerate(VERBATIM_TEXTS):
        _case(corpus, folder, f"verbatim-{i}", "\n".join(lines[:at] + [new] + lines[at + 1:]) + "\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("  author:"))
    for i, new in enumerate(VERBATIM_AUTHORS):
        _case(corpus, folder, f"verbatim-author-{i}", "\n".join(lines[:at] + [new] + lines[at + 1:]) + "\n")
    # a case of its own with no project file and no applicant: anonymous appeals are not considered
    loose = tmp / "loose"
    loose.mkdir()
    _case(corpus, loose, "no-applicant", yaml.safe_dump(case_data(), allow_unicode=True))
    # e-mail header attacks (tests/hostile/test_case_input.py)
    from tests.hostile.test_case_input import HEADER_ATTACKS

    for i, (changes, _field, _says) in enumerate(HEADER_ATTACKS):
        data = case_data(**changes)
        _case(corpus, folder, f"header-{i}", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


_LINK = "confirmed: true, source: https://adilet.zan.kz/, checked: 2026-01-01"
_NORM = """\
    short: {ru: x, kk: x, en: x}
    citation: {ru: x, kk: x, en: x}
    source: https://adilet.zan.kz/
    checked: 2026-01-01
"""
NORMS = f"""\
format: 1
norms:
  backwards:
    article: "1"
{_NORM}    in_force: {{from: 2020-01-01, until: 2019-01-01}}
  no-article:
    article: null
{_NORM}  itself:
    article: "1"
{_NORM}    replaced_by: {{norm: itself, on: 2020-01-01, {_LINK}}}
  to-nowhere:
    article: "1"
{_NORM}    replaced_by: {{norm: no-artcle, on: 2020-01-01, {_LINK}}}
  to-the-unknown:
    article: "1"
{_NORM}    replaced_by: {{norm: zzzzzz, on: 2020-01-01, {_LINK}}}
  open-ended:
    article: "1"
{_NORM}    replaced_by: {{norm: later, on: 2020-01-01, source: https://adilet.zan.kz/, checked: 2026-01-01,
                  earliest: 2020-02-01, latest: 2019-12-01}}
  overlapping:
    article: "1"
{_NORM}    in_force: {{until: 2020-06-01}}
    replaced_by: {{norm: later, on: 2020-01-01, {_LINK}}}
  with-a-gap:
    article: "1"
{_NORM}    in_force: {{until: 2019-06-01}}
    replaced_by: {{norm: later, on: 2020-01-01, {_LINK}}}
  later:
    article: "2"
{_NORM}    in_force: {{from: 2021-01-01}}
"""

PROJECT_FILES: dict[str, Any] = {
    "languages-unknown": {**PROJECT, "languages": ["kk", "de"]},
    "languages-not-a-list": {**PROJECT, "languages": "kk"},
    "authority-unknown": {**PROJECT, "authority": "ministry-of-magic"},
    "applicant-bad-iin": {**PROJECT, "applicant": {**PROJECT["applicant"], "iin": "900101300127"}},
    "applicant-no-iin": {**PROJECT, "applicant": {k: v for k, v in PROJECT["applicant"].items() if k != "iin"}},
    "applicant-organisation": {**PROJECT, "applicant": {**PROJECT["applicant"], "kind": "organisation"}},
    "applicant-name-break": {**PROJECT, "applicant": {**PROJECT["applicant"], "name": "Nurlan\nBcc: x@example.org"}},
    "unknown-field": {**PROJECT, "applcant": {}},
    "authority-email": {**PROJECT, "authority": {"base": "mki-rk", "email": "x@example.org\nBcc: y@example.org"}},
    "authority-recipients": {**PROJECT, "authority": {"base": "mki-rk", "email": "not an address"}},
    "not-a-mapping": ["a", "b"],
}


def _broken_projects(corpus: Corpus, tmp: Path) -> None:
    folder = tmp / "projects"
    folder.mkdir()
    for name, data in PROJECT_FILES.items():
        path = write_yaml(folder / name / "complaints.yaml", data)
        corpus.refused(f"project-{name}", lambda path=path: load_project(path))
    # a case whose project file is broken: read alone, and by `check` (which says so once per case)
    cases = _project(tmp / "broken-project", "applicant: [\n")
    _case(corpus, cases, "under-a-broken-project", edit(BASE, {}))
    (cases / "case.yaml").write_text(BASE, encoding="utf-8")
    for review in check_paths([cases], letters=tmp / "no-letters", letter_date=LETTER_DATE).cases:
        corpus.problems(review.problems, "check under a broken project")
    corpus.refused("check a path that is not there", lambda: check_paths([tmp / "no-such-folder"]))
    # a batch: two cases with one id; a case under a broken project file
    batch = _project(tmp / "batch")
    (batch / "a.yaml").write_text(BASE, encoding="utf-8")
    (batch / "b.yaml").write_text(BASE, encoding="utf-8")
    report = validate_paths([batch, cases], letter_date=LETTER_DATE)
    for result in report.results:
        corpus.problems(result.problems, f"validate {result.source}")
    corpus.problems(report.project_problems, "validate: the project files")
    # the one writer: a case file that is there already is never written over
    good = _project(tmp / "written")
    write_case(yaml.safe_load(BASE), good)
    corpus.refused("write_case twice", lambda: write_case(yaml.safe_load(BASE), good))
    corpus.refused("write_case into a file", lambda: write_case(yaml.safe_load(BASE), good / "complaints.yaml"))
    # the norms catalogue as a lawyer edits it (law.catalogue_problems)
    norms = tmp / "norms.yaml"
    norms.write_text(NORMS, encoding="utf-8")
    try:
        read_catalogue(norms)
    except DataError as exc:
        corpus.add(str(exc), "norms.yaml")
    else:  # pragma: no cover
        raise AssertionError("the broken catalogue was read")


# ------------------------------------------------------------------------------------------------ a sheet

ROWS = [
    # outlet, article url, title, author, posted, language, text, norms
    ["Nur.kz", "https://www.nur.kz/a/", "Заголовок", "Автор", "06.10.2023 22:53", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/b/", "", "Автор", "06.10.2023", "ru", "Текст", "criminal-code-174-1"],
    ["", "https://www.nur.kz/c/", "Заголовок", "", "", "", "", ""],
    ["Nur.kz", "https://www.nur.kz/d/", "Заголовок", "Автор", "завтра", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/e/", "Заголовок", "Автор", "06.10.2093 12:00", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/f/", "Заголовок", "Автор", "45205", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/g/", "Заголовок", "Автор", "12", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/h/", "#REF!", "Автор", "06.10.2023", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/i/", "Заголовок", "Ав\x01тор", "06.10.2023", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/j/", "Заголовок", "А" * 400, "06.10.2023", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "ftp://www.nur.kz/k/", "Заголовок", "Автор", "06.10.2023", "ru", "Текст", "criminal-code-174"],
    ["Nur.kz", "https://www.nur.kz/l/", "Заголовок", "Автор", "06.10.2023", "русский язык", "Текст", "no-such-norm"],
    ["Nur.kz", "https://www.nur.kz/a/", "Заголовок", "Автор", "06.10.2023 22:53", "ru", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "https://www.nur.kz/m/", "Заголовок", "Автор", "31.02.2023", "xx", "Текст", "criminal-code-174-1"],
    ["Nur.kz", "", "Заголовок", "Автор", "12345", "ru", "Текст", "criminal-code-174-1"],
]
HEADER = ["Издание", "Ссылка на статью", "Заголовок", "Автор комментария", "Дата комментария", "Язык",
          "Текст комментария", "Нормы", "Дата публикации", "Дата свидетельства"]


def _sheets(corpus: Corpus, tmp: Path) -> None:
    folder = tmp / "import"
    write_yaml(folder / "cases" / "complaints.yaml", PROJECT)
    sheet = folder / "sheet.csv"
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i, row in enumerate(ROWS):
            out.writerow(row + ["2023-10-07", "01.01.2015 10:00" if i == 1 else ""])
    result = import_sheet(sheet, folder / "cases")
    assert result.problems, "the sheet's bad rows must be refused"
    corpus.problems(result.problems, "sheet.csv")
    # Windows-1251: the Kazakh letters were lost when it was saved
    lost = folder / "cp1251.csv"
    lost.write_bytes(("\n".join([",".join(HEADER[:8]),
                                 "Nur.kz,https://www.nur.kz/z/,Заголовок,Автор,06.10.2023,kk,Текст,criminal-code-174-1",
                                 "Nur.kz,https://www.nur.kz/y/,Заголовок,Автор,06.10.2023,ru,?аза? тілі,"
                                 "criminal-code-174-1"]) + "\n").encode("cp1251"))
    corpus.problems(import_sheet(lost, folder / "cases-1251").problems, "cp1251.csv")
    # a mapping file naming a field no sheet can fill, and one value for every row that is wrong
    mapping = folder / "map.yaml"
    mapping.write_text("fields:\n  coment.text: Текст\n  comment.language: {value: russian}\n", encoding="utf-8")
    corpus.refused("map.yaml", lambda: import_sheet(sheet, folder / "cases-2", mapping=mapping))
    mapping.write_text("fields:\n  comment.language: {value: xx}\n", encoding="utf-8")
    corpus.problems(import_sheet(sheet, folder / "cases-3", mapping=mapping).problems, "map.yaml value")
    # sheets that cannot be imported at all
    missing = folder / "no-language.csv"
    missing.write_text(",".join(HEADER[:5] + HEADER[6:8]) + "\nNur.kz,https://x.kz/,T,A,06.10.2023,Текст,n\n",
                       encoding="utf-8")
    corpus.refused("no-language.csv", lambda: import_sheet(missing, folder / "cases-4"))
    old = folder / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    corpus.refused("old.xls", lambda: import_sheet(old, folder / "cases-5"))
    corpus.refused("absent.csv", lambda: import_sheet(folder / "absent.csv", folder / "cases-6"))
    corpus.refused("a-folder.csv", lambda: import_sheet(folder, folder / "cases-7"))
    corpus.refused("empty.csv", lambda: import_sheet(_empty(folder / "empty.csv"), folder / "cases-8"))
    corpus.refused("broken.xlsx", lambda: import_sheet(_bytes(folder / "broken.xlsx", b"PK\x03\x04 broken"),
                                                     folder / "cases-9"))
    corpus.refused("no-map.yaml", lambda: import_sheet(sheet, folder / "cases-10", mapping=folder / "no-map.yaml"))
    taken = folder / "taken"
    taken.write_text("", encoding="utf-8")
    corpus.refused("out-is-a-file", lambda: import_sheet(sheet, taken))
    mixed = folder / "mixed.csv"
    mixed.write_bytes(",".join(HEADER[:8]).encode() + b"\n" + "Nur.kz,https://x.kz/,Т,А,06.10.2023,ru,Текст,n\n"
                      .encode("cp1251") + "Nur.kz,https://x.kz/b,Т,А,06.10.2023,ru,Текст,n\n".encode())
    corpus.refused("mixed.csv", lambda: import_sheet(mixed, folder / "cases-11"))
    for text in ("- a\n", "fields: [a]\n", "fields:\n  comment.text: {foo: 1}\n"):
        mapping.write_text(text, encoding="utf-8")
        corpus.refused(f"map.yaml {text!r}", lambda: import_sheet(sheet, folder / "cases-13", mapping=mapping))
    if hasattr(os, "mkfifo"):
        fifo = folder / "fifo.csv"
        os.mkfifo(fifo)
        corpus.refused("a FIFO", lambda: import_sheet(fifo, folder / "cases-14"))
    garbage = folder / "garbage.csv"
    garbage.write_bytes(",".join(HEADER[:8]).encode() + b"\nNur.kz,\x98\x98\x98\n")
    corpus.refused("garbage.csv", lambda: import_sheet(garbage, folder / "cases-12"))


def _empty(path: Path) -> Path:
    path.write_text("", encoding="utf-8")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------------------------ the register

def _register(corpus: Corpus, tmp: Path) -> None:
    folder = tmp / "register"
    write_yaml(folder / "complaints.yaml", PROJECT)
    write_yaml(folder / "c1.yaml", case_data(id="case-1"))
    result = CliRunner().invoke(app, ["render", str(folder), "--out", str(folder / "letters"), "--format", "docx",
                                      "--date", LETTER_DATE.isoformat(), "-q"])
    assert result.exit_code == 0, result.output
    db, letters, case = folder / "complaints.db", folder / "letters", folder / "c1.yaml"
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def filed(**changes: Any) -> Callable[[], object]:
        args: dict[str, Any] = {"lang": "ru", "on": "2026-11-03T10:00", "channel": "eotinish", "letters": letters,
                                "db": db, "now": now, "anyway": True, **changes}
        return lambda: filings.record_filing(args.pop("case", case), **args)

    corpus.refused("filed --channel fax", filed(channel="fax"))
    corpus.refused("filed --lang de", filed(lang="de"))
    corpus.refused("filed --on yesterday", filed(on="yesterday"))
    corpus.refused("filed --on 2026-11-03", filed(on="2026-11-03"))
    corpus.refused("filed --on 9999", filed(on="9999-12-31T23:59"))
    corpus.refused("filed --on 2026-02-30T10:00", filed(on="2026-02-30T10:00"))
    corpus.refused("filed in the future", filed(on="2027-11-03T10:00"))
    corpus.refused("filed --registered soon", filed(registered="soon"))
    corpus.refused("filed --registered with a time", filed(registered="20.11.2026 10:00"))
    corpus.refused("filed --registered before", filed(registered="2026-11-02"))
    corpus.refused("filed --registered future", filed(registered="2026-12-24"))
    corpus.refused("filed --ref with a line break", filed(ref="ЖТ-1\nBcc: x@example.org"))
    corpus.refused("filed nope.yaml", filed(case=folder / "nope.yaml"))
    corpus.refused("filed --file nope.pdf", filed(file=folder / "nope.pdf"))
    corpus.refused("filed --file a folder", filed(file=folder))
    damaged = folder / "damaged.docx"
    damaged.write_bytes(b"not a zip")
    corpus.refused("filed a damaged docx", filed(file=damaged))
    notpdf = folder / "letter.pdf"
    notpdf.write_bytes(b"not a pdf")
    corpus.refused("filed a pdf that is none", filed(file=notpdf))
    filings.record_filing(case, lang="ru", on="2026-11-03T10:00", channel="eotinish", letters=letters, db=db, now=now,
                          anyway=True)
    corpus.refused("filed twice", filed())
    write_yaml(folder / "c2.yaml", case_data(id="case-2"))
    corpus.refused("filed, not rendered", filed(case=folder / "c2.yaml"))
    corpus.refused("filed, another case's letter",
                   filed(case=folder / "c2.yaml", file=letters / "case-1" / "case-1.ru.docx"))
    corpus.refused("reminder without number or date", lambda: filings.record_reminder("case-1", db=db))
    corpus.refused("reminder date not a date", lambda: filings.record_reminder("case-1", on="soon", db=db))
    corpus.refused("reminder never written", lambda: filings.record_reminder("case-1", ref="N-1", db=db))
    corpus.refused("extension not a date", lambda: filings.record_extension("case-1", until="next month", db=db))
    corpus.refused("extension before due", lambda: filings.record_extension("case-1", until="2026-11-20", db=db))
    corpus.refused("extension too far", lambda: filings.record_extension("case-1", until="2030-01-15", db=db))
    corpus.refused("extension of no filing", lambda: filings.record_extension("case-9", until="2026-12-20", db=db))
    corpus.refused("extension of no filing in ru",
                   lambda: filings.record_extension("case-9", until="2026-12-20", lang="ru", db=db))
    corpus.refused("reply outcome", lambda: filings.record_reply("case-1", on="2026-11-20", outcome="won", db=db))
    corpus.refused("reply before", lambda: filings.record_reply("case-1", on="2026-11-01", outcome="answered", db=db))
    corpus.refused("reply future", lambda: filings.record_reply("case-1", on="2199-01-04", outcome="answered", db=db))
    corpus.refused("reply with time",
                   lambda: filings.record_reply("case-1", on="20.11.2026 10:00", outcome="answered", db=db))
    corpus.refused("registration not a date", lambda: filings.record_registration("case-1", on="soon", db=db,
                                                                                   now=now))
    filings.record_reply("case-1", on="2026-11-20", outcome="answered", db=db)
    corpus.refused("second reply", lambda: filings.record_reply("case-1", on="2026-11-21", outcome="answered", db=db))
    corpus.refused("extension after reply", lambda: filings.record_extension("case-1", until="2026-12-20", db=db))
    corpus.refused("registration after reply", lambda: filings.record_registration("case-1", on="2026-11-05", db=db,
                                                                                   now=now))
    filings.record_filing(case, lang="kk", on="2026-11-03T10:00", channel="eotinish", letters=letters, db=db, now=now,
                          anyway=True)
    corpus.refused("which language", lambda: filings.record_extension("case-1", until="2026-12-20", db=db))
    corpus.refused("due within -1", lambda: filings.due_within(-1, db=db))
    corpus.refused("due within a billion", lambda: filings.due_within(10**9, db=db))
    for name in ("a", "b"):  # two registers below, and none here: which one is meant is not for the tool to guess
        (tmp / "two" / name).mkdir(parents=True)
        (tmp / "two" / name / "complaints.db").write_bytes(b"")
    os.chdir(tmp / "two")
    corpus.refused("registers below", lambda: filings.standings(db=None))
    nowhere = tmp / "nowhere"
    nowhere.mkdir()
    os.chdir(nowhere)  # no complaints.yaml here or above: no register (the corpus fixture goes back)
    corpus.refused("no register", lambda: filings.standings(db=None))


# ------------------------------------------------------------------------------------------------ check's findings

def _findings(corpus: Corpus, tmp: Path) -> None:
    # the examples shipped with the tool: placeholders marked in them, unconfirmed fields of the addressee
    examples = tmp / "examples"
    shutil.copytree(REPO / "cases", examples)
    report = check_paths([examples], letters=tmp / "no-letters", letter_date=LETTER_DATE)
    # a case of the advocate's with every kind of slip in its texts
    folder = tmp / "slips"
    project = {**PROJECT, "applicant": {**PROJECT["applicant"], "phone": "PLACEHOLDER",
                                         "name": {"kk": "?аза? Нұрлан", "ru": "Нурлан", "en": "Nurlan"},
                                         "address": {"kk": "Улица Пушкина дом", "ru": "Pushkin street",
                                                     "en": "Улица Пушкина"}},
               "authority": {"base": "mki-rk", "address": "ул. Министерств, 1",
                             "unconfirmed": {"address": "read off a letterhead, not an official source"}}}
    write_yaml(folder / "complaints.yaml", project)
    (folder / "evidence").mkdir()
    (folder / "evidence" / "shot.png").write_bytes(b"png")
    data = case_data(**{
        "id": "slips",
        "comment.translations": {"en": "Не хватает слов", "kk": "Не хватает слов в казахском языке?"},
        "comment.url": "https://comments.example/1",
        "article.url": "https://www.nur.kz/example-article-path/",
        "outlet.registration": {"kind": "свидетельство о постановке на учёт", "number": "KZ00VPY00000000"},
        "legal_basis.licence_clause": {"reference": "пункт 3.2", "text": "PLACEHOLDER"},
        "legal_basis.norms": ["criminal-code-174-1", {"citation": "ст. 1", "in_force_until": "2025-01-01"},
                              {"citation": "ст. 2", "in_force_from": "2027-01-01"}],
        "comment.still_online": "2026-11-20T10:00+05:00",
        "evidence": [{"file": "evidence/shot.png", "description": {"kk": "Pikirdin skrinshoty", "ru": "Screenshot",
                                                                    "en": "Снимок экрана"}}],
        "title": "?аза? тілінде",
    })
    write_yaml(folder / "slips.yaml", data)
    words = folder / "words.yaml"
    write_yaml(words, case_data(**{"id": "words", "comment.translations": {"kk": "Скриншот комментария пользователя"},
                                   "outlet.owner": "Мысал ЖШС", "authority": "prosecutor-general",
                                   "evidence": [{"url": "https://web.archive.org/web/2023/https://www.nur.kz/a/",
                                                 "description": {"ru": "Архивная копия страницы",
                                                                 "kk": "Архивная копия страницы",
                                                                 "en": "Archived copy"}}]}))
    other = folder / "others.yaml"
    write_yaml(other, case_data(**{"id": "others", "applicant": {**PROJECT["applicant"], "iin": "900101300126",
                                                                  "phone": "+7 700 000 00 00",
                                                                  "address": {"kk": "Pushkin street", "ru": "Улица",
                                                                              "en": "Street"}}}))
    result = CliRunner().invoke(app, ["render", str(folder), "--out", str(folder / "letters"), "--format", "txt",
                                      "--date", LETTER_DATE.isoformat(), "-q"])
    assert result.exit_code == 0, result.output
    (folder / "slips.yaml").write_text((folder / "slips.yaml").read_text(encoding="utf-8") + "# changed\n",
                                       encoding="utf-8")
    (folder / "evidence" / "shot.png").write_bytes(b"png, changed")
    (folder / "evidence" / "new.png").write_bytes(b"png, new")
    data["evidence"].append({"file": "evidence/new.png", "description": "Новый снимок"})
    write_yaml(folder / "slips.yaml", data)
    (folder / "letters" / "slips" / "slips.old.txt").write_text("an older render", encoding="utf-8")
    (folder / "complaints.yaml").write_text((folder / "complaints.yaml").read_text(encoding="utf-8") + "# changed\n",
                                            encoding="utf-8")
    mine = check_paths([folder], letters=folder / "letters", letter_date=LETTER_DATE)
    for r in (report, mine):
        corpus.findings += r.findings
        for case in r.cases:
            corpus.problems(case.problems, case.source)
    for f in corpus.findings:
        corpus.add(f.message, f"finding {f.kind} in {f.file}")
        corpus.add(f.problem().message, f"finding {f.kind} as a problem")
    try:
        ready_to_file(folder / "slips.yaml", folder / "letters")
    except NotReady as exc:
        corpus.refusals.append(exc)
        corpus.add(str(exc), "ready_to_file")
    else:  # pragma: no cover
        raise AssertionError("a case with slips is not ready to file")


# ------------------------------------------------------------------------------------------------ the corpus

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    tmp = tmp_path_factory.mktemp("corpus")
    here = os.getcwd()
    found = Corpus()
    try:
        _broken_cases(found, tmp)
        _broken_projects(found, tmp)
        _sheets(found, tmp)
        _register(found, tmp)
        _findings(found, tmp)
    finally:
        os.chdir(here)
    yield found


def _untranslated(messages: dict[str, str], lang: str) -> list[str]:
    return [f"{source}: {message}" for message, source in messages.items()
            if not problems.say_text(message, lang).translated]


def test_the_corpus_makes_the_library_say_many_things(corpus: Corpus) -> None:
    assert len(corpus.messages) > 250
    kinds = {f.kind for f in corpus.findings}
    assert {"placeholder", "unconfirmed", "script", "untranslated", "licence", "norm", "evidence", "stale",
            "lost-letters"} <= kinds


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_of_the_corpus_is_translated(corpus: Corpus, lang: str) -> None:
    missing = _untranslated(corpus.messages, lang)
    assert not missing, f"{len(missing)} messages the catalogue cannot say in {lang}:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGS)
def test_every_finding_is_translated_with_its_kind(corpus: Corpus, lang: str) -> None:
    for f in corpus.findings:
        said = problems.say_finding(f, lang)
        assert said.translated, f.message
        assert said.kind == f.kind and said.kind_words != f.kind
        assert (said.field, said.line, said.column) == (f.field, f.line, f.column)


# what a translation must keep of the English: dates, numbers, quoted values, code, field paths
_KEPT = [re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?"), re.compile(r"\d+"), re.compile(r"(?<!\w)'[^'\n]+'(?!\w)"),
         re.compile(r"`[^`\n]+`"), re.compile(r"\b[a-z_]{2,}(?:\.[a-z_]{2,})+(?:\[\d+\])?\b"), re.compile(r"«[^»]+»")]


def _kept(message: str) -> set[str]:
    """The parts of `message` a translation must have as they are (a pairing of quotes across a sentence, longer
    than any value quoted, is none)."""
    return {m.group() for line in message.split("\n") for pattern in _KEPT for m in pattern.finditer(line)
            if len(m.group()) <= 80 and "(YAML" not in m.group()}


@pytest.mark.parametrize("lang", LANGS)
def test_the_holes_carry_over_into_the_translation(corpus: Corpus, lang: str) -> None:
    lost = []
    for message, source in corpus.messages.items():
        said = problems.translate(message, lang)
        if said is None:
            continue
        gone = sorted(k for k in _kept(message) if k not in said and not _english_word(k))
        if gone:
            lost.append(f"{source}: {gone}\n  en: {message}\n  {lang}: {said}")
    assert not lost, "\n".join(lost)


def _english_word(kept: str) -> bool:
    """A quoted English word of the message's own (not the user's): 'x-', 'name: value' are kept; the examples
    of how to write a thing may be worded anew; a command a page has no use for is said in the page's own words."""
    return kept in {"'- item'", "'name: value'", "'…'", "`complaints norms`"} or kept.startswith("`case.field")


def test_no_two_entries_translate_one_message_differently(corpus: Corpus) -> None:
    clashes = []
    for message in corpus.messages:
        for lang in LANGS:
            ways = problems.matches(message, lang)
            if len({said for _, said in ways}) > 1:
                clashes.append(f"{message}\n  " + "\n  ".join(f"entry {n}: {said}" for n, said in ways))
    assert not clashes, "\n".join(clashes)


def test_every_entry_has_three_languages_and_the_same_holes() -> None:
    raw = yaml.safe_load(problems.FILE.read_text(encoding="utf-8"))
    assert isinstance(raw, list) and len(raw) > 200
    english = set()
    for number, entry in enumerate(raw, start=1):
        assert set(entry) == {"en", "ru", "kk"}, (number, entry)
        assert all(isinstance(entry[k], str) and entry[k].strip() for k in entry), (number, entry)
        holes = set(problems.holes_of(entry["en"]))
        for lang in LANGS:
            assert set(problems.holes_of(entry[lang])) == holes, (number, lang, entry)
            assert all(kind == "text" for kind in problems.holes_of(entry[lang]).values()), (number, lang, entry)
            entry[lang].format(**{h: "x" for h in holes})  # no stray brace
        assert entry["en"] not in english, f"entry {number} repeats {entry['en']!r}"
        english.add(entry["en"])
        assert entry["ru"] != entry["en"] and entry["kk"] != entry["en"], (number, entry)
    assert len(problems.catalogue()) == len(raw)


def test_the_russian_and_kazakh_use_the_legal_terms_of_each() -> None:
    text = problems.FILE.read_text(encoding="utf-8")
    for en, ru, kk in (("IIN", "ИИН", "ЖСН"), ("BIN", "БИН", "БСН"), ("APPC", "АППК РК", "ҚР ӘРПК")):
        entries = [e for e in yaml.safe_load(text) if re.search(rf"\b{en}\b", e["en"])]
        assert entries
        for e in entries:
            assert ru in e["ru"] and kk in e["kk"], e
            assert en not in e["ru"] and en not in e["kk"], e
    article_63 = next(e for e in yaml.safe_load(text) if "Article 63" in e["en"])
    assert "статья 63" in article_63["ru"] and "63-ба" in article_63["kk"]  # 63-бап, 63-бабы


def test_a_problem_is_said_in_the_page_language_at_its_place() -> None:
    p = Problem("case.yaml", 13, 11, "comment.posted", "'yesterday' is not a date; write it as one of 2023-10-06,"
                " 2023-10-06T22:53 (or with +05:00), 06.10.2023, 06.10.2023 22:53 or 06.10.2023 22.53")
    ru, kk, en = (problems.say(p, lang) for lang in ("ru", "kk", "en"))
    assert ru.message.startswith("'yesterday' не является датой; запишите дату")
    assert kk.message.startswith("'yesterday' күн емес; күнді")
    assert en.message == p.message and en.translated
    for said in (ru, kk, en):
        assert (said.field, said.line, said.column, said.severity) == ("comment.posted", 13, 11, "error")
        assert said.translated


def test_a_message_the_catalogue_does_not_know_is_shown_in_english_marked() -> None:
    p = Problem("case.yaml", 1, 1, "", "a message no one has translated yet", "warning")
    said = problems.say(p, "kk")
    assert said.message == p.message and not said.translated and said.severity == "warning"
    assert not problems.say_text("something new: 'x'", "ru").translated


def test_an_inner_message_that_cannot_be_said_leaves_the_whole_in_english() -> None:
    message = "the time of filing: a reason no one has translated"
    assert problems.translate(message, "ru") is None
    assert problems.say_text(message, "ru").message == message


def test_a_refusal_is_said_beside_the_field_it_is_about() -> None:
    error = UsageError("the extension date 2026-11-20 is not after the due date 2026-11-24", about="until")
    said = problems.say_error(error, "ru")
    assert said.field == "until" and said.translated
    assert said.message == "дата продления 2026-11-20 не позже срока ответа 2026-11-24"
    assert str(problems.say_text(str(error), "kk")) == "ұзартылған күн (2026-11-20) жауап беру мерзімінен (2026-11-24)" \
                                                       " кейін емес"


def test_a_list_of_problems_is_said_line_by_line_each_at_its_place() -> None:
    message = ("the mapping file cannot be read:\n"
               "map.yaml:2:3: error: fields.coment.text: 'coment.text' is not a case field a sheet can fill"
               " (did you mean 'comment.text'?)\n"
               "map.yaml:4:1: warning: comment: no `posted` date: the letter will say the outlet shows no date")
    said = problems.say_text(message, "ru")
    assert said.translated
    first, second, third = said.message.split("\n")
    assert first == "не удаётся прочитать файл сопоставления:"
    assert second.startswith("map.yaml:2:3: error: fields.coment.text: 'coment.text' — не то поле дела")
    assert third.startswith("map.yaml:4:1: warning: comment: не указана дата `posted`")


def test_the_users_own_reason_for_an_unconfirmed_field_is_kept_as_written() -> None:
    known = ("the postal address (House of Ministries, entrance 14) was not read in an official source (profile"
             " mki-rk): check it in an official source, then write it in complaints.yaml as"
             " `authority: {base: mki-rk, address: …}`")
    mine = known.replace("the postal address (House of Ministries, entrance 14) was not read in an official source",
                         "взято с бланка")
    assert problems.translate(known, "ru").startswith("почтовый адрес (Дом министерств, подъезд 14) не сверен")
    assert problems.translate(mine, "kk").startswith("взято с бланка (mki-rk профилі): ресми дереккөзден")
    assert "`authority: {base: mki-rk, address: …}`" in problems.translate(mine, "kk")


def test_a_hole_of_a_kind_matches_only_its_kind() -> None:
    # a number hole takes no words, a date hole no other text: these stay untranslated rather than mistranslated
    assert problems.translate("duplicate key 'x' (first given on line twelve)", "ru") is None
    assert problems.translate("last seen online on yesterday, more than a year before the letter; check that it is"
                              " still published", "ru") is None
    said = problems.translate("duplicate key 'x' (first given on line 12)", "kk")
    assert said == "'x' кілті қайталанады (алғаш рет 12-жолда берілген)"


def test_english_is_the_message_itself_and_another_language_is_none() -> None:
    assert problems.translate("anything at all", "en") == "anything at all"
    assert problems.translate("must not be empty", "de") is None
    assert problems.say_text("must not be empty", "de").message == "must not be empty"


def test_the_catalogue_is_refused_when_an_entry_lacks_a_language_or_a_hole(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from complaints.errors import DataError

    for broken in ([{"en": "x {a}", "ru": "x"}],
                   [{"en": "x {a}", "ru": "x {a}", "kk": "x {b}"}],
                   [{"en": "x {a:colour}", "ru": "x {a}", "kk": "x {a}"}]):
        path = tmp_path / "problems.yaml"
        path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
        monkeypatch.setattr(problems, "FILE", path)
        problems.catalogue.cache_clear()
        with pytest.raises(DataError):
            problems.catalogue()
    monkeypatch.undo()
    problems.catalogue.cache_clear()
    assert problems.catalogue()


def test_the_base_case_of_the_corpus_is_itself_valid(tmp_path: Path) -> None:
    """The corpus's broken files are the good one with one thing changed: the good one must load quietly."""
    folder = _project(tmp_path / "p")
    (folder / "case.yaml").write_text(BASE, encoding="utf-8")
    assert load_case(folder / "case.yaml", letter_date=LETTER_DATE).warnings == ()
    assert CASE["id"] == "test-case" and date(2026, 11, 25) == LETTER_DATE
