"""What a case file and its project file say that a signer must look at: placeholders and example values, text
in the wrong script, letters lost to Windows-1251, translations equal to their original, unconfirmed profile
fields, norms not in force on the letter's date, a licence clause for an outlet that holds no licence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..case.load import Document, dotted
from ..layout import LANGUAGES
from .findings import Finding, signs

if TYPE_CHECKING:
    from ..case.read import CaseFile

Path_ = tuple[Any, ...]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_LOST = re.compile(r"\?(?=[\u0400-\u04ff])")  # a question mark right before a Cyrillic letter: ?аза? тілі
_WORD = re.compile(r"[^\W\d_]+")
_HOST = re.compile(r"(?:@|//|\b)((?:[\w-]+\.)+[a-z][\w-]*)", re.IGNORECASE)


def scan(doc: Document, source: Path | None) -> list[Finding]:
    """Every value of a case or project file looked at: placeholders and example values, then scripts."""
    found: dict[tuple[Any, ...], Finding] = {}
    for finding in _marked_lines(doc, source):
        found.setdefault((finding.line, finding.field, finding.kind), finding)
    for path, value in _scalars(doc.data, ()):
        for finding in _value(doc, path, value):
            found.setdefault((finding.line, finding.field, finding.kind), finding)
    for path, texts in _localized(doc.data, ()):
        for finding in _scripts(doc, path, texts):
            found.setdefault((finding.line, finding.field, finding.kind), finding)
    for finding in _translations(doc):
        found.setdefault((finding.line, finding.field, finding.kind), finding)
    copied = {f.field for f in found.values() if f.kind == "untranslated"}  # its script is the original's: said
    return sorted(f for f in found.values() if not (f.kind == "script" and f.field in copied))


def case_findings(case: CaseFile, letter_date: date) -> list[Finding]:
    """What the case says beyond its values: the addressee's unconfirmed fields, the norms out of force on the
    letter's date, a licence clause an online outlet cannot have, no evidence at all."""
    doc = case.document
    if doc is None:
        return []
    return [*_norms(doc, case, letter_date), *_licence(doc, case), *_no_evidence(doc, case)]


def authority_findings(case: CaseFile) -> tuple[Document | None, list[Finding]]:
    """The fields of the case's addressee marked unconfirmed (in its profile or in the project's override), at the
    place that chooses the addressee: the case's `authority:`, else the project's (returned with its document)."""
    reasons = dict(getattr(case.authority, "unconfirmed", None) or {})
    if not reasons:
        return None, []
    if case.case.authority is not None and case.document is not None:
        doc: Document | None = case.document
    else:
        doc = case.project.document or case.document
    if doc is None:
        return None, []
    profile = case.authority.id or "mki-rk"
    findings = []
    for name, reason in reasons.items():
        at = doc.mark(("authority", name)) if ("authority", name) in doc.values else doc.mark(("authority",))
        findings.append(Finding(doc.path, at.line, at.column, f"authority.{name}", "unconfirmed",
                                f"{reason.rstrip('.')} (profile {profile}): check it in an official source, then"
                                f" write it in complaints.yaml as `authority: {{base: {profile}, {name}: …}}`"))
    return doc, findings


def content_findings(case: CaseFile, letter_date: date) -> list[Finding]:
    """Everything in a case and its project file that its letters' signer must look at (what `render --final`
    refuses): nothing that depends on letters already on disk."""
    found = scan(case.document, case.path) if case.document is not None else []
    found += case_findings(case, letter_date)
    project = case.project
    if project.document is not None:
        found += scan(project.document, project.path)
    found += authority_findings(case)[1]
    from .online import online_findings

    found += online_findings(case)  # the register says the comment was removed
    return sorted(set(found))



# ---------------------------------------------------------------- values

