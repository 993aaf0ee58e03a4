"""Python's cyclic garbage collector, run on the GUI thread only.

The app does slow work (opening a file, fitting, reports, Decide) on plain Python threads.
Left to itself, the collector runs in whichever thread happens to allocate when a
generation's threshold is passed, and may then destroy leftover Qt objects (a menu, a
dialog) from that worker thread. Qt objects must die on their own thread: seen here, a
worker thread's collection began destroying an old ``QMenu`` while the GUI thread waited
for the interpreter lock, and each thread then held what the other needed — the app froze.

So the GUI turns automatic collection off and collects on a timer on the GUI thread, by
the same generation thresholds (the approach calibre takes). Reference counting still frees
everything that is not in a cycle at once, in any thread; only cycles wait for the timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: how often the GUI thread looks at the collector's counts
INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Turns automatic collection off; :meth:`check` (on a timer) collects as gc would."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.collections = 0
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds, youngest first;
        returns how many generations were collected (0 when none was due)."""
        count0, count1, count2 = gc.get_count()
        done = 0
        if count0 > self.threshold[0]:
            gc.collect(0)
            done = 1
            if count1 > self.threshold[1]:
                gc.collect(1)
                done = 2
                if count2 > self.threshold[2]:
                    gc.collect(2)
                    done = 3
        self.collections += done
        return done


_installed: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Collect on ``app``'s (the GUI) thread from now on; once per process."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    return _installed
