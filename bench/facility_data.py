"""Bulk facilities for the nearest-search benchmark, at a city's density, and the query points.

`fill` replaces every facility of the bench database by N generated ones, all inside the 衢州
area (lat 28.5 – 29.5, lng 118.0 – 119.3, about 14 000 km²): half spread evenly over it, half
around the six county seats, as towns are denser than hills. A million facilities is then about
70 per km² on average and several hundred per km² in the towns: the hard case for a nearest
search, unlike the same number spread over all of China. Types, opening hours, capacities,
services, hazards and statuses follow the demo seed's mix. The rows go in with PostgreSQL's COPY
(seconds, not minutes), then VACUUM ANALYZE; the Redis geo index is written with pipelined
GEOADDs and marked ready, so the app never rebuilds it during a measurement.

`query_points` are positions drawn from the same mix (people live where the facilities are).
`time_search` times `facility_search.search` itself, in the app's context, over those points.

    python -m bench.facility_data fill DATABASE_URL REDIS_URL COUNT
    echo '{"points": [[28.97, 118.87]], "types": ["shelter"], "limit": 20, "radius_m": 50000}' \
        | python -m bench.facility_data time   # with the app's DATABASE_URL and REDIS_URL
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime

import psycopg
import redis

from bench.assistance_data import psycopg_url
from server.models.facilities import FACILITY_TYPES, HAZARDS, SERVICES
from server.services.facility_cards import ALL, EMERGENCIES, publish
from server.services.facility_search import READY_KEY, geo_key

MIN_LAT, MAX_LAT = 28.5, 29.5
MIN_LNG, MAX_LNG = 118.0, 119.3
# County seats (GCJ-02) and how many kilometres their built-up spread is (one sigma).
SEATS = {
    "330802": (28.9690, 118.8730, 5.0),  # 柯城区
    "330803": (28.9800, 118.9590, 7.0),  # 衢江区
    "330822": (28.9010, 118.5110, 5.0),  # 常山县
    "330824": (29.1370, 118.4150, 5.0),  # 开化县
    "330825": (29.0280, 119.1720, 5.0),  # 龙游县
    "330881": (28.7380, 118.6270, 6.0),  # 江山市
}
CLUSTERED_SHARE = 0.5
# The demo seed's mix (1 322 service centres, 598 shelters, 271 home-care centres, 112 elder
# institutions, 6 street centres, 2 welfare homes).
TYPE_WEIGHTS = {
    "service_centre": 0.55,
    "shelter": 0.26,
    "home_care": 0.12,
    "elder_institution": 0.05,
    "elderly_service_centre": 0.015,
    "welfare_home": 0.005,
}
TYPE_NAMES = {
    "service_centre": "社区服务中心",
    "shelter": "避灾安置点",
    "home_care": "居家养老服务照料中心",
    "elder_institution": "颐养园",
    "elderly_service_centre": "养老服务中心",
    "welfare_home": "福利院",
}
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = {
    "office": {day: ["08:30-11:30", "13:30-17:00"] for day in WORKDAYS},
    "home_care": {**{day: ["08:00-17:00"] for day in WORKDAYS}, "sat": ["08:30-11:30"]},
    "centre": {day: ["08:00-17:30"] for day in (*WORKDAYS, "sat")},
    "evening": {
        **{day: ["08:00-11:30", "18:00-21:00"] for day in WORKDAYS},
        "sat": ["09:00-12:00"],
        "sun": ["09:00-12:00"],
    },
    "night": {day: ["20:00-06:00"] for day in (*WORKDAYS, "sat", "sun")},
    "none": {},
}
STATUSES = (("open", 0.90), ("full", 0.04), ("closed", 0.04), ("suspended", 0.02))
# The columns that differ on every row come first; the rest is one of a few thousand templates.
COLUMNS = (
    "external_id",
    "name",
    "address",
    "lat",
    "lng",
    "region_code",
    "type",
    "phone",
    "always_open",
    "opening_hours",
    "capacity",
    "capacity_unit",
    "occupancy",
    "occupancy_updated_at",
    "services_mask",
    "hazards_mask",
    "step_free",
    "accessible_toilet",
    "pets_allowed",
    "status",
    "shelter_level",
    "contact_name",
    "contact_phone",
    "is_demo",
    "version",
    "created_at",
    "updated_at",
)
NULL = "\\N"
COPY_CHUNK_ROWS = 20_000
TEMPLATES = 4096  # distinct combinations of type, hours, capacity, services, status …
GEOADD_MEMBERS = 2_000  # members per GEOADD command
PIPELINE_COMMANDS = 50  # commands per pipeline round trip

assert set(TYPE_WEIGHTS) == set(FACILITY_TYPES)


# --------------------------------------------------------------------------- positions


def _position(rng: random.Random) -> tuple[float, float]:
    """A position inside the area: evenly spread, or around a county seat."""
    random_ = rng.random
    while True:
        if random_() >= CLUSTERED_SHARE:
            return MIN_LAT + random_() * (MAX_LAT - MIN_LAT), MIN_LNG + random_() * (
                MAX_LNG - MIN_LNG
            )
        seat_lat, seat_lng, km = _SEAT_LIST[int(random_() * len(_SEAT_LIST))]
        lat = seat_lat + rng.gauss(0, km) / 111.0
        lng = seat_lng + rng.gauss(0, km) / (111.0 * math.cos(math.radians(seat_lat)))
        if MIN_LAT <= lat <= MAX_LAT and MIN_LNG <= lng <= MAX_LNG:
            return lat, lng


_SEAT_LIST = tuple(SEATS.values())
GRID_STEP = 0.01  # degrees: the county of a position is looked up in a grid of this step
_GRID_ROWS = round((MAX_LAT - MIN_LAT) / GRID_STEP) + 1
_GRID_COLS = round((MAX_LNG - MIN_LNG) / GRID_STEP) + 1


def _nearest_county(lat: float, lng: float) -> str:
    return min(SEATS, key=lambda code: (SEATS[code][0] - lat) ** 2 + (SEATS[code][1] - lng) ** 2)


def _county_grid() -> list[str]:
    """The nearest county seat's code for each cell of the grid, row by row."""
    return [
        _nearest_county(MIN_LAT + row * GRID_STEP, MIN_LNG + col * GRID_STEP)
        for row in range(_GRID_ROWS)
        for col in range(_GRID_COLS)
    ]


