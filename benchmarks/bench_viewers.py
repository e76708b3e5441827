"""Many viewers and server start-up (issue 12): first drawn page, then 20 browsers at once.

Run:  python benchmarks/bench_viewers.py [--rows 1000000] [--viewers 20] [--changes 5]
          [--think 0] [--deadline 600] [--donors 0] [--browser-nice 0] [--profile]
          [--streamlit-option KEY=VALUE] [--tag T]
First try it small: --rows 20000 --viewers 3. It measures and prints; it asserts nothing
about time. Writes benchmarks/out/viewers-<rows>[-<tag>].md and .json (and -profile.txt, the
raw py-spy stacks, with --profile). Needs Debian's chromium and Playwright (tests use both).

- The store: `python -m reach demo --rows N` then `python -m reach load`, built once into
  benchmarks/out/viewers-<rows>/ and reused (--rebuild makes it again). Not under the deadline.
- Start-up floor: `python -m reach --help`, a whole process.
- First page: `streamlit run dashboard.py` spawned in open mode (no accounts, a local browser
  is an analyst), timed from the spawn to the health endpoint answering, to the first tile's
  number, and to the whole Overview drawn (every chart drawn, the run finished). Median of 3.
- Many viewers: a server with accounts (director, donor); one headless Chromium with a context
  per viewer, all at once. Each signs in, then changes the sidebar filters --changes times
  (a program, a country, an event type, Reset filters, ...; donors: their select boxes). A
  redraw is timed from the click that changes a filter to the page drawn again: the scope line
  of the new run shown, the run finished, every chart drawn. Waits are on the page's state,
  never sleeps. Each viewer picks other values, so most redraws miss the shared query caches.
- --think S: after signing in and after each redraw, a viewer reads the page before the next
  change, as a person does: S seconds on average (each pause drawn between 0.5 S and 1.5 S
  from the viewer's own seeded generator, so runs repeat). The default, 0, clicks again at
  once: every viewer is always waiting on a redraw, the hardest case.
- The server's own part: it runs with REACH_SLOW_RUN_SECONDS=0, so it logs how long each page
  run took (reach.problems.log_run); the runs logged during the viewers' part are reported
  beside the redraws the browsers saw. A run's time is the server's wait for the page, from
  the run's start to its last element, under the load of all the others.
- --browser-nice N: the browsers (Chromium and Playwright's driver, every thread) run at this
  niceness (0-19), so they take only the cores the server leaves: a stand-in for viewers on
  machines of their own. The default, 0, has them compete with the server as equals.
- The server's peak memory is its VmHWM (peak RSS) from /proc, read at the end.
- --profile samples the server with py-spy (`pip install py-spy`) during the viewers' run and
  prints the functions of Reach that the samples spend the most time in.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OVERVIEW = "How far the programs reach"  # the Overview's heading, in English
WAIT = 180.0  # s: the longest any one wait may take, deadline permitting (a loaded machine)
FIRST_PAGE_SPAWNS = 3
POLL = 0.1  # s: how often each of the many viewers' pages tests whether it has redrawn

# True once a page has settled after a run: the run has finished and the scope line of the new
# run (not a stale element of the last one) reads other than `old`; with `drawn`, also nothing
# is left to draw (no skeleton, every plotly chart has its SVG, every map has painted) and a
# tile or the no-match note is shown. Returns the scope line then. One predicate for the first
# draw and every redraw, so every figure ends at the same state.
SETTLED = """([old, drawn]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const fresh = [...document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]:not([data-stale="true"])')];
    const scope = fresh.map(e => e.querySelector('[data-testid="stCaptionContainer"]'))
        .filter(c => c && c.innerText.trim().startsWith('Scope:'))
        .map(c => c.innerText.trim());
    if (scope.length !== 1 || scope[0] === old) return false;
    if (!drawn) return scope[0];  // the run has finished: what the server did is on the page
    const shown = fresh.some(e => e.querySelector('[data-testid="stMetricValue"]')
        || e.querySelector('[data-testid="stAlert"]'));
    if (!shown) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    if (!charts.every(c => c.querySelector('.main-svg'))) return false;
    const maps = [...document.querySelectorAll('.js-plotly-plot')]
        .filter(g => g._fullLayout && g._fullLayout.map);
    const painted = maps.every(g => {
        const m = g._fullLayout.map._subplot && g._fullLayout.map._subplot.map;
        return m && m.loaded() && m.areTilesLoaded() && !m.isMoving();
    });
    return painted ? scope[0] : false;
}"""

# The first tile's number, fresh: the earliest moment a person reads a figure.
FIRST_TILE = """() => [...document.querySelectorAll('[data-testid="stElementContainer"]'
        + ':not([data-stale="true"]) [data-testid="stMetricValue"]')]
    .some(v => /\\d/.test(v.innerText))"""


# --- the store ----------------------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for the CLI and the server: English, this run's store and accounts."""
    drop = {"REACH_ACCOUNTS", "REACH_DEBUG", "REACH_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # The page texts the waits look for ("Scope:", "Sign in to Reach") are the English ones.
    env["LANG"] = "C.UTF-8"
    return {**env, **extra}


def reach(*args: str, env: dict[str, str], stdin: str | None = None) -> float:
    """Run `python -m reach ARGS` to the end; its wall time in seconds."""
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reach", *args],
        input=stdin, capture_output=True, text=True, check=True, cwd=ROOT, env=env,
    )  # fmt: skip
    return time.perf_counter() - t


