"""Places in a scenario's dict, written as paths: ``"services[2].capacity"``. Problems name
their place this way, and the editors find the value (or the field) a path points at."""

from __future__ import annotations

import re
from typing import Any

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """``"services[2].capacity"`` → ``["services", 2, "capacity"]``."""
    out: list[str | int] = []
    for name, index in _PART.findall(path):
        out.append(int(index) if index else name)
    return out


def path_startswith(path: str, prefix: str) -> bool:
    """True if ``path`` is ``prefix`` or lies inside it (``a.b`` is inside ``a``, not ``ab``)."""
    if not prefix:
        return True
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")


def resolve(doc: Any, path: str, create: bool = False) -> Any:
    """The value at ``path`` in a nested dict/list (missing keys made as dicts if ``create``)."""
    node = doc
    for part in split_path(path):
        if isinstance(part, int):
            node = node[part]
            continue
        if part not in node or node[part] is None:
            if not create:
                return None
            node[part] = {}
        node = node[part]
    return node
