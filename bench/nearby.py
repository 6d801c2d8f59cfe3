"""The nearest-search scenarios: `GET /api/v1/facilities/nearby` at 1 000, 100 000 and
1 000 000 facilities, all inside the 衢州 area (bench/facility_data.py).

For each size, the first scenario's setup replaces the facilities (PostgreSQL by COPY, Redis by
pipelined GEOADDs), times `facility_search.search` itself over 500 of the query points in a
separate process with the app's environment, and writes the wrk script that asks from one of
1 000 positions at random on every request. Two runs per size:

- `nearby, N facilities`: 32 connections, as the ceiling: requests/s and the ratio;
- `nearby, N facilities, 4 conn`: one connection per gunicorn worker, so that p99 is the
  server's time and not a queue's (as for the county queue).

Targets (issue 4), at 1 000 000 facilities: ratio >= 0.30, p99 <= 20 ms (server side), and the
time per query at most 5x the time at 1 000 for the same number of results (`per_query_check`).
Every request asks for `limit=20` of two types within 50 km (the widest radius allowed): at every
size each answer has 20 places, so the times compare like for like.

Two floor scenarios at the largest size (bench/floor.py, on the floor's server): the nearby
view's layers answering an empty list, and the same with the one Redis round trip in which the
view reads what its answer needs; `floor_check` reads the whole answer against both.

    BENCH_NEARBY_SIZES=1000,1000000 make bench      # other sizes (default 1000,100000,1000000)
    BENCH_ONLY=nearby make bench                    # these scenarios only (and the ceiling)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from urllib.parse import urlencode

from bench import facility_data
from bench.harness import (
    BENCH_DIR,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ROOT,
    BenchError,
    CheckResult,
    Client,
    Measurement,
    Prepared,
    Scenario,
    Settings,
    log,
)

SIZES = tuple(
    int(size) for size in os.environ.get("BENCH_NEARBY_SIZES", "1000,100000,1000000").split(",")
)
TARGET_SIZE = 1_000_000
TARGET_RATIO = 0.30
TARGET_P99_MS = 20
MAX_SLOWDOWN = 5.0  # time per query at the largest size / at the smallest

TYPES = ("shelter", "home_care")  # the issue's own example: about 38% of the facilities
LIMIT = 20
RADIUS_M = 50_000
POINTS = 1_000  # positions the wrk script draws from
TIMED_QUERIES = 500  # of them, timed in process (after a pass over all and 50 warm-up queries)
LUA_SCRIPT = "results/nearby.lua"  # relative to bench/ (git-ignored)
TIMING_TIMEOUT_SECONDS = 300

_loaded: dict[str, int | None] = {"size": None}


NEARBY = "/api/v1/facilities/nearby"
# The floor's routes (bench/floor.py): the nearby view's layers alone, and with its Redis read.
FLOORS = {
    "nearby floor: the app's layers": ("/bench/floor/nearby", "results/nearby_floor.lua"),
    "nearby floor: the app's layers and the Redis read": (
        "/bench/floor/nearby-read",
        "results/nearby_floor_read.lua",
    ),
}


def nearby_path(lat: float, lng: float, route: str = NEARBY) -> str:
    query = {"lat": lat, "lng": lng, "types": ",".join(TYPES), "limit": LIMIT, "radius_m": RADIUS_M}
    return f"{route}?" + urlencode(query, safe=",")


def _lua_script(points: Sequence[tuple[float, float]], route: str = NEARBY) -> str:
    paths = ",\n".join(f'  "{nearby_path(lat, lng, route)}"' for lat, lng in points)
    return f"""-- Written by bench/nearby.py: each request asks from one of {len(points)} positions.
local paths = {{
{paths},
}}
local count = #paths
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(7919 * (seed or 1))
end

function request()
  return wrk.format("GET", paths[math.random(count)])
