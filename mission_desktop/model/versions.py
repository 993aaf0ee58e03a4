"""File format versions: the version lives in the document, and an old one is upgraded one
version at a time (nbformat's way), each step given a private copy: the caller's document
is never modified."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from .errors import Problem, ScenarioError
from .scenario import VERSION


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only adds optional fields: a version-1 file means the same as version 2."""
    return doc


#: upgrade functions: ``UPGRADES[n]`` turns a version-n document into version n+1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def _versions_read() -> str:
    return "version 1" if VERSION == 1 else f"versions 1 to {VERSION}"


def upgrade(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring a document to the current version, one version at a time.

    ``UPGRADES[n]`` is given a private deep copy of a version-n document and returns the
    version-n+1 one; ``doc`` itself is never modified. Returns ``doc`` when already current.
    """
    version = doc.get("version")
    if "version" not in doc:
        raise ScenarioError(
            [Problem("version", f"is required: the file format version ({_versions_read()})")]
        )
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScenarioError(
            [
                Problem(
                    "version",
                    f"must be a whole number such as {VERSION}, not {json.dumps(version)} "
                    f"(this build reads {_versions_read()})",
                )
            ]
        )
    if version > VERSION:
        raise ScenarioError(
            [
                Problem(
                    "version",
                    f"this file was made by a newer Mission Desktop (file version {version}; "
                    f"this build reads up to version {VERSION}). Update Mission Desktop to open it.",
                )
            ]
        )
    if version < 1:
        raise ScenarioError(
            [
                Problem(
                    "version",
                    f"{version} is not a file format version (this build reads {_versions_read()})",
                )
            ]
        )
    if version < VERSION:
        doc = copy.deepcopy(doc)
    while version < VERSION:
        doc = UPGRADES[version](doc)
        version += 1
        doc["version"] = version
    return doc
