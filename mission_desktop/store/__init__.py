"""The local library: SQLite through sqlite-utils, ordered migrations, scenarios, revisions,
drafts, runs and results. No Qt."""

from .connection import ENV_DATA_DIR, LIBRARY_FILE, data_dir
from .errors import ScenarioNotFound, StaleRevision, StoreError
from .examples import EXAMPLES_FLAG, ensure_examples
from .library import Library
from .migrations import MIGRATIONS, applied_migrations, migrate
from .records import RevisionRecord, RunRecord, ScenarioRecord

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