def build_store(rows: int, rebuild: bool) -> tuple[Path, Path]:
    """The store of `demo --rows` (and its linkage key), made once and reused from the cache."""
    cache = OUT / f"viewers-{rows}"
    db, key = cache / "store.duckdb", cache / "reach.key"
    done = cache / ".complete"  # written last: a half-made store is never reused
    if done.exists() and not rebuild:
        return db, key
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    # The row cap guards uploads; a benchmark of N rows lifts it past N (demo writes a few
    # rows more than asked: 10,000,002 for ten million).
    cap = max(2_000_000, rows + rows // 100)
    env = clean_env(REACH_DB=str(db), REACH_KEY_FILE=str(key), REACH_MAX_ROWS=str(cap))
    print(f"Building the {rows:,}-row store in {cache.relative_to(ROOT)} …", flush=True)
    made = reach("demo", "--rows", str(rows), str(cache / "csv"), env=env)
    loaded = reach("load", str(cache / "csv"), env=env)
    print(f"  demo {made:.1f} s, load {loaded:.1f} s", flush=True)
    done.touch()
    return db, key


def store_facts(db: Path) -> dict[str, Any]:
    """The store's participant rows and events."""
    with duckdb.connect(str(db), read_only=True) as con:
        people = con.execute("select count(*) from participants").fetchone()[0]
        events = con.execute("select count(*) from events").fetchone()[0]
    return {"participant_rows": people, "events": events}


def add_accounts(env: dict[str, str], db: Path) -> dict[str, str]:
    """A director and a donor account in this run's accounts file; their passwords."""
    passwords = {}
    for name in ("director", "donor"):
        passwords[name] = f"{name}-{secrets.token_hex(12)}"
        reach("accounts", "add", name, "--role", name, "--password-stdin", "--db", str(db),
              env=env, stdin=passwords[name] + "\n")  # fmt: skip
    return passwords


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_kb(pid: int, field_name: str) -> int | None:
    """A /proc/PID/status memory field (VmRSS, VmHWM) in kB; None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a live process has used, in seconds (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(*roots: int) -> set[int]:
    """The live processes under the `roots` (children, their children, …), from one read of
    /proc."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children[ppid].append(int(entry))
    found: set[int] = set()
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def renice(pids: set[int], niceness: int) -> None:
    """Set the niceness of every thread of these processes that has another."""
    for pid in pids:
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            continue  # gone meanwhile
        for tid in tids:
            try:
                # Linux keeps a niceness per thread: PRIO_PROCESS with a thread id sets that one.
                if os.getpriority(os.PRIO_PROCESS, tid) != niceness:
                    os.setpriority(os.PRIO_PROCESS, tid, niceness)
            except OSError:
                pass  # the thread ended meanwhile


class Renicer:
    """Keeps the browsers (the processes under `roots`) at a niceness while it runs. Again and
    again, every `every` seconds: Chromium sets its renderers' priority itself, as they start
    and as pages show or hide."""

    def __init__(self, roots: set[int], niceness: int, every: float = 0.25) -> None:
        self.roots, self.niceness, self.every = roots, niceness, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            renice(set(self.roots) | descendants(*self.roots), self.niceness)
            if self._stop.wait(self.every):
                return

    def start(self) -> Renicer:
        """Begin."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop (the browsers keep the niceness they have)."""
        self._stop.set()
        self._thread.join()


RUN_LINE = re.compile(r"page run: (?P<page>\S+) in (?P<seconds>\d+(?:\.\d+)?) s")


def logged_runs(log: Path, start: int = 0) -> list[tuple[str, float]]:
    """The page runs the server logged (page, seconds), from byte `start` of its log on."""
    with log.open("rb") as f:
        f.seek(start)
        text = f.read().decode("utf-8", errors="replace")
    return [(m["page"], float(m["seconds"])) for m in RUN_LINE.finditer(text)]


def machine_busy() -> tuple[float, float]:
    """All cores' busy and total jiffies since boot (the first line of /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return sum(values) - idle, sum(values)


class CpuWatch:
    """Who uses the cores while it runs: the server, this benchmark's browsers (Playwright's
    driver and Chromium, sampled every half second, since a closed page's renderer process
    takes its CPU count with it) and the machine as a whole (other work included)."""

    def __init__(self, server: int) -> None:
        self.server = server
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._server = self._began = 0.0
        self._machine = (0.0, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _browsers(self) -> dict[int, float]:
        mine = descendants(os.getpid()) - {self.server} - descendants(self.server)
        return {pid: cpu_seconds(pid) for pid in mine}

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self._last.update({p: c for p, c in self._browsers().items() if c})

    def start(self) -> None:
        """Take the starting counts and begin sampling."""
        self._start = self._browsers()
        self._server = cpu_seconds(self.server)
        self._machine = machine_busy()
        self._began = time.perf_counter()
        self._thread.start()

    def stop(self) -> dict[str, float]:
        """Stop sampling; average cores used by each, and the machine's busy share."""
        self._stop.set()
        self._thread.join()
        wall = time.perf_counter() - self._began
        self._last.update({p: c for p, c in self._browsers().items() if c})
        browsers = sum(c - self._start.get(p, 0.0) for p, c in self._last.items())
        busy, total = machine_busy()
        return {
            "server_cores": (cpu_seconds(self.server) - self._server) / wall,
            "browser_cores": browsers / wall,
            "machine_busy_share": (busy - self._machine[0]) / max(total - self._machine[1], 1),
            "cores": os.cpu_count() or 1,
        }


