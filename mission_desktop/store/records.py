"""The library's records as listed (scenarios, revisions, runs), the kinds and statuses they
may have, and the SQL columns each is read from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

RevisionKind = Literal["save", "autosave", "import", "restore"]
RunStatus = Literal["finished", "stopped", "failed"]
REVISION_KINDS: tuple[str, ...] = ("save", "autosave", "import", "restore")
RUN_STATUSES: tuple[str, ...] = ("finished", "stopped", "failed")

Timestamp = datetime | str | float | None


@dataclass(frozen=True, slots=True)
class ScenarioRecord:
    """One scenario in the library, as listed (its content is loaded separately)."""

    id: int
    uid: str
    name: str
    updated_at: str
    revision_number: int


@dataclass(frozen=True, slots=True)
class RevisionRecord:
    """One saved state of a scenario. ``number`` counts 1, 2, 3… within the scenario."""

    id: int
    scenario_id: int
    number: int
    created_at: str
    message: str
    kind: str
    content_sha256: str


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One recorded run. ``results`` (the results JSON dict of SCENARIO_FORMAT.md) and
    ``series`` are ``None`` when the record was listed without them."""

    id: int
    scenario_id: int
    revision_id: int
    started_at: str
    finished_at: str | None
    status: str
    settings: dict[str, Any]
    engine_version: str
    timings: dict[str, Any]
    results: dict[str, Any] | None = None
    series: dict[str, Any] | None = None


SCENARIO_SELECT = """
    SELECT s.id, s.uid, s.name, s.updated_at, COALESCE(r.number, 0) AS revision_number
    FROM scenarios s LEFT JOIN revisions r ON r.id = s.current_revision_id
"""

REVISION_COLUMNS = "id, scenario_id, number, created_at, message, kind, content_sha256"

RUN_COLUMNS = (
    "id, scenario_id, revision_id, started_at, finished_at, status, settings, "
    "engine_version, timings"
)

