# ruff: noqa: S603, S607  (a benchmark driver: runs its own tools, on this machine only)
"""`make bench`: load the synthetic directories, drive the API, the floor and the peer, write the report.

Environment overrides (defaults are the issue's full specification):
    BENCH_SIZES=10000,100000,1000000   synthetic sizes, each in its own database reseau_bench_<size>
    BENCH_DURATION=20                  seconds measured per scenario
    BENCH_WARMUP=5                     seconds of warm-up per scenario (same requests, not recorded)
    BENCH_CONNECTIONS=16               HTTP connections (wrk) and floor tasks
    BENCH_THREADS=2                    wrk threads
    BENCH_SCENARIOS=S1,S2,...          only these scenario ids (S1..S10, S6-z12, S6-z8, T2, T6-z12, F1..F3)
    BENCH_SKIP_PEER=1, BENCH_SKIP_FLOOR=1, BENCH_SKIP_DEMO=1, BENCH_SKIP_MINIMAL=1
    BENCH_PYSPY=1                      record a py-spy flame graph of the API worker per scenario
    BENCH_OUTPUT=bench/results         where the report goes (YYYY-MM-DD.md/.json, latest.md)
    BENCH_DB_PREFIX=reseau_bench       database names: <prefix>_<size>, <prefix>_demo
    BENCH_APP_SRC=/path/to/src         benchmark the reseau_api package found there (another checkout's
                                       src/, e.g. a merge candidate) instead of this one; the harness stays
"""

import asyncio
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bench import generate, report
from bench.scenarios import FLOOR, MINIMAL, Scenario, demo_scenarios, size_scenarios
from reseau_api.core import cluster
from reseau_api.core.config import PROJECT_ROOT, get_settings

BENCH = PROJECT_ROOT / "bench"
WORK = BENCH / "work"
VENV_BIN = Path(sys.executable).parent
TIPG_VENV = BENCH / ".venv-tipg"
TIPG_PROPERTIES = ["id", "slug", "name", "status", "types", "services", "commune", "postcode",
                   "department_code", "desks", "price_day", "website", "updated_at"]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


CONFIG = {
    "sizes": [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",") if s.strip()],
    "duration_s": env_int("BENCH_DURATION", 20),
    "warmup_s": env_int("BENCH_WARMUP", 5),
    "connections": env_int("BENCH_CONNECTIONS", 16),
    "threads": env_int("BENCH_THREADS", 2),
    "only": {s.strip() for s in os.environ.get("BENCH_SCENARIOS", "").split(",") if s.strip()},
    "skip_peer": os.environ.get("BENCH_SKIP_PEER") == "1",
    "skip_floor": os.environ.get("BENCH_SKIP_FLOOR") == "1",
    "skip_demo": os.environ.get("BENCH_SKIP_DEMO") == "1",
    "skip_minimal": os.environ.get("BENCH_SKIP_MINIMAL") == "1",
    "pyspy": os.environ.get("BENCH_PYSPY") == "1",
    "output": Path(os.environ.get("BENCH_OUTPUT", BENCH / "results")),
    "db_prefix": os.environ.get("BENCH_DB_PREFIX", "reseau_bench"),
    "app_src": os.environ.get("BENCH_APP_SRC") or None,
    "seed": generate.SEED,
}


def app_env(**extra: str) -> dict[str, str]:
    """The environment of the processes that run the app's code (API, migrations, seed, floor)."""
    env = {**os.environ, **extra}
    env.pop("DATABASE_READ_URL", None)
    if CONFIG["app_src"]:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (CONFIG["app_src"], env.get("PYTHONPATH")) if p)
    return env


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def wanted(scenario_id: str) -> bool:
    return not CONFIG["only"] or scenario_id in CONFIG["only"]


# --- databases ---------------------------------------------------------------------------------------

def database_url(name: str) -> str:
    """A plain postgresql:// URL to `name` on the server the API's settings point at."""
    url = make_url(get_settings().effective_database_url).set(drivername="postgresql", database=name)
    return url.render_as_string(hide_password=False)


def migrate(name: str) -> None:
    env = app_env(DATABASE_URL=database_url(name))
    subprocess.run([str(VENV_BIN / "reseau-api"), "migrate"], env=env, check=True, cwd=PROJECT_ROOT,
                   stdout=subprocess.DEVNULL)


