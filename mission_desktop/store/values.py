"""How values are stored: a scenario's text (refused when too large to be read back) and
its hash, JSON (numpy values as plain numbers), and times as ISO-8601 UTC text."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from mission_desktop.model import Scenario, ScenarioError
from mission_desktop.model.io import checked_text

from .errors import StoreError
from .records import Timestamp


def stored_text(scenario: Scenario) -> str:
    """The text stored for ``scenario``: refused when too large to be read back."""
    try:
        return checked_text(scenario)
    except ScenarioError as e:
        raise StoreError(f"“{scenario.name}” cannot be stored: it {e.problems[0].message}") from None


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays (and anything else with ``tolist``/``item``) as plain JSON."""
    for attr in ("tolist", "item"):
        fn = getattr(value, attr, None)
        if callable(fn):
            return fn()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def timestamp(value: Timestamp) -> str | None:
    """A datetime (naive = local time), epoch seconds or ISO text, as ISO-8601 UTC text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")
