"""The time-bank scenarios (issue 5): booking under contention, and a long account.

`timebank booking, 200 volunteers`: the setup writes 200 volunteers (users and volunteers rows in
one statement each, tokens minted as a login would, their profiles cached by one request each),
then fires the **burst**: 200 booking attempts at once, one per volunteer, at one opportunity
with 50 places (200 connections opened first, then every request written at the same moment;
not wrk, which keeps sending). Every answer must be 201 or 409 "已约满". Then the measured wrk
run books without pause at 32 connections: each request books a (volunteer, opportunity) pair
not booked before, every answer a 201 (requests/s and ratio of the booking write path). After the
run, `booking_check` counts the bookings in the database: exactly min(places, attempts) on the
burst's opportunity, and on every bench opportunity `booked` equals its active bookings and
never exceeds its places.

`timebank account, 10,000 entries, 4 conn`: `GET /api/v1/timebank/account` (first page) for a
volunteer whose ledger holds 10 000 entries (service credits with their approved service logs,
redemptions with their requests, gifts to family and to the fund), written with COPY; the account's
balance is set to their sum. Target: p99 <= 50 ms at one connection per gunicorn worker. The
`last page` run reads the 100th page of 100 (OFFSET 9 900): a figure, no target.

    BENCH_ONLY=timebank make bench
    BENCH_TIMEBANK_PLACES=50 BENCH_TIMEBANK_VOLUNTEERS=200 BENCH_TIMEBANK_ENTRIES=10000
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench.assistance_data import psycopg_url
from bench.harness import (
    BENCH_DIR,
    BenchError,
    CheckResult,
    Client,
    Measurement,
    Prepared,
    Scenario,
    Settings,
    database_url,
    log,
    redis_url,
)

VOLUNTEERS = int(os.environ.get("BENCH_TIMEBANK_VOLUNTEERS", "200"))
PLACES = int(os.environ.get("BENCH_TIMEBANK_PLACES", "50"))
ENTRIES = int(os.environ.get("BENCH_TIMEBANK_ENTRIES", "10000"))
ACCOUNT_P99_MS = 50

# Fixed ids (far above what the sequences hand out), so that the scenarios' paths are known
# before their setup runs: the harness's check request goes to `Scenario.path`.
BURST_OPPORTUNITY = 900_000_001
CHECK_OPPORTUNITY = 900_000_002
SUSTAINED_FIRST_ID = 900_001_000  # the measured run's opportunities: 900_001_000 onwards

BURST_TIMEOUT_SECONDS = 60
# Opportunities of the measured run: one block per wrk thread and run (warm-up, measured), each
# large enough for this many bookings a second for the whole run (far above what 2 cores do).
MAX_BOOKINGS_PER_SECOND = 1500
BLOCKS = 8
BOOKING_SCRIPT = "results/timebank_book.lua"  # relative to bench/ (git-ignored)
BOOKING_RUNS = "results/timebank_book.runs"  # the Lua scripts' counter of wrk threads started

ACCOUNT_PATH = "/api/v1/timebank/account?page=1&page_size=20"
LAST_PAGE_PATH = "/api/v1/timebank/account?page=100&page_size=100"

_state: dict[str, object] = {}


def booking_path(opportunity_id: int) -> str:
    return f"/api/v1/timebank/opportunities/{opportunity_id}/bookings"


def mint_tokens(user_ids: Sequence[int], roles: Sequence[str]) -> list[str]:
    """Access tokens as a login issues them (token family in Redis), one per user."""
    import redis

    from server.config import DEFAULT_SECRET_KEY
    from server.services import auth

    settings = auth.TokenSettings(
        secret=os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        access_seconds=int(os.environ.get("ACCESS_TOKEN_SECONDS", 2 * 3600)),
        refresh_seconds=int(os.environ.get("REFRESH_TOKEN_SECONDS", 30 * 24 * 3600)),
    )
    client = redis.Redis.from_url(redis_url())
    try:
        return [
            auth.issue_tokens(client, settings, user_id=uid, roles=list(roles)).access_token
            for uid in user_ids
        ]
    finally:
        client.close()


def _lua_list(values: Sequence[object]) -> str:
    return ",\n".join(f"  {json.dumps(v)}" for v in values)


# --------------------------------------------------------------------------- data


def _people(conn: psycopg.Connection, prefix: str, count: int, region: str) -> list[int]:
    """`count` residents registered as volunteers, in one statement each; their ids in order."""
    ids = [
        row[0]
        for row in conn.execute(
            """
            INSERT INTO users (openid, real_name, region_code, is_volunteer, is_admin, version)
            SELECT %(prefix)s || lpad(n::text, 6, '0'), '志愿者' || n, %(region)s, true, false, 1
            FROM generate_series(1, %(count)s) AS n
            ORDER BY n
            RETURNING id
            """,
            {"prefix": prefix, "count": count, "region": region},
        )
    ]
    conn.execute(
        """
        INSERT INTO volunteers (user_id, skills, team, region_code)
        SELECT id, '["companionship"]', '义工之家', %s FROM unnest(%s::int[]) AS id
        """,
        (region, ids),
    )
    return sorted(ids)


def _opportunities(
    conn: psycopg.Connection,
    *,
    ids: Sequence[int],
    first_start: datetime,
    places: int,
    region: str,
    worker: int,
) -> None:
    """Opportunities `ids` (explicit), one hour each, back to back: no two overlap."""
    conn.execute(
        """
        INSERT INTO opportunities (id, title, region_code, starts_at, ends_at, places, skills,
                                   description, check_code, created_by)
        SELECT id, '压测：陪老人聊天', %(region)s,
               %(start)s + (ord - 1) * interval '1 hour', %(start)s + ord * interval '1 hour',
               %(places)s, '["companionship"]', '压测数据', '000000', %(worker)s
        FROM unnest(%(ids)s::int[]) WITH ORDINALITY AS t(id, ord)
        """,
        {
            "ids": list(ids),
            "start": first_start,
            "places": places,
            "region": region,
            "worker": worker,
        },
    )


def _demo(conn: psycopg.Connection) -> tuple[str, int]:
    region, worker = conn.execute(
        """
        SELECT (SELECT region_code FROM users WHERE openid = 'demo-volunteer'),
               (SELECT id FROM users WHERE openid = 'demo-worker-community')
        """
    ).fetchone()
    if region is None or worker is None:
        raise BenchError("the demo volunteer and community worker are missing (seed-demo)")
    return region, worker


def booking_data(volunteers: int, places: int, blocks: int, block_size: int) -> dict:
    """The volunteers (and one more for the harness's check request), the burst's opportunity,
    the check's, and `blocks` x `block_size` opportunities of `volunteers` places each."""
    start = (datetime.now(UTC) + timedelta(days=60)).replace(minute=0, second=0, microsecond=0)
    sustained = [SUSTAINED_FIRST_ID + i for i in range(blocks * block_size)]
    with psycopg.connect(psycopg_url(database_url())) as conn:
        region, worker = _demo(conn)
        ids = _people(conn, "bench-volunteer-", volunteers + 1, region)
        # The burst's slot and the check's, hours before the measured run's (no overlaps).
        _opportunities(
            conn,
            ids=[BURST_OPPORTUNITY, CHECK_OPPORTUNITY],
            first_start=start - timedelta(hours=4),
            places=places,
            region=region,
            worker=worker,
        )
        _opportunities(
            conn, ids=sustained, first_start=start, places=volunteers, region=region, worker=worker
        )
    blocks_ids = [sustained[i * block_size : (i + 1) * block_size] for i in range(blocks)]
    return {"volunteers": ids[:volunteers], "checker": ids[volunteers], "blocks": blocks_ids}


def ledger_data(entries: int, *, seed: int = 5) -> int:
    """A volunteer whose account holds `entries` entries over about five years, with the service
    logs and redemptions they refer to; the balance is their sum. Answers the user id."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    first = now - timedelta(days=5 * 365)
    step = (now - first) / max(entries, 1)
    with psycopg.connect(psycopg_url(database_url())) as conn:
        region, worker = _demo(conn)
        (user_id,) = _people(conn, "bench-ledger-", 1, region)
        account = conn.execute(
            "INSERT INTO timebank_accounts (user_id, kind, balance, created_at) "
            "VALUES (%s, 'user', 0, %s) RETURNING id",
            (user_id, first),
        ).fetchone()[0]
        # The history: credits for service; when there is something to spend, now and then a
        # redemption, a gift to family or to the fund. The balance never goes below zero.
        plan, balance = [], 0
        for index in range(entries):
            at = first + step * index
            if balance >= 240 and rng.random() < 0.45:
                kind = rng.choices(("redemption", "transfer_out", "donation"), (7, 2, 1))[0]
                minutes = -min(balance // 30 * 30, rng.choice((60, 90, 120)))
            else:
                kind, minutes = "service", rng.choice((60, 90, 120, 150, 180))
            balance += minutes
            plan.append((kind, minutes, at))
        services = [p for p in plan if p[0] == "service"]
        redemptions = [p for p in plan if p[0] == "redemption"]
        with conn.cursor() as cursor:
            with cursor.copy(
                "COPY service_logs (volunteer_id, region_code, served_on, minutes, description, "
                "status, decided_by, decided_at, created_at, updated_at) FROM STDIN"
            ) as copy:
                for _kind, minutes, at in services:
                    copy.write_row(
                        (user_id, region, at.date(), minutes, "陪老人聊天", "approved", worker, at)
                        + (at, at)
                    )
            with cursor.copy(
                "COPY redemptions (user_id, service, wanted_on, place, region_code, minutes, "
                "status, handled_by, handled_at, created_at, updated_at) FROM STDIN"
            ) as copy:
                for _kind, minutes, at in redemptions:
                    copy.write_row(
                        (user_id, "housekeeping", at.date(), "家中", region, -minutes, "done")
                        + (worker, at, at, at)
                    )
        log_ids = iter(
            r[0]
            for r in conn.execute(
                "SELECT id FROM service_logs WHERE volunteer_id = %s ORDER BY id", (user_id,)
            )
        )
        redemption_ids = iter(
            r[0]
            for r in conn.execute(
                "SELECT id FROM redemptions WHERE user_id = %s ORDER BY id", (user_id,)
            )
        )
        refs = {
            "service": ("service_log", lambda: next(log_ids), None),
            "redemption": ("redemption", lambda: next(redemption_ids), "家政保洁"),
            "transfer_out": ("transfer", None, None),
            "donation": (None, None, "捐给时间银行公益基金"),
        }
        with conn.cursor() as cursor:
            with cursor.copy(
                "COPY timebank_entries (account_id, kind, minutes, ref_type, ref_id, reason, "
                "created_by, created_at) FROM STDIN"
            ) as copy:
                for index, (kind, minutes, at) in enumerate(plan):
                    ref_type, next_ref, reason = refs[kind]
                    ref_id = next_ref() if next_ref else (index + 1 if ref_type else None)
                    copy.write_row((account, kind, minutes, ref_type, ref_id, reason, user_id, at))
        conn.execute(
            "UPDATE timebank_accounts SET balance = "
            "(SELECT sum(minutes) FROM timebank_entries WHERE account_id = %s) WHERE id = %s",
            (account, account),
        )
    # What autovacuum would have done to tables this size: statistics and the visibility map.
    with psycopg.connect(psycopg_url(database_url()), autocommit=True) as conn:
        for table in ("timebank_entries", "service_logs", "redemptions", "timebank_accounts"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return user_id


# --------------------------------------------------------------------------- the burst


async def _attempt(
    host: str, port: int, request: bytes, go: asyncio.Event
) -> tuple[int, bytes, float]:
    """One connection, opened beforehand; its request is sent when `go` is set."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        await go.wait()
        started = time.perf_counter()
        writer.write(request)
        await writer.drain()
        answer = await reader.read()  # gunicorn's sync workers close after each response
        elapsed = time.perf_counter() - started
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body, elapsed


async def _fire(host: str, port: int, requests: Sequence[bytes]) -> tuple[list, float]:
    go = asyncio.Event()
    tasks = [asyncio.create_task(_attempt(host, port, r, go)) for r in requests]
    await asyncio.sleep(0.2)  # every connection open (the server accepts them as it can)
    started = time.perf_counter()
    go.set()
    results = await asyncio.wait_for(asyncio.gather(*tasks), BURST_TIMEOUT_SECONDS)
    return results, time.perf_counter() - started


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def burst(client: Client, tokens: Sequence[str]) -> dict:
    """All `tokens` try to book the burst's opportunity at the same moment: one connection each,
    all opened first, then every request written at once. Answers the counts and timings."""
    parts = urlsplit(client.base_url)
    path = booking_path(BURST_OPPORTUNITY)
    requests = [
        (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Bearer {token}\r\nIdempotency-Key: burst-{index}\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n"
        ).encode()
        for index, token in enumerate(tokens)
    ]
    try:
        answers, seconds = asyncio.run(_fire(parts.hostname, parts.port, requests))
    except TimeoutError:
        raise BenchError(f"the burst took more than {BURST_TIMEOUT_SECONDS} s") from None
    latencies = [elapsed * 1000 for _status, _body, elapsed in answers]
    booked = sum(1 for status, _body, _elapsed in answers if status == 201)
    full = sum(1 for status, body, _ in answers if status == 409 and b"fully_booked" in body)
    return {
        "burst_attempts": len(tokens),
        "burst_places": PLACES,
        "burst_201": booked,
        "burst_409_full": full,
        "burst_other": len(answers) - booked - full,
        "burst_s": round(seconds, 3),
        "burst_rps": round(len(answers) / seconds, 1),
        "burst_p50_ms": round(_percentile(latencies, 0.50), 2),
        "burst_p99_ms": round(_percentile(latencies, 0.99), 2),
        "burst_max_ms": round(max(latencies), 2),
    }


# --------------------------------------------------------------------------- the measured run


def _booking_script(tokens: Sequence[str], blocks: Sequence[Sequence[int]], runs: Path) -> str:
    ids = ",\n".join("  {" + ", ".join(map(str, block)) + "}" for block in blocks)
    return f"""-- Written by bench/timebank.py: every request books a (volunteer, opportunity)
-- pair never booked before: each wrk thread of each run takes a block of opportunities of its
-- own and books every volunteer on each of them in turn (each has a place for every one).
local tokens = {{
{_lua_list(tokens)},
}}
local blocks = {{
{ids},
}}
local runs = "{runs}"

function setup(thread)
  -- The main state, once per thread: a block no earlier thread or run has used.
  local file = io.open(runs, "r")
  local used = tonumber(file:read("*a")) or 0
  file:close()
  file = io.open(runs, "w")
  file:write(tostring(used + 1))
  file:close()
  thread:set("block", used % #blocks + 1)
end

local count = #tokens
local n = 0

function request()
  local opportunities = blocks[block]
  local slot = math.floor(n / count) % #opportunities + 1
  local volunteer = n % count + 1
  n = n + 1
  local path = "/api/v1/timebank/opportunities/" .. opportunities[slot] .. "/bookings"
  return wrk.format("POST", path, {{
    ["Authorization"] = "Bearer " .. tokens[volunteer],
    ["Idempotency-Key"] = "book-" .. block .. "-" .. n,
  }})
end
"""


def booking_setup(client: Client) -> Prepared:
    settings = Settings.from_env()
    seconds = max(settings.seconds, settings.warmup_seconds)
    block_size = math.ceil(MAX_BOOKINGS_PER_SECOND * seconds / VOLUNTEERS) + 1
    log(
        f"  writing {VOLUNTEERS + 1} volunteers and {BLOCKS * block_size + 2} opportunities, "
        "minting their tokens"
    )
    data = booking_data(VOLUNTEERS, PLACES, BLOCKS, block_size)
    roles = ("resident", "volunteer")
    tokens = mint_tokens(data["volunteers"], roles)
    (checker_token,) = mint_tokens([data["checker"]], roles)
    # Each volunteer has used the app before: their profile is in the cache, as after a login.
    for token in [*tokens, checker_token]:
        status, raw = client.request(
            "GET", "/api/v1/timebank/volunteers/me", headers={"Authorization": f"Bearer {token}"}
        )
        if status != 200:
            raise BenchError(f"GET /volunteers/me answered {status}: {raw[:200]!r}")
    log(f"  burst: {VOLUNTEERS} volunteers book one opportunity of {PLACES} places at once")
    notes = burst(client, tokens)
    log(
        f"  burst: {notes['burst_201']} booked, {notes['burst_409_full']} 已约满, "
        f"{notes['burst_other']} other, in {notes['burst_s']} s, p99 {notes['burst_p99_ms']} ms"
    )
    runs = BENCH_DIR / BOOKING_RUNS
    runs.write_text("0")
    (BENCH_DIR / BOOKING_SCRIPT).write_text(_booking_script(tokens, data["blocks"], runs))
    notes.update(
        volunteers=VOLUNTEERS,
        sustained_opportunities=[data["blocks"][0][0], data["blocks"][-1][-1]],
    )
    return Prepared(
        headers={
            "Authorization": f"Bearer {checker_token}",
            "Idempotency-Key": f"check-{uuid.uuid4().hex}",
        },
        notes=notes,
    )


def settle(tables: Sequence[str]) -> None:
    """What autovacuum and the checkpointer would do after the booking run's writes, done now,
    so that the account's measured run does not pay for them."""
    with psycopg.connect(psycopg_url(database_url()), autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM ANALYZE {table}")
        conn.execute("CHECKPOINT")


def account_setup(client: Client) -> Prepared:
    user_id = _state.get("ledger_user")
    if user_id is None:
        log(f"  writing a volunteer with {ENTRIES:,} ledger entries")
        user_id = ledger_data(ENTRIES)
        _state["ledger_user"] = user_id
        settle(("opportunities", "bookings", "timebank_events", "volunteers", "users"))
    (token,) = mint_tokens([user_id], ("resident", "volunteer"))
    with psycopg.connect(psycopg_url(database_url())) as conn:
        entries, balance, total = conn.execute(
            """
            SELECT count(*), a.balance, sum(e.minutes)
            FROM timebank_accounts a JOIN timebank_entries e ON e.account_id = a.id
            WHERE a.user_id = %s GROUP BY a.balance
            """,
            (user_id,),
        ).fetchone()
    return Prepared(
        headers={"Authorization": f"Bearer {token}"},
        notes={"entries": entries, "balance_minutes": balance, "entries_sum": int(total)},
    )


SCENARIOS = [
    Scenario(
        name=f"timebank booking, {VOLUNTEERS} volunteers",
        method="POST",
        path=booking_path(CHECK_OPPORTUNITY),
        setup=booking_setup,
        lua_script=BOOKING_SCRIPT,
        expect_status=201,
    ),
    Scenario(
        name=f"timebank account, {ENTRIES:,} entries, 4 conn",
        path=ACCOUNT_PATH,
        setup=account_setup,
        target_p99_ms=ACCOUNT_P99_MS,
        connections=4,
    ),
    Scenario(
        name=f"timebank account, {ENTRIES:,} entries, last page, 4 conn",
        path=LAST_PAGE_PATH,
        setup=account_setup,
        connections=4,
    ),
]


# --------------------------------------------------------------------------- checks


def booking_check(rows: Sequence[Measurement]) -> list[CheckResult]:
    """After the run: the burst's answers and what the database holds."""
    row = next((r for r in rows if "burst_201" in r.notes), None)
    if row is None:
        return []
    notes = row.notes
    attempts, places = notes["burst_attempts"], notes["burst_places"]
    expected = min(places, attempts)
    with psycopg.connect(psycopg_url(database_url())) as conn:
        found = conn.execute(
            "SELECT places, booked FROM opportunities WHERE id = %s", (BURST_OPPORTUNITY,)
        ).fetchone()
        active = conn.execute(
            "SELECT count(*) FROM bookings WHERE opportunity_id = %s "
            "AND status IN ('booked', 'checked_in')",
            (BURST_OPPORTUNITY,),
        ).fetchone()[0]
        first, last = notes["sustained_opportunities"]
        # Every bench opportunity: `booked` equals its bookings, and never above its places.
        opportunities, bookings, wrong = conn.execute(
            """
            SELECT count(*), coalesce(sum(o.booked), 0),
                   count(*) FILTER (WHERE o.booked <> coalesce(b.n, 0) OR o.booked > o.places)
            FROM opportunities o
            LEFT JOIN (SELECT opportunity_id, count(*) AS n FROM bookings
                       WHERE status IN ('booked', 'checked_in') GROUP BY opportunity_id) b
                   ON b.opportunity_id = o.id
            WHERE o.id BETWEEN %s AND %s OR o.id IN (%s, %s)
            """,
            (first, last, BURST_OPPORTUNITY, CHECK_OPPORTUNITY),
        ).fetchone()
    if found is None:
        burst_value = "the burst's opportunity is gone from the database"
        burst_ok = False
    else:
        burst_ok = (
            notes["burst_201"] == expected == active == found[1]
            and notes["burst_409_full"] == attempts - expected
            and notes["burst_other"] == 0
        )
        burst_value = (
            f"{attempts} attempts at {places} places: {notes['burst_201']} x 201, "
            f"{notes['burst_409_full']} x 409 已约满, {notes['burst_other']} other; "
            f"database: {active} bookings, booked = {found[1]}; "
            f"{notes['burst_rps']:,.0f} req/s ({attempts} in {notes['burst_s']:g} s), "
            f"p50 {notes['burst_p50_ms']:.1f} ms, p99 {notes['burst_p99_ms']:.1f} ms"
        )
    return [
        CheckResult(
            name=f"timebank burst, {attempts} volunteers at one opportunity",
            value=burst_value,
            target=f"exactly {expected} booked, booked == bookings, the rest 409",
            passed=burst_ok,
        ),
        CheckResult(
            name="timebank nothing oversold",
            value=f"{opportunities} opportunities, {bookings:,} bookings, {wrong} mismatched",
            target="booked == bookings <= places on every one",
            passed=wrong == 0 and opportunities > 0,
        ),
    ]


def ledger_check(rows: Sequence[Measurement]) -> list[CheckResult]:
    row = next((r for r in rows if "entries_sum" in r.notes), None)
    if row is None:
        return []
    notes = row.notes
    return [
        CheckResult(
            name=f"timebank account data, {notes['entries']:,} entries",
            value=f"balance {notes['balance_minutes']:,} min, sum of entries "
            f"{notes['entries_sum']:,} min",
            target="balance == sum(entries)",
            passed=notes["balance_minutes"] == notes["entries_sum"],
        )
    ]


CHECKS = [booking_check, ledger_check]
