"""The JSON Schema of the routine format, as shipped inside the package.

Editors and other tools can check a routine file with it; `voicecoach schema` prints it. It holds
every rule that can be checked without the exercise libraries; the loader checks the rest.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "routine.schema.json"


def routine_schema() -> dict[str, Any]:
    """The routine format's JSON Schema (draft 2020-12), as a fresh dict."""
    text = resources.files("voicecoach.routine").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
