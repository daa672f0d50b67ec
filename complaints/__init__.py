"""complaints: formal complaint letters to the Ministry of Culture and Information of Kazakhstan.

The pipeline, one stage a module:

    load_case(path)              case.yaml → validated CaseFile        (load, model, checks, cases)
    letter_context(case, lang)   CaseFile → the letter's wording       (letter; law and phrases data)
    render_docx(context, tpl)    context → .docx bytes                 (render)
    render_batch(paths, …)       many cases → OUT/<id>/… + manifest    (batch, write)
"""

__version__ = "0.3.0"  # the package's version (pyproject.toml reads it from here)

from importlib import import_module
from typing import Any

from .errors import CaseError, ComplaintsError, DataError, Problem, ProjectError, UsageError
from .layout import find_case_files, find_project, templates_dir

# The heavier stages (pydantic, docxtpl, Babel) load on first use, so that a run with nothing to do starts fast.
_LAZY = {
    "BatchResult": "batch", "ValidationReport": "batch", "render_batch": "batch", "validate_paths": "batch",
    "CaseFile": "cases", "ProjectFile": "cases", "load_case": "cases", "load_project": "cases",
    "Authority": "law", "Norm": "law", "authorities": "law", "catalogue": "law", "norm": "law",
    "resolve_authority": "law", "letter_context": "letter", "Case": "model", "Project": "model",
    "iin_is_valid": "model", "render_docx": "render", "PreparedTemplate": "render", "case_schema": "schema",
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
    "validate_paths", "PreparedTemplate",
]
