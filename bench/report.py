"""The issue's targets, evaluated on a run's results, and the Markdown report of the run."""

from typing import Any

TARGET_SIZE = "100000"
RATIO_SIZES = ["10000", "100000"]  # the minimal-server ratios are targets at both
RSS_LIMIT_MB = 250
COVERAGE_RSS_LIMIT_MB = 300
# p50 at 1M <= 3x p50 at 10k (issue 15, "Bounded at a million places").
GROWTH = {sid: 3.0 for sid in ["S1", "S2", "S3", "S5", "S6-z12", "S6-z8", "S7", "S9"]}
# The API beside the minimal server (bench/minimal.py), same requests, same run.
MINIMAL = {"S1": "M1", "S2": "M2", "S3": "M3", "S3-c4": "M3-c4", "S4": "M4", "S6-z12": "M6-z12", "S6-z8": "M6-z8",
           "S7": "M7"}
CPU_RATIO, RPS_RATIO, P99_RATIO, P99_OWN_P50 = 1.2, 0.85, 1.5, 3.0
ORDER = ["S1", "S2", "S3", "S3-c4", "S4", "S5", "S6-z12", "S6-z8", "S7", "S8", "S9", "S10", "M1", "M2", "M3", "M3-c4",
         "M4", "M6-z12", "M6-z8", "M7", "F1", "F2", "F3", "T2", "T6-z12"]

MET, MISSED, NOT_MEASURED, NOT_AVAILABLE = "met", "MISSED", "not measured", "not available on this build"


def _get(data: dict, size: str, scenario: str) -> dict | None:
    return data.get("sizes", {}).get(size, {}).get("scenarios", {}).get(scenario)


def _check(data: dict, size: str, needs: list[str]) -> tuple[str | None, list[dict]]:
    """(a status that prevents evaluation, or None; the results)."""
    found = [_get(data, size, s) for s in needs]
    if any(r is not None and not r.get("available", True) for r in found):
        missing = [s for s, r in zip(needs, found, strict=True) if r is not None and not r.get("available", True)]
        return f"{NOT_AVAILABLE} ({', '.join(missing)})", []
    if any(r is None for r in found):
        return NOT_MEASURED, []
    return None, found  # type: ignore[return-value]


def _target(name: str, size: str, needs: list[str], data: dict, measure: Any) -> dict:
    blocked, results = _check(data, size, needs)
    if blocked:
        return {"target": name, "measured": "", "status": blocked}
    ok, text = measure(*results)
    return {"target": name, "measured": text, "status": MET if ok else MISSED}


