"""Benchmark in the browser: every page at country, province and region scope, in headless Chromium.

    python bench/browser_timing.py [--schools 8000 [16000 32000]] [--pages / /gemeenten] [--json out.json]

For each number of schools: seeds the national set (`vios seed scale --schools N`) into a temporary
SQLite file, adds a beheerder, serves the app (`vios serve`, the production server gunicorn with its
default workers, each warmed up as it starts, in a subprocess; pass --server-cmd to use another one, with
{port} in it), logs in through the login form in
headless Chromium (selenium + Debian chromium, as tests/conftest.py), opens every page at country
(heel Nederland), province (Zuid-Holland) and region (Haaglanden) scope, then does the page's main
interactions there (Gemeenten: highlight a municipality; Netwerk: pick a school; Planning: make a proposal;
every page: change the peildatum, through the scope bar's date as a user would), and reads each callback's
timing from the browser's Resource Timing (entries for /_dash-update-component and for a grid's rows,
/_rijen/..., which a page fetches after its layout; for an interaction, those that start after it):

- server ms: responseStart - requestStart of one callback request (on loopback: the server's time
  to answer, without the browser's queueing of requests);
- total ms: the entry's duration (queueing in the browser included);
- data s: from navigation start (an interaction: from the interaction) until the last callback's answer
  arrived (responseEnd), read once the page is quiet (no component loading, no new callback answer for
  --quiet seconds);
- drawn s: until the browser's last long task (50 ms or more on its main thread: drawing the charts and
  grids) ended, when that is later than the data: what the user still waits for;
- JSON kB: the callbacks' answers of the page together and the largest one (decoded size).

--rounds N (N > 1): the first round warms every worker up (first layouts of each scope), the table
combines the other rounds: the p95 is then taken over all their callbacks, data and drawn s are the
slowest round's.
--keep DIR seeds each national set once into DIR/browser-<schools>/ and reuses it on the next run.
--profile samples the browser's CPU (Chrome DevTools' profiler) during every row and prints, per row,
where its main thread's time went, by script (plotly, AG Grid, Dash's renderer and React, the app's own
assets, garbage collection): which part of the drawing to look at.

The table gives the ratio to the budget of issue 16: 100 ms per callback (p95 of server time) and 1 s
until a page's data is complete. Nothing is asserted: rerun after a change and compare.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from web import row_data  # after the path: the grids' rows are fetched under its PREFIX

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-23"
PAGES = {"/": "Overzicht", "/certificering": "Certificering", "/gemeenten": "Gemeenten", "/netwerk": "Netwerk",
         "/planning": "Planning"}
PROVINCE, REGION = "Zuid-Holland", "Haaglanden"
USERNAME, PASSWORD = "bench-admin", "Bench-Kx7m-pQ3w-Rt9v"
CALLBACK_BUDGET_MS, PAGE_BUDGET_S = 100.0, 1.0

# Every page records the browser's long tasks (main thread busy for 50 ms or more: drawing charts and grids)
# from its start: what the user still waits for after the last answer arrived.
_LONG_TASKS_JS = """
window.__viosBusy = [];
new PerformanceObserver(list => list.getEntries().forEach(t => window.__viosBusy.push([t.startTime, t.duration])))
  .observe({type: 'longtask', buffered: true});
"""
# Callback entries of this navigation, the long tasks so far, and whether any component still waits.
_STATE_JS = """
const e = performance.getEntriesByType('resource')
  .filter(r => r.name.includes('_dash-update-component') || r.name.includes('ROWS_PREFIX'));
