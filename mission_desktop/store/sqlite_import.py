""":mod:`sqlite_utils`, imported without pandas.

sqlite-utils imports pandas whenever it is installed (only to map ``pandas.Timestamp``
columns, which the library never stores); pandas costs a quarter of a second or more at
start-up. While sqlite-utils is imported, ``import pandas`` fails as if pandas were not
installed; afterwards pandas imports normally for whoever needs it."""

from __future__ import annotations

import sys


def _import_sqlite_utils():
    blocked = "pandas" not in sys.modules and "sqlite_utils" not in sys.modules
    if blocked:
        sys.modules["pandas"] = None  # type: ignore[assignment] - `import pandas` → ImportError
    try:
        import sqlite_utils
    finally:
        if blocked and sys.modules.get("pandas", False) is None:
            del sys.modules["pandas"]
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

__all__ = ["sqlite_utils"]