def evaluate(data: dict) -> list[dict]:
    s = TARGET_SIZE
    at = "" if s in data.get("sizes", {}) else f" (size {int(s):,} not run)"
    targets = [
        _target(f"S2 GeoJSON page ≥ 5× tipg req/s{at}", s, ["S2", "T2"], data,
                lambda a, b: (a["rps"] >= 5 * b["rps"], f"{a['rps']} vs {b['rps']} = {a['rps'] / b['rps']:.1f}×")),
        _target(f"S2 GeoJSON page ≥ 70 % of the floor's req/s{at}", s, ["S2", "F2"], data,
                lambda a, b: (a["rps"] >= 0.7 * b["rps"], f"{a['rps']} vs {b['rps']} = {a['rps'] / b['rps']:.0%}")),
        _target(f"S3 nearest ≥ 60 % of the floor's req/s{at}", s, ["S3", "F3"], data,
                lambda a, b: (a["rps"] >= 0.6 * b["rps"], f"{a['rps']} vs {b['rps']} = {a['rps'] / b['rps']:.0%}")),
        _target(f"S6 tiles z12 ≥ 1.5× tipg req/s{at}", s, ["S6-z12", "T6-z12"], data,
                lambda a, b: (a["rps"] >= 1.5 * b["rps"], f"{a['rps']} vs {b['rps']} = {a['rps'] / b['rps']:.1f}×")),
        _target(f"S6 z8 clustered tile: p50 ≤ 30 ms and ≤ 50 KB{at}", s, ["S6-z8"], data,
                lambda a: (a["p50_ms"] <= 30 and (a["bytes_per_response"] or 0) <= 50_000,
                           f"p50 {a['p50_ms']} ms, {a['bytes_per_response']} B")),
        _target(f"S9 France-wide page: p50 ≤ 50 ms{at}", s, ["S9"], data,
                lambda a: (a["p50_ms"] <= 50, f"p50 {a['p50_ms']} ms")),
    ]
    for size in RATIO_SIZES:
        at_size = f" at {int(size):,}" + ("" if size in data.get("sizes", {}) else " (not run)")
        for sid, mid in MINIMAL.items():
            targets.append(_target(
                f"{sid} CPU/req ≤ {CPU_RATIO}× minimal's{at_size}", size, [sid, mid], data,
                lambda a, b: (a.get("cpu_ms_per_req", 1e9) <= CPU_RATIO * b.get("cpu_ms_per_req", 0),
                              f"{a.get('cpu_ms_per_req')} vs {b.get('cpu_ms_per_req')} ms = "
                              f"{a.get('cpu_ms_per_req', 0) / (b.get('cpu_ms_per_req') or 1e-9):.2f}×")))
            targets.append(_target(
                f"{sid} req/s ≥ {RPS_RATIO}× minimal's{at_size}", size, [sid, mid], data,
                lambda a, b: (a["rps"] >= RPS_RATIO * b["rps"],
                              f"{a['rps']} vs {b['rps']} = {a['rps'] / b['rps']:.2f}×")))
            targets.append(_target(
                f"{sid} p99 ≤ {P99_RATIO}× minimal's and ≤ {P99_OWN_P50:g}× own p50{at_size}", size, [sid, mid], data,
                lambda a, b: (a["p99_ms"] <= P99_RATIO * b["p99_ms"] and a["p99_ms"] <= P99_OWN_P50 * a["p50_ms"],
                              f"p99 {a['p99_ms']} vs {b['p99_ms']} ms ({a['p99_ms'] / b['p99_ms']:.2f}×), "
                              f"own p50 {a['p50_ms']} ({a['p99_ms'] / a['p50_ms']:.1f}×)")))
        targets.append(_target(f"S3 nearest at 4 connections: p99 ≤ 15 ms{at_size}", size, ["S3-c4"], data,
                               lambda a: (a["p99_ms"] <= 15, f"p99 {a['p99_ms']} ms")))
    targets.append(_target(
        f"S8 coverage: API worker < {COVERAGE_RSS_LIMIT_MB} MB RSS{at}", s, ["S8"], data,
        lambda a: ((a.get("rss_peak_mb") or 1e9) < COVERAGE_RSS_LIMIT_MB, f"peak {a.get('rss_peak_mb')} MB")))
    sizes = sorted(data.get("sizes", {}), key=int)
    for scenario, limit in GROWTH.items():
        name = f"{scenario} p50 grows ≤ {limit:g}× from 10k to 1M"
        if "10000" not in sizes or "1000000" not in sizes:
            targets.append({"target": name, "measured": "", "status": NOT_MEASURED + " (needs sizes 10k and 1M)"})
            continue
        small, large = _get(data, "10000", scenario), _get(data, "1000000", scenario)
        if small is None or large is None:
            targets.append({"target": name, "measured": "", "status": NOT_MEASURED})
        elif not small.get("available", True) or not large.get("available", True):
            targets.append({"target": name, "measured": "", "status": NOT_AVAILABLE})
        else:
            ratio = large["p50_ms"] / small["p50_ms"] if small["p50_ms"] else float("inf")
            targets.append({"target": name, "status": MET if ratio <= limit else MISSED,
                            "measured": f"{small['p50_ms']} → {large['p50_ms']} ms = {ratio:.2f}×"})
    peaks = [run.get("rss_peak_mb", 0) for run in data.get("sizes", {}).values()]
    peaks.append(data.get("demo", {}).get("rss_peak_mb", 0))
    peak = max(peaks) if peaks else 0
    targets.append({"target": f"API worker RSS < {RSS_LIMIT_MB} MB through the run",
                    "measured": f"peak {peak} MB", "status": MET if 0 < peak < RSS_LIMIT_MB else MISSED})
    errors = [f"{size}/{sid}: {r['errors']}" for size, run in data.get("sizes", {}).items()
              for sid, r in run.get("scenarios", {}).items() if r.get("available", True) and r.get("errors")]
    errors += [f"demo/{sid}: {r['errors']}" for sid, r in data.get("demo", {}).get("scenarios", {}).items()
               if r.get("available", True) and r.get("errors")]
    targets.append({"target": "No errors in any scenario", "measured": ", ".join(errors) or "0 errors",
                    "status": MISSED if errors else MET})
    return targets


