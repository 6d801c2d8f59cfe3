"""Shared machinery of the benchmark: a throw-away database, gunicorn servers, wrk, the report.

A run (see `main`):

1. drops and recreates the bench PostgreSQL database, flushes the bench Redis database,
   runs `flask migrate` and `flask seed-demo` against them;
2. serves the app as the Procfile's `web` line does (`gunicorn -w 4 'server:create_app()'`,
   sync workers) on a free 127.0.0.1 port, runs every scenario (setup, one checked request,
   a warm-up, the measured wrk run), stops it;
3. when a scenario asks for it, serves the floor (`bench/floor.py`: the app with bench-only
   routes made of its own layers) and measures those scenarios;
4. serves the ceiling (`bench/ceiling.py`) the same way, measures it the same way, stops it;
5. prints the table, writes bench/results/latest.json; exits 1 if any run had errors (a target
   missed is reported, not fatal).

Servers run one after the other (the machine has few cores) in their own process groups, which
are killed on the way out whatever happens (errors, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import cpu

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"

HOST = "127.0.0.1"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/minzheng_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def database_url() -> str:
    """The bench database (BENCH_DATABASE_URL), for scenarios that write their data directly."""
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def redis_url() -> str:
    """The bench Redis (BENCH_REDIS_URL)."""
    return os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)


APP_WSGI = "server:create_app()"
CEILING_WSGI = "bench.ceiling:app"
FLOOR_WSGI = "bench.floor:app"
CEILING_PATH = "/ceiling"

PUBLIC_LIMIT = "100000000/minute"
WRITE_LIMIT = "100000000/minute"
READY_TIMEOUT_SECONDS = 60
# Other work taking more than this share of the machine during a run makes its req/s unreliable.
NOISE_WARNING_SHARE = 0.05
STOP_TIMEOUT_SECONDS = 15
COMMAND_TIMEOUT_SECONDS = 180
HTTP_TIMEOUT_SECONDS = 10

_UNIT_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class BenchError(RuntimeError):
    """The run cannot go on (setup failed, a server did not start)."""


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    seconds: int
    warmup_seconds: int = 2
    workers: int = 4
    threads: int = 2
    connections: int = 32

    @classmethod
    def from_env(cls) -> Settings:
        raw_seconds = os.environ.get("BENCH_SECONDS", "10")
        try:
            seconds = int(raw_seconds)
        except ValueError:
            raise BenchError(f"BENCH_SECONDS must be a whole number, not {raw_seconds!r}") from None
        if seconds < 1:
            raise BenchError("BENCH_SECONDS must be at least 1")
        return cls(
            database_url=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            redis_url=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
            seconds=seconds,
        )

    def app_env(self) -> dict[str, str]:
        """The environment of the flask commands and of gunicorn."""
        env = dict(os.environ)
        env.update(
            APP_ENV="development",
            FLASK_APP="server:create_app",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            PYTHONUNBUFFERED="1",
        )
        # wrk is one client address: the public limit (120 a minute per address) would answer
        # 429 within the first second. The limiter still runs (and costs what it costs).
        env.setdefault("RATE_LIMIT_PUBLIC", PUBLIC_LIMIT)
        # Likewise writes (60 a minute per user): a write scenario sends thousands a second.
        env.setdefault("RATE_LIMIT_WRITE", WRITE_LIMIT)
        return env


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Prepared:
    """What a scenario's setup hands to wrk: extra headers and an optional body."""

    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None  # a dict or list is sent as JSON; str/bytes as they are
    # Figures the setup measured itself (data size, load time, an in-process timing …): kept in
    # the scenario's row of the results, and read by the run's checks.
    notes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """A target across scenarios (e.g. one size against another), judged after the run."""

    name: str
    value: str
    target: str = "-"
    passed: bool | None = None  # None: a figure to show, not a target

    @property
    def verdict(self) -> str:
        return "-" if self.passed is None else ("PASS" if self.passed else "FAIL")


