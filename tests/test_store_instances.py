"""Two app instances on one library: per-instance drafts, recovery once an instance has
stopped, and a save over a revision someone else saved meanwhile (StaleRevision)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_store import make_scenario

from mission_desktop.store import Library, StaleRevision, StoreError
from mission_desktop.store import drafts as drafts_module


@pytest.fixture
def two(tmp_path: Path):
    """Two instances (two windows' libraries) on one library file, with one scenario."""
    path = tmp_path / "library.sqlite"
    a = Library(path)
    b = Library(path)
    sid = a.add_scenario(make_scenario(), "import").id
    yield a, b, sid
    a.close()
    b.close()


def dead_pid() -> int:
    """The id of a process that has finished."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_each_instance_has_its_own_draft(two):
    a, b, sid = two
    assert a.instance_id != b.instance_id
    a.save_draft(sid, make_scenario(rate=2.0))
    b.save_draft(sid, make_scenario(rate=3.0))
    # neither overwrote the other, and neither is offered the other's (both still run)
    assert a.draft(sid).cohorts[0].arrivals.rate == 2.0
    assert b.draft(sid).cohorts[0].arrivals.rate == 3.0
    # b saves: its own draft goes, a's unsaved edits stay
    b.save_revision(sid, make_scenario(rate=3.0))
    assert b.draft(sid) is None
    assert a.draft(sid).cohorts[0].arrivals.rate == 2.0
    assert a.db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 1


def test_a_running_instances_draft_is_not_offered_to_another(two):
    a, b, sid = two
    a.save_draft(sid, make_scenario(rate=2.0))
    assert b.draft(sid) is None
    assert b.draft_updated_at(sid) is None
    assert b.scenarios_with_drafts() == []
    b.discard_draft(sid)  # b's discard leaves a's draft alone
    assert a.draft(sid) is not None


def test_a_cleanly_closed_instances_draft_is_offered(tmp_path, two):
    a, b, sid = two
    a.save_draft(sid, make_scenario(rate=2.0))
    a.close()
    assert b.draft(sid).cohorts[0].arrivals.rate == 2.0
    assert [r.id for r in b.scenarios_with_drafts()] == [sid]
    b.discard_draft(sid)
    assert b.draft(sid) is None
    assert b.db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 0


def test_a_crashed_instances_draft_is_offered(two):
    a, b, sid = two
    a.save_draft(sid, make_scenario(rate=2.0))
    # a "crashes": its row stays, but its process is gone
    with a.db.conn:
        a.db.conn.execute("UPDATE instances SET pid = ? WHERE id = ?", [dead_pid(), a.instance_id])
    assert b.draft(sid).cohorts[0].arrivals.rate == 2.0
    # recovering and saving clears the crashed instance's draft
    b.save_revision(sid, b.draft(sid))
    assert b.db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 0


@pytest.mark.parametrize(("hours", "offered"), [(1, False), (13, True)])
def test_an_instance_on_another_computer_counts_as_stopped_once_quiet(two, hours, offered):
    a, b, sid = two
    a.save_draft(sid, make_scenario(rate=2.0))
    with a.db.conn:
        a.db.conn.execute(
            "UPDATE instances SET host = 'elsewhere', "
            "seen_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', ?) WHERE id = ?",
            [f"-{hours} hours", a.instance_id],
        )
    assert (b.draft(sid) is not None) is offered


def test_pid_alive():
    import os

    assert drafts_module.pid_alive(os.getpid())
    assert not drafts_module.pid_alive(dead_pid())
    assert not drafts_module.pid_alive(0)


def test_save_over_a_revision_saved_meanwhile_is_refused(two):
    a, b, sid = two
    base = a.current_revision(sid).id
    b.save_revision(sid, make_scenario(rate=3.0), base_revision_id=base)  # b was first
    a.save_draft(sid, make_scenario(rate=2.0))
    with pytest.raises(StaleRevision) as caught:
        a.save_revision(sid, make_scenario(rate=2.0), base_revision_id=base)
    assert isinstance(caught.value, StoreError)
    assert caught.value.current_number == 2
    assert "Test scenario" in str(caught.value) and "another" in str(caught.value)
    # nothing was written: still b's revision, and a's edits are still in its draft
    assert [r.number for r in a.revisions(sid)] == [1, 2]
    assert a.current_scenario(sid).cohorts[0].arrivals.rate == 3.0
    assert a.draft(sid).cohorts[0].arrivals.rate == 2.0
    # saving anyway (the user said so) makes a new revision; b's stays in the history
    rev = a.save_revision(sid, make_scenario(rate=2.0))
    assert rev.number == 3
    # and from the new base, a saves without a question
    a.save_revision(sid, make_scenario(rate=4.0), base_revision_id=rev.id)


def test_same_content_saved_meanwhile_is_no_conflict(two):
    a, b, sid = two
    base = a.current_revision(sid).id
    b.save_revision(sid, make_scenario(rate=3.0))
    rev = a.save_revision(sid, make_scenario(rate=3.0), base_revision_id=base)
    assert rev.number == 2
