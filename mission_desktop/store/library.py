"""The local library: scenarios, their revisions, autosaved drafts, runs and results.

One SQLite file (``<data_dir>/library.sqlite``) opened through :mod:`sqlite_utils`, in WAL
mode with foreign keys on. Every write is one ``BEGIN IMMEDIATE`` transaction, so a crash or
a full disk never leaves half a save: the last saved revision is always intact.

History is never rewritten: saving adds a revision (1, 2, 3… per scenario), restoring an old
revision adds a new ``restore`` revision with its content, and deleting a scenario only marks
it deleted. Unsaved edits live in ``drafts`` (one per scenario and app instance, overwritten
by each autosave; see :mod:`.drafts`) until the next save, so they survive a crash. A save
may name the revision its window opened (``base_revision_id``): if another window saved
meanwhile, :class:`~.errors.StaleRevision` is raised and nothing is written.

Use a :class:`Library` from one thread (SQLite connections are not shared between threads);
another window or process may open the same file at the same time.

Each part has its own module: :mod:`.connection` (opening, integrity, migrating, write
transactions), :mod:`.scenarios` (scenarios and revisions), :mod:`.recovery` (drafts),
:mod:`.runs` (runs and results) and :mod:`.settings`; :class:`Library` is all of them.
"""

from __future__ import annotations

from .recovery import DraftStore
from .runs import RunStore
from .settings import SettingStore


class Library(DraftStore, RunStore, SettingStore):
    """The scenario library in one SQLite file. Use as a context manager, or call close().

    ``path`` defaults to ``data_dir() / "library.sqlite"``; ``timeout`` is how many seconds
    to wait for another window's write to finish before giving up with a StoreError.
    """
