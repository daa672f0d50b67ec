"""The JSON Schema of the case format, for editors that check YAML as you type."""

from __future__ import annotations

from typing import Any

from .model import Case


def case_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a case file, format 1; `x-` keys are allowed for the user's notes."""
    schema = Case.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://example.org/complaints/case-format-1.schema.json"
    schema["title"] = "complaints case file, format 1"
    _allow_notes(schema)
    return schema


def _allow_notes(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("additionalProperties") is False and "properties" in node and node.get("type") == "object":
            node["patternProperties"] = {"^x-": {}}
        for value in node.values():
            _allow_notes(value)
    elif isinstance(node, list):
        for value in node:
            _allow_notes(value)