@dataclass(frozen=True)
class Scenario:
    """One measured request against the app.

    `setup(client)` runs once against the live server before the warm-up (log in, create what
    the request needs) and returns headers and body, which are added to `headers` / `body`.
    A body (or a method other than GET) makes the harness write a wrk Lua script; `lua_script`
    (a path, relative to bench/) replaces that generated script, e.g. to vary each request.
    Targets: `target_ratio` (req/s at least this share of the ceiling's) and/or `target_p99_ms`.
    """

    name: str
    path: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    setup: Callable[[Client], Prepared] | None = None
    target_ratio: float | None = None
    target_p99_ms: float | None = None
    lua_script: str | None = None
    # wrk connections for this scenario (default: the settings'). A latency target is judged at
    # one connection per gunicorn worker, so that p99 is the server's time, not a queue's.
    connections: int | None = None
    expect_status: int = 200  # of the check request; 2xx/3xx only (wrk counts >= 400 as errors)
    # Measured on the ceiling's server (bench/ceiling.py), after the ceiling: a yardstick of
    # what the bare stack does (e.g. a one-row insert), not the app.
    on_ceiling: bool = False
    # Measured on the floor's server (bench/floor.py: the app with bench-only routes made of its
    # own layers): what any endpoint of this stack pays, whatever it does.
    on_floor: bool = False

    def target_text(self) -> str:
        parts = []
        if self.target_ratio is not None:
            parts.append(f"ratio >= {self.target_ratio:.2f}")
        if self.target_p99_ms is not None:
            parts.append(f"p99 <= {self.target_p99_ms:g} ms")
        return ", ".join(parts) or "-"