def prepare_size_database(size: int) -> dict:
    """reseau_bench_<size>: reused when it holds this exact synthetic set, else rebuilt and loaded."""
    name = f"{CONFIG['db_prefix']}_{size}"
    dsn = database_url(name)
    if asyncio.run(generate.is_loaded(dsn, size)):
        migrate(name)  # a no-op unless the schema moved on since the load
        log(f"{name}: synthetic set of {size:,} places already loaded")
        return {"database": name, "reused": True}
    log(f"{name}: creating, migrating and loading {size:,} places")
    started = time.monotonic()
    cluster.create_database(get_settings(), name, drop_first=True)
    migrate(name)
    timings = asyncio.run(generate.load(dsn, size, log=lambda m: log(m.strip())))
    timings["total_s"] = round(time.monotonic() - started, 1)
    log(f"{name}: loaded in {timings['total_s']}s")
    return {"database": name, "reused": False, **{k: round(v, 1) for k, v in timings.items()}}


def prepare_demo_database() -> str:
    name = f"{CONFIG['db_prefix']}_demo"
    cluster.create_database(get_settings(), name)
    migrate(name)
    env = app_env(DATABASE_URL=database_url(name), RESEAU_LOG_LEVEL="warning")
    out = subprocess.run([str(VENV_BIN / "reseau-api"), "seed", "--if-empty"], env=env, check=True,
                         cwd=PROJECT_ROOT, capture_output=True, text=True)
    log(f"{name}: {' / '.join(out.stdout.strip().splitlines())}")
    return name


async def _server_versions(dsn: str) -> dict:
    conn = await asyncpg.connect(dsn)
    try:
        return {"postgresql": await conn.fetchval("SHOW server_version"),
                "postgis": await conn.fetchval(
                    "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'")}
    finally:
        await conn.close()


# --- processes ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_up(port: int, path: str, process: subprocess.Popen, within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            if http_get(port, path, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready within {within_s}s")


@contextmanager
def server(cmd: list[str], env: dict, port: int, ready_path: str, cwd: Path, name: str) -> Iterator[int]:
    WORK.mkdir(parents=True, exist_ok=True)
    log_file = (WORK / f"{name}.log").open("w")
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until_up(port, ready_path, process)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


def api_server(database: str, port: int) -> "contextmanager[int]":
    env = app_env(DATABASE_URL=database_url(database), RESEAU_LOG_LEVEL="warning")
    cmd = [str(VENV_BIN / "reseau-api"), "serve", "--port", str(port), "--workers", "1"]
    return server(cmd, env, port, "/health/ready", PROJECT_ROOT, "api")


