"""The charity scenarios (issue 6): logging a gift, and the public report of a large campaign.

`charity donation write`: `POST /api/v1/charity/donations` as the demo resident (a pledge of
100 yuan by WeChat to this year's 慈善一日捐), 32 connections like the ceiling. Every request
carries an Idempotency-Key never used before (the wrk script numbers them per thread and run),
so every one logs a gift: the write path with its idempotency key, not the replay.
Target: requests/s >= 20% of the ceiling's (a bare one-row insert in a transaction on PostgreSQL
measures about 21% on the issue's machine). That yardstick is measured in the same run,
`charity yardstick: a bare insert` (`POST /ceiling/insert` on the ceiling's server,
bench/ceiling.py); the check `charity write against a bare insert` gives the write's share of it.
`charity floor: the app's layers and a bare insert` (`POST /bench/floor/insert`, bench/floor.py)
is the same insert behind the donation's own layers (authentication, the write limit, its body
and response schemas, the request's session): what any write of this app reaches, whatever it
does; the check `charity write against the floor` reads the write against it.

`charity report, 100,000 donations, 4 conn`: `GET /api/v1/public/charity/campaigns/{id}/report`
for a campaign holding 100 000 confirmed gifts (money and goods, from 300 work units, a tenth
anonymous) and 300 disbursements, written with COPY, its totals set from them. The report is
cached in Redis (`charity:report:{id}`); the setup times the first, uncached request (a note in
the results and a `check` line). Target: p99 <= 50 ms at one connection per gunicorn worker.

    BENCH_ONLY=charity make bench
    BENCH_CHARITY_DONATIONS=100000
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import psycopg
import redis

from bench.assistance_data import psycopg_url
from bench.harness import (
    BENCH_DIR,
    DEFAULT_REDIS_URL,
    BenchError,
    CheckResult,
    Client,
    Measurement,
    Prepared,
    Scenario,
    _lua_string,
    database_url,
    log,
)
from server.seed_charity import CITY

DONATIONS = int(os.environ.get("BENCH_CHARITY_DONATIONS", "100000"))
UNITS = 300
DISBURSEMENTS = 300
WRITE_RATIO = 0.20
REPORT_P99_MS = 50

REPORT_CAMPAIGN = 900_000_001  # a fixed id, so that the scenario's path is known beforehand
REPORT_YEAR = 2014
REPORT_PATH = f"/api/v1/public/charity/campaigns/{REPORT_CAMPAIGN}/report"
DONATIONS_PATH = "/api/v1/charity/donations"
WRITE_SCRIPT = "results/charity_donate.lua"  # relative to bench/ (git-ignored)
WRITE_RUNS = "results/charity_donate.runs"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国秀英志强丽华伟明芳军敏静洁磊涛燕勇艳杰娟文斌玉兰海波红梅春花晓东"
GOODS = (("棉被", "床"), ("大米", "袋"), ("食用油", "桶"), ("冬衣", "件"), ("书包", "个"))
UNIT_KINDS = ("company", "school", "department", "hospital", "community")
PURPOSES = ("education", "hardship", "medical", "elderly")


# --------------------------------------------------------------------------- data


def report_data(count: int, *, seed: int = 2014) -> dict:
    """Campaign REPORT_CAMPAIGN of REPORT_YEAR with `count` confirmed gifts and DISBURSEMENTS
    disbursements; its totals (and the year's receipt counter) set from them."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with psycopg.connect(psycopg_url(database_url())) as conn:
        worker = conn.execute(
            "SELECT id FROM users WHERE openid = 'demo-worker-county'"
        ).fetchone()[0]
        conn.execute(
            """
            INSERT INTO charity_campaigns (id, name, purpose, region_code, starts_on, ends_on,
                                           target_fen, purposes, created_by)
            VALUES (%s, %s, '压测数据：一年的慈善一日捐。', %s, %s, %s, %s, %s::json, %s)
            """,
            (
                REPORT_CAMPAIGN,
                f"{REPORT_YEAR}年慈善一日捐（压测）",
                CITY,
                date(REPORT_YEAR, 1, 1),
                date(REPORT_YEAR, 12, 31),
                2_000_000_000,
                json.dumps(PURPOSES),
                worker,
            ),
        )
        units = [
            row[0]
            for row in conn.execute(
                """
                INSERT INTO work_units (name, kind, region_code, verified, created_at)
                SELECT '压测单位' || lpad(n::text, 3, '0'), (%s::text[])[1 + n %% 5], %s, true,
                       now()
                FROM generate_series(1, %s) AS n ORDER BY n RETURNING id
                """,
                (list(UNIT_KINDS), CITY, UNITS),
            )
        ]
        year_start = datetime(REPORT_YEAR, 1, 1, 1, tzinfo=UTC)
        gifts = sorted(
            year_start + timedelta(seconds=rng.randrange(360 * 24 * 3600)) for _ in range(count)
        )
        money = goods = 0
        columns = (
            "campaign_id, kind, amount_fen, channel, goods_description, goods_quantity, "
            "goods_unit, donor_name, anonymous, message, unit_id, department, region_code, "
            "status, logged_by, idempotency_key, fingerprint, receipt_number, confirmed_at, "
            "confirmed_by, created_at, updated_at"
        )
        with conn.cursor() as cursor, cursor.copy(f"COPY donations ({columns}) FROM STDIN") as copy:
            for number, at in enumerate(gifts, start=1):
                unit = rng.choice(units) if rng.random() < 0.6 else None
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                if rng.random() < 0.05:
                    what, measure = rng.choice(GOODS)
                    amount = rng.randrange(5_000, 500_000, 100)
                    row = ("goods", amount, None, what, rng.randint(1, 100), measure)
                    goods += amount
                else:
                    amount = rng.choice((5_000, 10_000, 20_000, 30_000, 50_000, 100_000))
                    row = ("money", amount, rng.choice(("wechat", "bank", "cash")), None, None)
                    row += (None,)
                    money += amount
                copy.write_row(
                    (REPORT_CAMPAIGN, *row, name, rng.random() < 0.1, None, unit)
                    + (None, CITY, "confirmed", worker, f"bench-{REPORT_YEAR}-{number}", "bench")
                    + (f"CS-{REPORT_YEAR}-{number:06d}", at, worker, at, at)
                )
        disbursed = 0
        with (
            conn.cursor() as cursor,
            cursor.copy(
                "COPY disbursements (campaign_id, kind, amount_fen, purpose, recipient_name, "
                "region_code, note, created_by, created_at) FROM STDIN"
            ) as copy,
        ):
            share = money * 8 // 10 // DISBURSEMENTS  # 80% of the money goes out
            for index in range(DISBURSEMENTS):
                at = year_start + timedelta(days=30 + index * 300 // DISBURSEMENTS)
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                purpose = PURPOSES[index % len(PURPOSES)]
                copy.write_row(
                    (REPORT_CAMPAIGN, "money", share, purpose, name, CITY, "压测", worker, at)
                )
                disbursed += share
        conn.execute(
            "UPDATE charity_campaigns SET received_fen = %s, goods_received_fen = %s, "
            "disbursed_fen = %s WHERE id = %s",
            (money, goods, disbursed, REPORT_CAMPAIGN),
        )
        conn.execute(
            "INSERT INTO counters (name, value) VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (f"charity.receipt.{REPORT_YEAR}", count),
        )
    # What autovacuum and the checkpointer would do after this load (and the write scenario's
    # gifts), done before the measured run rather than during it.
    with psycopg.connect(psycopg_url(database_url()), autocommit=True) as conn:
        for table in (
            "donations",
            "charity_events",
            "disbursements",
            "work_units",
            "charity_campaigns",
        ):
            conn.execute(f"VACUUM ANALYZE {table}")
        conn.execute("CHECKPOINT")
    return {
        "donations": count,
        "received_fen": money,
        "goods_received_fen": goods,
        "disbursed_fen": disbursed,
        "load_s": round(time.perf_counter() - started, 1),
    }


def open_campaign() -> int:
    """This year's demo campaign (seed-demo), open today."""
    with psycopg.connect(psycopg_url(database_url())) as conn:
        row = conn.execute(
            "SELECT id FROM charity_campaigns WHERE starts_on <= current_date "
            "AND current_date <= ends_on AND id <> %s ORDER BY id DESC LIMIT 1",
            (REPORT_CAMPAIGN,),
        ).fetchone()
    if row is None:
        raise BenchError("no open charity campaign (seed-demo makes this year's)")
    return row[0]


# --------------------------------------------------------------------------- scenarios


def _write_script(body: str, runs: str) -> str:
    return f"""-- Written by bench/charity.py: the same gift, with an Idempotency-Key never
-- used before on every request ("bench-<thread and run>-<n>").
wrk.method = "POST"
wrk.body = {_lua_string(body)}
wrk.headers["Content-Type"] = "application/json"
local runs = "{runs}"

function setup(thread)
  local file = io.open(runs, "r")
  local used = tonumber(file:read("*a")) or 0
  file:close()
  file = io.open(runs, "w")
  file:write(tostring(used + 1))
  file:close()
  thread:set("run", used + 1)
end

local n = 0

function request()
  n = n + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. run .. "-" .. n
  return wrk.format()
end
"""


def write_setup(client: Client) -> Prepared:
    body = {
        "campaign_id": open_campaign(),
        "kind": "money",
        "amount_fen": 10_000,
        "channel": "wechat",
        "message": "一点心意",
    }
    runs = BENCH_DIR / WRITE_RUNS
    runs.parent.mkdir(parents=True, exist_ok=True)
    runs.write_text("0")
    (BENCH_DIR / WRITE_SCRIPT).write_text(
        _write_script(json.dumps(body, ensure_ascii=False), str(runs))
    )
    with psycopg.connect(psycopg_url(database_url())) as conn:
        before = conn.execute("SELECT count(*) FROM donations").fetchone()[0]
    return Prepared(
        headers={**client.bearer("demo-resident"), "Idempotency-Key": uuid.uuid4().hex},
        body=body,
        notes={"donations_before": before},
    )


def _forget_report() -> None:
    client = redis.Redis.from_url(os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    try:
        client.delete(f"charity:report:{REPORT_CAMPAIGN}")
    finally:
        client.close()


def report_setup(client: Client) -> Prepared:
    log(f"  writing a campaign with {DONATIONS:,} confirmed donations")
    notes = report_data(DONATIONS)
    log(f"  loaded in {notes['load_s']} s; timing the uncached report")
    times = []
    for _ in range(3):
        # The first request after a change: computed from the database, then cached.
        _forget_report()
        started = time.perf_counter()
        status, raw = client.request("GET", REPORT_PATH)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise BenchError(f"the report answered {status}: {raw[:200]!r}")
    report = json.loads(raw)
    notes.update(
        uncached_ms=round(min(times), 1),
        report_bytes=len(raw),
        report_received_fen=report["campaign"]["received_fen"],
        report_donors=report["campaign"]["donors"],
    )
    return Prepared(notes=notes)


def bare_insert_setup(_client: Client) -> Prepared:
    """The yardstick's table, empty."""
    with psycopg.connect(psycopg_url(database_url())) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_insert "
            "(id serial PRIMARY KEY, note varchar(200) NOT NULL)"
        )
        conn.execute("TRUNCATE bench_bare_insert")
    return Prepared()


BARE_INSERT = "charity yardstick: a bare insert"
FLOOR_INSERT = "charity floor: the app's layers and a bare insert"


def floor_setup(client: Client) -> Prepared:
    """The yardstick's table, and the demo resident's token: the floor's insert authenticates
    as the donation does (bench/floor.py)."""
    bare_insert_setup(client)
    return Prepared(headers=client.bearer("demo-resident"))


SCENARIOS = [
    Scenario(
        name="charity donation write",
        method="POST",
        path=DONATIONS_PATH,
        setup=write_setup,
        lua_script=WRITE_SCRIPT,
        target_ratio=WRITE_RATIO,
        expect_status=201,
    ),
    Scenario(
        name=f"charity report, {DONATIONS:,} donations, 4 conn",
        path=REPORT_PATH,
        setup=report_setup,
        target_p99_ms=REPORT_P99_MS,
        connections=4,
    ),
    Scenario(
        name=BARE_INSERT,
        method="POST",
        path="/ceiling/insert",
        body={"note": "一点心意"},
        setup=bare_insert_setup,
        expect_status=201,
        on_ceiling=True,
    ),
    Scenario(
        name=FLOOR_INSERT,
        method="POST",
        path="/bench/floor/insert",
        # the donation's body (its schema checks it; no campaign is read)
        body={"campaign_id": 1, "kind": "money", "amount_fen": 10_000, "channel": "wechat"},
        setup=floor_setup,
        expect_status=201,
        on_floor=True,
    ),
]


def charity_check(rows: Sequence[Measurement]) -> list[CheckResult]:
    results = []
    by_name = {row.name: row for row in rows if not row.errors}
    write = by_name.get("charity donation write")
    for yardstick, name in ((BARE_INSERT, "a bare insert"), (FLOOR_INSERT, "the floor")):
        bare = by_name.get(yardstick)
        if write and bare and bare.requests_per_second:
            results.append(
                CheckResult(
                    name=f"charity write against {name}",
                    value=f"{write.requests_per_second / bare.requests_per_second:.2f} of its "
                    f"req/s ({write.requests_per_second:,.0f} vs "
                    f"{bare.requests_per_second:,.0f}); {name} itself {bare.ratio or 0:.2f} of "
                    "the ceiling's",
                )
            )
    for row in rows:
        notes = row.notes
        if "donations_before" in notes:
            with psycopg.connect(psycopg_url(database_url())) as conn:
                after, keys = conn.execute(
                    "SELECT count(*), count(DISTINCT (logged_by, idempotency_key)) FROM donations"
                ).fetchone()
            written = after - notes["donations_before"]
            results.append(
                CheckResult(
                    name="charity donations written",
                    value=f"{written:,} gifts logged during the write scenario "
                    f"(check, warm-up and run), {after - keys} keys used twice",
                    target="one gift per key",
                    passed=after == keys,
                )
            )
        if "uncached_ms" in notes:
            results.append(
                CheckResult(
                    name=f"charity report uncached, {notes['donations']:,} donations",
                    value=f"{notes['uncached_ms']:.1f} ms for the first request after a change "
                    f"(best of 3), {notes['report_bytes']:,} bytes; "
                    f"{notes['report_donors']:,} donors; loaded in {notes['load_s']} s",
                )
            )
    return results


CHECKS = [charity_check]
