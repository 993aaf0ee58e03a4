"""Before a run: will it finish, and will it fit? Runs that could never end are refused up
front with their place named — routes that trap people forever or loop without time
passing, capacity schedules and arrival profiles too fine for the run's length, too many
events — and the memory one replication needs is estimated, to choose how many worker
processes can run side by side."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

from ..model.policies import Phase
from ..model.scenario import Scenario
from .analysis import readable, variant_loads

#: beyond this many steps (events, capacity steps, profile slices) in one replication a
#: run would take many minutes and gigabytes
MAX_EVENTS_PER_REPLICATION = 20_000_000

#: memory of one person in the system (measured with ru_maxrss on CPython 3.11: about 230
#: bytes per person waiting — the Person, its queue entry, its floats)
BYTES_PER_PERSON = 240
#: a patience timer, pending in the event queue until its time even after the person was
#: served (measured: an overloaded service's 2 million timers and 1 million waiting, 0.67 GB)
BYTES_PER_PATIENCE = 220
#: per visit in the window: its wait, kept as a C double (array growth counted)
BYTES_PER_VISIT = 12
#: a worker process before it simulates anything (interpreter, numpy, scipy, scenario)
BYTES_PER_PROCESS = 120 * 2**20


@dataclass(frozen=True)
class RunSize:
    """Rough figures for one replication of one variant."""

    #: outside arrivals
    arrivals: float
    #: everything the engine steps through: events, capacity steps, profile slices
    events: float
    #: peak memory of a worker process running it, in bytes
    memory: float
    #: (count, what) of the largest single contributor to ``events``
    main_cause: tuple[float, str]


def _service_place(scenario: Scenario, sid: str) -> str:
    i = next(k for k, s in enumerate(scenario.services) if s.id == sid)
    return f"services[{i}] “{scenario.services[i].name}”"


def estimate(scenario: Scenario, variant_id: str) -> RunSize:
    unit = scenario.time_unit
    arrivals = visit_events = 0.0
    steps: dict[str, float] = {}
    slices: dict[int, float] = {}
    backlog = {s.id: 0.0 for s in scenario.services}
    peak_people = peak_patience = 0.0
    w = scenario.run.warm_up
    visits_in_window = 0.0
    for span in variant_loads(scenario, variant_id):
        phase, length = span.phase, span.end - span.start
        external = grown = 0.0
        for i, c in enumerate(scenario.cohorts):
            rate = phase.arrival_rates[c.id]
            profile = c.arrivals.profile
            if profile is not None:
                if rate > 0 and any(m > 0 for m in profile.multipliers):
                    slices[i] = slices.get(i, 0.0) + len(profile.multipliers) * (
                        length / profile.period
                    )
                rate *= profile.mean_multiplier
            external += rate
            growth = c.arrivals.growth  # demand that grows (v2) brings its visits with it
            grown += rate * (growth.mean_multiplier(span.start, span.end) if growth else 1.0)
        visits = sum(load.arrival_rate for load in span.loads)
        if external > 0:
            visits *= grown / external
        arrivals += grown * length
        visit_events += 2.0 * visits * length
        visits_in_window += visits * max(0.0, span.end - max(span.start, w))
        people = patience_people = 0.0
        for s, load in zip(scenario.services, span.loads, strict=True):
            sp = phase.services[s.id]
            if sp.schedule is not None:
                steps[s.id] = steps.get(s.id, 0.0) + len(sp.schedule.steps) * (
                    length / sp.schedule.period
                )
            people += min(load.offered_load, load.capacity or math.inf)
            if load.capacity is None:
                continue
            mean = s.service_time.expected * sp.service_time_factor
            served = load.capacity / mean if mean > 0 else math.inf
            b = backlog[s.id] + (load.arrival_rate - served) * length
            limit = math.inf if sp.queue_limit is None else float(sp.queue_limit)
            if s.patience is not None:
                limit = min(limit, load.arrival_rate * s.patience.expected * sp.patience_factor)
            backlog[s.id] = b = min(max(b, 0.0), limit)
            people += b
            if s.patience is not None:  # Little: timers pending = rate × how long they pend
                pending = min(s.patience.expected * sp.patience_factor, span.end)
                patience_people += load.arrival_rate * pending
        peak_people = max(peak_people, people)
        peak_patience = max(peak_patience, patience_people)
    # people already there at time 0 (v2): each arrives (or starts) once and leaves once
    visit_events += 2.0 * sum(i.waiting + i.in_service for s in scenario.services for i in s.initial)
    causes = [
        (
            arrivals + visit_events,
            f"of about {readable(arrivals)} arrivals and {readable(visit_events / 2)} visits",
        )
    ]
    for sid, n in steps.items():
        period = scenario.service(sid).capacity_schedule
        sch = period.period if period is not None else math.nan
        causes.append(
            (
                n,
                f"{_service_place(scenario, sid)} changes its capacity about {readable(n)} "
                f"times (its schedule repeats every {sch:g} {unit}s)",
            )
        )
    for i, n in slices.items():
        c = scenario.cohorts[i]
        profile = c.arrivals.profile
        causes.append(
            (
                n,
                f"cohorts[{i}] “{c.name}”'s arrival profile passes about {readable(n)} slices "
                f"({len(profile.multipliers)} every {profile.period:g} {unit}s)",
            )
        )
    events = arrivals + visit_events + sum(steps.values()) + sum(slices.values())
    memory = (
        BYTES_PER_PROCESS
        + peak_people * BYTES_PER_PERSON
        + peak_patience * BYTES_PER_PATIENCE
        + visits_in_window * BYTES_PER_VISIT
    )
    return RunSize(arrivals, events, memory, max(causes, key=lambda c: c[0]))


def expected_events(scenario: Scenario, variant_id: str) -> tuple[float, float]:
    """Rough counts for one replication: (outside arrivals, events). Events come from the
    traffic equations and are infinite when routes trap people forever (a blocking
    deadlock may still end such a run: it is warned about, not refused)."""
    size = estimate(scenario, variant_id)
    return size.arrivals, size.events


# --------------------------------------------------------------------------- traps


def _names(scenario: Scenario, ids: list[str]) -> str:
    order = [s.id for s in scenario.services]
    ids = sorted(ids, key=order.index)
    shown = [f"“{scenario.service(i).name}” ({i})" for i in ids[:6]]
    more = f" and {len(ids) - 6} more" if len(ids) > 6 else ""
    return ", ".join(shown) + more


def _trap_messages(scenario: Scenario, phase: Phase, cohort_id: str) -> list[str]:
    """Why people of one cohort, in one phase, could never leave or never let time pass."""
    cohort = scenario.cohort(cohort_id)
    edges: dict[str, set[str]] = {}
    exits: set[str] = set()
    for s in scenario.services:
        routes = [r for r in phase.routes_for(cohort_id, s.id) if r.p > 0]
        out = edges.setdefault(s.id, set())
        out.update(r.to for r in routes)
        if 1.0 - math.fsum(r.p for r in routes) > 1e-9:
            exits.add(s.id)
        if s.patience is not None and phase.services[s.id].capacity is not None:
            if s.abandon_to is None:
                exits.add(s.id)  # people who give up waiting leave
            else:
                out.add(s.abandon_to)
    reached = set()
    todo = [r.to for r in cohort.entry_routes() if r.p > 0]
    while todo:
        sid = todo.pop()
        if sid not in reached:
            reached.add(sid)
            todo.extend(edges[sid])
    # services from which a way out can be reached (backwards from the exits)
    into: dict[str, set[str]] = {sid: set() for sid in edges}
    for sid, outs in edges.items():
        for to in outs:
            into[to].add(sid)
    can_leave, todo = set(), list(exits)
    while todo:
        sid = todo.pop()
        if sid not in can_leave:
            can_leave.add(sid)
            todo.extend(into[sid])
    trapped = [sid for sid in reached if sid not in can_leave]
    messages = []
    # a set of zero-duration services whose routes all stay inside it: time stands still
    zero = {
        sid
        for sid in trapped
        if scenario.service(sid).service_time.expected * phase.services[sid].service_time_factor
        == 0
    }
    changed = True
    while changed:
        changed = False
        for sid in list(zero):
            if not edges[sid] <= zero:
                zero.discard(sid)
                changed = True
    if zero:
        messages.append(
            f"people of cohort '{cohort_id}' who reach {_names(scenario, list(zero))} loop "
            "among them for ever with every service time 0, so the run's clock would never "
            "move; give one of them a service time above 0 or a route out of the loop"
        )
    unbounded = [
        sid
        for sid in trapped
        if phase.services[sid].capacity is None or phase.services[sid].queue_limit is None
    ]
    if trapped and unbounded and not zero:
        messages.append(
            f"people of cohort '{cohort_id}' who reach {_names(scenario, trapped)} can never "
            "leave: their routes loop among them with no way out, so the number of people "
            "grows without end; give one of them a route out (routes summing to less than 1) "
            "or a queue limit"
        )
    return messages


def trap_problems(scenario: Scenario, variant_id: str) -> list[str]:
    """Routing loops no one can leave (with room for ever more people), or that take no
    time: such a run never finishes, so it is refused, naming the services."""
    found: list[str] = []
    for span in variant_loads(scenario, variant_id):
        for c in scenario.cohorts:
            rate = span.phase.arrival_rates[c.id]
            if c.arrivals.profile is not None:
                rate *= c.arrivals.profile.mean_multiplier
            if rate <= 0:
                continue
            for message in _trap_messages(scenario, span.phase, c.id):
                where = "" if span.start == 0 else f" (from {scenario.time_unit} {span.start:g})"
                text = f"variant '{variant_id}'{where}: {message}"
                if text not in found:
                    found.append(text)
    return found


# --------------------------------------------------------------------------- size


def run_size_problems(scenario: Scenario, variant_ids: list[str]) -> list[str]:
    """Plain-words reasons a run cannot finish or is too large to attempt (empty when it
    is fine)."""
    problems = []
    total = total_memory()
    for vid in variant_ids:
        traps = trap_problems(scenario, vid)
        if traps:
            problems.extend(traps)
            continue
        size = estimate(scenario, vid)
        if not size.arrivals <= MAX_EVENTS_PER_REPLICATION:
            amount, cause = size.arrivals, None
        elif math.isfinite(size.events) and size.events > MAX_EVENTS_PER_REPLICATION:
            amount, cause = size.events, size.main_cause[1]
        else:
            amount = None
        if amount is not None:
            said = f"about {readable(amount)}" if math.isfinite(amount) else "an unbounded number of"
            problems.append(
                f"variant '{vid}' would simulate {said} events in each replication (the most "
                f"this app attempts is {MAX_EVENTS_PER_REPLICATION:,})"
                + (f", mostly because {cause}" if cause else "")
                + "; shorten run.horizon, or check the arrival rates, routes, capacity "
                "schedules and arrival profiles for a mistake"
            )
        elif total is not None and math.isfinite(size.memory) and size.memory > total:
            problems.append(
                f"variant '{vid}' would need about {_gb(size.memory)} of memory in each "
                f"replication (its queues grow to millions of people), more than this "
                f"computer has ({_gb(total)}); shorten run.horizon, add capacity, or set "
                "queue limits"
            )
    return problems


def _gb(n: float) -> str:
    return f"{n / 2**30:.1f} GB"


# --------------------------------------------------------------------------- memory


def _cgroup_limit() -> int | None:
    """The memory this process's container may still use (cgroup v2), if limited."""
    try:
        with open("/sys/fs/cgroup/memory.max") as fh:
            text = fh.read().strip()
        if text == "max":
            return None
        with open("/sys/fs/cgroup/memory.current") as fh:
            used = int(fh.read().strip())
        return max(int(text) - used, 0)
    except (OSError, ValueError):
        return None


