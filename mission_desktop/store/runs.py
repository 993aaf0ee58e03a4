"""Runs and their results: recording a run with its results JSON (and time series) in one
transaction, and reading runs back, newest first."""

from __future__ import annotations

from typing import Any

from .connection import guarded
from .errors import ScenarioNotFound, StoreError
from .migrations import now
from .records import RUN_COLUMNS, RUN_STATUSES, RunRecord, RunStatus, Timestamp
from .scenarios import ScenarioStore
from .values import dumps, loads, timestamp


class RunStore(ScenarioStore):
    """The library's runs and results."""

    @guarded
    def record_run(
        self,
        scenario_id: int,
        revision_id: int | None,
        settings: dict[str, Any],
        results: dict[str, Any],
        series: dict[str, Any] | None = None,
        status: RunStatus = "finished",
        started_at: Timestamp = None,
        finished_at: Timestamp = None,
        timings: dict[str, Any] | None = None,
        engine_version: str = "",
    ) -> int:
        """Record a run and its results together; return the run's id.

        ``revision_id`` is the revision that was run (``None``: the current one).
        ``settings``: variants, replications, seed, horizon, workers. ``results``: the results
        JSON dict of SCENARIO_FORMAT.md. ``series``: time series, or ``None``. Times are
        datetimes, epoch seconds or ISO text (``started_at`` defaults to now, and
        ``finished_at`` too unless the run failed).
        """
        if status not in RUN_STATUSES:
            raise ValueError(f"run status must be one of {RUN_STATUSES}, not {status!r}")
        row = self._scenario_row(scenario_id)
        if revision_id is None:
            revision_id = row["current_revision_id"]
        revision = self._revision(revision_id)
        if revision.scenario_id != scenario_id:
            raise StoreError(
                f"revision id {revision_id} belongs to another scenario, "
                f"not to scenario number {scenario_id}"
            )
        stamp = now()
        started = timestamp(started_at) or stamp
        finished = timestamp(finished_at) or (None if status == "failed" else stamp)
        settings_json = dumps(settings)
        timings_json = dumps(timings or {})
        summary_json = dumps(results)
        series_json = None if series is None else dumps(series)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO runs (scenario_id, revision_id, started_at, finished_at, status, "
                "settings, engine_version, timings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    scenario_id,
                    revision_id,
                    started,
                    finished,
                    status,
                    settings_json,
                    engine_version,
                    timings_json,
                ],
            )
            run_id = int(cur.lastrowid or 0)
            conn.execute(
                "INSERT INTO results (run_id, summary, series) VALUES (?, ?, ?)",
                [run_id, summary_json, series_json],
            )
        return run_id

    def _run_records(
        self, where: str, params: list[Any], with_results: bool, limit: int | None = None
    ) -> list[RunRecord]:
        columns = ", ".join(f"runs.{c.strip()}" for c in RUN_COLUMNS.split(","))
        if with_results:
            columns += ", results.summary AS results, results.series AS series"
        sql = (
            f"SELECT {columns} FROM runs LEFT JOIN results ON results.run_id = runs.id "
            f"WHERE {where} ORDER BY runs.id DESC"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        records = []
        for row in self.db.query(sql, params):
            row["settings"] = loads(row["settings"]) or {}
            row["timings"] = loads(row["timings"]) or {}
            if with_results:
                row["results"] = loads(row["results"])
                row["series"] = loads(row["series"])
            records.append(RunRecord(**row))
        return records

    @guarded
    def last_run(self, scenario_id: int) -> RunRecord | None:
        """The most recently recorded run of a scenario, with its results and series."""
        found = self._run_records("runs.scenario_id = ?", [scenario_id], True, limit=1)
        return found[0] if found else None

    @guarded
    def runs(self, scenario_id: int, with_results: bool = False) -> list[RunRecord]:
        """A scenario's runs, newest first; results and series only if ``with_results``."""
        return self._run_records("runs.scenario_id = ?", [scenario_id], with_results)

    @guarded
    def run(self, run_id: int) -> RunRecord:
        """One run with its results and series."""
        found = self._run_records("runs.id = ?", [run_id], True)
        if not found:
            raise ScenarioNotFound(f"there is no run number {run_id} in the library")
        return found[0]