end
"""


def _time_search(points: Sequence[tuple[float, float]]) -> dict:
    """`facility_search.search` timed in a process of its own with the app's environment."""
    spec = {
        "points": points,
        "timed": TIMED_QUERIES,
        "types": TYPES,
        "limit": LIMIT,
        "radius_m": RADIUS_M,
    }
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.facility_data", "time"],
        cwd=ROOT,
        env=Settings.from_env().app_env(),
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=TIMING_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"timing the search failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def load(size: int):
    """A setup: `size` facilities in both stores (once per size), the search timed, the script."""

    def setup(_client: Client) -> Prepared:
        if _loaded["size"] == size:
            return Prepared()
        database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
        redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
        log(f"  loading {size:,} facilities")
        _loaded["size"] = None
        notes = facility_data.fill(database_url, redis_url, size)
        _loaded["size"] = size
        points = facility_data.query_points(POINTS)
        (BENCH_DIR / LUA_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
        (BENCH_DIR / LUA_SCRIPT).write_text(_lua_script(points))
        for route, script in FLOORS.values():
            (BENCH_DIR / script).write_text(_lua_script(points, route))
        log(f"  loaded in {notes['load_s']} s; timing the search over {TIMED_QUERIES} points")
        notes.update(_time_search(points))  # fills the cards of every point, times 500
        log(
            f"  search(): p50 {notes['search_p50_ms']} ms, {notes['results_mean']} results, "
            f"{notes['rounds_mean']} rounds"
        )
        return Prepared(notes=notes)

    setup.__name__ = f"load({size})"
    return setup


def warm(size: int):
    """A floor scenario's setup: `size` facilities loaded, and every position's cards fresh
    (asked once through the floor server's own nearby view): the floor's Redis read must read
    the cards a request reads, not keys expired since the nearby runs."""
    loaded = load(size)

    def setup(client: Client) -> Prepared:
        prepared = loaded(client)
        for lat, lng in facility_data.query_points(POINTS):
            status, raw = client.request("GET", nearby_path(lat, lng))
            if status != 200:
                raise BenchError(f"warming the cards: nearby answered {status}: {raw[:300]!r}")
        return prepared

    setup.__name__ = f"warm({size})"
    return setup


def _scenarios() -> list[Scenario]:
    first = nearby_path(*facility_data.query_points(1)[0])
    scenarios = []
    for size in SIZES:
        at_target = size == TARGET_SIZE
        scenarios += [
            Scenario(
                name=f"nearby, {size:,} facilities",
                path=first,
                setup=load(size),
                lua_script=LUA_SCRIPT,
                target_ratio=TARGET_RATIO if at_target else None,
            ),
            Scenario(
                name=f"nearby, {size:,} facilities, 4 conn",
                path=first,
                setup=load(size),
                lua_script=LUA_SCRIPT,
                target_p99_ms=TARGET_P99_MS if at_target else None,
                connections=4,
            ),
        ]
    largest = max(SIZES)
    for name, (route, script) in FLOORS.items():
        scenarios.append(
            Scenario(
                name=f"{name}, {largest:,} facilities",
                path=nearby_path(*facility_data.query_points(1)[0], route),
                setup=warm(largest),
                lua_script=script,
                on_floor=True,
            )
        )
    return scenarios


def floor_check(rows: Sequence[Measurement]) -> list[CheckResult]:
    """The nearby run at the largest size against the floor's: what the app's layers, and the
    layers with the answer's Redis read, leave of the ceiling, and how much of that the whole
    answer keeps."""
    largest = max(SIZES)
    by_name = {row.name: row for row in rows if not row.errors}
    full = by_name.get(f"nearby, {largest:,} facilities")
    results = []
    for name in FLOORS:
        floor = by_name.get(f"{name}, {largest:,} facilities")
        if full is None or floor is None or not floor.requests_per_second:
            continue
        results.append(
            CheckResult(
                name=f"nearby against {name.removeprefix('nearby floor: ')}",
                value=f"the floor makes {floor.ratio or 0:.2f} of the ceiling; nearby keeps "
                f"{full.requests_per_second / floor.requests_per_second:.2f} of the floor's req/s "
                f"({full.requests_per_second:,.0f} vs {floor.requests_per_second:,.0f})",
            )
        )
    return results


def per_query_check(rows: Sequence[Measurement]) -> list[CheckResult]:
    """Time per query at each size, and the largest size's against the smallest's."""
    timed = {row.notes["facilities"]: row for row in rows if "search_p50_ms" in row.notes}
    latency = {
        size: row
        for size in timed
        for row in rows
        if row.name == f"nearby, {size:,} facilities, 4 conn" and not row.errors
    }
    results = []
    for size, row in sorted(timed.items()):
        notes = row.notes
        wrk_p50 = f", wrk p50 {latency[size].p50_ms:.2f} ms" if size in latency else ""
        results.append(
            CheckResult(
                name=f"nearby per query, {size:,} facilities",
                value=(
                    f"search() p50 {notes['search_p50_ms']:.2f} ms, p99 "
                    f"{notes['search_p99_ms']:.2f} ms, {notes['results_mean']:g} results, "
                    f"{notes['rounds_mean']:g} rounds, {notes['candidates_mean']:g} candidates"
                    f"{wrk_p50}; loaded in {notes['load_s']} s"
                ),
            )
        )
    if len(timed) >= 2:
        small, large = timed[min(timed)].notes, timed[max(timed)].notes
        slowdown = large["search_p50_ms"] / small["search_p50_ms"]
        same_results = small["results_mean"] == large["results_mean"] == LIMIT
        results.append(
            CheckResult(
                name=f"nearby time per query, {max(timed):,} vs {min(timed):,} facilities",
                value=f"{slowdown:.2f}x (search() p50"
                + ("" if same_results else "; NOT the same number of results")
                + ")",
                target=f"<= {MAX_SLOWDOWN:g}x, {LIMIT} results each",
                passed=slowdown <= MAX_SLOWDOWN and same_results,
            )
        )
    return results


SCENARIOS = _scenarios()
CHECKS = [per_query_check, floor_check]
