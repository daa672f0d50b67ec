"""complaints: formal complaint letters to the Ministry of Culture and Information of Kazakhstan.

The pipeline, one stage a module:

    load_case(path)              case.yaml → validated CaseFile        (load, model, checks, cases)
    letter_context(case, lang)   CaseFile → the letter's wording       (letter; law and phrases data)
    render_docx(context, tpl)    context → .docx bytes                 (render)
    render_batch(paths, …)       many cases → OUT/<id>/… + manifest    (batch, write)
"""

from .batch import BatchResult, ValidationReport, find_case_files, render_batch, templates_dir, validate_paths
from .cases import CaseFile, ProjectFile, find_project, load_case, load_project
from .errors import CaseError, ComplaintsError, DataError, Problem, ProjectError, UsageError
from .law import Authority, Norm, authorities, catalogue, norm, resolve_authority
from .letter import letter_context
from .model import Case, Project, iin_is_valid
from .render import render_docx
from .schema import case_schema

__all__ = [
    "Authority", "BatchResult", "Case", "CaseError", "CaseFile", "ComplaintsError", "DataError", "Norm",
    "Problem", "Project", "ProjectError", "ProjectFile", "UsageError", "ValidationReport", "authorities",
    "case_schema", "catalogue", "find_case_files", "find_project", "iin_is_valid", "letter_context",
    "load_case", "load_project", "norm", "render_batch", "render_docx", "resolve_authority", "templates_dir",
    "validate_paths",
]
