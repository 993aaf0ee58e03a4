"""Entry point of the frozen Mission Desktop (PyInstaller): the app and its command line.

``multiprocessing.freeze_support()`` must run first: in a frozen app the worker processes,
the forkserver and the resource tracker are this same executable started again with
multiprocessing's own arguments, and freeze_support runs them there and exits.
"""

import multiprocessing

multiprocessing.freeze_support()

from mission_desktop.cli import main  # noqa: E402

raise SystemExit(main())
