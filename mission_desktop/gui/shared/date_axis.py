"""A plot's time axis in calendar dates where the scenario has a ``start_date``."""

from __future__ import annotations

import pyqtgraph as pg

from mission_desktop.model.dates import date_label, scenario_date


class DateAxis(pg.AxisItem):
    """Ticks at model times, labelled with their dates (``1 Apr 2027``; with the clock time
    in hour and minute models when the ticks are closer than a day)."""

    def __init__(self, scenario, orientation: str = "bottom", **kwargs):
        super().__init__(orientation, **kwargs)
        self.scenario = scenario

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        hours = self.scenario.time_unit in ("hour", "minute")
        per_day = {"minute": 1440, "hour": 24}.get(self.scenario.time_unit, 1)
        with_time = hours and spacing * scale < per_day
        out = []
        for v in values:
            try:
                when = scenario_date(self.scenario, v * scale)
            except ValueError:
                when = None
            if when is None or v * scale < 0:
                out.append("")
                continue
            text = date_label(when, with_time=with_time)
            out.append(text.rsplit(" ", 1)[-1] if with_time and text.count(" ") > 2 else text)
        return out


def use_dates(plot: pg.PlotItem, scenario) -> bool:
    """Give ``plot`` a date axis at the bottom if ``scenario`` has a start date."""
    if scenario is None or scenario.run.start_date is None:
        return False
    plot.setAxisItems({"bottom": DateAxis(scenario)})
    return True
