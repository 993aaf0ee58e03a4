"""Problems found in a scenario, each naming its place as a path (``services[2].capacity``)
and, for display, the service, cohort, policy or variant there by its name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .escapes import visible


def format_path(loc: Iterable[str | int]) -> str:
    """``("services", 2, "capacity")`` → ``services[2].capacity``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{visible(str(part))}"
        else:
            out = visible(str(part))
    return out or "(file)"


#: the lists whose items have a name worth showing beside their place
NAMED_LISTS = ("services", "cohorts", "policies", "variants")
_ITEM = re.compile(r"^(services|cohorts|policies|variants)\[(\d+)\]")
#: messages that read on from the field's name ("capacity must be ...")
_PREDICATES = ("must ", "is ", "has ", "cannot ", "may ", "would ", "contains ", "holds ")
_SHOWN_NAME = 60


@dataclass(frozen=True, slots=True)
class Problem:
    #: the machine place, e.g. ``services[1].capacity`` (what programs and editors map by)
    path: str
    message: str
    #: the name of the service, cohort, policy or variant at ``path``, for display only
    subject: str = field(default="", compare=False)

    @property
    def place(self) -> str:
        """The place in words: ``services[1] “A&E (type 1)”.capacity`` style, for tables."""
        item, rest = self._split()
        if item is None:
            return self.path
        return f"{item} {self._quoted()}" + (f", {rest}" if rest else "")

    def _quoted(self) -> str:
        name = visible(self.subject)
        if len(name) > _SHOWN_NAME:
            name = name[: _SHOWN_NAME - 1] + "…"
        return f"“{name}”"

    def _split(self) -> tuple[str | None, str]:
        m = _ITEM.match(self.path) if self.subject else None
        if m is None:
            return None, ""
        return m.group(0), self.path[m.end() :].lstrip(".")

    def __str__(self) -> str:
        """``services[1] “A&E (type 1)”: capacity must be a whole number ≥ 1``."""
        item, rest = self._split()
        if item is None:
            return f"{self.path}: {self.message}"
        head = f"{item} {self._quoted()}: "
        if not rest:
            return head + self.message
        joiner = " " if self.message.startswith(_PREDICATES) else ": "
        return f"{head}{rest}{joiner}{self.message}"


def named(problems: Iterable[Problem], doc: Any) -> list[Problem]:
    """``problems`` with the name of the service, cohort, policy or variant each lies in
    (read from ``doc``, a document or a scenario, of any shape) as its subject."""
    out = []
    for p in problems:
        m = _ITEM.match(p.path)
        name = _name_at(doc, m.group(1), int(m.group(2))) if m else None
        out.append(replace(p, subject=name) if name else p)
    return out


def _name_at(doc: Any, list_name: str, index: int) -> str | None:
    items = doc.get(list_name) if isinstance(doc, dict) else getattr(doc, list_name, None)
    if not isinstance(items, list | tuple) or not 0 <= index < len(items):
        return None
    item = items[index]
    name = item.get("name") if isinstance(item, dict) else getattr(item, "name", None)
    return name.strip() if isinstance(name, str) and name.strip() else None


#: how many problems a message lists; the rest are counted
MAX_LISTED = 100


class ScenarioError(ValueError):
    """A scenario (file or edit) that cannot be used; holds every problem found at once
    (its text lists the first :data:`MAX_LISTED` and counts the rest)."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None):
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        n = len(self.problems)
        lines = [f"{head}{n:,} problem{'s' if n != 1 else ''} found:"]
        lines += [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  … and {n - MAX_LISTED:,} more")
        super().__init__("\n".join(lines))
