"""Letter contexts → file bytes, one module per output format."""

from .docx import render_docx
from .fastdocx import PreparedTemplate

FORMATS = ("docx",)

__all__ = ["FORMATS", "PreparedTemplate", "render_docx"]