def query_points(count: int, *, seed: int = 11) -> list[tuple[float, float]]:
    """`count` query positions (GCJ-02), drawn like the facilities, rounded as phones send."""
    rng = random.Random(seed)
    return [(round(lat, 6), round(lng, 6)) for lat, lng in (_position(rng) for _ in range(count))]


# --------------------------------------------------------------------------- rows


def _bits(rng: random.Random, names: tuple[str, ...], vocabulary: tuple[str, ...], k: int) -> int:
    mask = 0
    for name in rng.sample(names, k):
        mask |= 1 << vocabulary.index(name)
    return mask


def _template(rng: random.Random, now: str) -> tuple[str, str]:
    """A facility's type and its columns from `type` on (COPY's text format), without a name or
    a position."""
    kind = rng.choices(tuple(TYPE_WEIGHTS), weights=tuple(TYPE_WEIGHTS.values()))[0]
    always_open = False
    hours = "none"
    capacity = unit = level = contact_name = contact_phone = None
    occupancy = services = hazards = 0
    if kind == "shelter":
        level = "township" if rng.random() < 0.18 else "community"
        always_open = level == "township"
        capacity, unit = rng.randint(30, 800), "persons"
        hazards = _bits(rng, HAZARDS, HAZARDS, rng.randint(1, 4))
        contact_name = "王建国"
        contact_phone = f"13{rng.randint(100_000_000, 999_999_999)}"
    elif kind in ("elder_institution", "welfare_home"):
        always_open = True
        capacity, unit = rng.randint(40, 260), "beds"
        occupancy = int(capacity * rng.uniform(0.5, 1.0))
        services = _bits(rng, ("meals", "rehabilitation", "medical_care", "bathing"), SERVICES, 2)
    elif kind in ("home_care", "elderly_service_centre"):
        hours = rng.choice(("home_care", "centre", "evening"))
        capacity, unit = rng.randint(15, 80), "persons"
        occupancy = rng.randint(0, capacity)
        services = _bits(rng, SERVICES, SERVICES, rng.randint(1, 5))
    else:  # service_centre
        hours = rng.choice(("office", "office", "centre", "evening", "night"))
        services = _bits(rng, ("cleaning", "meals", "day_care"), SERVICES, rng.randint(0, 2))
    status = rng.choices(*zip(*STATUSES, strict=True))[0]
    fields = (
        kind,
        f"0570-{rng.randint(2_000_000, 8_999_999)}",
        "t" if always_open else "f",
        json.dumps(HOURS[hours], ensure_ascii=False, separators=(",", ":")),
        NULL if capacity is None else str(capacity),
        unit or NULL,
        str(occupancy),
        now if occupancy else NULL,
        str(services),
        str(hazards),
        "t" if rng.random() < 0.6 else "f",
        "t" if rng.random() < 0.4 else "f",
        "t" if rng.random() < 0.2 else "f",
        status,
        level or NULL,
        contact_name or NULL,
        contact_phone or NULL,
        "t",
        "1",
        now,
        now,
    )
    return kind, "\t".join(fields)