def _scalars(data: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.startswith("x-"):
                continue  # notes of one's own: never printed
            yield from _scalars(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _scalars(value, path + (i,))
    elif isinstance(data, (str, int)) and not isinstance(data, bool):
        yield path, str(data)


def _under(path: Path_, fields: list[str]) -> bool:
    name = dotted(tuple(p for p in path if not isinstance(p, int)))
    return any(name == f or name.startswith(f + ".") for f in fields)


def _applicant(path: Path_) -> bool:
    return bool(path) and path[0] == "applicant"


def _shown(path: Path_, value: str) -> str:
    """The value as a message quotes it: never the applicant's details (the IIN only in letters)."""
    if _applicant(path):
        return "the value"
    return f"'{value if len(value) <= 60 else value[:57] + '…'}'"


def _value(doc: Document, path: Path_, value: str) -> Iterator[Finding]:
    s = signs()

    def finding(kind: str, message: str) -> Finding:  # its place worked out only for a value that has one
        at = doc.mark(path)
        return Finding(doc.path, at.line, at.column, dotted(path), kind, message)

    if any(marker in value for marker in s.markers):
        yield finding("placeholder", f"{_shown(path, value)} is a placeholder: replace it with the real value")
        return
    if _LOST.search(value):
        yield finding("lost-letters", f"{_shown(path, value)} has '?' inside a word: Kazakh letters (Қ, Ә, Ң…) lost"
                                      " when the text was saved in Windows-1251; type it again from the original")
    if _under(path, s.quotes):
        return
    last = path[-1] if path else ""
    digits = value.replace(" ", "")
    if last in ("iin", "bin") and (digits in s.sample_numbers or len(set(digits)) == 1 or "0" * s.zero_run in digits):
        yield finding("placeholder", f"the examples' sample {str(last).upper()}: give the real one")
        return
    host = next((h for h in _HOST.findall(value) if _example_host(h)), None)
    if host is not None:
        yield finding("placeholder", f"{_shown(path, value)} is at {host}, a domain kept for examples: give the real"
                                     " address")
        return
    word = next((w for w in _WORD.findall(value) if w.lower() in s.example_words), None)
    if word is not None:
        yield finding("placeholder", f"{_shown(path, value)} says '{word}': an example value; give the real one")
        return
    if last in ("number", "phone") and "0" * s.zero_run in re.sub(r"\D", "", value):
        yield finding("placeholder", f"{_shown(path, value)} is a filler of zeros: copy the real number")


def _example_host(host: str) -> bool:
    s = signs()
    host = host.lower().rstrip(".")
    return (any(host == d or host.endswith("." + d) for d in s.example_domains)
            or any(host.endswith(suffix) for suffix in s.example_suffixes))


_MARK_COMMENT = re.compile(r"(?:^|\s)#\s*(?P<marker>[A-Z]+)\b[\s:.—-]*(?P<note>.*)$")


def _marked_lines(doc: Document, source: Path | None) -> Iterator[Finding]:
    """The values whose line ends in a comment that starts with a marker: `number: "…"   # PLACEHOLDER: …`."""
    if source is None:
        return
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    markers = set(signs().markers)
    marked = {}  # the lines with a marker's comment: most files have none, and their keys' places are not needed
    for number, line in enumerate(lines, start=1):
        if "#" in line:
            match = _MARK_COMMENT.search(line)
            if match is not None and match.group("marker") in markers:
                marked[number] = match
    if not marked:
        return
    by_line: dict[int, Path_] = {}
    for path, mark in doc.keys.items():
        if any(isinstance(p, str) and p.startswith("x-") for p in path):
            continue
        known = by_line.get(mark.line)
        if known is None or len(path) < len(known):
            by_line[mark.line] = path
    for number, match in marked.items():
        if number not in by_line:
            continue
        path = by_line[number]
        at = doc.mark(path, key=True)
        note = match.group("note").strip()
        what = f" ({note})" if note else ""
        yield Finding(doc.path, at.line, at.column, dotted(path), "placeholder",
                      f"marked {match.group('marker')} in the file{what}: put the real value in, then remove the mark")


# ---------------------------------------------------------------- languages

def _localized(data: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, str]]]:
    """Every text given per language ({kk: …, ru: …, en: …}; a comment's translations too)."""
    if isinstance(data, dict):
        if data and all(k in LANGUAGES for k in data) and all(isinstance(v, str) for v in data.values()):
            yield path, data
            return
        for key, value in data.items():
            if not (isinstance(key, str) and key.startswith("x-")):
                yield from _localized(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _localized(value, path + (i,))


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _scripts(doc: Document, path: Path_, texts: dict[str, str]) -> Iterator[Finding]:
    s = signs()
    name = _under(path, s.names)
    for lang, text in texts.items():
        at = doc.mark(path + (lang,))
        field = dotted(path + (lang,))
        shown = _shown(path, text)
        if any(marker in text for marker in s.markers):
            continue  # a placeholder already
        if lang == "en" and _CYRILLIC.search(text):
            yield Finding(doc.path, at.line, at.column, field, "script",
                          f"{shown} is in Cyrillic in the English text: write it in English")
        elif lang == "kk" and _LATIN.search(text) and not _CYRILLIC.search(text) and not name:
            yield Finding(doc.path, at.line, at.column, field, "script",
                          f"{shown} is in Latin letters only in the Kazakh text: write it in Kazakh")
        elif (lang == "kk" and not name and len([w for w in _words(text) if _CYRILLIC.search(w)]) >= 2
              and not any(ch in s.kazakh_letters for ch in text)):
            yield Finding(doc.path, at.line, at.column, field, "script",
                          f"{shown} has no Kazakh letter (ә, ғ, қ, ң, ө, ұ, ү, һ, і) in the Kazakh text: it reads"
                          " as Russian; write it in Kazakh")
        elif lang == "ru" and _LATIN.search(text) and not _CYRILLIC.search(text) and not name:
            yield Finding(doc.path, at.line, at.column, field, "script",
                          f"{shown} is in Latin letters only in the Russian text: write it in Russian")
    if name:
        return
    seen: dict[str, str] = {}
    for lang, text in texts.items():
        key = " ".join(text.split()).casefold()
        if len(_words(key)) >= 2 and key in seen:
            at = doc.mark(path + (lang,))
            yield Finding(doc.path, at.line, at.column, dotted(path + (lang,)), "untranslated",
                          f"the {lang} text is the same as the {seen[key]} one: translate it")
        seen.setdefault(key, lang)


def _translations(doc: Document) -> Iterator[Finding]:
    """A comment's translation that is its original again (the wizard's 'the same text as in …')."""
    comment = doc.data.get("comment") if isinstance(doc.data, dict) else None
    if not isinstance(comment, dict) or not isinstance(comment.get("text"), str):
        return
    original = " ".join(comment["text"].split()).casefold()
    for lang, text in (comment.get("translations") or {}).items():
        if isinstance(text, str) and lang != comment.get("language") and " ".join(text.split()).casefold() == original:
            at = doc.mark(("comment", "translations", lang))
            yield Finding(doc.path, at.line, at.column, f"comment.translations.{lang}", "untranslated",
                          f"the {lang} translation is the comment itself: translate it, or leave it out (the letter"
                          " then says no translation was supplied)")


# ---------------------------------------------------------------- the law

def _norms(doc: Document, case: CaseFile, letter_date: date) -> Iterator[Finding]:
    from ..case import law

    for i, ref in enumerate(case.case.legal_basis.norms):
        cited = law.cited(ref)
        if cited.in_force_on(letter_date):
            continue
        entry = law.catalogue().get(cited.id) if cited.id else None
        if entry is not None and getattr(entry, "replaced_by", None):
            continue  # the letter cites its successor beside it (the catalogue links them)
        at = doc.mark(("legal_basis", "norms", i))
        name = f"'{cited.id}'" if cited.id else "this norm"
        if cited.in_force_until is not None and letter_date > cited.in_force_until:
            when = f"in force until {cited.in_force_until.isoformat()}"
        else:
            when = f"in force from {cited.in_force_from.isoformat() if cited.in_force_from else '?'}"
        yield Finding(doc.path, at.line, at.column, f"legal_basis.norms[{i}]", "norm",
                      f"{name} is not in force on the letter's date {letter_date.isoformat()} ({when}), and the"
                      " catalogue names no successor: the letter cites it as if it were; cite the norm in force"
                      " now as well, or check `complaints norms show`")


_REGISTERED = re.compile(r"учёт|учет|есеп|regist", re.IGNORECASE)


def _licence(doc: Document, case: CaseFile) -> Iterator[Finding]:
    clause = case.case.legal_basis.licence_clause
    if clause is None:
        return
    registration = case.case.outlet.registration
    kinds = " ".join((registration.kind or {}).values()) if registration is not None else ""
    if kinds and not _REGISTERED.search(kinds):
        return  # a licence of another kind (broadcasting): its conditions can be cited
    at = doc.mark(("legal_basis", "licence_clause"), key=True)
    yield Finding(doc.path, at.line, at.column, "legal_basis.licence_clause", "licence",
                  "online media are registered (постановка на учёт), not licensed: a certificate of registration has"
                  " no numbered conditions to breach; remove licence_clause unless you annex the document that has"
                  " this very clause")


def _no_evidence(doc: Document, case: CaseFile) -> Iterator[Finding]:
    """A case with no evidence item: its letter would go out with no annex, the comment shown by nothing."""
    if case.case.evidence:
        return
    given = isinstance(doc.data, dict) and "evidence" in doc.data  # (not doc.keys: that places every key of the file)
    at = doc.mark(("evidence",), key=True) if given else doc.mark(("comment",), key=True)
    yield Finding(doc.path, at.line, at.column, "evidence", "no-evidence",
                  "the case gives no evidence: the letter will list no annexes; add the screenshot of the comment"
                  " (a file) or the web address where it is kept before signing")
