"""The app's colour-blind-safe colours as plain data (no Qt), shared by the screen and reports.

:mod:`mission_desktop.gui.shared.palette` re-exports these; reports draw with the same colours.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Okabe–Ito palette, in the order departments receive them (black last: used for text).
OKABE_ITO: tuple[tuple[str, str], ...] = (
    ("blue", "#0072B2"),
    ("orange", "#E69F00"),
    ("bluish green", "#009E73"),
    ("vermillion", "#D55E00"),
    ("sky blue", "#56B4E9"),
    ("reddish purple", "#CC79A7"),
    ("yellow", "#F0E442"),
    ("black", "#000000"),
)
NEUTRAL = "#6E6E6E"

#: Variant line styles: baseline dashed, others solid with distinct colours (and markers).
VARIANT_COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")

#: Heat scale for queue pressure (light to dark, readable in greyscale too), with words.
HEAT_STEPS: tuple[tuple[float, str, str], ...] = (
    (0.0, "#F7F7F7", "no queue"),
    (0.25, "#FDDBC7", "light"),
    (0.5, "#F4A582", "building"),
    (0.75, "#D6604D", "heavy"),
    (1.0, "#B2182B", "severe"),
)


def department_colours(departments: Iterable[str]) -> dict[str, str]:
    """Stable mapping: departments in first-seen order get Okabe–Ito colours in turn."""
    out: dict[str, str] = {}
    for dep in departments:
        if dep not in out:
            i = len(out)
            out[dep] = OKABE_ITO[i][1] if i < len(OKABE_ITO) - 1 else NEUTRAL
    return out


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