return {
  count: e.length + (window.__viosBusy || []).length,
  busy: (window.__viosBusy || []).map(([start, duration]) => start + duration),
  loading: document.querySelectorAll('[data-dash-is-loading="true"]').length,
  ready: document.readyState,
  entries: e.map(r => ({start: r.startTime, requestStart: r.requestStart, responseStart: r.responseStart,
                        end: r.responseEnd, duration: r.duration, size: r.decodedBodySize})),
};
""".replace("ROWS_PREFIX", row_data.PREFIX)


@dataclass(frozen=True)
class Area:
    """A scope of the benchmark, with what its interactions choose (both lie in the region, so in every scope)."""
    key: str                # ?gebied=
    schools: int            # schools in the scope
    municipality: str       # CBS code to highlight on Gemeenten
    school: str             # DUO code to pick on Netwerk


# The main interactions (issue 16): (name, the page it belongs to or None for every page, JavaScript doing
# it on the opened page through Dash's own set_props or a click, as the user's input would; it returns
# false where the page has no such control, e.g. Planning outside a region). The peildatum comes last: it
# draws the page anew.
INTERACTIONS: tuple[tuple[str, str | None, str], ...] = (
    ("gemeente uitlichten", "/gemeenten", "dash_clientside.set_props('cmp-target', {value: '%(municipality)s'})"),
    ("school kiezen", "/netwerk", "dash_clientside.set_props('net-school', {value: '%(school)s'})"),
    ("voorstel maken", "/planning", "document.getElementById('plan-propose').click()"),
    ("peildatum wijzigen", None, "dash_clientside.set_props('scope-date', {date: '%(date)s'})"),
)
OTHER_DATE = "2026-06-30"
# Runs arguments[0] when the page has the control it names (its first quoted id); when it started, else null.
_INTERACT_JS = """
const id = arguments[0].match(/'([a-z-]+)'/)[1];
const element = document.getElementById(id);
if (!element || (element.disabled === true)) { return null; }
const started = performance.now();
new Function(arguments[0])();
return started;
"""


@dataclass
class Row:
    page: str
    scope: str
    schools: int            # schools in the scope
    dataset: int            # schools in the national set
    callbacks: int
    server_median_ms: float
    server_p95_ms: float
    server_worst_ms: float
    total_worst_ms: float
    data_s: float
    drawn_s: float          # until the browser's last long task ended (drawing), or data_s when later
    json_kb: float          # the callbacks' answers together (decoded JSON)
    json_max_kb: float      # the largest single answer
    cpu_ms: dict[str, float] | None = None   # --profile: the main thread's time per script
    server_ms: list[float] = field(default_factory=list)   # every callback's server time (for combined)


# --profile: a script's URL (part) -> the name it is reported under; the rest by file name
_SCRIPTS = (("plotly", "plotly"), ("dash_ag_grid", "AG Grid"), ("dash-renderer", "Dash"), ("react", "React"),
            ("dash_core_components", "Dash components"), ("dash_bootstrap", "Dash components"),
            ("/assets/", "app assets"))


def profile_start(driver: Any) -> None:
    driver.execute_cdp_cmd("Profiler.enable", {})
    driver.execute_cdp_cmd("Profiler.setSamplingInterval", {"interval": 1000})
    driver.execute_cdp_cmd("Profiler.start", {})


def profile_stop(driver: Any) -> dict[str, float]:
    """The sampled time (ms) per script since profile_start, busiest first; idle time left out."""
    profile = driver.execute_cdp_cmd("Profiler.stop", {})["profile"]
    frames = {n["id"]: n["callFrame"] for n in profile["nodes"]}
    spent: dict[str, float] = {}
    for node, delta in zip(profile.get("samples", []), profile.get("timeDeltas", [])[1:] + [0], strict=True):
        url, function = frames[node]["url"], frames[node]["functionName"]
        name = next((label for part, label in _SCRIPTS if part in url), url.rsplit("/", 1)[-1].split("?")[0]) \
            if url else function or "(anonymous)"
        if name != "(idle)":
            spent[name] = spent.get(name, 0.0) + delta / 1000
    return dict(sorted(spent.items(), key=lambda kv: -kv[1]))


def _vios(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    code = "import sys; from cli.main import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"vios {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=f"sqlite:///{folder / 'vios.db'}", VIOS_INSTANCE=str(folder / "instance"),
               VIOS_TODAY=TODAY, PYTHONPATH=str(ROOT))
    return env


def prepare(folder: Path, schools: int) -> tuple[dict[str, str], dict[str, Area]]:
    """Seed the national set and a beheerder (unless folder holds them from an earlier run: --keep);
    (environment, scope label -> its Area)."""
    env = _environment(folder)
    if not (folder / "vios.db").exists():
        started = time.perf_counter()
        _vios(env, "seed", "scale", "--schools", str(schools), "--today", TODAY)
        print(f"# seeded {schools} schools in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        _vios(env, "user", "add", USERNAME, "--role", "beheerder", "--password-stdin", stdin=PASSWORD + "\n")
    with sqlite3.connect(folder / "vios.db") as db:
        def one(sql: str, *params: object) -> int:
            return int(db.execute(sql, params).fetchone()[0])

        active = "(s.active = 1 OR s.inactive_since > ?)"
        province = one("SELECT id FROM province WHERE name = ?", PROVINCE)
        region = one("SELECT id FROM region WHERE name = ?", REGION)
        in_region = ("FROM school s JOIN municipality m ON s.municipality_id = m.id "
                     f"WHERE {active} AND m.region_id = ?")
        municipality = str(db.execute(f"SELECT m.cbs_code {in_region} ORDER BY m.name LIMIT 1",
                                      (TODAY, region)).fetchone()[0])
        school = str(db.execute(f"SELECT s.code {in_region} AND EXISTS (SELECT 1 FROM partnership p "
                                "WHERE p.school_id = s.id) ORDER BY s.code LIMIT 1", (TODAY, region)).fetchone()[0])

        def area(key: str, n: int) -> Area:
            return Area(key, n, municipality, school)

        scopes = {
            "heel Nederland": area("nl", one(f"SELECT count(*) FROM school s WHERE {active}", TODAY)),
            f"provincie {PROVINCE}": area(f"p{province}", one(
                f"SELECT count(*) FROM school s JOIN municipality m ON s.municipality_id = m.id "
                f"WHERE {active} AND m.province_id = ?", TODAY, province)),
            f"regio {REGION}": area(f"r{region}", one(f"SELECT count(*) {in_region}", TODAY, region)),
        }
    return env, scopes


def serve(env: dict[str, str], port: int, server_cmd: str | None, log: Path | None = None) -> subprocess.Popen[bytes]:
    if server_cmd:
        command = server_cmd.format(port=port, python=sys.executable).split()
    else:
        code = "import sys; from cli.main import main; sys.exit(main(sys.argv[1:]))"
        command = [sys.executable, "-c", code, "serve", "--port", str(port)]
    err = open(log, "ab") if log is not None else subprocess.DEVNULL  # open while the server runs
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the server stopped") from None
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the server did not start within 60 s")


def browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DASH_TEST_CHROMEPATH") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(120)  # a loaded machine: reading the timings may take long
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _LONG_TASKS_JS})
    return driver


def login(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/login")
    WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "login-username"))).send_keys(USERNAME)
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)


def open_page(driver: Any, url: str, quiet: float, timeout: float) -> list[dict[str, float]]:
    """Open url and wait until its callbacks are done; the callback entries of that navigation."""
    driver.get(url)
    return wait_quiet(driver, url, quiet, timeout)


def wait_quiet(driver: Any, what: str, quiet: float, timeout: float) -> list[dict[str, float]]:
    """Wait until the page is done (nothing loading, no new callback answer or long task for quiet s); its
    callback entries, and the long tasks' ends as entries of kind 'busy'."""
    deadline = time.monotonic() + timeout
    last_count, last_change = -1, time.monotonic()
    state = driver.execute_script(_STATE_JS)
    while time.monotonic() < deadline:
        state = driver.execute_script(_STATE_JS)
        if state["count"] != last_count or state["loading"] or state["ready"] != "complete":
            last_count, last_change = state["count"], time.monotonic()
        elif time.monotonic() - last_change >= quiet:
            break
        time.sleep(0.1)
    else:
        print(f"# {what}: still loading after {timeout:.0f} s", file=sys.stderr)
    return list(state["entries"]) + [{"busy": end} for end in state["busy"]]


