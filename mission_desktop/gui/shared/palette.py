"""Colour-blind-safe colours (Okabe & Ito, 2008), used the same way everywhere in the app.

Colour is never the only signal: every coloured thing also carries a label or a pattern.
"""

from __future__ import annotations

from mission_desktop.report.palette_data import (  # noqa: F401 - the palette and contrast, re-exported
    HEAT_STEPS,
    MIN_TEXT_CONTRAST,
    NEUTRAL,
    OKABE_ITO,
    VARIANT_COLOURS,
    contrast_ratio,
    department_colours,
    relative_luminance,
    text_colour_on,
)


def heat(fraction: float) -> tuple[str, str]:
    """(colour, word) for a queue pressure in [0, 1] (values outside are clipped)."""
    f = min(max(fraction, 0.0), 1.0)
    chosen = HEAT_STEPS[0]
    for step in HEAT_STEPS:
        if f >= step[0]:
            chosen = step
    return chosen[1], chosen[2]


#: a focused control gets a 2 px outline in Okabe–Ito blue (5.2:1 on white), seen from the
#: back of a room; a field with a problem keeps its vermillion outline instead
FOCUS_COLOUR = "#0072B2"
#: (spin and combo boxes keep the style's own focus frame: a style sheet border would
#: replace their arrows with plain boxes)
FOCUS_STYLE = (
    "QLineEdit:focus, QPlainTextEdit:focus, QAbstractItemView:focus "
    f"{{ border: 2px solid {FOCUS_COLOUR}; }} "
    "QAbstractSpinBox QLineEdit:focus, QComboBox QLineEdit:focus { border: none; }"
)