class Server:
    """`streamlit run dashboard.py` on a free port, spawned at `self.spawned` (perf_counter)."""

    def __init__(self, env: dict[str, str], log: Path, options: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        # A file, not a pipe: an unread pipe fills up and stalls the server.
        self._log = log.open("w")
        self.spawned = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
                *options,
            ],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.rss_samples: list[int] = []
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        # A trace of the resident size over the run (the peak itself is VmHWM, exact).
        while not self._stop.wait(0.5):
            kb = proc_kb(self.proc.pid, "VmRSS")
            if kb is not None:
                self.rss_samples.append(kb)

    def wait_healthy(self, timeout: float = 120.0) -> float:
        """Seconds from the spawn until /_stcore/health answers 200 (polled every 20 ms)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.spawned
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log_path.read_text()}")
            time.sleep(0.02)
        raise RuntimeError(f"streamlit did not start:\n{self.log_path.read_text()}")

    def peak_mb(self) -> float | None:
        """The server's peak resident memory so far (VmHWM), in MB."""
        kb = proc_kb(self.proc.pid, "VmHWM")
        return None if kb is None else kb / 1024

    def stop(self) -> None:
        """Stop the server (it was started here) and its sampler."""
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# --- the browser side ---------------------------------------------------------------------


async def settled(
    page: Page, old: str, timeout: float, every: float | None = None, drawn: bool = True
) -> str:
    """Wait until the page has settled on a scope line other than `old` (and, if `drawn`,
    drawn every chart); that line. The test runs at each animation frame, or every `every`
    seconds (many pages at once: at 60 a second, 20 pages' tests would take a core)."""
    polling: float | str = "raf" if every is None else every * 1000
    handle = await page.wait_for_function(
        SETTLED, arg=[old, drawn], timeout=timeout * 1000, polling=polling
    )
    return str(await handle.json_value())


async def new_page(browser: Browser) -> Page:
    """A page in a context of its own (its own Streamlit session), English, tall window."""
    # Streamlit scrolls inside its own container, so a tall window shows a whole page.
    context = await browser.new_context(viewport={"width": 1400, "height": 2000}, locale="en-US")
    context.set_default_timeout(WAIT * 1000)
    return await context.new_page()


