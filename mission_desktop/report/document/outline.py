"""The report as a flat list of blocks, in order, for the paged formats (PDF and Word).

Blocks: ``("heading", level, text)``, ``("para", runs)`` with runs ``[(text, bold)]``,
``("bullet", runs)``, ``("table", table)``, ``("chart", chart)``, ``("code", text)``,
``("page",)`` and ``("data", chart)``: a chart's data table, gathered in an appendix so the
results read as figures and words (each chart links to its table and back). The HTML
template lays out the same content itself (each table folded under its chart).
"""

from __future__ import annotations

from typing import Any

from .charts import Chart
from .description import plain

DATA_APPENDIX = "Appendix: the data behind each chart"


def data_caption(chart: Chart) -> str:
    return f"Data: {chart.caption}"


def _p(text: str, bold: bool = False) -> tuple:
    return ("para", [(text, bold)])


def blocks(ctx: dict[str, Any], built: dict[str, Chart | None], *, appendix: bool = True):
    t, run = ctx["title"], ctx["run"]
    out: list[tuple] = [("heading", 0, t["name"])]
    out.append(_p("Mission Desktop report: what each policy variant does to waits, queues and "
                  "costs across every service, with 95% confidence."))
    out.append(("table", {"caption": "About this report", "columns": ["", ""], "rows": [
        ["Scenario", t["name"]], ["Revision", t["revision"]], ["Date", t["date"]],
        ["Run by", t["analyst"]], ["Scenario file sha256", t["sha256"]],
        ["Mission Desktop", f"version {t['version']}"],
        ["Run", f"{run['replications']} replications, {t['units']} {run['warm_up']} to "
                f"{run['horizon']} counted, seed {run['seed']}"],
    ], "key_value": True}))
    if not t["sha_matches"]:
        out.append(_p(f"The results record a different scenario file: {t['results_sha256']}.",
                      True))
    out.append(("heading", 1, "Summary"))
    out.append(("para", [("Where did the pressure go? ", True), (
        f"Each policy variant compared with {ctx['baseline']['name']}. Called better or worse "
        "only where the 95% confidence interval of the difference excludes zero.", False)]))
    for s in ctx["summary"]:
        runs = [(s["name"] + (" (baseline)" if s["is_baseline"] else "") + ": ", True)]
        if "verdicts" in s:
            runs.append((s["verdicts"] + " ", False))
        cost = f"Cost: {s['cost']}"
        if s["cost_difference"]:
            cost += f"; difference from baseline {s['cost_difference']} ({s['cost_verdict']})"
        runs.append((cost + ".", False))
        for target in s["targets"]:
            runs.append((" " + target + ".", False))
        out.append(("bullet", runs))
    if ctx["warnings"]:
        out.append(_p("Warnings from the run", True))
        out.extend(("bullet", [(w, False)]) for w in ctx["warnings"])
    out.append(("page",))
    out.append(("heading", 1, "Results"))
    out.append(_p(f"Each figure is the mean over {run['replications']} replications with its "
                  "95% confidence interval (Student t) in brackets. Differences are paired by "
                  "replication (common random numbers)."))
    for key in ("forest", "queues"):
        if built.get(key) is not None:
            out.append(("chart", built[key]))
    names = [v["name"] + (" (baseline)" if v["is_baseline"] else "") for v in ctx["variants"]]
    for svc in ctx["services"]:
        out.append(("heading", 2, svc["name"]))
        out.append(("table", {
            "caption": f"{svc['name']}: figures per variant (mean, 95% CI)",
            "columns": ["Figure", *names],
            "rows": [[r["label"], *(c["text"] for c in r["cells"])] for r in svc["rows"]],
        }))
        if svc["differences"]:
            out.append(("table", {
                "caption": f"{svc['name']}: difference from baseline (95% CI), with verdict",
                "columns": ["Variant", *ctx["forest_metrics"]],
                "rows": [[d["variant"], *(_verdict_text(c) for c in d["cells"])]
                         for d in svc["differences"]],
            }))
    out.append(("heading", 2, "Costs"))
    out.append(("table", {
        "caption": "Costs over the window per variant (£, mean and 95% CI)",
        "columns": ["Variant", "Total", "Staff and capacity", "Per case", "Policies",
                    "Difference from baseline"],
        "rows": [[c["variant"], *(p["text"] for p in c["parts"]), _verdict_text(c["difference"])]
                 for c in ctx["costs"]],
    }))
    if built.get("costs") is not None:
        out.append(("chart", built["costs"]))
    out.append(("page",))
    out.append(("heading", 1, "The model"))
    if built.get("map") is not None:
        out.append(("chart", built["map"]))
    out.extend(("table", table) for table in ctx["model_tables"])
    out.append(("heading", 2, "Description"))
    for b in ctx["description_blocks"]:
        if b["kind"] == "heading":
            out.append(("heading", 3, plain(b["runs"])))
        elif b["kind"] == "table":
            rows = [[plain(cell) for cell in row] for row in b["rows"]]
            if rows:
                out.append(("table", {"caption": "From the description", "columns": rows[0],
                                      "rows": rows[1:]}))
        else:
            out.append(("bullet" if b["kind"] == "item" else "para", b["runs"]))
    out.append(("page",))
    out.append(("heading", 1, "Assurance pack"))
    out.append(("heading", 2, "Assumptions log"))
    out.append(("table", ctx["assumptions"]))
    out.append(("heading", 2, "Decisions log"))
    out.append(("table", ctx["decisions"]))
    out.append(("heading", 2, "Data log"))
    out.append(("table", ctx["data_log"]))
    out.append(("heading", 2, "STRESS-DES checklist"))
    out.append(_p("Strengthening the Reporting of Empirical Simulation Studies (Monks et al., "
                  f"2019). Items marked “{ctx['stress_open']}” are left for the analyst."))
    rows = []
    for section in ctx["stress"]:
        for item in section["items"]:
            rows.append([item["id"], item["item"], item["answer"]])
    out.append(("table", {"caption": "STRESS-DES checklist", "columns": ["Item", "Topic",
                                                                        "Answer"],
                          "rows": rows, "open": ctx["stress_open"]}))
    out.append(("heading", 1, "Reproducibility"))
    out.append(_p("The exact command that regenerates these results from the attached file:"))
    out.append(("code", ctx["command"]))
    charts = [b[1] for b in out if b[0] == "chart"]
    if charts:
        out.append(("page",))
        out.append(("heading", 1, DATA_APPENDIX))
        out.append(_p("Every chart's figures as a table, for screen readers and for checking."))
        out.extend(("data", chart) for chart in charts)
    if appendix:
        out.append(("page",))
        out.append(("heading", 1, f"Appendix: the scenario file ({ctx['file_name']})"))
        out.append(("code", ctx["file_text"]))
    return out


def _verdict_text(cell: dict[str, Any]) -> str:
    mark = {"better": " ▼ better", "worse": " ▲ worse"}.get(cell.get("verdict", ""), "")
    return cell["text"] + mark