class Client:
    """A tiny HTTP client for scenario setups, bound to one server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes]:
        all_headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(
            self.base_url + path, data=body, headers=all_headers, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, openid: str) -> str:
        """An access token for a demo user, through the development login."""
        status, raw = self.request("POST", "/api/v1/auth/dev-login", json_body={"openid": openid})
        if status != 200:
            raise BenchError(f"dev-login as {openid} answered {status}: {raw[:300]!r}")
        return json.loads(raw)["access_token"]

    def bearer(self, openid: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.login(openid)}"}


def logged_in(openid: str) -> Callable[[Client], Prepared]:
    """A setup: the request carries a fresh access token of the demo user `openid`."""

    def setup(client: Client) -> Prepared:
        return Prepared(headers=client.bearer(openid))

    setup.__name__ = f"logged_in({openid!r})"
    return setup


# --------------------------------------------------------------------------- database, redis


def _require_loopback(url: str, what: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK_HOSTS:
        raise BenchError(f"{what} must be on 127.0.0.1 (the bench wipes it), not {host!r}")


def reset_database(database_url: str) -> None:
    """Drop and recreate the bench database (its name must contain 'bench')."""
    import psycopg
    from psycopg import sql

    _require_loopback(database_url, "BENCH_DATABASE_URL")
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]*bench[A-Za-z0-9_]*", name):
        raise BenchError(f"refusing to drop database {name!r}: its name must contain 'bench'")
    scheme = parts.scheme.split("+", 1)[0]  # postgresql+psycopg -> postgresql
    admin_url = urlunsplit((scheme, parts.netloc, "/postgres", "", ""))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            ident = sql.Identifier(name)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {parts.hostname}:{parts.port or 5432}: {exc}") from exc


def flush_redis(redis_url: str) -> None:
    import redis

    _require_loopback(redis_url, "BENCH_REDIS_URL")
    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        raise BenchError(f"Redis at {redis_url}: {exc}") from exc
    finally:
        client.close()


def flask_command(settings: Settings, *args: str) -> None:
    """Run `flask <args>` with the bench environment; its output is shown only on failure."""
    command = [sys.executable, "-m", "flask", *args]
    result = subprocess.run(  # noqa: S603
        command,
        cwd=ROOT,
        env=settings.app_env(),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"`flask {' '.join(args)}` failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )


def prepare_data(settings: Settings) -> None:
    log(f"wiping and seeding database {settings.database_url} and redis {settings.redis_url}")
    reset_database(settings.database_url)
    flush_redis(settings.redis_url)
    flask_command(settings, "migrate")
    flask_command(settings, "seed-demo")


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_command() -> list[str]:
    script = Path(sys.executable).parent / "gunicorn"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


class Server:
    """gunicorn serving `wsgi` on 127.0.0.1, in its own process group."""

    def __init__(self, name: str, wsgi: str, settings: Settings, ready_path: str) -> None:
        self.name = name
        self.wsgi = wsgi
        self.settings = settings
        self.ready_path = ready_path
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = RESULTS_DIR / f"gunicorn-{name}.log"

    @property
    def pgid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        command = [
            *gunicorn_command(),
            "-w",
            str(self.settings.workers),
            "-b",
            f"{HOST}:{self.port}",
            self.wsgi,
        ]
        log(f"starting {self.name}: {' '.join(command[-5:])}")
        with open(self.log_path, "wb") as log_file:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=self.settings.app_env(),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed as a whole in stop()
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        client = Client(self.base_url)
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"{self.name} server exited ({self.process.returncode}); "
                    f"see {self.log_path}:\n{self.log_tail()}"
                )
            try:
                status, _ = client.request("GET", self.ready_path)
                if status == 200:
                    return
                last = f"HTTP {status}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise BenchError(
            f"{self.name} server not ready after {READY_TIMEOUT_SECONDS}s ({last}); "
            f"see {self.log_path}:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        pgid = process.pid  # start_new_session: the master leads its own group
        _signal_group(pgid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            log(f"{self.name} server did not stop in {STOP_TIMEOUT_SECONDS}s: killing it")
        # Whatever is left of the group (a stuck master, orphaned workers) goes now.
        _signal_group(pgid, signal.SIGKILL)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            log(f"{self.name} server (pid {pgid}) is still there after SIGKILL")


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def serving(name: str, wsgi: str, settings: Settings, ready_path: str) -> Iterator[Server]:
    server = Server(name, wsgi, settings, ready_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    requests: int = 0
    duration_s: float = 0.0
    asked_s: float = 0.0
    requests_per_second: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    output: str = ""

    def problems(self) -> list[str]:
        found = []
        if self.non_2xx_3xx:
            found.append(f"{self.non_2xx_3xx} non-2xx/3xx responses")
        errors = {kind: n for kind, n in self.socket_errors.items() if n}
        if errors:
            found.append("socket errors " + ", ".join(f"{k} {n}" for k, n in errors.items()))
        if self.requests == 0 or self.requests_per_second <= 0:
            found.append("no requests completed")
        if self.p50_ms is None or self.p99_ms is None:
            found.append("no latency distribution in wrk's output")
        if self.duration_s < 0.9 * self.asked_s:
            found.append(f"wrk stopped after {self.duration_s:g}s of {self.asked_s:g}s")
        return found


def to_ms(value: str, unit: str) -> float:
    return float(value) * _UNIT_TO_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    result = WrkResult(output=output)
    if match := re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", output, re.M):
        result.requests = int(match.group(1))
        result.duration_s = to_ms(match.group(2), match.group(3)) / 1000
    if match := re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M):
        result.requests_per_second = float(match.group(1))
    for percent, attr in (("50", "p50_ms"), ("99", "p99_ms")):
        pattern = rf"^\s*{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$"
        if match := re.search(pattern, output, re.M):
            setattr(result, attr, to_ms(match.group(1), match.group(2)))
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result.non_2xx_3xx = int(match.group(1))
    pattern = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
    if match := re.search(pattern, output):
        kinds = ("connect", "read", "write", "timeout")
        result.socket_errors = dict(zip(kinds, map(int, match.groups()), strict=True))
    return result


def _lua_string(value: str) -> str:
    """A Lua string literal for any text: everything but plain ASCII as decimal escapes."""
    out = []
    for byte in value.encode():
        char = chr(byte)
        if 32 <= byte < 127 and char not in '"\\':
            out.append(char)
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def request_script(method: str, headers: Mapping[str, str], body: bytes | None) -> str:
    """A wrk Lua script that sends `method` with `headers` and `body` on every request."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    for name, value in headers.items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body.decode())}")
    return "\n".join(lines) + "\n"


