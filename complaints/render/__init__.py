"""Letter contexts → file bytes, one module per output format."""

from .docx import render_docx

FORMATS = ("docx",)

__all__ = ["FORMATS", "render_docx"]
