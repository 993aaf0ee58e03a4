"""Overrides: a scenario run with some lever values changed from time 0 (an assumption at a
value, a goal-seek candidate), through the policy machinery of :mod:`..model.policies`.

An override is a list of policy-change objects (SCENARIO_FORMAT.md, "Policies") and,
optionally, the policies a variant switches on instead of its own. It is applied as a policy
that starts at 0 and costs nothing, put first in the variant's list, so the variant's own
policies then act on the changed values (an assumption changes "the file's own value").
Added capacity costs what capacity always costs. Random streams depend on ids only, so an
override disturbs no stream: the run stays paired with the unchanged one (common random
numbers).

Overrides travel as canonical JSON text (:func:`overrides_key`), so a task stays a pure
function of plain strings and numbers wherever it runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..model.canonical import scenario_to_dict
from ..model.io import loads_scenario, scenario_from_dict
from ..model.scenario import Scenario

OVERRIDE_POLICY = "x_override"


def overrides_key(
    changes: Sequence[dict[str, Any]] = (), policies: Sequence[str] | None = None
) -> str:
    """The canonical text of an override ("" for none)."""
    if not changes and policies is None:
        return ""
    doc: dict[str, Any] = {"changes": [dict(c) for c in changes]}
    if policies is not None:
        doc["policies"] = list(policies)
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _policy_id(scenario: Scenario) -> str:
    taken = {p.id for p in scenario.policies}
    pid, k = OVERRIDE_POLICY, 1
    while pid in taken:
        k += 1
        pid = f"{OVERRIDE_POLICY}{k}"
    return pid


def with_overrides(scenario: Scenario, variant_id: str, key: str) -> Scenario:
    """``scenario`` whose variant ``variant_id`` runs with the override ``key`` (validated
    like a file: an impossible value raises :class:`~..model.ScenarioError`)."""
    if not key:
        return scenario
    spec = json.loads(key)
    changes = spec.get("changes") or []
    doc = scenario_to_dict(scenario)
    pid = _policy_id(scenario)
    if changes:
        doc["policies"] = [
            *doc.get("policies", []),
            {"id": pid, "name": "Overrides", "changes": changes},
        ]
    variants = []
    for v in scenario.effective_variants:
        policies = list(v.policies)
        if v.id == variant_id:
            if spec.get("policies") is not None:
                policies = list(spec["policies"])
            if changes:
                policies = [pid, *policies]
        variants.append({"id": v.id, "name": v.name, "policies": policies})
    doc["variants"] = variants
    return scenario_from_dict(doc)


@lru_cache(maxsize=8)
def _parsed(text: str) -> Scenario:
    return loads_scenario(text)


@lru_cache(maxsize=256)
def scenario_for(text: str, variant_id: str, key: str) -> Scenario:
    """The scenario of canonical ``text`` with the override applied (cached per process)."""
    return with_overrides(_parsed(text), variant_id, key)
