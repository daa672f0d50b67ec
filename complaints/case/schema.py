"""The JSON Schema of the case format, for editors that check YAML as you type."""

from __future__ import annotations

from typing import Any

from .model import Case


def case_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a case file, format 1; `x-` keys are allowed for the user's notes. Each field the
    case files' own comments describe (data/case-file.yaml) has that text as its description."""
    schema = Case.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://example.org/complaints/case-format-1.schema.json"
    schema["title"] = "complaints case file, format 1"
    _allow_notes(schema)
    _describe(schema)
    _stamps(schema)
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


def _describe(schema: dict[str, Any]) -> None:
    """The comment `new` and `import` write beside a field, as its description (where it has none of its own)."""
    from .write import wording

    for dotted, text in wording().comments.items():
        node = _property(schema, dotted.split("."))
        if node is not None and "description" not in node:
            node["description"] = text


def _property(schema: dict[str, Any], parts: list[str]) -> dict[str, Any] | None:
    """The schema of the field at a dotted path (list items' fields as `evidence.file`), or None."""
    node: Any = schema
    for part in parts:
        node = _object(schema, node)
        if node is None or part not in node.get("properties", {}):
            return None
        node = node["properties"][part]
    return node if isinstance(node, dict) else None


def _object(schema: dict[str, Any], node: Any) -> dict[str, Any] | None:
    """The mapping a field's schema holds: through `$ref`, `anyOf` (an optional field) and a list's items."""
    for _ in range(8):
        if not isinstance(node, dict):
            return None
        if "properties" in node:
            return node
        if "$ref" in node:
            node = schema.get("$defs", {}).get(node["$ref"].rsplit("/", 1)[-1])
        elif "items" in node:
            node = node["items"]
        elif "anyOf" in node:
            node = next((option for option in node["anyOf"] if option.get("type") != "null"), None)
        else:
            return None
    return None


def _stamps(schema: dict[str, Any]) -> None:
    """`timestamped_by`: no name empty (as the case files are read)."""
    field = _property(schema, ["evidence", "timestamped_by"])
    for option in (field or {}).get("anyOf", []):
        if option.get("type") == "array":
            option["items"] = {"type": "string", "minLength": 1, "pattern": r"\S"}
