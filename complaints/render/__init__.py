"""Letter contexts → file bytes, one module per output format."""

from .docx import render_docx
from .fastdocx import PreparedTemplate

__all__ = ["PreparedTemplate", "render_docx"]
