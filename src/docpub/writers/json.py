"""The document model as JSON data, for other programs (search indexes, archives).

Every node becomes an object with a ``"type"`` key (the class name in
snake_case) and one key per model field; dates become ISO 8601 strings. The
shape is fixed by ``docpub/schema/document.schema.json``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from msgspec import Struct

from docpub.model import Document, Meta
from docpub.transforms.citations import collect_citations

# Where the document was read from is a fact about the build machine, not the
# document: leaving it out keeps the output the same wherever it is built.
_OMITTED = {"source"}


def _type_name(node: object) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(node).__name__).lower()


def _value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_value(x) for x in value]
    if isinstance(value, Meta):
        return _meta(value)
    if isinstance(value, Struct):
        return _node(value)
    return value


def _node(node: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": _type_name(node)}
    for name in node.__struct_fields__:
        if name not in _OMITTED:
            out[name] = _value(getattr(node, name))
    return out


def _meta(meta: Meta) -> dict[str, Any]:
    out = {name: _value(getattr(meta, name)) for name in meta.__struct_fields__}
    out["links"] = [{"symbol": s, "url": u} for s, u in meta.links]
    return out


def model_to_dict(doc: Document) -> dict[str, Any]:
    """``doc`` as plain JSON data, with the list of the documents it cites."""
    data = _node(doc)
    data["citations"] = [
        {"symbol": c.symbol, "kind": c.kind, "url": c.url, "count": c.count,
         "paragraph_ids": list(c.paragraph_ids)}
        for c in collect_citations(doc)
    ]
    return data


def model_to_json(doc: Document) -> str:
    """``model_to_dict(doc)`` as deterministic, human-readable UTF-8 JSON text."""
    return json.dumps(model_to_dict(doc), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


__all__ = ["model_to_dict", "model_to_json"]
