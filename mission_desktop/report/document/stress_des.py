"""The STRESS-DES reporting checklist (Monks et al., 2019, Journal of Simulation 13(1)).

Every item the run can answer is filled in from the scenario and the results; the others are
left with :data:`FOR_ANALYST` so they read as clearly open in every format.
"""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

from ... import __version__
from ...model.scenario import Scenario
from .model_tables import describe_change, duration, service_name

FOR_ANALYST = "FOR THE ANALYST: not answered by the run"

#: (section, [(item id, item)])
ITEMS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("1 Objectives", (
        ("1.1", "Purpose of the model"),
        ("1.2", "Model outputs"),
        ("1.3", "Experimentation aims"),
    )),
    ("2 Logic", (
        ("2.1", "Base model overview diagram"),
        ("2.2", "Base model logic"),
        ("2.3", "Scenario logic"),
        ("2.4", "Algorithms"),
        ("2.5.1", "Components: entities"),
        ("2.5.2", "Components: activities"),
        ("2.5.3", "Components: resources"),
        ("2.5.4", "Components: queues"),
        ("2.5.5", "Components: entry and exit points"),
    )),
    ("3 Data", (
        ("3.1", "Data sources"),
        ("3.2", "Pre-processing"),
        ("3.3", "Input parameters"),
        ("3.4", "Assumptions"),
    )),
    ("4 Experimentation", (
        ("4.1", "Initialisation (warm-up)"),
        ("4.2", "Run length"),
        ("4.3", "Estimation approach (replications)"),
    )),
    ("5 Implementation", (
        ("5.1", "Software or programming language"),
        ("5.2", "Random sampling"),
        ("5.3", "Model execution"),
        ("5.4", "System specification"),
    )),
    ("6 Code access", (
        ("6.1", "Computer model sharing statement"),
    )),
)


def _versions(results: dict[str, Any]) -> tuple[str, bool]:
    """The software that made the results: from their provenance, else this build's."""
    prov = results.get("provenance") or {}
    if prov:
        parts = [f"Mission Desktop {prov.get('engine', '?')}"]
        for key, label in (("python", "Python"), ("simpy", "SimPy"), ("numpy", "NumPy")):
            if prov.get(key):
                parts.append(f"{label} {prov[key]}")
        return ", ".join(parts), True
    import numpy
    import simpy

    engine = (results.get("engine") or {}).get("version", __version__)
    return (
        f"Mission Desktop {engine}, Python {platform.python_version()}, "
        f"SimPy {simpy.__version__}, NumPy {numpy.__version__}",
        False,
    )


