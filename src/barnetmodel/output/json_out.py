"""JSON: every figure, stable key order, no timestamps, so reruns are byte-identical."""

from __future__ import annotations

import json
from typing import Any


def render(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
