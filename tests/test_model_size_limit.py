"""One size limit holds for a scenario file and for what it becomes: a compact file under the
limit whose canonical (indented) text is over it is refused on reading, writing and storing,
with sizes precise enough to compare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mission_desktop.model import ScenarioError, jsonread, loads_scenario, save_scenario
from mission_desktop.model.io import checked_text, scenario_from_dict

Doc = dict[str, Any]
LIMIT = 64 * 1024


def _compact(doc: Doc) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


@pytest.fixture
def grows_past_the_limit(scenario_doc: Doc, monkeypatch) -> tuple[Doc, str]:
    """A document whose compact text is under a (lowered) limit and canonical text over it."""
    monkeypatch.setattr(jsonread, "MAX_FILE_BYTES", LIMIT)
    values = [1] * 22_000  # "1," compact, "1, " canonical
    scenario_doc["services"][1]["service_time"] = {"dist": "empirical", "values": values}
    text = _compact(scenario_doc)
    assert len(text.encode()) < LIMIT
    return scenario_doc, text


def test_reading_refuses_a_file_that_would_outgrow_the_limit(grows_past_the_limit) -> None:
    _, text = grows_past_the_limit
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, "big.mission.json")
    (p,) = info.value.problems
    assert p.path == "(file)"
    assert "would be " in p.message and "when written out" in p.message
    assert f"the limit is 64 KB ({LIMIT:,} bytes)" in p.message


def test_writing_and_storing_refuse_it_too(grows_past_the_limit, tmp_path: Path, monkeypatch):
    from mission_desktop.store import Library, StoreError

    doc, _ = grows_past_the_limit
    scenario = scenario_from_dict(doc)  # validation alone does not write anything
    with pytest.raises(ScenarioError):
        checked_text(scenario)
    target = tmp_path / "out.mission.json"
    with pytest.raises(ScenarioError) as info:
        save_scenario(scenario, target)
    assert not target.exists() and info.value.source == str(target)
    with Library(tmp_path / "library.sqlite") as lib:
        with pytest.raises(StoreError) as stored:
            lib.add_scenario(scenario)
        assert f"“{scenario.name}” cannot be stored: it would be" in str(stored.value)
        assert lib.list_scenarios() == []


def test_a_scenario_under_the_limit_both_ways_is_read_and_stored(scenario_doc, tmp_path):
    text = _compact(scenario_doc)
    scenario = loads_scenario(text)
    save_scenario(scenario, tmp_path / "ok.mission.json")
    assert loads_scenario((tmp_path / "ok.mission.json").read_bytes()) == scenario


def test_the_too_big_message_gives_precise_sizes(monkeypatch) -> None:
    n = 21_288_960
    message = jsonread.too_big_message(n)
    assert message.startswith(
        "is 20.3 MB (21,288,960 bytes); the limit is 20 MB (20,971,520 bytes)"
    )
    # just over the limit: the rounded sizes look alike, the bytes say which is bigger
    assert "is 20 MB (20,971,521 bytes)" in jsonread.too_big_message(2**20 * 20 + 1)


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path, monkeypatch) -> None:
    from mission_desktop.model import load_scenario

    monkeypatch.setattr(jsonread, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.mission.json"
    path.write_bytes(b" " * 2048 + b"{}")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "is 2 KB (2,050 bytes); the limit is 1000 bytes" in str(info.value)
