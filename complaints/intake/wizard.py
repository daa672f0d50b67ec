"""The interview of `complaints new`: the questions, each answer checked at once with the case format's own rules.

    check_answer(field, text)   one answer → the value to write, or ValueError(reason)
    Interview                   the questions, asked through two callables (the command passes prompts); the
                                case file is written by case/write.py (write_case), its id suggested there

The wording (questions, help, prompts) is in data/wizard.yaml; what is written into the case file besides its
values, in data/case-file.yaml.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ..case.load import read_yaml
from ..case.write import case_folder, date_as_written, field_type, fill, is_localized, suggest_id, write_case
from ..errors import CaseError, ComplaintsError, DataError, Problem
from ..layout import LANGUAGES, find_project
from ..layout import shown as _shown

__all__ = ["Interview", "NoApplicant", "check_answer", "field_path", "fill", "wording"]

Ask = Callable[[str, str], str]  # (prompt, default) → the line typed; "" for the prompt of a continuation line
Tell = Callable[[str], None]


class NoApplicant(ComplaintsError):
    """No project file (or one without an applicant) above the folder the case is to be written in."""


# ---------------------------------------------------------------- wording

class _Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    prompt: str
    help: str
    optional: bool = False
    multiline: bool = False
    only_if: str | None = None


class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intro: str
    project: dict[str, str]
    optional: str
    multiline: str
    written_in: str
    retry: str
    required: str
    catalogue: str
    catalogue_line: str
    exists: str
    recheck: str
    stopped: str
    written: str
    questions: list[_Question]

    def question(self, field: str) -> _Question:
        return next(q for q in self.questions if q.field == field)


@lru_cache(maxsize=1)
def wording() -> _Wording:
    """The interview's wording, from data/wizard.yaml."""
    with resources.as_file(resources.files("complaints") / "data" / "wizard.yaml") as path:
        try:
            doc = read_yaml(path, display="complaints/data/wizard.yaml")
            return _Wording.model_validate(doc.data)
        except (CaseError, ValidationError) as exc:
            raise DataError(f"complaints/data/wizard.yaml: {exc}") from None


# ---------------------------------------------------------------- one answer

@lru_cache(maxsize=128)
def _adapter(field: str) -> TypeAdapter[Any]:
    return TypeAdapter(field_type(field)[0])


def _context() -> dict[str, Any]:
    from ..case import law

    return {"languages": (), "norm_ids": set(law.catalogue())}


def _reason(exc: ValidationError) -> str:
    """The first of pydantic's errors, worded as the validator or the model's messages word it."""
    err = exc.errors(include_url=False, include_input=False)[0]
    if "error" in err.get("ctx", {}):
        return str(err["ctx"]["error"])
    if err["type"] == "literal_error":
        return f"must be one of {err['ctx']['expected']}"
    if err["type"] == "too_short":
        return "give at least one"
    return str(err["msg"])


