"""Report helpers: verdicts only where the interval excludes zero, honest number formats."""

from __future__ import annotations

import pytest

from mission_desktop.report import fmt_figure, fmt_number, verdict
from mission_desktop.report.tables import clip_interval, iter_rows, results_csv
from mission_desktop.sim import figure


def fig(mean, lo, hi):
    return {"mean": mean, "ci95": [lo, hi]}


@pytest.mark.parametrize(
    ("metric", "f", "expected"),
    [
        ("mean_wait", fig(-1.0, -1.5, -0.5), "better"),
        ("mean_wait", fig(1.0, 0.5, 1.5), "worse"),
        ("mean_wait", fig(0.1, -0.2, 0.4), "no clear difference"),
        ("share_within_target", fig(0.1, 0.05, 0.15), "better"),
        ("share_within_target", fig(-0.1, -0.15, -0.05), "worse"),
        ("utilisation", fig(0.1, 0.05, 0.15), "higher"),
        ("utilisation", fig(-0.1, -0.15, -0.05), "lower"),
        ("total", fig(5.0, 1.0, 9.0), "worse"),
        ("mean_wait", fig(0.0, 0.0, 0.0), "no clear difference"),
        ("mean_wait", None, "n/a"),
    ],
)
def test_verdict(metric, f, expected):
    assert verdict(metric, f) == expected


def test_figure_is_student_t_over_replications():
    f = figure([1.0, 2.0, 3.0, 4.0])
    # mean 2.5, sd 1.2910, t(0.975, 3) = 3.182446
    half = 3.182446305284263 * 1.2909944487358056 / 2
    assert f["mean"] == pytest.approx(2.5)
    assert f["ci95"] == pytest.approx([2.5 - half, 2.5 + half])
    assert figure([7.0]) == {"mean": 7.0, "ci95": [7.0, 7.0]}
    assert figure([None, None]) is None
    assert figure([None, 2.0, 4.0])["mean"] == pytest.approx(3.0)


def test_numbers_read_naturally():
    assert fmt_number(None) == "–"
    assert fmt_number(0.8512, "utilisation") == "85%"
    assert fmt_number(-0.0004, "utilisation") == "0%"
    assert fmt_number(0.045, "utilisation") == "4.5%"
    assert fmt_number(-0.0004) == "0.00"
    assert fmt_number(1234567.0) == "1.23m"
    assert fmt_number(12345.6) == "12,346"
    assert fmt_number(12.34) == "12.3"


def test_result_intervals_are_clipped_for_display_but_differences_are_not():
    assert clip_interval("backlog_at_end", -0.4, 1.4) == (0.0, 1.4)
    assert clip_interval("share_within_target", 0.9, 1.02) == (0.9, 1.0)
    assert fmt_figure(fig(0.7, -0.06, 1.46), "backlog_at_end") == "0.70 (0.00 to 1.46)"
    assert fmt_figure(fig(-0.3, -0.98, 0.38), "backlog_at_end", signed=True) == (
        "-0.30 (-0.98 to +0.38)"
    )


def test_differences_never_read_as_zero_when_they_are_not():
    # a bound of -0.001 must not print as 0.00 next to a "better" mark
    assert fmt_figure(fig(-0.04, -0.08, -0.001), "mean_wait", signed=True) == (
        "-0.04 (-0.08 to -0.001)"
    )
    # shares change in percentage points
    assert fmt_figure(fig(0.11, 0.06, 0.17), "share_within_target", signed=True) == (
        "+11 pp (+6.0 pp to +17 pp)"
    )
    assert fmt_figure(fig(-0.004, -0.008, -0.001), "utilisation", signed=True) == (
        "-0.4 pp (-0.8 pp to -0.1 pp)"
    )
    assert fmt_figure(fig(0.0, 0.0, 0.0), "mean_wait", signed=True) == "0"
    assert fmt_figure(fig(0.3, 0.1, 0.5), "mean_wait", signed=True).startswith("+0.30")


def test_rows_cover_results_and_differences():
    results = {
        "variants": {
            "baseline": {
                "services": {"gp": {"mean_wait": fig(1.0, 0.9, 1.1), "utilisation": None}},
                "cohorts": {"adults": {"completed": fig(2.0, 1.9, 2.1)}},
                "cost": {"total": fig(10.0, 9.0, 11.0)},
            }
        },
        "comparisons": {
            "policy": {
                "services": {"gp": {"mean_wait": fig(-0.5, -0.6, -0.4), "utilisation": None}},
                "cohorts": {"adults": {"completed": fig(0.0, -0.1, 0.1)}},
                "cost": {"total": fig(1.0, 0.5, 1.5)},
            }
        },
    }
    rows = list(iter_rows(results))
    head = ("result", "baseline", "", "service", "gp", "", "", "", "mean_wait")
    assert (*head, 1.0, 0.9, 1.1, "1.00 day (0.90 to 1.10)") in rows
    assert ("result", "baseline", "", "service", "gp", "", "", "", "utilisation",
            "", "", "", "") in rows  # fmt: skip
    cost = ("difference_vs_baseline", "policy", "", "cost", "", "", "", "", "total")
    assert (*cost, 1.0, 0.5, 1.5, "+£1 (+£0.50 to +£2)") in rows
    text = results_csv(results)
    lines = [line for line in text.splitlines() if not line.startswith("# ")]
    assert lines[0].startswith("section,variant,variant_name,kind,id,name,")
    assert len(lines) == 1 + len(rows)


def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote():
    from mission_desktop.report.tables import csv_safe

    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("Care homes") == "Care homes"
    assert csv_safe(-1.5) == -1.5  # a number is not text: left alone
