"""The Decide menu (mixed into MainWindow): Warm-up, How many runs?, Sensitivity, Find the
cheapest plan, and Run on a cluster… (an address kept in the library's settings).

Each dialog is non-modal and computes off the GUI thread on the executor
:meth:`DecideMixin.decide_executor` makes: local processes, or the Dask cluster set here.
Questions go through ``ask_cluster_address`` and messages through ``show_error``, so tests
answer them."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction

from mission_desktop.extras import missing_extra
from mission_desktop.store import StoreError

SETTING_CLUSTER = "gui.decide.cluster"

#: kind → (module, class) of each dialog, imported on first use (the window opens fast)
DIALOGS = {
    "warmup": ("mission_desktop.gui.decide.warmup", "WarmupDialog"),
    "precision": ("mission_desktop.gui.decide.precision", "PrecisionDialog"),
    "sensitivity": ("mission_desktop.gui.decide.sensitivity", "SensitivityDialog"),
    "optimise": ("mission_desktop.gui.decide.optimise", "OptimiseDialog"),
}


class DecideMixin:
    """Actions, the menu, the cluster setting and the dialogs of decision support."""

    #: local worker processes for the Decide dialogs (None: as many as memory allows)
    decide_workers: int | None = None

    def _build_decide_actions(self) -> None:
        self.decide_dialogs: dict[str, Any] = {}
        self.warmup_action: QAction = self._action(
            "&Warm-up…", lambda: self.open_decide("warmup"), None,
            "Find when the queues settle, and set the run's warm-up to it",
        )
        self.precision_action: QAction = self._action(
            "&How many runs?…", lambda: self.open_decide("precision"), None,
            "Find how many replications give the precision you need",
        )
        self.sensitivity_action: QAction = self._action(
            "&Sensitivity…", lambda: self.open_decide("sensitivity"), None,
            "Which assumption moves the answer most: a tornado chart",
        )
        self.optimise_action: QAction = self._action(
            "Find the &cheapest plan…", lambda: self.open_decide("optimise"), None,
            "The cheapest set of decisions that meets every service's target",
        )
        self.cluster_action: QAction = self._action(
            "Run on a c&luster…", self.cluster_dialog, None,
            "Run the Decide helpers on a department's Dask cluster (or back on this computer)",
        )

    def _build_decide_menu(self, bar: Any) -> None:
        menu = bar.addMenu("Dec&ide")
        for a in (self.warmup_action, self.precision_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.sensitivity_action)
        menu.addAction(self.optimise_action)
        menu.addSeparator()
        menu.addAction(self.cluster_action)
        self.decide_menu = menu

    # ----------------------------------------------------------------- the cluster
    def cluster_address(self) -> str:
        try:
            value = self.library.get_setting(SETTING_CLUSTER, "")
        except StoreError:
            return ""
        return value.strip() if isinstance(value, str) else ""

    def ask_cluster_address(self, current: str) -> str | None:
        """The address (empty: this computer), or None when the user cancels."""
        return self.ask_text(
            "Run on a cluster",
            "Address of the Dask scheduler, e.g. tcp://10.0.0.5:8786 (leave empty to run on this "
            "computer):",
            current,
        )

    def cluster_dialog(self) -> None:
        address = self.ask_cluster_address(self.cluster_address())
        if address is None:
            return
        address = address.strip()
        if address:
            try:
                import distributed  # noqa: F401
            except ImportError:
                self.show_error(
                    "Dask is not installed",
                    missing_extra("Running on a cluster needs Dask", "cluster")
                    + ". The Decide helpers run on this computer meanwhile.",
                )
                return
        try:
            self.library.set_setting(SETTING_CLUSTER, address)
        except StoreError as e:
            self.show_error("The setting was not kept", str(e))
            return
        where = f"the cluster at {address}" if address else "this computer"
        self.statusBar().showMessage(f"The Decide helpers now run on {where}", 8000)

    def decide_executor(self) -> Any:
        """Read the settings now (GUI thread) and return what makes a new executor (a context
        manager) later, on the worker thread: on the cluster set, else local processes. A
        missing Dask or an unreachable cluster raises a ScenarioError naming the setting."""
        address, workers = self.cluster_address() or None, self.decide_workers

        def make() -> Any:
            from mission_desktop.model import Problem, ScenarioError
            from mission_desktop.sim import make_executor

            try:
                return make_executor(address, workers)
            except ScenarioError as e:
                raise ScenarioError(
                    [Problem("Decide › Run on a cluster", p.message) for p in e.problems]
                ) from None

        return make

    # ----------------------------------------------------------------- the dialogs
    def open_decide(self, kind: str) -> Any:
        """Show the dialog of ``kind`` (one of DIALOGS), made on first use; returns it."""
        import importlib

        dialog = self.decide_dialogs.get(kind)
        if dialog is None:
            module, name = DIALOGS[kind]
            cls = getattr(importlib.import_module(module), name)
            dialog = cls(self, self.decide_executor, self)
            self.decide_dialogs[kind] = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def stop_decide(self, wait: bool = True) -> None:
        """Cancel every Decide computation under way (closing the window)."""
        for dialog in getattr(self, "decide_dialogs", {}).values():
            dialog.stop(wait=wait)