def _items(text: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", text) if part]


def check_answer(field: str, text: str, *, folder: str | Path | None = None) -> Any:
    """One answer checked with the case format's rules: the value to write, None for an optional field left empty;
    ValueError(reason) when it cannot be accepted.

    `field` is a dotted case field (`comment.posted`, `evidence.file`, `comment.translations.kk`); the value is
    the answer as typed (trimmed), a date or time in ISO form, a list for `legal_basis.norms` (numbers pick
    from the catalogue) and `requests`. An evidence file is checked to exist under `folder`, where the case
    file goes, and is given relative to it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip("\n") if "\n" in text.strip() else text.strip()
    parts = field.split(".")
    if parts[:2] == ["comment", "translations"] and len(parts) == 3:
        if not text.strip():
            return None
        try:
            _adapter("comment.translations").validate_python({parts[2]: text})
        except ValidationError as exc:
            raise ValueError(_reason(exc)) from None
        return text
    _, required = field_type(field)
    if not text.strip():
        if required:
            raise ValueError(wording().required)
        return None
    value: Any = date_as_written(field, text)  # 06.10.2023 22:53, as dates are written in Kazakhstan: ISO
    if field == "legal_basis.norms":
        from ..case import law

        ids = list(law.catalogue())
        value = _items(text)
        for x in value:
            if x.isdigit() and not 0 < int(x) <= len(ids):
                raise ValueError(f"there is no norm number {x}: choose from 1 to {len(ids)}, or give ids")
        value = [ids[int(x) - 1] if x.isdigit() else x for x in value]
    elif field == "requests":
        value = _items(text)
    try:
        _adapter(field).validate_python(value, context=_context())
    except ValidationError as exc:
        raise ValueError(_reason(exc)) from None
    if field == "evidence.file":
        return _evidence_file(text, Path(folder) if folder is not None else Path("."))
    return value


def _evidence_file(text: str, folder: Path) -> str:
    """The path of an evidence file as the case file will give it: relative to its folder, inside its root."""
    given = Path(text)
    if given.is_absolute():
        raise ValueError(f"give the path relative to {_shown(folder)}/ (where the case file goes), not from /")
    # typed from where the command runs rather than from the case's folder: take it, if it is the same tree
    candidates = [folder / given] + ([given] if not (folder / given).exists() else [])
    for candidate in candidates:
        if candidate.is_file():
            break
    else:
        raise ValueError(f"no such file: {text} (paths are relative to {_shown(folder)}/, where the case file goes)")
    project = find_project(folder)
    root = (project.parent if project else folder).resolve()
    real = candidate.resolve()
    if not real.is_relative_to(root):
        raise ValueError(f"'{text}' is outside the case's root folder ({root.name}/); evidence must stay inside it")
    return Path(os.path.relpath(real, folder.resolve())).as_posix()


# ---------------------------------------------------------------- answers by path

def field_path(field: str) -> tuple[str | int, ...]:
    """`evidence[0].file` → ('evidence', 0, 'file')."""
    path: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        path.append(int(index) if index else name)
    return tuple(path)


# ---------------------------------------------------------------- the questions

class Interview:
    """The wizard's questions, asked through `ask`, with help and reasons through `tell`; `run` writes the case
    file and returns its path. Each answer is checked at once (and asked again with the reason); what only the whole file can
    show is asked again after the real validation."""

    def __init__(self, out: str | Path, ask: Ask, tell: Tell):
        self.out = Path(out)
        self.ask_line = ask
        self.tell = tell
        self.words = wording()
        self.answers: dict[str, Any] = {}
        self.languages: tuple[str, ...] = LANGUAGES

    # -- the whole run
    def run(self) -> Path:
        self.start()
        self.ask_all()
        return self.write()

    def start(self) -> None:
        """Say which project file and applicant the case will use; none is an error before any question."""
        from ..case.read import load_project
        from ..letter.phrases import pick

        case_folder(self.out, make=False)
        found = find_project(self.out)
        if found is None:
            raise NoApplicant(fill(self.words.project["missing"], folder=_shown(self.out)))
        project = load_project(found)
        applicant = project.project.applicant
        if applicant is None:
            raise NoApplicant(fill(self.words.project["no_applicant"], path=_shown(found)))
        self.languages = project.languages
        signer = applicant.signatory.name if applicant.signatory else applicant.name
        shown_in = "en" if "en" in signer or "*" in signer else next(iter(signer))
        self.tell(self.words.intro)
        self.tell(fill(self.words.project["found"], path=_shown(found)))
        self.tell(fill(self.words.project["signer"], name=pick(signer, shown_in), kind=applicant.kind))
        self.tell(fill(self.words.project["languages"], languages=", ".join(self.languages)))

    def ask_all(self) -> None:
        for q in self.words.questions:
            if q.field in ("evidence.description", "evidence.taken", "id"):
                continue  # asked within evidence, and last
            if q.only_if and self._get(field_path(q.only_if)) is None:
                continue
            if q.field == "comment.translations":
                self.translations(q)
            elif q.field == "evidence":
                self.evidence(q)
            else:
                if q.field == "legal_basis.norms":
                    self.show_catalogue()
                self._set(field_path(q.field), self.field(q))
        self.answers["id"] = self.case_id()

    def write(self) -> Path:
        """Write the file; where the real validation finds a problem with an answer, ask that question again."""
        while True:
            try:
                return write_case(self.answers, self.out)
            except CaseError as exc:
                again = [(p, self._question_for(p)) for p in exc.errors]
                if any(q is None for _, q in again):
                    raise
                self.tell(self.words.recheck)
                done: set[tuple[str | int, ...]] = set()
                for problem, (q, path, extra) in again:  # type: ignore[misc]
                    if path in done:
                        continue
                    done.add(path)
                    self.tell(f"  {problem.field}: {problem.message}")
                    if q.field == "id":
                        self.answers["id"] = self.case_id()
                    elif q.field == "comment.translations":
                        self._set(path, self.one(q, f"comment.translations.{extra}", **self._lang_words(extra)))
                    else:
                        self._set(path, self.field(q))

    # -- kinds of question
    def field(self, q: _Question, **words: Any) -> Any:
        """One field; a localized one in each letter language, each asked for: one language's text is never
        put in another's letter (skipped in the first language, it is skipped in all)."""
        if not is_localized(q.field) or len(self.languages) == 1:
            return self.one(q, q.field, **words)
        first_lang = self.languages[0]
        first = self.one(q, q.field, suffix=f" ({first_lang})", **words)
        if first is None:
            return None
        texts = {first_lang: first}
        for lang in self.languages[1:]:
            written_in = fill(self.words.written_in, **self._lang_words(lang))
            texts[lang] = self.one(q, q.field, suffix=f" ({lang}; {written_in})", show_help=False, required=True,
                                   **words)
        return texts

    def one(self, q: _Question, field: str, *, suffix: str = "", show_help: bool = True, empty: Any = None,
            required: bool = False, **words: Any) -> Any:
        """Ask until the answer is accepted; None for an optional question skipped, `empty` for an Enter; with
        `required`, an answer is needed even where the question is optional."""
        if show_help:
            self.tell(fill(q.help, folder=_shown(self.out), **words))
        optional = (q.optional or empty is not None) and not required
        notes = [self.words.multiline] if q.multiline else []
        if optional and empty is None:
            notes.append(self.words.optional)
        prompt = fill(q.prompt, **words) + suffix + (f" ({'; '.join(notes)})" if notes else "")
        while True:
            text = self._read(prompt, q.multiline)
            if not text.strip() and optional:
                return empty
            try:
                return check_answer(field, text, folder=self.out)
            except ValueError as exc:
                self.tell(fill(self.words.retry, reason=exc))

    def _read(self, prompt: str, multiline: bool) -> str:
        first = self.ask_line(prompt, "")
        if not multiline or not first.strip():
            return first
        lines = [first]
        while lines[-1].rstrip("\r").strip() != ".":
            lines.append(self.ask_line("", ""))
        return "\n".join(line.rstrip("\r") for line in lines[:-1])

    def translations(self, q: _Question) -> None:
        language = self._get(("comment", "language"))
        for lang in self.languages:
            if lang == language:
                continue
            text = self.one(q, f"comment.translations.{lang}", **self._lang_words(lang))
            if text is not None:
                self._set(("comment", "translations", lang), text)

    def _lang_words(self, lang: str) -> dict[str, Any]:
        from babel import Locale

        return {"language": Locale.parse(lang).get_display_name("en") or lang, "code": lang}

    def show_catalogue(self) -> None:
        from ..case import law
        from ..letter.phrases import pick

        self.tell(self.words.catalogue)
        for n, norm in enumerate(law.catalogue().values(), start=1):
            self.tell(fill(self.words.catalogue_line, n=n, id=norm.id, short=pick(norm.short, "en"),
                           start=norm.in_force.from_ or "…", until=norm.in_force.until or "now"))

    def evidence(self, q: _Question) -> None:
        """Evidence items until an empty answer: a file or a web address, what it is, when it was captured."""
        items: list[dict[str, Any]] = []
        show_help = True
        while True:
            if show_help:
                self.tell(fill(q.help, folder=_shown(self.out)))
                show_help = False
            text = self.ask_line(f"{fill(q.prompt, n=len(items) + 1)} ({self.words.optional})", "").strip()
            if not text:
                break
            kind = "url" if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) else "file"
            try:
                value = check_answer(f"evidence.{kind}", text, folder=self.out)
            except ValueError as exc:
                self.tell(fill(self.words.retry, reason=exc))
                continue
            item: dict[str, Any] = {kind: value}
            item["description"] = self.field(self.words.question("evidence.description"))
            taken = self.field(self.words.question("evidence.taken"))
            if taken is not None:
                item["taken"] = taken
            items.append(item)
        if items:
            self.answers["evidence"] = items

    def case_id(self) -> str:
        """The id, suggested from the outlet, the date and the text; asked again while its file exists."""
        q = self.words.question("id")
        base = suggest_id(self.answers)
        self.tell(q.help)
        while True:
            suggestion, n = base, 1
            while (self.out / f"{suggestion}.yaml").exists():
                n += 1
                suggestion = f"{base}-{n}"
            text = self.ask_line(q.prompt, suggestion) or suggestion
            try:
                value = check_answer("id", text)
            except ValueError as exc:
                self.tell(fill(self.words.retry, reason=exc))
                continue
            if (self.out / f"{value}.yaml").exists():
                self.tell(fill(self.words.exists, path=_shown(self.out / f"{value}.yaml")))
                continue
            return str(value)

    # -- answers by path
    def _get(self, path: tuple[str | int, ...]) -> Any:
        node: Any = self.answers
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def _set(self, path: tuple[str | int, ...], value: Any) -> None:
        """Put an answer in its place; None takes it out, and the sections it leaves empty with it."""
        if value is None:
            parent = self._get(path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
                if not parent and len(path) > 1:
                    self._set(path[:-1], None)
            return
        node: Any = self.answers
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
        node[path[-1]] = value

    def _question_for(self, problem: Problem) -> tuple[_Question, tuple[str | int, ...], str] | None:
        """The question that answers the field a problem names, with the field's path; None if none does."""
        if problem.file != _shown(self.out / f"{self.answers.get('id')}.yaml"):
            return None
        path = field_path(problem.field)
        names = [p for p in path if isinstance(p, str)]
        if names[:2] == ["comment", "translations"] and len(names) == 3:
            return self.words.question("comment.translations"), path, names[2]
        for q in self.words.questions:
            if q.field == ".".join(names) and q.field not in ("evidence", "comment.translations"):
                last = max(i for i, p in enumerate(path) if isinstance(p, str))
                return q, path[:last + 1], ""  # `requests[1]`: the question answers the whole list
        return None