def tipg_server(database: str, port: int) -> "contextmanager[int]":
    env = {
        "PATH": os.environ.get("PATH", ""), "DATABASE_URL": database_url(database),
        "TIPG_DB_SCHEMAS": '["public"]', "TIPG_DB_TABLES": '["public.place"]',
        "TIPG_TABLE_CONFIG__public_place__PK": "id", "TIPG_TABLE_CONFIG__public_place__GEOMCOL": "geom",
        "TIPG_TABLE_CONFIG__public_place__PROPERTIES": json.dumps(TIPG_PROPERTIES),
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    cmd = [str(TIPG_VENV / "bin" / "uvicorn"), "tipg.main:app", "--port", str(port), "--workers", "1",
           "--log-level", "warning", "--no-access-log"]
    WORK.mkdir(parents=True, exist_ok=True)
    return server(cmd, env, port, "/healthz", WORK, "tipg")  # cwd WORK: no stray .env is read


def minimal_server(database: str, port: int) -> "contextmanager[int]":
    """bench/minimal.py on the API's uvicorn (same loop and HTTP parser), same database settings."""
    env = app_env(DATABASE_URL=database_url(database))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    cmd = [str(VENV_BIN / "uvicorn"), "bench.minimal:app", "--port", str(port), "--workers", "1",
           "--log-level", "warning", "--no-access-log"]
    return server(cmd, env, port, "/health/ready", PROJECT_ROOT, "minimal")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a server process and its children (workers), from /proc."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


class RssSampler:
    """Samples VmRSS of one process every 0.2 s: the peak over its life and over the current window."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self.window_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            kb = self._sample()
            self.peak_kb = max(self.peak_kb, kb)
            self.window_kb = max(self.window_kb, kb)
            self._stop.wait(0.2)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def new_window(self) -> None:
        self.window_kb = self._sample()


# --- drivers ----------------------------------------------------------------------------------------

def write_paths(scenario: Scenario, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{scenario.id}.txt"
    path.write_text("\n".join(scenario.paths) + "\n")
    return path


def wrk(port: int, paths_file: Path, duration: int, connections: int | None = None) -> dict:
    connections = connections or CONFIG["connections"]
    threads = min(CONFIG["threads"], connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "--timeout", "10s", "-s", str(BENCH / "wrk.lua"), f"http://127.0.0.1:{port}", "--", str(paths_file)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def summarise_wrk(raw: dict) -> dict:
    socket_errors = sum(raw["socket_errors"].values())
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": round(raw["requests"] / seconds, 1), "p50_ms": round(raw["latency_us"]["p50"] / 1000, 2),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 2), "requests": raw["requests"],
        "errors": raw["errors_status"] + socket_errors, "first_error_status": raw["first_error_status"] or None,
        "bytes_per_response": round(raw["body_bytes"] / raw["responses"]) if raw["responses"] else None,
    }


def available(port: int, scenario: Scenario) -> tuple[bool, int]:
    """Probe the first request: a 404 whose route is missing from the served OpenAPI is 'not on this build'."""
    status, _ = http_get(port, scenario.paths[0])
    if status != 404:
        return True, status
    openapi_path = "/openapi.json" if scenario.server == "api" else "/api"
    code, body = http_get(port, openapi_path)
    routes = json.loads(body).get("paths", {}) if code == 200 else {}
    return any(route.startswith(scenario.route_prefix) for route in routes), status


def run_http_scenario(port: int, scenario: Scenario, folder: Path, rss: RssSampler | None,
                      pid: int | None = None, server_name: str | None = None) -> dict:
    """One scenario against one server; with `pid`, that process's CPU ms per request over the run."""
    result: dict = {"label": scenario.label if server_name is None else f"{server_name}: {scenario.label}",
                    "server": server_name or scenario.server}
    is_available, probe = available(port, scenario)
    result["probe_status"] = probe
    if not is_available:
        log(f"  {scenario.id:7} {scenario.label}: not available on this build (probe {probe})")
        return {**result, "available": False}
    paths_file = write_paths(scenario, folder)
    if CONFIG["warmup_s"] > 0:
        wrk(port, paths_file, CONFIG["warmup_s"], scenario.connections)
    profiler = None
    if rss is not None:
        rss.new_window()
        if CONFIG["pyspy"]:
            profiler = start_pyspy(rss.pid, folder / f"{scenario.id}.svg")
    cpu_before = cpu_seconds(pid) if pid else None
    raw = wrk(port, paths_file, CONFIG["duration_s"], scenario.connections)
    cpu_after = cpu_seconds(pid) if pid else None
    if profiler is not None:
        profiler.wait()
    result.update(available=True, **summarise_wrk(raw))
    result["connections"] = scenario.connections or CONFIG["connections"]
    if cpu_before is not None and cpu_after is not None and result["requests"]:
        result["cpu_ms_per_req"] = round((cpu_after - cpu_before) * 1000 / result["requests"], 3)
    if rss is not None:
        result["rss_peak_mb"] = round(rss.window_kb / 1024, 1)
    log(f"  {scenario.id:7} {scenario.label}: {result['rps']:>8} req/s  p50 {result['p50_ms']} ms  "
        f"p99 {result['p99_ms']} ms  errors {result['errors']}  {result['bytes_per_response']} B"
        + (f"  rss {result['rss_peak_mb']} MB" if "rss_peak_mb" in result else "")
        + (f"  cpu {result['cpu_ms_per_req']} ms/req" if "cpu_ms_per_req" in result else ""))
    return result


def start_pyspy(pid: int, output: Path) -> subprocess.Popen | None:
    py_spy = TIPG_VENV / "bin" / "py-spy"
    if not py_spy.exists():
        log("  py-spy not installed in bench/.venv-tipg: no profile")
        return None
    return subprocess.Popen([str(py_spy), "record", "--pid", str(pid), "--duration", str(CONFIG["duration_s"]),
                             "--rate", "100", "--nonblocking", "--output", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_floor(database: str, scenario: Scenario, folder: Path) -> dict:
    paths_file = write_paths(scenario, folder)
    cmd = [sys.executable, "-m", "bench.floor", "--dsn", database_url(database), "--paths", str(paths_file),
           "--duration", str(CONFIG["duration_s"]), "--warmup", str(CONFIG["warmup_s"]),
           "--concurrency", str(CONFIG["connections"])]
    env = app_env()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=PROJECT_ROOT, env=env).stdout
    result = {"label": f"floor: SQL of {scenario.id} on asyncpg", "server": "floor", "available": True,
              **json.loads(out.strip().splitlines()[-1])}
    log(f"  {'F' + scenario.id[1:]:7} {result['label']}: {result['rps']:>8} req/s  p50 {result['p50_ms']} ms  "
        f"p99 {result['p99_ms']} ms  errors {result['errors']}")
    return result


async def _page_paths(dsn: str, paths: list[str]) -> list[str]:
    """`/lieux/<id>` -> `/lieux/<slug>`: a place page's address is its slug (an id redirects there)."""
    conn = await asyncpg.connect(dsn)
    try:
        slugs = dict(await conn.fetch("SELECT id::text, slug FROM place WHERE id = ANY($1::uuid[])",
                                      [p.rsplit("/", 1)[1] for p in paths]))
    finally:
        await conn.close()
    return [f"/lieux/{slugs[p.rsplit('/', 1)[1]]}" for p in paths]


async def _prewarm(dsn: str) -> float:
    """Read the place table and its indexes into the OS page cache (pg_prewarm, mode `read`): a freshly
    loaded 1M set (1.6 GB) is otherwise read from disk by the first requests of every scenario, which then
    measure the disk (p50 over a second, queries waiting on DataFileRead), not the work. Returns seconds."""
    started = time.monotonic()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        await conn.execute("""
            SELECT pg_prewarm(r, 'read') FROM (
                SELECT t::regclass AS r FROM unnest(ARRAY['place', 'place_grid']) AS t
                UNION ALL
                SELECT indexrelid::regclass FROM pg_index WHERE indrelid IN ('place'::regclass, 'place_grid'::regclass)
            ) AS relations""")
    finally:
        await conn.close()
    return round(time.monotonic() - started, 1)


def run_size(size: int) -> dict:
    load = prepare_size_database(size)
    database = load["database"]
    load["prewarm_s"] = asyncio.run(_prewarm(database_url(database)))
    log(f"{database}: table and indexes read into the OS page cache in {load['prewarm_s']}s")
    folder = WORK / "paths" / str(size)
    scenarios = {s.id: s for s in size_scenarios(size)}
    if wanted("S10"):
        scenarios["S10"].paths = asyncio.run(_page_paths(database_url(database), scenarios["S10"].paths))
    results: dict = {"load": load, "loadavg_before": os.getloadavg()[0], "scenarios": {}}
    port = free_port()
    log(f"size {size:,}: API on :{port} (1 worker)")
    with api_server(database, port) as pid, RssSampler(pid) as rss:
        for scenario in scenarios.values():
            if scenario.server == "api" and wanted(scenario.id):
                results["scenarios"][scenario.id] = run_http_scenario(port, scenario, folder, rss, pid)
        results["rss_peak_mb"] = round(rss.peak_kb / 1024, 1)
    minimal = [(sid, mid) for sid, mid in MINIMAL.items() if sid in scenarios and wanted(sid)]
    if minimal and not CONFIG["skip_minimal"]:
        port = free_port()
        log(f"size {size:,}: minimal server on :{port} (1 worker)")
        with minimal_server(database, port) as pid:
            for source_id, minimal_id in minimal:
                results["scenarios"][minimal_id] = run_http_scenario(port, scenarios[source_id], folder, None, pid,
                                                                     server_name="minimal")
    if not CONFIG["skip_floor"]:
        for floor_id, source_id in FLOOR.items():
            if wanted(floor_id):
                results["scenarios"][floor_id] = run_floor(database, scenarios[source_id], folder)
    peers = [s for s in scenarios.values() if s.server == "tipg" and wanted(s.id)]
    if peers and not CONFIG["skip_peer"]:
        port = free_port()
        log(f"size {size:,}: tipg on :{port} (1 worker)")
        try:
            with tipg_server(database, port):
                for scenario in peers:
                    results["scenarios"][scenario.id] = run_http_scenario(port, scenario, folder, None)
        except RuntimeError as exc:
            log(f"  tipg did not start: {exc} (see bench/work/tipg.log)")
            for scenario in peers:
                results["scenarios"][scenario.id] = {"label": scenario.label, "server": "tipg", "available": False,
                                                     "note": f"tipg did not start: {exc}"}
    return results


def run_demo() -> dict:
    scenarios = [s for s in demo_scenarios() if wanted(s.id)]
    if not scenarios:
        return {}
    database = prepare_demo_database()
    port = free_port()
    results: dict = {"database": database, "scenarios": {}}
    log(f"demo data: API on :{port} (1 worker)")
    with api_server(database, port) as pid, RssSampler(pid) as rss:
        for scenario in scenarios:
            results["scenarios"][scenario.id] = run_http_scenario(port, scenario, WORK / "paths" / "demo", rss, pid)
        results["rss_peak_mb"] = round(rss.peak_kb / 1024, 1)
    return results


# --- context -----------------------------------------------------------------------------------------

def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = int(next(ln for ln in meminfo if ln.startswith("MemTotal")).split()[1])
    return {"cpu": model, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "os": platform.platform(terse=True),
            "loadavg_start": ", ".join(f"{x:.2f}" for x in os.getloadavg())}


def load_note() -> str:
    """Who else used the CPUs during the run: the load average against the core count."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in ("fastapi", "starlette", "uvicorn", "sqlalchemy", "asyncpg", "pydantic"):
        found[package] = metadata.version(package)
    tipg_python = TIPG_VENV / "bin" / "python"
    if tipg_python.exists():
        found["tipg"] = subprocess.run([str(tipg_python), "-c", "import tipg; print(tipg.__version__)"],
                                       capture_output=True, text=True).stdout.strip() or None
    wrk_out = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    found["wrk"] = (wrk_out.stdout + wrk_out.stderr).split("[")[0].replace("wrk", "").strip() or None
    found.update(asyncio.run(_server_versions(database_url("postgres"))))
    app_root = Path(CONFIG["app_src"]).parent if CONFIG["app_src"] else PROJECT_ROOT
    git = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=app_root)
    found["reseau_api_commit"] = git.stdout.strip() or None
    return found


def _shown_path(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: run `make bench` (it installs it) or apt-get install wrk", file=sys.stderr)
        return 1
    started = datetime.now(UTC)
    data: dict = {
        "date": started.date().isoformat(), "started_at": started.isoformat(timespec="seconds"),
        "config": {k: (sorted(v) if isinstance(v, set) else _shown_path(v) if isinstance(v, Path) else v)
                   for k, v in CONFIG.items()},
        "machine": machine(), "versions": versions(), "sizes": {},
    }
    log(f"sizes {CONFIG['sizes']}, {CONFIG['duration_s']}s per scenario after {CONFIG['warmup_s']}s warm-up, "
        f"{CONFIG['connections']} connections")
    for size in CONFIG["sizes"]:
        data["sizes"][str(size)] = run_size(size)
    if not CONFIG["skip_demo"]:
        data["demo"] = run_demo()
    data["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    data["machine"]["loadavg_end"] = load_note()
    data["targets"] = report.evaluate(data)
    markdown = report.render(data)
    output: Path = CONFIG["output"]
    output.mkdir(parents=True, exist_ok=True)
    (output / f"{data['date']}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (output / f"{data['date']}.md").write_text(markdown)
    (output / "latest.md").write_text(markdown)
    log(f"wrote {output / (data['date'] + '.md')} (and latest.md, .json)")
    print(report.render_targets(data["targets"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