def _meminfo(key: str) -> int | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _windows_memory() -> tuple[int, int] | None:  # pragma: no cover - Windows only
    import ctypes

    class Status(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = Status()
    status.dwLength = ctypes.sizeof(Status)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return None
    return status.ullTotalPhys, status.ullAvailPhys


def _sysconf(name: str) -> int | None:
    try:
        value = os.sysconf(name) * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return value if value > 0 else None


def available_memory() -> int | None:
    """Bytes of memory free for new work now (None if this system does not say)."""
    if sys.platform == "win32":  # pragma: no cover
        found = _windows_memory()
        return found[1] if found else None
    avail = _meminfo("MemAvailable") or _sysconf("SC_AVPHYS_PAGES")
    limit = _cgroup_limit()
    if avail is None:
        return limit
    return avail if limit is None else min(avail, limit)


def total_memory() -> int | None:
    """Bytes of physical memory (None if this system does not say)."""
    if sys.platform == "win32":  # pragma: no cover
        found = _windows_memory()
        return found[0] if found else None
    return _meminfo("MemTotal") or _sysconf("SC_PHYS_PAGES")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(
    scenario: Scenario, variant_ids: list[str], requested: int | None, tasks: int
) -> tuple[int, str | None]:
    """How many worker processes to run side by side: what was asked (default: every
    core), no more than the cores, the tasks, and what the free memory holds given each
    replication's estimated peak. The reason, when memory is what limits it."""
    wanted = requested if requested is not None else cores()
    workers = max(1, min(wanted, cores(), tasks))
    free = available_memory()
    if free is None or workers == 1:
        return workers, None
    need = max(estimate(scenario, v).memory for v in variant_ids)
    if not math.isfinite(need):
        return workers, None
    fit = max(1, int(free * 0.8 // need))
    if fit >= workers:
        return workers, None
    return fit, (
        f"running {fit} replication{'s' if fit != 1 else ''} at a time, not {workers}: each "
        f"may need about {_gb(need)} of memory and {_gb(free)} is free"
    )