async def sign_in(
    page: Page, url: str, name: str, password: str, timeout: float, every: float | None = None
) -> str:
    """Open the server, sign in on the sign-in page, wait for the Overview; its scope line."""
    await page.goto(url)
    await page.get_by_role("heading", name="Sign in to Reach").wait_for(timeout=timeout * 1000)
    await page.get_by_role("textbox", name="Username").fill(name)
    await page.get_by_role("textbox", name="Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    return await settled(page, "", timeout, every)


def sidebar_widget(page: Page, kind: str, label: str) -> Any:
    """A sidebar widget (stMultiSelect, stSelectbox) by its label."""
    sidebar = page.get_by_test_id("stSidebar")
    return sidebar.get_by_test_id(kind).filter(
        has=page.get_by_test_id("stWidgetLabel").filter(
            has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
        )
    )


# One change: opens what it needs (not timed), then returns the click that changes the filter.
Change = Callable[[Page, int], Awaitable[Callable[[], Awaitable[None]]]]


def pick(kind: str, label: str) -> Change:
    """A change that picks the `seed`-th option of a sidebar multiselect or select box."""

    async def opened(page: Page, seed: int) -> Callable[[], Awaitable[None]]:
        # The text box, not the widget's middle: that may be a chosen value's remove button.
        await sidebar_widget(page, kind, label).locator("input").click()
        # Not a multiselect's "Select all": one value at a time, as a person narrows down.
        options = page.get_by_role("option").filter(has_not_text=re.compile(r"^\s*Select all\s*$"))
        await options.first.wait_for()
        n = await options.count()
        if kind == "stSelectbox" and n > 1:
            choice = options.nth(1 + seed % (n - 1))  # never the first, "All …"
        else:
            choice = options.nth(seed % n)

        async def click() -> None:
            await choice.click()

        return click

    return opened


async def reset(page: Page, seed: int) -> Callable[[], Awaitable[None]]:
    """A change that presses Reset filters."""
    button = page.get_by_test_id("stSidebar").get_by_role("button", name="Reset filters")

    async def click() -> None:
        await button.click()

    return click


# Each role's cycle of changes; a cycle ends with Reset, so every change changes the scope.
PLANS: dict[str, list[tuple[str, Change]]] = {
    "director": [
        ("program", pick("stMultiSelect", "Programs")),
        ("country", pick("stMultiSelect", "Event countries")),
        ("event type", pick("stMultiSelect", "Event types")),
        ("reset", reset),
    ],
    "donor": [
        ("program", pick("stSelectbox", "Program")),
        ("country", pick("stSelectbox", "Event country")),
        ("year", pick("stSelectbox", "Year")),
        ("reset", reset),
    ],
}


@dataclass
class Redraw:
    """One timed redraw of one viewer."""

    viewer: int
    role: str
    change: str
    seconds: float  # the click to the page drawn again
    run_seconds: float  # the click to the run's end (the new scope line, the run finished)
    scope: str


@dataclass
class ViewerRun:
    """What one viewer did: its sign-in time, its redraws and what stopped it early."""

    viewer: int
    role: str
    sign_in_seconds: float | None = None
    redraws: list[Redraw] = field(default_factory=list)
    error: str | None = None


async def viewer(
    browser: Browser,
    url: str,
    number: int,
    role: str,
    password: str,
    changes: int,
    deadline: float,
    think: float = 0.0,
) -> ViewerRun:
    """One person: sign in, then change the filters `changes` times, timing each redraw, and
    reading the page for about `think` seconds after each."""
    run = ViewerRun(number, role)
    pauses = random.Random(number)
    page = await new_page(browser)
    plan = PLANS[role]
    try:
        left = deadline - time.monotonic()
        t = time.perf_counter()
        scope = await sign_in(page, url, role, password, min(WAIT, left), POLL)
        run.sign_in_seconds = time.perf_counter() - t
        for k in range(changes):
            left = deadline - time.monotonic()
            if left <= 0:
                run.error = "deadline"
                break
            name, change = plan[k % len(plan)]
            if think > 0:
                # A person reading the page before the next change (not waiting on it).
                await asyncio.sleep(min(think * pauses.uniform(0.5, 1.5), left))
                left = deadline - time.monotonic()
                if left <= 0:
                    run.error = "deadline"
                    break
            # Each viewer its own values: viewer 3 picks other options than viewer 4.
            click = await change(page, number * 3 + k)
            t = time.perf_counter()
            await click()
            # First the run's end (the server's part, as the browser sees it), then the drawing.
            await settled(page, scope, min(WAIT, left), POLL, drawn=False)
            ran = time.perf_counter() - t
            new = await settled(page, scope, max(min(WAIT, deadline - time.monotonic()), 1), POLL)
            run.redraws.append(Redraw(number, role, name, time.perf_counter() - t, ran, new))
            scope = new
            # A multiselect stays open after a pick: close it before the next change.
            await page.keyboard.press("Escape")
            if await page.get_by_test_id("stException").count():
                run.error = "an exception box on the page"
                break
    except Exception as exc:  # noqa: BLE001 - a viewer that fails reports it; the rest go on
        run.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        await page.context.close()
    return run


async def first_page(
    browser: Browser, db: Path, key: Path, work: Path, n: int, options: tuple[str, ...]
) -> dict:
    """Spawn a server in open mode; seconds from the spawn to health, first tile, page drawn."""
    # Open mode: an accounts file with no account (a new path per spawn: audits create it).
    env = clean_env(
        REACH_DB=str(db), REACH_KEY_FILE=str(key), REACH_ACCOUNTS=str(work / f"open-{n}.sqlite")
    )
    page = await new_page(browser)  # made before the spawn: Chromium's own cost is not counted
    server = Server(env, work / f"first-page-{n}.log", options)
    try:
        health = await asyncio.to_thread(server.wait_healthy)
        await page.goto(server.url)
        await page.wait_for_function(FIRST_TILE, timeout=WAIT * 1000)
        tile = time.perf_counter() - server.spawned
        await settled(page, "", WAIT)
        drawn = time.perf_counter() - server.spawned
        heading = await page.locator("h1").first.inner_text()
        if OVERVIEW not in heading:
            raise RuntimeError(f"the first page is not the Overview: {heading!r}")
        return {"health": health, "first_tile": tile, "drawn": drawn, "peak_mb": server.peak_mb()}
    finally:
        await page.context.close()
        server.stop()


# --- profile ------------------------------------------------------------------------------


def py_spy() -> str | None:
    """The py-spy executable (the venv's, else one on PATH), or None."""
    here = Path(sys.executable).with_name("py-spy")
    return str(here) if here.exists() else shutil.which("py-spy")


FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
# A sample whose innermost Python frame is one of these is a thread waiting (for a socket, a
# lock, a queue, a timer), not work: py-spy's own idle test misses some of them.
WAITING = re.compile(
    r"\((selectors|threading|queue)\.py\)$|polling_path_watcher\.py\)$"
    r"|^_worker \((concurrent/futures/)?thread\.py\)$"
)
PAGES = {p.name for p in (ROOT / "pages").glob("*.py")} | {"dashboard.py"}
# Where a busy sample's time goes, by the code on its stack (a sample may count in several).
BUCKETS = {
    "plotly figures (plotly, _plotly_utils)": re.compile(r"\((_?plotly[^/]*)/"),
    "DuckDB queries (reach/sqlfiles.py run, run_script)": re.compile(
        r"^(run|run_script) \(reach/sqlfiles\.py\)$"
    ),
    "pandas": re.compile(r"\(pandas/"),
    "Streamlit elements (serialising what a page draws)": re.compile(r"\(streamlit/elements/"),
    "Streamlit's gc.collect(2) after each run (runner.postScriptGC)": re.compile(
        r"^ScriptRunner\._on_script_finished \("
    ),
    "sign-in (argon2 password check)": re.compile(r"\(argon2/"),
}


def summarise_profile(raw: Path, top: int = 15) -> dict[str, Any]:
    """From py-spy's collapsed stacks, over the busy samples (waits left out): the share each
    Reach function is on the stack of (inclusive), each bucket of code, and each innermost
    function (self)."""
    inclusive: collections.Counter[str] = collections.Counter()
    buckets: collections.Counter[str] = collections.Counter()
    leaf: collections.Counter[str] = collections.Counter()
    busy = waiting = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [short(f) for f in stack.split(";")]
        if WAITING.search(frames[-1]):
            waiting += count
            continue
        busy += count
        leaf[frames[-1]] += count
        # A recursive function, or a bucket met twice, counts once per sample.
        for name in {f for f in frames if f.endswith(".py)") and is_reach(f)}:
            inclusive[name] += count
        for bucket, pattern in BUCKETS.items():
            if any(pattern.search(f) for f in frames):
                buckets[bucket] += count

    def share(c: collections.Counter[str]) -> list[tuple[str, float]]:
        return [(n, v / busy) for n, v in c.most_common(top)] if busy else []

    return {
        "busy_samples": busy,
        "waiting_samples": waiting,
        "reach_inclusive": share(inclusive),
        "buckets": share(buckets),
        "leaf_self": share(leaf),
    }


def short(frame: str) -> str:
    """A py-spy frame as `function (file)`, its line number dropped, a page as pages/NAME."""
    m = FRAME.match(frame)
    if not m:
        return frame
    file = m["file"]
    if "/src/reach/" in file:  # a path py-spy could not make relative to sys.path
        file = "reach/" + file.split("/src/reach/", 1)[1]
    elif file in PAGES and file != "dashboard.py":
        file = f"pages/{file}"  # a page runs as a script: py-spy shows its bare name
    return f"{m['fn']} ({file})"


def is_reach(frame: str) -> bool:
    """True for a frame of Reach's own code (the package, the pages, the router script)."""
    return "(reach/" in frame or "(pages/" in frame or "(dashboard.py)" in frame


# --- figures ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linearly interpolated between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def spread(values: list[float]) -> dict[str, float | int]:
    """Count, p50, p90, p95 and max of some seconds."""
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p95": percentile(values, 95),
        "max": max(values),
    }


