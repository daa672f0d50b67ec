"""complaints: formal complaint letters to the Ministry of Culture and Information of Kazakhstan.

The pipeline, one stage a module:

    load_case(path)              case.yaml → validated CaseFile        (case/)
    letter_context(case, lang)   CaseFile → the letter's wording       (letter/; law and phrases data)
    render_letter(context, fmt, kit)  context → the letter's bytes     (render/)
    render_batch(paths, …)       many cases → OUT/<id>/… + manifest    (batch/)
    check_paths(paths, …)        what a signer must look at first      (review/)
    record_filing(case, …)       a letter filed → the register         (register/)
"""

from __future__ import annotations

__version__ = "0.3.0"  # the package's version (pyproject.toml reads it from here)

from importlib import import_module

from .errors import CaseError, ComplaintsError, DataError, Problem, ProjectError, UsageError
from .layout import find_case_files, find_project, templates_dir

TYPE_CHECKING = False  # typing itself is not imported: a command answered before the heavy imports skips it
if TYPE_CHECKING:
    from typing import Any

# The heavier stages (pydantic, docxtpl, Babel) load on first use, so that a run with nothing to do starts fast.
_LAZY = {
    "BatchResult": "batch.run", "ValidationReport": "batch.run", "render_batch": "batch.run",
    "validate_paths": "batch.run", "CaseFile": "case.read", "ProjectFile": "case.read", "load_case": "case.read",
    "load_project": "case.read", "Authority": "case.law", "Norm": "case.law", "authorities": "case.law",
    "catalogue": "case.law", "norm": "case.law", "resolve_authority": "case.law",
    "letter_context": "letter.context", "Case": "case.model", "Project": "case.model",
    "iin_is_valid": "case.model", "render_docx": "render", "PreparedTemplate": "render", "Kit": "render",
    "render_letter": "render",
    "case_schema": "case.schema", "Register": "register.store", "record_filing": "register.filings",
    "check_evidence": "evidence.compare", "import_sheet": "intake.importer", "check_paths": "review.run",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'complaints' has no attribute '{name}'")

__all__ = [
    "Authority", "BatchResult", "Case", "CaseError", "CaseFile", "ComplaintsError", "DataError", "Norm",
    "Problem", "Project", "ProjectError", "ProjectFile", "UsageError", "ValidationReport", "authorities",
    "case_schema", "catalogue", "find_case_files", "find_project", "iin_is_valid", "letter_context",
    "load_case", "load_project", "norm", "render_batch", "render_docx", "resolve_authority", "templates_dir",
    "validate_paths", "PreparedTemplate", "Register", "record_filing", "check_evidence", "import_sheet", "Kit",
    "render_letter", "check_paths",
]
