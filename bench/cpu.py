"""CPU accounting of a measured run (Linux /proc), so that a shared machine can be noticed.

Requests per second depend on everything else the machine is doing; the CPU time that the
run's own processes spend per request hardly does. Around each measured wrk run we read:

- the whole machine's busy and total time (/proc/stat);
- the gunicorn process group's CPU time (master and workers, /proc/<pid>/stat);
- wrk's CPU time (it is our waited-for child: getrusage(RUSAGE_CHILDREN));
- redis-server's CPU time (its own INFO cpu) and every local `postgres` process's.

`cost_us` is our CPU per request; `other_share` is the part of the machine's time that went to
anything else during the run (another job, a build): above a few percent, the req/s of that
run are low and its ratio is not to be trusted. Counting every `postgres` process includes
other clients' queries too; on a quiet machine that is nothing.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Snapshot:
    machine_busy: float  # CPU-seconds, all cores
    machine_total: float
    server: float
    children: float
    services: float

    @property
    def ours(self) -> float:
        return self.server + self.children + self.services


@dataclass(frozen=True)
class Usage:
    cost_us: float  # our CPU time per request, microseconds
    server_us: float
    wrk_us: float
    services_us: float
    other_share: float  # share of the machine used by anything else during the run


def _machine() -> tuple[float, float]:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]
    total = sum(values)
    idle = values[3] + values[4]  # idle + iowait
    return (total - idle) / _TICK, total / _TICK


def _proc_stat(pid: str) -> tuple[str, list[str]] | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            raw = stat.read()
    except OSError:
        return None
    name = raw[raw.find("(") + 1 : raw.rfind(")")]
    return name, raw[raw.rfind(")") + 2 :].split()


def _processes_cpu(pgid: int | None, names: frozenset[str]) -> tuple[float, float]:
    """CPU-seconds of the processes in group `pgid`, and of the processes called `names`."""
    group = services = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        found = _proc_stat(pid)
        if found is None:
            continue
        name, fields = found
        seconds = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        if pgid is not None and int(fields[2]) == pgid:
            group += seconds
        elif name in names:
            services += seconds
    return group, services


def _redis_cpu(client) -> float:
    if client is None:
        return 0.0
    try:
        info = client.info("cpu")
    except Exception:  # noqa: BLE001 - accounting is best effort
        return 0.0
    return float(info.get("used_cpu_sys", 0.0)) + float(info.get("used_cpu_user", 0.0))


def snapshot(server_pgid: int | None, redis_client=None) -> Snapshot | None:
    """Where the CPU time stands now; None where /proc is missing (not Linux)."""
    try:
        busy, total = _machine()
        server, postgres = _processes_cpu(server_pgid, frozenset({"postgres"}))
    except (OSError, ValueError, IndexError):
        return None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Snapshot(
        machine_busy=busy,
        machine_total=total,
        server=server,
        children=children.ru_utime + children.ru_stime,
        services=postgres + _redis_cpu(redis_client),
    )


def usage(before: Snapshot | None, after: Snapshot | None, requests: int) -> Usage | None:
    if before is None or after is None or requests <= 0:
        return None
    total = after.machine_total - before.machine_total
    if total <= 0:
        return None
    ours = after.ours - before.ours
    other = (after.machine_busy - before.machine_busy) - ours

    def per_request(seconds: float) -> float:
        return seconds / requests * 1e6

    return Usage(
        cost_us=per_request(ours),
        server_us=per_request(after.server - before.server),
        wrk_us=per_request(after.children - before.children),
        services_us=per_request(after.services - before.services),
        other_share=max(0.0, other / total),
    )
