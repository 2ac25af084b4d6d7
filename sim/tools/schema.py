"""The JSON Schema of scenario format 1, generated from the pydantic model.

Editors (VS Code with the YAML extension) read it through the first line of a scenario,
``# yaml-language-server: $schema=../sim/scenario.schema.json``, to complete and check
keys. The committed file must equal :func:`schema_text` (a test checks it); regenerate
it with ``python main.py schema --out sim/scenario.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from sim.scenario import Scenario
from sim.tools.starter import SCHEMA_PATH

__all__ = ["SCHEMA_PATH", "schema", "schema_text"]


def schema() -> dict[str, Any]:
    """The schema as data: the model's validation schema, keys by their YAML names."""
    data = Scenario.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://defuse.example/scenario.schema.json",
            "title": "Defuse scenario, format 1", **{k: v for k, v in data.items()
                                                      if k != "title"}}


def schema_text() -> str:
    """The schema as the text of the committed file (stable key order, final newline)."""
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
