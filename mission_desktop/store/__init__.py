"""The local library: SQLite through sqlite-utils, ordered migrations, scenarios, revisions,
drafts, runs and results. No Qt."""

from .errors import ScenarioNotFound, StaleRevision, StoreError
from .library import (
    ENV_DATA_DIR,
    EXAMPLES_FLAG,
    LIBRARY_FILE,
    Library,
    RevisionRecord,
    RunRecord,
    ScenarioRecord,
    data_dir,
    ensure_examples,
)
from .migrations import MIGRATIONS, applied_migrations, migrate

__all__ = [
    "ENV_DATA_DIR",
    "EXAMPLES_FLAG",
    "LIBRARY_FILE",
    "MIGRATIONS",
    "Library",
    "RevisionRecord",
    "RunRecord",
    "ScenarioNotFound",
    "ScenarioRecord",
    "StaleRevision",
    "StoreError",
    "applied_migrations",
    "data_dir",
    "ensure_examples",
    "migrate",
]