def interact(driver: Any, script: str, quiet: float, timeout: float) -> tuple[float, list[dict[str, float]]] | None:
    """Do an interaction on the open page; (its start, the callback entries after it), None without its control."""
    started = driver.execute_script(_INTERACT_JS, script)
    if started is None:
        return None
    time.sleep(0.2)  # the first callback request goes out
    entries = wait_quiet(driver, script, quiet, timeout)
    return float(started), [e for e in entries if e.get("start", e.get("busy", 0.0)) >= started]


def _p95(values: list[float]) -> float:
    """Nearest rank: the ceil(0.95 n)-th smallest (of 20 values the 19th; round() rounded 19.5 up to the 20th)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered) - 1e-9) - 1))]


def _row(page: str, scope: str, area: Area, dataset: int, found: list[dict[str, float]], since: float) -> Row:
    entries = [e for e in found if "busy" not in e]
    server = [e["responseStart"] - e["requestStart"] for e in entries] or [0.0]
    data_s = (max((e["end"] for e in entries), default=since) - since) / 1000
    drawn_s = max([data_s] + [(e["busy"] - since) / 1000 for e in found if "busy" in e])
    return Row(page, scope, area.schools, dataset, len(entries), statistics.median(server), _p95(server),
               max(server), max((e["duration"] for e in entries), default=0.0), data_s, drawn_s,
               sum(e.get("size") or 0 for e in entries) / 1024,
               max((e.get("size") or 0 for e in entries), default=0) / 1024, server_ms=server)


def combined(rounds: list[list[Row]]) -> list[Row]:
    """One row per page, scope and interaction over several rounds: the server times' median and p95 over
    every callback of every round (with two rounds of nine callbacks the p95 is simply the slowest one),
    the slowest data and drawing time of any round; the sizes and profile of the last round."""
    earlier: dict[tuple[str, str, int], list[Row]] = {}
    for rows in rounds:
        for row in rows:
            earlier.setdefault((row.page, row.scope, row.dataset), []).append(row)
    out = []
    for last in rounds[-1]:
        same = earlier[(last.page, last.scope, last.dataset)]
        server = [ms for row in same for ms in row.server_ms] or [0.0]
        out.append(replace(last, server_median_ms=statistics.median(server), server_p95_ms=_p95(server),
                           server_worst_ms=max(server), total_worst_ms=max(r.total_worst_ms for r in same),
                           data_s=max(r.data_s for r in same), drawn_s=max(r.drawn_s for r in same),
                           server_ms=server))
    return out


def measure(driver: Any, base: str, dataset: int, scopes: dict[str, Area], pages: list[str],
            quiet: float, timeout: float, profile: bool = False) -> list[Row]:
    rows = []
    for path in pages:
        name = PAGES.get(path, path)
        for label, area in scopes.items():
            if profile:
                profile_start(driver)
            entries = open_page(driver, f"{base}{path}?gebied={area.key}&peildatum={TODAY}", quiet, timeout)
            rows.append(_row(name, label, area, dataset, entries, 0.0))
            if profile:
                rows[-1].cpu_ms = profile_stop(driver)
            for action, page, script in INTERACTIONS:
                if page not in (None, path):
                    continue
                if profile:
                    profile_start(driver)
                done = interact(driver, script % {"municipality": area.municipality, "school": area.school,
                                                  "date": OTHER_DATE}, quiet, timeout)
                cpu = profile_stop(driver) if profile else None
                if done is not None and any("busy" not in e for e in done[1]):
                    rows.append(_row(f"{name}: {action}", label, area, dataset, done[1], done[0]))
                    rows[-1].cpu_ms = cpu
    return rows


def print_profiles(rows: list[Row], top: int = 6) -> None:
    """--profile: per row, the main thread's busiest scripts (ms) while the row was measured."""
    print("\n## the browser's main thread per row (CPU profile, ms; the quiet wait at the end included)")
    for r in rows:
        if r.cpu_ms is not None:
            busiest = ", ".join(f"{name} {ms:.0f}" for name, ms in list(r.cpu_ms.items())[:top])
            print(f"{r.page[:32]:<32}  {r.scope[:24]:<24}  {busiest}")


