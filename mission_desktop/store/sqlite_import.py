""":mod:`sqlite_utils`, imported without pandas or numpy.

sqlite-utils imports pandas and numpy whenever they are installed, only to map
``pandas.Timestamp`` and numpy scalar columns when it guesses a column's type from the values
inserted; the library never lets it guess (its tables and columns are made with declared
types, and what it stores is text, numbers and JSON written with numpy turned into plain
numbers). pandas costs a quarter of a second or more at start-up, numpy a tenth: the app's
first frame needs neither. While sqlite-utils is imported, ``import pandas`` and ``import
numpy`` fail as if they were not installed (each only if not imported already); afterwards
they import normally for whoever needs them."""

from __future__ import annotations

import sys

#: the modules sqlite-utils imports only if installed, and that the library never needs
KEPT_OUT = ("pandas", "numpy")


def _import_sqlite_utils():
    blocked = (
        []
        if "sqlite_utils" in sys.modules
        else [name for name in KEPT_OUT if name not in sys.modules]
    )
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment] - `import name` → ImportError
    try:
        import sqlite_utils
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

__all__ = ["sqlite_utils"]
