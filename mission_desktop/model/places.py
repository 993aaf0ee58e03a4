"""Problems in the order their places appear in the file, in time linear in their number.

A file with 100,000 misspelt keys has 100,000 problems: each one's position is looked up in
indices built once per object of the document (never ``list(obj).index(key)`` per problem).
"""

from __future__ import annotations

import re
import sys
from typing import Any

from .errors import Problem

_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


class Positions:
    """Where paths are in one document, as sortable keys; ``steps`` counts the work done
    (keys indexed plus path parts followed), so tests can check that it grows linearly."""

    def __init__(self, doc: Any):
        self.doc = doc
        self.steps = 0
        self._index: dict[int, dict[Any, int]] = {}  # id(object) → key → its position

    def _key_index(self, node: dict[Any, Any]) -> dict[Any, int]:
        index = self._index.get(id(node))
        if index is None:
            index = {k: i for i, k in enumerate(node)}
            self.steps += len(index)
            self._index[id(node)] = index
        return index

    def of(self, path: str) -> tuple[int, ...]:
        """Each step's index in its list or object; a place that is not in the document (a
        missing field) after those that are; problems of the whole file first."""
        if path == "(file)" or path.startswith("line "):
            return (-1,)
        key: list[int] = []
        node: Any = self.doc
        for m in _PATH_PART.finditer(path):
            self.steps += 1
            index, name = m.groups()
            part: Any = int(index) if index is not None else name
            if isinstance(node, dict) and part in node:
                key.append(self._key_index(node)[part])
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                key.append(part)
                node = node[part]
            else:
                key.append(sys.maxsize)
                node = None
        return tuple(key)


def in_document_order(problems: list[Problem], doc: Any) -> list[Problem]:
    """Problems without repeats, in the order their places appear in the file (a sorting
    that is stable: problems at one place keep the order they were found in)."""
    unique = list(dict.fromkeys(problems))
    positions = Positions(doc)
    return sorted(unique, key=lambda p: positions.of(p.path))