def print_table(rows: list[Row]) -> None:
    head = (f"{'page':<34}{'scope':<26}{'schools':>8}{'cb':>4}{'median ms':>10}{'p95 ms':>8}{'worst ms':>9}"
            f"{'x budget':>9}{'data s':>8}{'x budget':>9}{'drawn s':>8}{'JSON kB':>9}{'max kB':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r.page:<34}{r.scope:<26}{r.schools:>8}{r.callbacks:>4}{r.server_median_ms:>10.0f}"
              f"{r.server_p95_ms:>8.0f}{r.server_worst_ms:>9.0f}{r.server_p95_ms / CALLBACK_BUDGET_MS:>9.1f}"
              f"{r.data_s:>8.2f}{r.data_s / PAGE_BUDGET_S:>9.1f}{r.drawn_s:>8.2f}{r.json_kb:>9.0f}"
              f"{r.json_max_kb:>8.0f}")


@contextlib.contextmanager
def _folder(keep: Path | None, schools: int) -> Iterator[str]:
    """A temporary folder, or with --keep the kept one (made once)."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="vios-browser-bench-") as tmp:
            yield tmp
        return
    folder = keep / f"browser-{schools}"
    folder.mkdir(parents=True, exist_ok=True)
    yield str(folder)


def print_callbacks(log: Path) -> None:
    """Per callback (its outputs, from the request log; the page router per page): requests, median and
    worst server ms."""
    times: dict[str, list[float]] = {}
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("callback") and isinstance(entry.get("ms"), (int, float)):
            page = f" {entry['page']}" if entry.get("page") else ""  # the router: per page drawn
            times.setdefault(str(entry["callback"])[:70 - len(page)] + page, []).append(float(entry["ms"]))
    print(f"\n{'callback (outputs), from the request log':<72}{'n':>4}{'median ms':>10}{'worst ms':>9}")
    for name, values in sorted(times.items(), key=lambda kv: -max(kv[1])):
        print(f"{name:<72}{len(values):>4}{statistics.median(values):>10.0f}{max(values):>9.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, nargs="+", default=[8000], help="national set sizes (8000 16000 32000)")
    parser.add_argument("--pages", nargs="+", default=list(PAGES), help="page paths")
    parser.add_argument("--rounds", type=int, default=1,
                        help="open every page this often (after one warm-up); with more than one round the "
                             "first is a warm-up too and the table combines the others (combined)")
    parser.add_argument("--quiet", type=float, default=1.5, help="seconds without a new answer: the page is done")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per page at most")
    parser.add_argument("--server-cmd", default=None, help="serve with this command ({port}, {python} filled in)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON here")
    parser.add_argument("--log", type=Path, default=None,
                        help="write the server's request log here and print the time per callback")
    parser.add_argument("--profile", action="store_true",
                        help="print where the browser's main thread spent its time per row (CPU profile)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="seed each national set once into KEEP/browser-<schools>/ and reuse it (writes stay)")
    args = parser.parse_args(argv)
    all_rows: list[Row] = []
    for n in args.schools:
        with _folder(args.keep, n) as tmp:
            env, scopes = prepare(Path(tmp), n)
            port = _free_port()
            if args.log is not None:
                args.log.unlink(missing_ok=True)
            server = serve(env, port, args.server_cmd, args.log)
            driver = browser()
            try:
                base = f"http://127.0.0.1:{port}"
                login(driver, base)
                open_page(driver, f"{base}/?gebied=nl&peildatum={TODAY}", args.quiet, args.timeout)  # warm-up
                measured = [measure(driver, base, n, scopes, args.pages, args.quiet, args.timeout, args.profile)
                            for _ in range(args.rounds)]
                rows = combined(measured[1:] or measured)   # the first round of several warms every worker
                all_rows += rows
                print(f"\n## national set of {n} schools (server: {args.server_cmd or 'vios serve'}); "
                      f"load average {Path('/proc/loadavg').read_text().split()[:3]}")
                print_table(rows)
                if args.profile:
                    print_profiles(rows)
                if args.log is not None:
                    print_callbacks(args.log)
                sys.stdout.flush()
            finally:
                driver.quit()
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:  # a busy machine: the table is printed, stop it hard
                    server.kill()
                    server.wait(timeout=30)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in all_rows], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