def run_wrk(
    url: str,
    settings: Settings,
    *,
    seconds: int,
    headers: Mapping[str, str],
    script: Path | None = None,
) -> WrkResult:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install wrk)")
    command = [
        wrk,
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    completed = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if completed.returncode != 0:
        raise BenchError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    result = parse_wrk(completed.stdout)
    result.asked_s = seconds
    return result


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    name: str
    method: str
    path: str
    requests: int = 0
    requests_per_second: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: list[str] = field(default_factory=list)
    warmup_errors: list[str] = field(default_factory=list)
    cpu_us_per_request: float | None = None  # gunicorn + wrk + redis/postgres CPU per request
    cpu_detail: dict[str, float] = field(default_factory=dict)
    other_busy_share: float | None = None  # the machine's time used by other work during the run
    # The ceiling's CPU per request / this one's: what the ratio would be on an idle machine
    # where the CPU is the bottleneck; much steadier than `ratio` on a shared machine.
    cpu_ratio: float | None = None
    ratio: float | None = None
    target: str = "-"
    target_met: bool | None = None
    notes: dict[str, Any] = field(default_factory=dict)  # the setup's own figures (Prepared)

    @property
    def verdict(self) -> str:
        if self.errors:
            return "ERROR"
        if self.target_met is None:
            return "-"
        return "PASS" if self.target_met else "FAIL"


def _encode_body(body: Any) -> tuple[bytes | None, dict[str, str]]:
    if body is None:
        return None, {}
    if isinstance(body, bytes):
        return body, {}
    if isinstance(body, str):
        return body.encode(), {}
    return json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"}


def measure(server: Server, settings: Settings, scenario: Scenario, workdir: Path) -> Measurement:
    """Set up, check one request, warm up, then the measured wrk run of one scenario."""
    result = Measurement(
        scenario.name, scenario.method, scenario.path, target=scenario.target_text()
    )
    client = Client(server.base_url)
    try:
        prepared = scenario.setup(client) if scenario.setup else Prepared()
    except Exception as exc:  # a broken setup fails its scenario, not the whole run
        result.errors.append(f"setup failed: {exc!r}")
        return result
    result.notes = dict(prepared.notes)
    body = prepared.body if prepared.body is not None else scenario.body
    raw_body, body_headers = _encode_body(body)
    headers = {**body_headers, **scenario.headers, **prepared.headers}

    status, answer = client.request(scenario.method, scenario.path, body=raw_body, headers=headers)
    if status != scenario.expect_status:
        result.errors.append(
            f"check request answered {status}, not {scenario.expect_status}: {answer[:200]!r}"
        )
        return result

    script = None
    if scenario.lua_script:
        script = BENCH_DIR / scenario.lua_script
    elif scenario.method != "GET" or raw_body is not None:
        script = workdir / (re.sub(r"\W+", "_", scenario.name).strip("_") + ".lua")
        script.write_text(request_script(scenario.method, headers, raw_body))

    url = server.base_url + scenario.path
    if scenario.connections:
        settings = replace(
            settings,
            connections=scenario.connections,
            threads=min(settings.threads, scenario.connections),
        )
    log(
        f"  {scenario.name}: warm-up {settings.warmup_seconds}s, then {settings.seconds}s, "
        f"{settings.connections} connections"
    )
    warmup = run_wrk(url, settings, seconds=settings.warmup_seconds, headers=headers, script=script)
    result.warmup_errors = warmup.problems()
    with _redis_for_accounting(settings) as redis_conn:
        before = cpu.snapshot(server.pgid, redis_conn)
        run = run_wrk(url, settings, seconds=settings.seconds, headers=headers, script=script)
        after = cpu.snapshot(server.pgid, redis_conn)
    _record_usage(result, cpu.usage(before, after, run.requests))
    result.requests = run.requests
    result.requests_per_second = run.requests_per_second
    result.p50_ms, result.p99_ms = run.p50_ms, run.p99_ms
    result.errors = run.problems()
    if result.errors:
        log(f"  {scenario.name}: wrk said:\n{run.output}")
        result.errors.append(f"the server's log: {server.log_path.relative_to(ROOT)}")
    return result


@contextmanager
def _redis_for_accounting(settings: Settings) -> Iterator[Any]:
    """A Redis connection to read redis-server's own CPU time (INFO cpu); None if unreachable."""
    import redis

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        yield client
    finally:
        client.close()


def _record_usage(result: Measurement, usage: cpu.Usage | None) -> None:
    if usage is None:
        return
    result.cpu_us_per_request = usage.cost_us
    result.cpu_detail = {
        "gunicorn_us": round(usage.server_us, 1),
        "wrk_us": round(usage.wrk_us, 1),
        "redis_postgres_us": round(usage.services_us, 1),
    }
    result.other_busy_share = usage.other_share
    if usage.other_share > NOISE_WARNING_SHARE:
        log(
            f"  warning: other work used {usage.other_share:.0%} of the machine during "
            f"{result.name}: its req/s are low and its ratio unreliable"
        )


def judge(result: Measurement, scenario: Scenario, ceiling: Measurement) -> None:
    if result.errors:
        return
    if ceiling.requests_per_second > 0 and not ceiling.errors:
        result.ratio = result.requests_per_second / ceiling.requests_per_second
    if ceiling.cpu_us_per_request and result.cpu_us_per_request:
        result.cpu_ratio = ceiling.cpu_us_per_request / result.cpu_us_per_request
    checks = []
    if scenario.target_ratio is not None:
        checks.append(result.ratio is not None and result.ratio >= scenario.target_ratio)
    if scenario.target_p99_ms is not None:
        checks.append(result.p99_ms is not None and result.p99_ms <= scenario.target_p99_ms)
    result.target_met = all(checks) if checks else None


# --------------------------------------------------------------------------- report


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table(rows: Sequence[Measurement]) -> str:
    header = ("scenario", "req/s", "p50 ms", "p99 ms", "ratio", "CPU us/req", "target", "result")
    lines = [
        (r.name, "-", "-", "-", "-", "-", r.target, r.verdict)
        if r.errors
        else (
            r.name,
            _fmt(r.requests_per_second, ",.0f"),
            _fmt(r.p50_ms, ".2f"),
            _fmt(r.p99_ms, ".2f"),
            _fmt(r.ratio, ".2f"),
            _fmt(r.cpu_us_per_request, ",.0f"),
            r.target,
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    right = {1, 2, 3, 4, 5}

    def render(row: Sequence[str]) -> str:
        cells = [
            str(cell).rjust(widths[i]) if i in right else str(cell).ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(header), rule, *(render(line) for line in lines)])


def tool_version(command: Sequence[str]) -> str:
    try:
        completed = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (completed.stdout or completed.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def write_results(
    settings: Settings,
    ceiling: Measurement | None,
    rows: Sequence[Measurement],
    ok: bool,
    checks: Sequence[CheckResult] = (),
) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    document = {
        "date": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "ok": ok,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "wrk": tool_version([shutil.which("wrk") or "wrk", "-v"]),
            "gunicorn": tool_version([*gunicorn_command(), "--version"]),
        },
        "settings": {
            "server": f"gunicorn -w {settings.workers} (sync workers) on {HOST}",
            "wrk": f"wrk -t{settings.threads} -c{settings.connections} "
            f"-d{settings.seconds}s --latency",
            "warmup_seconds": settings.warmup_seconds,
            "database_url": settings.database_url,
            "redis_url": settings.redis_url,
        },
        "ceiling": asdict(ceiling) if ceiling else None,
        "scenarios": [asdict(row) for row in rows],
        "checks": [{**asdict(check), "verdict": check.verdict} for check in checks],
    }
    path = RESULTS_DIR / "latest.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- main


CEILING = Scenario(name="ceiling (bare Flask)", path=CEILING_PATH)


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _check_scenarios(scenarios: Sequence[Scenario]) -> None:
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise BenchError(f"scenario names must be unique: {names}")
    for scenario in scenarios:
        if not 200 <= scenario.expect_status < 400:
            # wrk counts every answer of 400 or more as an error.
            raise BenchError(f"{scenario.name}: expect_status must be 2xx or 3xx")


@contextmanager
def bench_lock(settings: Settings) -> Iterator[None]:
    """One bench run at a time per bench database: a second one would drop it mid-run."""
    name = re.sub(r"\W+", "_", urlsplit(settings.database_url).path.strip("/")) or "bench"
    path = Path(tempfile.gettempdir()) / f"minzheng-{name}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise BenchError(
                f"another bench run (pid {holder}) is using {name}; wait for it to finish"
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_all(
    settings: Settings, scenarios: Sequence[Scenario]
) -> tuple[Measurement, list[Measurement]]:
    prepare_data(settings)
    measured: dict[int, Measurement] = {}
    with tempfile.TemporaryDirectory(prefix="minzheng-bench-") as tmp:
        with serving("app", APP_WSGI, settings, "/readyz") as app:
            for n, scenario in enumerate(scenarios):
                if not (scenario.on_ceiling or scenario.on_floor):
                    measured[n] = measure(app, settings, scenario, Path(tmp))
        if any(scenario.on_floor for scenario in scenarios):
            with serving("floor", FLOOR_WSGI, settings, "/readyz") as floor:
                for n, scenario in enumerate(scenarios):
                    if scenario.on_floor:
                        measured[n] = measure(floor, settings, scenario, Path(tmp))
        with serving("ceiling", CEILING_WSGI, settings, CEILING_PATH) as ceiling_server:
            ceiling = measure(ceiling_server, settings, CEILING, Path(tmp))
            for n, scenario in enumerate(scenarios):
                if scenario.on_ceiling:
                    measured[n] = measure(ceiling_server, settings, scenario, Path(tmp))
    rows = [measured[n] for n in range(len(scenarios))]
    for row, scenario in zip(rows, scenarios, strict=True):
        judge(row, scenario, ceiling)
    if not ceiling.errors:
        ceiling.ratio = 1.0
        ceiling.cpu_ratio = 1.0 if ceiling.cpu_us_per_request else None
    return ceiling, rows


Check = Callable[[Sequence[Measurement]], list[CheckResult]]


def run_checks(checks: Sequence[Check], rows: Sequence[Measurement]) -> list[CheckResult]:
    results = []
    for check in checks:
        try:
            results.extend(check(rows))
        except Exception as exc:  # a broken check is reported, it does not lose the run
            results.append(CheckResult(getattr(check, "__name__", "check"), f"failed: {exc!r}"))
    return results


def main(scenarios: Sequence[Scenario], checks: Sequence[Check] = ()) -> int:
    """Run `scenarios`; then `checks`, functions of the measured rows that judge targets across
    scenarios (their `CheckResult`s are printed after the table and kept in the results)."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:  # nohup stays nohup
            signal.signal(sig, _raise_interrupt)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        settings = Settings.from_env()
        _check_scenarios(scenarios)
        with bench_lock(settings):
            ceiling, rows = _run_all(settings, scenarios)
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        return 130
    except (BenchError, subprocess.TimeoutExpired, OSError) as exc:
        log(f"failed: {exc}")
        return 2
    everything = [ceiling, *rows]
    ok = not any(row.errors for row in everything)
    print()
    print(table(everything))
    for row in everything:
        for problem in row.errors:
            print(f"ERROR {row.name}: {problem}")
        for problem in row.warmup_errors:
            print(f"note  {row.name} (warm-up only): {problem}")
        if row.other_busy_share is not None and row.other_busy_share > NOISE_WARNING_SHARE:
            print(
                f"note  {row.name}: other work used {row.other_busy_share:.0%} of the machine "
                "during the run: its req/s and ratio are unreliable, run again on a quiet machine"
            )
    checked = run_checks(checks, rows)
    for check in checked:
        target = f" (target {check.target})" if check.target != "-" else ""
        print(f"check {check.verdict:<4}  {check.name}: {check.value}{target}")
    missed = [row.name for row in rows if row.target_met is False]
    missed += [check.name for check in checked if check.passed is False]
    if missed:
        print(f"target missed (not a failure of the run): {', '.join(missed)}")
    path = write_results(settings, ceiling, rows, ok, checked)
    print(f"\nresults: {path.relative_to(ROOT)}")
    return 0 if ok else 1