def fmt(value: float | int | None, digits: int = 2) -> str:
    """A figure for the table; blank for none."""
    if value is None:
        return ""
    return f"{value:.{digits}f}" if isinstance(value, float) else f"{value:,}"


# --- main ---------------------------------------------------------------------------------


def streamlit_options(args: argparse.Namespace) -> tuple[str, ...]:
    """`streamlit run` flags from --streamlit-option KEY=VALUE (on top of .streamlit/)."""
    flags: list[str] = []
    for option in args.streamlit_option:
        key, _, value = option.partition("=")
        flags += [f"--{key}", value]
    return tuple(flags)


def stem(args: argparse.Namespace) -> str:
    """The output files' name: viewers-<rows>, and -<tag> when given."""
    return f"viewers-{args.rows}" + (f"-{args.tag}" if args.tag else "")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement after the store is built; the results as one dict."""
    db, key = build_store(args.rows, args.rebuild)
    started = time.monotonic()
    deadline = started + args.deadline  # the store build (once, cached) is not under it
    facts = store_facts(db)
    # Logs and accounts of this run, removed at the end whatever happens.
    with tempfile.TemporaryDirectory(prefix="viewers-", dir=OUT) as tmp:
        work = Path(tmp)
        results: dict[str, Any] = {
            "rows_asked": args.rows,
            "store": facts,
            "cores": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
            "viewers": args.viewers,
            "donors": args.donors,
            "changes_per_viewer": args.changes,
            "think_seconds": args.think,
            "deadline_seconds": args.deadline,
            "streamlit_options": list(streamlit_options(args)),
            "browser_nice": args.browser_nice,
        }
        floor_env = clean_env(REACH_DB=str(db), REACH_KEY_FILE=str(key))
        results["interpreter_start_seconds"] = statistics.median(
            reach("--help", env=floor_env) for _ in range(3)
        )
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            renicer = None
            if args.browser_nice:
                # Before any server is spawned, our only children are Playwright's driver (and
                # Chromium under it): the browsers are what is under them.
                renicer = Renicer(descendants(os.getpid()), args.browser_nice).start()
            try:
                spawns = []
                for n in range(FIRST_PAGE_SPAWNS):
                    print(f"First page, spawn {n + 1} of {FIRST_PAGE_SPAWNS} …", flush=True)
                    spawns.append(
                        await first_page(browser, db, key, work, n, streamlit_options(args))
                    )
                results["first_page_spawns"] = spawns
                results["first_page"] = {
                    k: statistics.median(s[k] for s in spawns)
                    for k in ("health", "first_tile", "drawn")
                }
                results.update(await many_viewers(browser, args, db, key, work, deadline))
            finally:
                if renicer is not None:
                    renicer.stop()
                await browser.close()
        results["load_average_at_end"] = os.getloadavg()
        results["wall_seconds"] = time.monotonic() - started
    return results


async def many_viewers(
    browser: Browser, args: argparse.Namespace, db: Path, key: Path, work: Path, deadline: float
) -> dict[str, Any]:
    """The server with accounts; one viewer signs in alone, then all viewers at once."""
    accounts_file = work / "accounts.sqlite"
    env = clean_env(REACH_DB=str(db), REACH_KEY_FILE=str(key), REACH_ACCOUNTS=str(accounts_file))
    passwords = add_accounts(env, db)
    env["REACH_SLOW_RUN_SECONDS"] = "0"  # the server logs every page run's time
    server = Server(env, work / "viewers.log", streamlit_options(args))
    spy: subprocess.Popen | None = None
    raw = OUT / f"{stem(args)}-profile.txt"
    out: dict[str, Any] = {}
    try:
        out["accounts_health_seconds"] = await asyncio.to_thread(server.wait_healthy)
        # One person alone first: the sign-in page, then the Overview after signing in (the
        # server's first store snapshot is made then, as on a server just started).
        page = await new_page(browser)
        await page.goto(server.url)
        await page.get_by_role("heading", name="Sign in to Reach").wait_for()
        out["accounts_sign_in_page_seconds"] = time.perf_counter() - server.spawned
        await page.context.close()
        page = await new_page(browser)
        t = time.perf_counter()
        await sign_in(page, server.url, "director", passwords["director"], WAIT)
        out["first_sign_in_to_overview_seconds"] = time.perf_counter() - t
        await page.context.close()
        out["server_rss_mb_before_viewers"] = (proc_kb(server.proc.pid, "VmRSS") or 0) / 1024
        if args.profile:
            spy = start_profile(server.proc.pid, raw)
        roles = ["donor" if i < args.donors else "director" for i in range(args.viewers)]
        think = args.think
        print(f"{args.viewers} viewers at once ({roles.count('donor')} donors) …", flush=True)
        cpu = CpuWatch(server.proc.pid)
        log_start = server.log_path.stat().st_size
        cpu.start()
        t = time.perf_counter()
        tasks = [
            asyncio.create_task(
                viewer(browser, server.url, i, role, passwords[role], args.changes, deadline, think)
            )
            for i, role in enumerate(roles)
        ]
        # The viewers stop themselves at the deadline; a minute's grace for one stuck in a call.
        done, pending = await asyncio.wait(tasks, timeout=max(deadline - time.monotonic(), 0) + 60)
        for task in pending:
            task.cancel()
        runs: list[ViewerRun] = [task.result() for task in done]
        out["viewers_wall_seconds"] = time.perf_counter() - t
        out["cpu_during_viewers"] = cpu.stop()
        out["viewers_unfinished"] = len(pending)
        out["server_peak_mb"] = server.peak_mb()
        runs_logged = logged_runs(server.log_path, log_start)
        out["server_rss_mb_samples_max"] = max(server.rss_samples, default=0) / 1024
    finally:
        if spy is not None:
            stop_profile(spy)
        server.stop()
    redraws = [r for v in runs for r in v.redraws]
    out["redraw"] = spread([r.seconds for r in redraws])
    out["redraw_run"] = spread([r.run_seconds for r in redraws])
    out["redraw_by_role"] = {
        role: spread([r.seconds for r in redraws if r.role == role]) for role in set(roles)
    }
    out["redraw_by_change"] = {
        name: spread([r.seconds for r in redraws if r.change == name])
        for name in dict.fromkeys(r.change for r in redraws)
    }
    out["server_runs"] = spread([t for page, t in runs_logged if page != "sign-in"])
    out["server_sign_in_runs"] = spread([t for page, t in runs_logged if page == "sign-in"])
    out["sign_in"] = spread([v.sign_in_seconds for v in runs if v.sign_in_seconds is not None])
    out["errors"] = {f"viewer {v.viewer}": v.error for v in runs if v.error}
    out["runs"] = [asdict(v) for v in sorted(runs, key=lambda v: v.viewer)]
    if spy is not None and raw.exists():
        out["profile"] = summarise_profile(raw)
        out["profile_file"] = str(raw.relative_to(ROOT))
    return out


def start_profile(pid: int, raw: Path) -> subprocess.Popen | None:
    """py-spy sampling the server into collapsed stacks until stopped; None without py-spy."""
    exe = py_spy()
    if exe is None:
        print("py-spy is not installed: no profile (pip install py-spy).", flush=True)
        return None
    # --nonblocking: the sampler never pauses the server, so the redraws are not slowed by it.
    return subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--rate", "50", "--format", "raw", "--nonblocking",
         "--output", str(raw)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def stop_profile(spy: subprocess.Popen) -> None:
    """Stop py-spy the way Ctrl-C does, so it writes its file."""
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(timeout=60)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait()


def report(r: dict[str, Any]) -> str:
    """The Markdown the README can show."""
    fp, red, cpu = r["first_page"], r["redraw"], r["cpu_during_viewers"]
    lines = [
        f"Store: `demo --rows {r['rows_asked']:,}` → {r['store']['participant_rows']:,} "
        f"participant rows, {r['store']['events']:,} events. {r['cores']} cores, shared with "
        "other work running at the same time (load average "
        f"{r['load_average_at_start'][0]:.1f} at the start, {r['load_average_at_end'][0]:.1f} "
        "at the end); the Chromium pages run on the same machine as the server."
        + (
            f" Streamlit options on top of .streamlit/config.toml: `{' '.join(opts)}`."
            if (opts := r["streamlit_options"])
            else ""
        )
        + (
            f" The browsers ran at niceness {nice} (the server at 0): they took only the "
            "cores the server left."
            if (nice := r.get("browser_nice"))
            else ""
        ),
        "",
        "| server start-up | seconds |",
        "|---|---:|",
        "| interpreter start-up (`python -m reach --help`) | "
        f"{r['interpreter_start_seconds']:.2f} |",
        f"| spawn → health endpoint answers (median of {FIRST_PAGE_SPAWNS}) | {fp['health']:.2f} |",
        f"| spawn → first tile's number shown | {fp['first_tile']:.2f} |",
        f"| spawn → Overview drawn, every chart (issue 12: ≤ 3 s) | {fp['drawn']:.2f} |",
        f"| with accounts: spawn → sign-in page | {r['accounts_sign_in_page_seconds']:.2f} |",
        f"| with accounts: first sign-in → Overview drawn | "
        f"{r['first_sign_in_to_overview_seconds']:.2f} |",
        "",
        f"{r['viewers']} viewers at once ({r['donors']} donors, the rest directors), each "
        f"signing in then changing the sidebar filters {r['changes_per_viewer']} times "
        "(a program, a country, an event type, Reset filters, …)"
        + (
            f", reading the page for {think:g} s on average (0.5–1.5×) before each next change"
            if (think := r.get("think_seconds", 0))
            else ", each change as soon as the last redraw is drawn"
        )
        + "; a redraw is timed from the click to the page drawn again. Deadline "
        f"{r['deadline_seconds']:.0f} s; the viewers' part took {r['viewers_wall_seconds']:.0f} s.",
        "",
        "| redraws | count | p50 (s) | p90 (s) | p95 (s) (issue 12: < 3 s) | max (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rows = [
        ("all: the click → the page drawn again", red),
        ("all: the click → the run finished (before the browser draws the charts)",
         r["redraw_run"]),
        *[(f"{k}", v) for k, v in r["redraw_by_change"].items()],
    ]  # fmt: skip
    if len(r["redraw_by_role"]) > 1:
        rows += [(f"role: {k}", v) for k, v in r["redraw_by_role"].items()]
    rows.append(("sign-in → Overview drawn", r["sign_in"]))
    if r.get("server_runs", {}).get("count"):
        rows.append(("server: a page run, its start to its end (logged)", r["server_runs"]))
    if r.get("server_sign_in_runs", {}).get("count"):
        rows.append(("server: a sign-in page run (logged)", r["server_sign_in_runs"]))
    for name, s in rows:
        lines.append(
            f"| {name} | {s['count']} | {fmt(s.get('p50'))} | {fmt(s.get('p90'))} | "
            f"{fmt(s.get('p95'))} | {fmt(s.get('max'))} |"
        )
    lines += [
        "",
        f"Server memory: {r['server_rss_mb_before_viewers']:.0f} MB after one sign-in, peak "
        f"{fmt(r['server_peak_mb'], 0)} MB (VmHWM) over the run. During the viewers' run the "
        f"server used {cpu['server_cores']:.2f} cores on average, the browsers "
        f"{cpu['browser_cores']:.2f}, and the machine's {cpu['cores']} cores were "
        f"{cpu['machine_busy_share']:.0%} busy (other work included). Each viewer's page "
        f"checks for its redraw every {POLL * 1000:.0f} ms.",
    ]
    if r["errors"] or r["viewers_unfinished"]:
        lines.append("")
        lines.append(
            f"Viewers stopped early: {len(r['errors'])}; unfinished at the deadline: "
            f"{r['viewers_unfinished']}. "
            + "; ".join(f"{k}: {v}" for k, v in list(r["errors"].items())[:5])
        )
    if "profile" in r:
        prof = r["profile"]
        lines += [
            "",
            f"Server profile (py-spy at 50 Hz over the viewers' run: {prof['busy_samples']:,} busy "
            f"samples, {prof['waiting_samples']:,} waiting ones left out; "
            f"raw stacks in `{r['profile_file']}`):",
            "",
            "| where the time goes (inclusive) | share of busy samples |",
            "|---|---:|",
            *[f"| {n} | {v:.0%} |" for n, v in prof["buckets"]],
            "",
            "| Reach function (inclusive) | share of busy samples |",
            "|---|---:|",
            *[f"| `{n}` | {v:.0%} |" for n, v in prof["reach_inclusive"]],
            "",
            "| innermost function (self) | share of busy samples |",
            "|---|---:|",
            *[f"| `{n}` | {v:.0%} |" for n, v in prof["leaf_self"]],
        ]
    return "\n".join(lines)


def main() -> None:
    """Parse the flags, measure, print the table and write the Markdown and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--changes", type=int, default=5, help="filter changes per viewer")
    parser.add_argument(
        "--think", type=float, default=0.0,
        help="seconds a viewer reads the page between changes, on average (default 0: none)",
    )  # fmt: skip
    parser.add_argument("--donors", type=int, default=0, help="how many viewers are donors")
    parser.add_argument("--deadline", type=float, default=600, help="seconds for it all")
    parser.add_argument(
        "--browser-nice", type=int, default=0, choices=range(20), metavar="0-19",
        help="niceness of the browsers (default 0: they compete with the server as equals)",
    )  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="sample the server with py-spy")
    parser.add_argument("--rebuild", action="store_true", help="make the store again")
    parser.add_argument(
        "--streamlit-option", action="append", default=[], metavar="KEY=VALUE",
        help="a Streamlit config option for the server (e.g. runner.postScriptGC=false)",
    )  # fmt: skip
    parser.add_argument("--tag", default="", help="added to the output files' names")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    OUT.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(run(args))
    text = report(results)
    (OUT / f"{stem(args)}.md").write_text(text + "\n", encoding="utf-8")
    (OUT / f"{stem(args)}.json").write_text(
        json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8"
    )
    print(text)


if __name__ == "__main__":
    main()