def checklist(
    scenario: Scenario, results: dict[str, Any], *, ran_here: bool, sources: list[str],
    assumptions_from_file: bool,
) -> list[dict[str, Any]]:
    """[{"section", "items": [{"id", "item", "answer", "open": bool}]}]."""
    u = scenario.time_unit
    run = results.get("run") or {}
    reps = run.get("replications", scenario.run.replications)
    variants = list((results.get("variants") or {}).keys())
    names = {v.id: v.name for v in scenario.effective_variants}
    prov = results.get("provenance") or {}
    software, recorded = _versions(results)
    timing = results.get("timing") or {}
    precision = results.get("precision") or {}
    initial = any(getattr(s, "initial", None) for s in scenario.services)
    warm = float(run.get("warm_up", scenario.run.warm_up))
    answers: dict[str, str | None] = {
        "1.1": None,
        "1.2": (
            "Per service: mean and 90th percentile wait, time in service, mean queue length, "
            "utilisation, throughput, people giving up and turned away, blocked time, backlog "
            "at the end and share seen within target; per cohort: journey time and "
            "completions; total cost. Each as a mean over replications with a 95% "
            "confidence interval, and as a paired difference from the baseline."
        ),
        "1.3": "Variants compared: " + "; ".join(names.get(v, v) for v in variants) + ".",
        "2.1": "The service map in section “The model” (services, routes and cohorts' entry "
        "points).",
        "2.2": (
            "Cohorts of citizens arrive as Poisson processes and enter services; each service "
            "has servers (capacity), a queue and a service-time distribution; after service "
            "people follow routes to other services or leave. A full downstream queue blocks "
            "the upstream server (delayed transfer of care)."
        ),
        "2.3": "; ".join(
            f"{p.name} (from {u} {p.start:g}): "
            + ", ".join(describe_change(scenario, c) for c in p.changes)
            for p in scenario.policies
        )
        or "No policies: the baseline only.",
        "2.4": (
            "Discrete-event simulation (SimPy, process based); service times, patience and "
            "routes sampled from the stated distributions; time-varying arrivals by inverting "
            "the cumulative arrival rate (a non-homogeneous Poisson process)."
        ),
        "2.5.1": "People, in cohorts: " + ", ".join(c.name for c in scenario.cohorts) + ".",
        "2.5.2": "Service at each service, with its service-time distribution (model tables).",
        "2.5.3": "Servers (staff, beds, places) per service, with capacity schedules and "
        "policy changes (model tables).",
        "2.5.4": "; ".join(
            f"{s.name}: {'priority' if s.discipline == 'priority' else 'first come, first served'}"
            + (f", at most {s.queue_limit} waiting" if s.queue_limit is not None else "")
            + (", with patience" if s.patience is not None else "")
            for s in scenario.services
        ),
        "2.5.5": "Entry: "
        + "; ".join(
            f"{c.name} at " + ", ".join(service_name(scenario, r.to) for r in c.entry_routes())
            for c in scenario.cohorts
        )
        + ". Exit: after service, with the share not routed elsewhere (routes table).",
        "3.1": ("Named in the description: " + "; ".join(sources) + ".") if sources else None,
        "3.2": None,
        "3.3": "The model tables (services, cohorts, routes, policies) in natural units.",
        "3.4": "The assumptions log in this pack"
        + ("." if assumptions_from_file else " (generated from the inputs; to be confirmed)."),
        "4.1": (
            f"Warm-up {duration(warm, u)}: statistics cover {u} {warm:g} to "
            f"{float(run.get('horizon', scenario.run.horizon)):g}. "
            + ("The model starts from today's people (initial state). " if initial
               else "The model starts empty and idle. ")
            + "How the warm-up was chosen: set in the scenario file's run settings "
            "(`mission-desktop warmup FILE` gives an MSER-5 suggestion)."
        ),
        "4.2": f"Horizon {duration(float(run.get('horizon', scenario.run.horizon)), u)} per "
        "replication (terminating at the horizon).",
        "4.3": (
            f"{reps} replications per variant; 95% confidence intervals by Student t; "
            "differences paired by replication. How the number was chosen: "
            + (
                str(precision.get("reason") or precision)
                if precision
                else "set in the run settings (no precision rule was used)"
            )
            + "."
        ),
        "5.1": software + ("" if recorded or ran_here else " (this build; the results record "
                           "no versions)"),
        "5.2": (
            f"Common random numbers: replication r of every variant uses the same streams, one "
            f"per cohort's arrivals and one per service's durations, each derived from (seed "
            f"{run.get('seed', scenario.run.seed)}, r, id) with NumPy's PCG64."
        ),
        "5.3": "Replications run in parallel processes; results are identical whatever the "
        "number of workers" + (f"; run time {timing['seconds']:.1f} s for "
                               f"{timing.get('tasks', '?')} replications"
                               if timing.get("seconds") is not None else "") + ".",
        "5.4": (
            prov.get("platform")
            if prov.get("platform")
            else (
                f"{platform.platform()}, {os.cpu_count()} logical processors, Python "
                f"{sys.version.split()[0]}" if ran_here else None
            )
        ),
        "6.1": "The scenario file is attached to this report (see Reproducibility); "
        "licence and where the model is published: for the analyst.",
    }
    out = []
    for section, items in ITEMS:
        rows = []
        for item_id, item in items:
            answer = answers.get(item_id)
            rows.append(
                {"id": item_id, "item": item, "answer": answer or FOR_ANALYST, "open": not answer}
            )
        out.append({"section": section, "items": rows})
    return out
