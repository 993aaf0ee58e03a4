"""Colour-blind-safe colours (Okabe & Ito, 2008), used the same way everywhere in the app.

Colour is never the only signal: every coloured thing also carries a label or a pattern.
"""

from __future__ import annotations

from mission_desktop.report.palette_data import (  # noqa: F401 - the palette, re-exported
    HEAT_STEPS,
    NEUTRAL,
    OKABE_ITO,
    VARIANT_COLOURS,
    department_colours,
)


def heat(fraction: float) -> tuple[str, str]:
    """(colour, word) for a queue pressure in [0, 1] (values outside are clipped)."""
    f = min(max(fraction, 0.0), 1.0)
    chosen = HEAT_STEPS[0]
    for step in HEAT_STEPS:
        if f >= step[0]:
            chosen = step
    return chosen[1], chosen[2]


# --------------------------------------------------------------------------- contrast (WCAG 2.2)
#: The least contrast for normal-size text (WCAG 2.2 success criterion 1.4.3, level AA).
MIN_TEXT_CONTRAST = 4.5


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB`` (sRGB channels linearised)."""
    text = colour.lstrip("#")
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG contrast, not guesswork)."""
    black, white = "#000000", "#FFFFFF"
    return (
        black if contrast_ratio(black, background) >= contrast_ratio(white, background) else white
    )