class Rows:
    """Generates the COPY lines, and remembers each facility's position by type for Redis.

    Ids are 1 … N in the order written (the table is truncated with RESTART IDENTITY, and COPY
    takes the sequence's values in order; `fill_database` checks it)."""

    def __init__(self, communities: dict[str, list[str]], *, seed: int, now: str) -> None:
        self.rng = random.Random(seed)
        self.templates = [_template(self.rng, now) for _ in range(TEMPLATES)]
        self.communities = communities
        self.grid = _county_grid()
        # Per type, each member's (lng, lat, id) as its piece of a GEOADD in the Redis protocol.
        self.geo: dict[str, list[str]] = defaultdict(list)

    def lines(self, start: int, end: int) -> str:
        rng, random_, templates, grid = self.rng, self.rng.random, self.templates, self.grid
        communities, geo, count = self.communities, self.geo, len(self.templates)
        out = []
        for index in range(start, end):
            kind, tail = templates[int(random_() * count)]
            lat, lng = _position(rng)
            cell = int((lat - MIN_LAT) / GRID_STEP + 0.5) * _GRID_COLS + int(
                (lng - MIN_LNG) / GRID_STEP + 0.5
            )
            regions = communities[grid[cell]]
            region = regions[index % len(regions)]
            name = f"{TYPE_NAMES[kind]}{index + 1}号"
            lat_text, lng_text = f"{lat:.6f}", f"{lng:.6f}"
            out.append(
                f"bench-{index:07d}\t{name}\t{name}（压测地址）\t{lat_text}\t{lng_text}\t"
                f"{region}\t{tail}\n"
            )
            ident = str(index + 1)
            geo[kind].append(
                f"${len(lng_text)}\r\n{lng_text}\r\n${len(lat_text)}\r\n{lat_text}\r\n"
                f"${len(ident)}\r\n{ident}\r\n"
            )
        return "".join(out)


# --------------------------------------------------------------------------- loading


def _communities(conn: psycopg.Connection) -> dict[str, list[str]]:
    by_county: dict[str, list[str]] = defaultdict(list)
    for (code,) in conn.execute("SELECT code FROM regions WHERE level = 'community' ORDER BY code"):
        by_county[code[:6]].append(code)
    missing = set(SEATS) - set(by_county)
    if missing:
        raise RuntimeError(f"no seeded communities in counties {sorted(missing)}: seed first")
    return by_county


