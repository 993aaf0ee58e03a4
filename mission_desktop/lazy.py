"""A package's public names imported on first use (PEP 562), for a fast start: importing one
submodule (``mission_desktop.sim.snapshots``) then loads none of its siblings."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    namespace: dict[str, Any], where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the module whose ``globals()`` is ``namespace``:
    each name in ``where`` is looked up in the module it maps to (a sibling of a module, a
    submodule of a package; one starting with dots is relative as in an import statement,
    ``"..run.view"``) when first asked for, then kept (the next look-up is a plain one)."""
    module, package = namespace["__name__"], namespace["__package__"]

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module protocol
        submodule = where.get(name)
        if submodule is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        relative = submodule if submodule.startswith(".") else f".{submodule}"
        value = getattr(importlib.import_module(relative, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module protocol
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__
