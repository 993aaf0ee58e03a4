"""What to say when a feature needs an optional extra that is not installed.

From pip the fix is ``pip install "mission-desktop[EXTRA]"``; the standalone app (frozen by
PyInstaller: ``sys.frozen``) cannot install anything, so it says the feature is not part of
it and how to get an install that has it. Imports nothing of ours (any layer may use it)."""

from __future__ import annotations

import sys


def standalone() -> bool:
    """True in the standalone (frozen) build of the app."""
    return bool(getattr(sys, "frozen", False))


def missing_extra(need: str, extra: str, *, frozen: bool | None = None) -> str:
    """The message for a feature that is missing its extra. ``need`` reads "<feature> needs
    <library>"; ``extra`` is the name of the pip extra that brings the library."""
    if standalone() if frozen is None else frozen:
        return (
            f"{need}, which the standalone Mission Desktop app does not include; "
            f'install Mission Desktop with pip to use it: pip install "mission-desktop[{extra}]"'
        )
    return f'{need}: pip install "mission-desktop[{extra}]"'