def _deferrable_schema(conn: psycopg.Connection) -> tuple[list[str], list[str], list[str]]:
    """What a bulk load is faster without: the facilities table's foreign keys (checked once per
    row: more than half of the load) and its plain indexes (kept up to date row by row, in random
    order). Answers the statements to drop them and, from PostgreSQL's own definitions, to put
    them back as they were."""
    drop, create, add = [], [], []
    for name, definition in conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = 'facilities' "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
        "ORDER BY indexname"
    ):
        drop.append(f'DROP INDEX "{name}"')
        create.append(definition)
    for name, definition in conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'facilities'::regclass AND contype = 'f' ORDER BY conname"
    ):
        drop.append(f'ALTER TABLE facilities DROP CONSTRAINT "{name}"')
        add.append(f'ALTER TABLE facilities ADD CONSTRAINT "{name}" {definition}')
    return drop, create, add


def fill_database(database_url: str, count: int, *, seed: int = 2013) -> Rows:
    """Replace every facility by `count` generated ones, in one transaction; answer the
    generator (which holds the positions by type, for Redis).

    TRUNCATE … CASCADE also empties the tables that refer to facilities (their events,
    suggestions, activations, occupancy updates, the time bank's opportunities and bookings):
    scenarios that need those come after the nearby ones (bench/scenarios.py). The foreign keys
    and plain indexes are dropped for the COPY and put back afterwards (the keys are then checked
    in one pass); COPY … FREEZE writes the rows as already frozen, as the table was emptied in the
    same transaction.
    """
    now = datetime.now(UTC).isoformat()
    with psycopg.connect(psycopg_url(database_url)) as conn:
        rows = Rows(_communities(conn), seed=seed, now=now)
        conn.execute("SET LOCAL client_min_messages = warning")  # no NOTICE per cascaded table
        conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        drop, create, add = _deferrable_schema(conn)
        conn.execute("TRUNCATE facilities RESTART IDENTITY CASCADE")
        for statement in drop:
            conn.execute(statement)
        columns = ", ".join(COLUMNS)
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY facilities ({columns}) FROM STDIN WITH (FREEZE)") as copy,
        ):
            for start in range(0, count, COPY_CHUNK_ROWS):
                copy.write(rows.lines(start, min(start + COPY_CHUNK_ROWS, count)))
        for statement in create + add:
            conn.execute(statement)
        first, last, total = conn.execute(
            "SELECT min(id), max(id), count(*) FROM facilities"
        ).fetchone()
        if (first, last, total) != (1 if count else None, count or None, count):
            raise RuntimeError(f"facility ids {first}..{last} ({total}), not 1..{count}")
    # What autovacuum would do to a table this size: statistics and the visibility map.
    with psycopg.connect(psycopg_url(database_url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE facilities")
    return rows


def fill_redis(redis_url: str, geo: dict[str, list[str]]) -> int:
    """Write the positions into fresh per-type GEO keys, set the ready marker, and retire every
    facility card (`facility_cards.publish`).

    The commands are packed here (`Rows` keeps each member as its piece of the Redis protocol):
    redis-py's own packing of three million arguments takes longer than Redis takes to run them.
    """
    client = redis.Redis.from_url(redis_url, socket_timeout=60)
    connection = client.connection_pool.get_connection()
    try:
        keys = [geo_key(t) for t in FACILITY_TYPES] + [f"{geo_key(t)}:new" for t in FACILITY_TYPES]
        client.unlink(READY_KEY, *keys)
        commands = []
        count = 0
        for facility_type, members in geo.items():
            key = geo_key(facility_type)
            for start in range(0, len(members), GEOADD_MEMBERS):
                batch = members[start : start + GEOADD_MEMBERS]
                head = f"*{2 + 3 * len(batch)}\r\n$6\r\nGEOADD\r\n${len(key)}\r\n{key}\r\n"
                commands.append((head + "".join(batch)).encode())
            count += len(members)
        for start in range(0, len(commands), PIPELINE_COMMANDS):
            chunk = commands[start : start + PIPELINE_COMMANDS]
            connection.send_packed_command(chunk)
            for _ in chunk:
                connection.read_response()  # the number added; an error raises
        client.set(READY_KEY, count)
        # COPY wrote the rows past the session events: every card and the snapshot are stale.
        publish(client, {ALL, EMERGENCIES})
        return count
    finally:
        client.connection_pool.release(connection)
        client.close()


def fill(database_url: str, redis_url: str, count: int) -> dict:
    """Both stores; answers what it did, with timings."""
    started = time.perf_counter()
    rows = fill_database(database_url, count)
    redis_started = time.perf_counter()
    indexed = fill_redis(redis_url, rows.geo)
    if indexed != count:
        raise RuntimeError(f"{indexed} facilities indexed, {count} written")
    return {
        "facilities": count,
        "load_database_s": round(redis_started - started, 1),
        "load_redis_s": round(time.perf_counter() - redis_started, 1),
        "load_s": round(time.perf_counter() - started, 1),
    }


# --------------------------------------------------------------------------- timing the search


def time_search(
    points: list[tuple[float, float]],
    *,
    types: tuple[str, ...],
    limit: int,
    radius_m: int,
    warmup: int = 50,
    timed: int | None = None,
) -> dict:
    """Time `facility_search.search` over the first `timed` of `points` in the app (its
    DATABASE_URL and REDIS_URL), one request's worth of work at a time: a fresh session and card
    store per query, and the card store's prefetch, as a request has. A first pass over every
    point fills the facility cards, as a city's steady state has them (docs/performance.md)."""
    from server import create_app
    from server.extensions import db, redis_client
    from server.services import facility_search
    from server.services.facility_cards import CardStore
    from server.services.facility_search import Filters, GeoIndex

    class CountingCards(CardStore):
        """A request's card store, counting the circles the search looks at (prefetched or not)."""

        rounds = 0
        candidates = 0

        def within(self, types, lat, lng, radius_m, *, count=None):
            found, horizon = super().within(types, lat, lng, radius_m, count=count)
            CountingCards.rounds += 1
            CountingCards.candidates += len(found)
            return found, horizon

    app = create_app()
    filters = Filters(types=types)
    now = datetime.now(UTC)
    times: list[float] = []
    results: list[int] = []
    sources: set[str] = set()
    with app.app_context():
        index = GeoIndex(redis_client.client)
        measured = points[:timed]
        for n, (lat, lng) in enumerate(points + points[:warmup] + measured):
            if n == len(points) + warmup:
                CountingCards.rounds = CountingCards.candidates = 0
            session = db.new_session()
            started = time.perf_counter()
            cards = CountingCards(redis_client.client)  # as the nearby view: prefetch, search
            cards.prefetch(types=types, lat=lat, lng=lng, radius_m=radius_m, limit=limit)
            hits, source = facility_search.search(
                session,
                index,
                lat=lat,
                lng=lng,
                radius_m=radius_m,
                limit=limit,
                filters=filters,
                now=now,
                cards=cards,
            )
            elapsed = time.perf_counter() - started
            session.close()
            if n >= len(points) + warmup:
                times.append(elapsed * 1000)
                results.append(len(hits))
                sources.add(source)
    times.sort()
    queries = len(times)
    return {
        "queries": queries,
        "search_p50_ms": round(statistics.median(times), 3),
        "search_mean_ms": round(statistics.fmean(times), 3),
        "search_p99_ms": round(times[min(queries - 1, int(queries * 0.99))], 3),
        "results_mean": round(statistics.fmean(results), 2),
        "results_min": min(results),
        "rounds_mean": round(CountingCards.rounds / queries, 2),
        "candidates_mean": round(CountingCards.candidates / queries, 1),
        "sources": sorted(sources),
    }


def main(argv: list[str]) -> int:
    if len(argv) >= 4 and argv[0] == "fill":
        print(json.dumps(fill(argv[1], argv[2], int(argv[3]))))
        return 0
    if argv and argv[0] == "time":
        spec = json.load(sys.stdin)
        points = [tuple(p) for p in spec["points"]]
        print(
            json.dumps(
                time_search(
                    points,
                    types=tuple(spec["types"]),
                    limit=spec["limit"],
                    radius_m=spec["radius_m"],
                    timed=spec.get("timed"),
                )
            )
        )
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
