"""The cyclic garbage collector runs on the GUI thread only (gui/shared/collector.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from mission_desktop.gui.shared.collector import GuiThreadCollector


class _Node:
    pass


def test_a_cycle_dropped_in_a_worker_thread_is_freed_on_the_gui_thread(qapp):
    collector = GuiThreadCollector(interval_ms=60_000)  # checked by hand below
    freed_on: list[int] = []
    kept: list[list] = []
    try:
        assert not gc.isenabled()

        def work() -> None:
            node = _Node()
            node.me = node  # a cycle: only the collector can free it
            weakref.finalize(node, lambda: freed_on.append(threading.get_ident()))
            del node
            # allocate well past generation 0's threshold: with automatic collection on,
            # this is where the worker thread would run the collector
            kept.extend([] for _ in range(collector.threshold[0] * 3))

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        assert freed_on == []  # not collected in the worker
        assert gc.get_count()[0] > collector.threshold[0]
        assert collector.check() >= 1
        assert freed_on == [threading.get_ident()]  # freed here, on the GUI thread
    finally:
        kept.clear()
        collector.timer.stop()
        collector.deleteLater()


def test_nothing_is_collected_before_a_threshold_is_passed(qapp):
    collector = GuiThreadCollector(interval_ms=60_000)
    try:
        gc.collect()  # counts back to zero
        assert collector.check() == 0
        assert collector.collections == 0
    finally:
        collector.timer.stop()
        collector.deleteLater()