def render_targets(targets: list[dict]) -> str:
    lines = ["| target | measured | status |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['measured']} | {t['status']} |" for t in targets]
    return "\n".join(lines)


def _ratio(result: dict, reference: dict | None) -> str:
    if not reference or not reference.get("available", True) or not reference.get("rps"):
        return ""
    return f"{result['rps'] / reference['rps']:.2f}"


def _errors(result: dict) -> str:
    status = result.get("first_error_status")
    return f"{result['errors']} (first: {status})" if result.get("errors") and status else str(result["errors"])


def _size_table(run: dict) -> str:
    results = run.get("scenarios", {})
    lines = ["| id | scenario | conns | req/s | p50 ms | p99 ms | CPU ms/req | errors | bytes/resp | API RSS MB | "
             "÷ minimal (req/s) | CPU × minimal | ÷ floor | ÷ tipg |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    floors = {"S1": "F1", "S2": "F2", "S3": "F3"}
    peers = {"S2": "T2", "S7": "T2", "S6-z12": "T6-z12"}
    for sid in [s for s in ORDER if s in results] + [s for s in results if s not in ORDER]:
        r = results[sid]
        if not r.get("available", True):
            lines.append(f"| {sid} | {r['label']} | | {r.get('note') or NOT_AVAILABLE} | | | | | | | | | | |")
            continue
        minimal = results.get(MINIMAL.get(sid, ""))
        cpu_x = ""
        if minimal and minimal.get("cpu_ms_per_req") and r.get("cpu_ms_per_req") is not None:
            cpu_x = f"{r['cpu_ms_per_req'] / minimal['cpu_ms_per_req']:.2f}"
        lines.append(
            f"| {sid} | {r['label']} | {r.get('connections', '')} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | "
            f"{r.get('cpu_ms_per_req', '')} | {_errors(r)} | "
            f"{r.get('bytes_per_response') or ''} | {r.get('rss_peak_mb') or ''} | {_ratio(r, minimal)} | {cpu_x} | "
            f"{_ratio(r, results.get(floors.get(sid, '')))} | {_ratio(r, results.get(peers.get(sid, '')))} |")
    return "\n".join(lines)


def _growth_table(data: dict) -> str:
    sizes = sorted(data.get("sizes", {}), key=int)
    if len(sizes) < 2:
        return ""
    lines = ["| id | " + " | ".join(f"p50 ms at {int(s):,}" for s in sizes) + " | largest ÷ smallest |",
             "|---|" + "---:|" * (len(sizes) + 1)]
    for sid in ORDER:
        row = [_get(data, s, sid) for s in sizes]
        if any(r is None or not r.get("available", True) for r in row):
            continue
        ratio = row[-1]["p50_ms"] / row[0]["p50_ms"] if row[0]["p50_ms"] else float("inf")
        lines.append(f"| {sid} | " + " | ".join(str(r["p50_ms"]) for r in row) + f" | {ratio:.2f} |")
    return "\n".join(lines)


def render(data: dict) -> str:
    c, m, v = data["config"], data["machine"], data["versions"]
    out = [
        f"# reseau-api benchmark, {data['date']}",
        "",
        f"`make bench` on commit `{v.get('reseau_api_commit')}`; sizes {', '.join(f'{s:,}' for s in c['sizes'])}; "
        f"{c['duration_s']} s per scenario after {c['warmup_s']} s of warm-up; {c['connections']} connections "
        f"(wrk, {c['threads']} threads); 1 API worker; seed {c['seed']}. Started {data['started_at']}, "
        f"finished {data.get('finished_at')}. How to read it and what was tried: "
        "[bench/README.md](../README.md).",
        "",
        "Absolute figures depend on the machine (and on anything else running on it: see the load average "
        "before each size); the ratios to the floor and to tipg, measured in the same run, are what matters.",
        "",
        "## Machine",
        "",
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}. Load average at the start: "
        f"{m.get('loadavg_start', '?')}, at the end: {m.get('loadavg_end', '?')} (1, 5, 15 min): above ~0.5, "
        "other work shared the CPU.",
        "",
        "## Versions",
        "",
        ", ".join(f"{k} {val}" for k, val in v.items() if k != "reseau_api_commit"),
        "",
        "## Targets",
        "",
        f"Measured at {int(TARGET_SIZE):,} places unless stated.",
        "",
        render_targets(data.get("targets", [])),
        "",
        "Where a target is missed, the profiles, plans and fixes tried are in the *Findings* section of "
        "[bench/README.md](../README.md#findings-and-what-was-tried).",
        "",
    ]
    for size, run in sorted(data.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        load = run.get("load", {})
        how = ("reused (already loaded)" if load.get("reused") else
               f"loaded in {load.get('total_s')} s (COPY {load.get('copy_s')} s, indexes {load.get('index_s')} s, "
               f"VACUUM ANALYZE {load.get('vacuum_analyze_s')} s)")
        out += [f"## {int(size):,} places", "",
                f"Database `{load.get('database')}`, {how}. Load average before: {run.get('loadavg_before'):.2f}. "
                f"API worker peak RSS over the size: {run.get('rss_peak_mb')} MB.", "",
                _size_table(run), ""]
    growth = _growth_table(data)
    if growth:
        out += ["## Growth", "", growth, ""]
    demo = data.get("demo")
    if demo:
        out += ["## Demo data", "", f"Database `{demo.get('database')}` (`reseau-api seed`).", "",
                _size_table(demo), ""]
    out += [
        "## Legend",
        "",
        "S1–S9: reseau-api over HTTP (wrk). M*: the minimal server (bench/minimal.py: a bare ASGI callable on "
        "the same uvicorn, the API's own SQL and bodies, no framework), same requests, same run; `CPU ms/req` is "
        "the server process's user + system CPU time (from /proc) over the measured run divided by its "
        "requests. F1–F3: the floor, the SQL of S1–S3 sent directly with asyncpg "
        "(no HTTP), same requests. T2, T6-z12: the peer, tipg (1 worker, same table, same boxes and tiles): "
        "T2 is its `/items?bbox=…&limit=100` GeoJSON page, the reference of S2 and S7. `÷ floor` and `÷ tipg` "
        "are requests/s ratios. `bytes/resp` is the mean body size. Errors are responses ≥ 400 plus socket "
        "errors and time-outs.",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    """`python -m bench.report RESULTS.json`: evaluate and render it again, next to it (RESULTS.md)."""
    import json
    import sys
    from pathlib import Path

    source = Path(sys.argv[1])
    data = json.loads(source.read_text())
    data["targets"] = evaluate(data)
    source.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    source.with_suffix(".md").write_text(render(data))
    print(render_targets(data["targets"]))


if __name__ == "__main__":
    main()
