"""Presentation mode's slides: the live map, the live plots and the results, one at a time,
full screen, with one status line instead of the controls. A mixin of
:class:`~mission_desktop.gui.run.view.RunView` (which owns the tabs, panes and the bar)."""

from __future__ import annotations

#: presentation mode's slides, in Page Down order, and how the status line names them
MAP_SLIDE, PLOTS_SLIDE, RESULTS_SLIDE = "map", "plots", "results"
SLIDES = (MAP_SLIDE, PLOTS_SLIDE, RESULTS_SLIDE)
SLIDE_NAMES = {
    MAP_SLIDE: "Showing the live map",
    PLOTS_SLIDE: "Showing the live plots",
    RESULTS_SLIDE: "Showing the results",
}


class SlidesMixin:
    """See the module docstring."""

    @property
    def presenting(self) -> bool:
        return self._presenting

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: the live map and plots fill the view; the controls give way
        to one status line (the run keys F5, F6 and Shift+F5 still work)."""
        self._presenting = bool(on)
        self.controls_panel.setVisible(not on)
        self.presentation_bar.setVisible(on)
        self.tabs.tabBar().setVisible(not on)
        if on:
            self.show_slide(MAP_SLIDE)
        else:
            self.tabs.setCurrentIndex(0)
            self.map_pane.show()
            self.plots.show()
            self._user_split = False
            self._apply_live_split()
            self._split_timer.start()
        self._update_presentation_bar()

    @property
    def slide(self) -> str | None:
        """In presentation mode, what fills the screen: MAP_SLIDE, PLOTS_SLIDE or
        RESULTS_SLIDE (None when not presenting)."""
        return self._slide if self._presenting else None

    def show_slide(self, slide: str) -> None:
        """Presentation mode shows one thing at a time, full screen, so it reads from the
        back of the room: the live map, the live plots, or the results."""
        self._slide = slide
        if slide == RESULTS_SLIDE:
            self.tabs.setCurrentIndex(1)
        else:
            self.tabs.setCurrentIndex(0)
            self.map_pane.setVisible(slide == MAP_SLIDE)
            self.plots.setVisible(slide == PLOTS_SLIDE)
        self._update_presentation_bar()

    def next_slide(self, step: int = 1) -> None:
        """Page Down / Page Up (what a presenter's clicker sends): the next or previous
        slide, round and round."""
        if not self._presenting:
            return
        i = SLIDES.index(self._slide) if self._slide in SLIDES else 0
        self.show_slide(SLIDES[(i + step) % len(SLIDES)])

    def _update_presentation_bar(self) -> None:
        if not self._presenting:
            return
        name = self._scenario.name if self._scenario is not None else ""
        status = self.progress_label.text()
        shown = SLIDE_NAMES.get(self._slide, "")
        self.presentation_bar.setText(
            f"{name} — {status}   ·   {shown}; Page Down: next · F5 run · F6 pause · "
            "Shift+F5 stop · F11 or Esc: leave"
        )
