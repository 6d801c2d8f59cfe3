"""The nearest search: a Redis GEO index per facility type, with the database as the fallback.

Both paths search outward: a small circle first, doubled until `limit` places pass the filters or
the requested radius is reached. A fixed 5 km circle would read every point in it (thousands, in a
dense city); the widening circle reads about as many as it returns, so a query costs about the
same at a thousand facilities as at a million. On the Redis path a circle with fewer candidates
than `limit` is passed over without reading its rows, and of a circle's candidates the nearest
(by Redis's distances) are read first, the rest only if too few of those pass the filters: one
query of about `limit` rows in the usual case (docs/performance.md, "Nearest search").

Distances are recomputed from the database's coordinates with one haversine (Redis's Earth
radius), so both paths, and a brute-force check, give the same places in the same order.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import redis
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from server.models.facilities import (
    FACILITY_TYPES,
    HAZARDS,
    SERVICES,
    Emergency,
    EmergencyShelter,
    Facility,
)
from server.services import geo
from server.services.opening_hours import is_open_at

log = logging.getLogger(__name__)

START_RADIUS_M = 500
READY_KEY = "facilities:geo:ready"
REBUILD_LOCK = "facilities:geo:rebuild"
# Redis stores positions as 52-bit geohashes (about 0.6 m): ask for a little more, then cut
# by the exact distance.
REDIS_SLACK_M = 2.0
IDS_PER_QUERY = 10_000
# The Redis path asks for this many times `limit` of each type's nearest first.
FIRST_COUNT = 2


def geo_key(facility_type: str) -> str:
    return f"facilities:geo:{facility_type}"


def mask_of(names: Iterable[str], vocabulary: tuple[str, ...]) -> int:
    mask = 0
    for name in names:
        mask |= 1 << vocabulary.index(name)
    return mask


def names_of(mask: int, vocabulary: tuple[str, ...]) -> list[str]:
    return [name for bit, name in enumerate(vocabulary) if mask & (1 << bit)]


# --- the Redis index --------------------------------------------------------------------------


class GeoIndex:
    """The Redis side of the search. Writes are staged during a transaction and applied once it
    has committed (`apply`), so a rolled-back change never reaches the index. A Redis failure
    never fails a request: writes are logged (the index rebuilds itself when its ready-marker is
    gone, and `flask facilities reindex` rebuilds it by hand), searches fall back to the database.
    """

    def __init__(self, client: redis.Redis | None):
        self.client = client
        self._staged: dict[int, tuple[str | None, tuple[str, float, float] | None]] = {}

    def stage_put(self, facility: Facility, *, old_type: str | None = None) -> None:
        self._staged[facility.id] = (old_type, (facility.type, facility.lng, facility.lat))

    def stage_remove(self, facility: Facility) -> None:
        self._staged[facility.id] = (facility.type, None)

    def apply(self) -> None:
        staged, self._staged = self._staged, {}
        if not staged or self.client is None:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for facility_id, (old_type, new) in staged.items():
                if old_type is not None and (new is None or new[0] != old_type):
                    pipe.zrem(geo_key(old_type), facility_id)
                if new is not None:
                    pipe.geoadd(geo_key(new[0]), (new[1], new[2], facility_id))
            pipe.execute()
        except redis.RedisError:
            log.warning("facility geo index not updated; run `flask facilities reindex`")

    def ready(self) -> bool:
        return bool(self.client is not None and self.client.exists(READY_KEY))

    def rebuild(self, session: Session, *, batch: int = 5000) -> int:
        """Load every live facility into fresh keys and swap them in; returns how many."""
        assert self.client is not None
        staging = {t: f"{geo_key(t)}:new" for t in FACILITY_TYPES}
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(*staging.values())
        count = 0
        rows = session.execute(
            select(Facility.id, Facility.type, Facility.lng, Facility.lat)
            .where(Facility.deleted_at.is_(None))
            .execution_options(yield_per=batch)
        )
        for facility_id, facility_type, lng, lat in rows:
            pipe.geoadd(staging[facility_type], (lng, lat, facility_id))
            count += 1
            if count % batch == 0:
                pipe.execute()
        pipe.execute()
        swap = self.client.pipeline(transaction=True)
        for facility_type, key in staging.items():
            swap.delete(geo_key(facility_type))
            if self.client.exists(key):
                swap.rename(key, geo_key(facility_type))
        swap.set(READY_KEY, count)
        swap.execute()
        return count

    def ensure_ready(self, session: Session) -> bool:
        """Whether the index can answer; rebuilds it (one process at a time) when it is gone,
        e.g. after a Redis restart or in a fresh in-process Redis."""
        if self.ready():
            return True
        assert self.client is not None
        # SET NX EX, not redis-py's Lock: that one needs Lua, and a Redis without scripting
        # would then never use the index.
        token = uuid.uuid4().hex
        if not self.client.set(REBUILD_LOCK, token, nx=True, ex=300):
            return False  # another process is rebuilding: use the database meanwhile
        try:
            if not self.ready():
                self.rebuild(session)
            return True
        finally:
            if self.client.get(REBUILD_LOCK) == token:
                self.client.delete(REBUILD_LOCK)

    def within(
        self,
        types: tuple[str, ...],
        lat: float,
        lng: float,
        radius_m: float,
        *,
        count: int | None = None,
    ) -> tuple[list[tuple[int, float]], float]:
        """(id, distance in metres as Redis has it) of the facilities of `types` in the circle,
        and a little beyond (REDIS_SLACK_M); with `count`, only the `count` nearest of each type.
        Also the horizon: every candidate nearer than it is in the list (infinity when no type
        was cut by `count`)."""
        pipe = self.client.pipeline(transaction=False)
        for facility_type in types:
            pipe.geosearch(
                geo_key(facility_type),
                longitude=lng,
                latitude=lat,
                radius=radius_m + REDIS_SLACK_M,
                unit="m",
                withdist=True,
                sort="ASC" if count else None,
                count=count,
            )
        return circle_of(pipe.execute(), count)


def circle_of(replies: Iterable[list], count: int | None) -> tuple[list[tuple[int, float]], float]:
    """`GeoIndex.within`'s answer from each type's `GEOSEARCH … WITHDIST` reply."""
    found, horizon = [], math.inf
    for members in replies:
        if count and len(members) == count:
            horizon = min(horizon, float(members[-1][1]))
        found += [(int(member), float(dist)) for member, dist in members]
    return found, horizon


# --- filters and the search ---------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    types: tuple[str, ...] = FACILITY_TYPES
    open_now: bool = False
    has_space: bool = False
    hazard: str | None = None
    services: tuple[str, ...] = ()
    accessible: bool = False
    # In an active emergency: shelters are only those it activated, full ones last.
    emergency_mode: bool = False


@dataclass
class Hit:
    facility: Facility
    distance_m: float
    open_now: bool
    activated: bool
    full: bool
    extra: dict = field(default_factory=dict)


def active_shelter_ids():
    """Shelters activated by an emergency that is still open (a subquery)."""
    return (
        select(EmergencyShelter.facility_id)
        .join(Emergency, Emergency.id == EmergencyShelter.emergency_id)
        .where(Emergency.closed_at.is_(None))
    )


def _sql_conditions(filters: Filters) -> list:
    conditions = [Facility.deleted_at.is_(None), Facility.type.in_(filters.types)]
    if filters.hazard:
        bit = mask_of([filters.hazard], HAZARDS)
        conditions.append(Facility.hazards_mask.op("&")(bit) == bit)
    if filters.services:
        bits = mask_of(filters.services, SERVICES)
        conditions.append(Facility.services_mask.op("&")(bits) == bits)
    if filters.accessible:
        conditions += [Facility.step_free.is_(True), Facility.accessible_toilet.is_(True)]
    if filters.has_space:
        conditions += [
            Facility.capacity.is_not(None),
            Facility.occupancy < Facility.capacity,
            Facility.status != "full",
        ]
    if filters.emergency_mode and "shelter" in filters.types:
        activated = exists(active_shelter_ids().where(EmergencyShelter.facility_id == Facility.id))
        conditions.append(or_(Facility.type != "shelter", activated))
    if filters.open_now:
        conditions.append(Facility.status.in_(("open", "full")) | (Facility.type == "shelter"))
    return conditions


def passes(card, filters: Filters, *, activated: bool) -> bool:
    """`_sql_conditions` in Python, for a card read from Redis (a live facility's)."""
    if card.type not in filters.types:
        return False
    if filters.hazard:
        bit = mask_of([filters.hazard], HAZARDS)
        if card.hazards_mask & bit != bit:
            return False
    if filters.services:
        bits = mask_of(filters.services, SERVICES)
        if card.services_mask & bits != bits:
            return False
    if filters.accessible and not (card.step_free and card.accessible_toilet):
        return False
    if filters.has_space and (
        card.capacity is None or card.occupancy >= card.capacity or card.status == "full"
    ):
        return False
    if filters.emergency_mode and card.type == "shelter" and not activated:
        return False
    return not filters.open_now or card.status in ("open", "full") or card.type == "shelter"


def _activated_column():
    """Whether the row is a shelter activated by an open emergency, as a column of the row's own
    query (rather than a second query per round). An uncorrelated IN: PostgreSQL reads the
    activated ids once per query into a hash (a correlated EXISTS runs once per row: 4x slower
    on 10 000 rows)."""
    return and_(Facility.type == "shelter", Facility.id.in_(active_shelter_ids())).label(
        "activated"
    )


def is_full(facility: Facility) -> bool:
    return facility.status == "full" or (
        facility.capacity is not None and facility.occupancy >= facility.capacity
    )


def facility_open_now(facility: Facility, *, activated: bool, now: datetime) -> bool:
    """Open at `now`: an activated shelter is open day and night unless suspended; otherwise the
    status must be open (or full) and the hours must cover the moment."""
    if facility.status == "suspended":
        return False
    if activated:
        return True
    if facility.status not in ("open", "full"):
        return False
    return is_open_at(facility.opening_hours or {}, always_open=facility.always_open, at=now)


Row = tuple[Facility, bool]  # a candidate, and whether an open emergency activated it


def _hits(
    rows: Iterable[Row],
    *,
    lat: float,
    lng: float,
    radius_m: float,
    filters: Filters,
    now: datetime,
) -> list[Hit]:
    hits = []
    for row, activated in rows:
        distance = geo.distance_m(lat, lng, row.lat, row.lng)
        if distance > radius_m:
            continue
        is_activated = bool(activated)
        open_now = facility_open_now(row, activated=is_activated, now=now)
        if filters.open_now and not open_now:
            continue
        hits.append(Hit(row, distance, open_now, is_activated, is_full(row)))
    return hits


def _rows_by_ids(session: Session, ids: list[int], filters: Filters) -> list[Row]:
    rows: list[Row] = []
    # In slices: one IN list of every facility within 50 km (filters that hardly any pass) would
    # pass PostgreSQL's limit of 65 535 parameters.
    for start in range(0, len(ids), IDS_PER_QUERY):
        query = select(Facility, _activated_column()).where(
            Facility.id.in_(ids[start : start + IDS_PER_QUERY]), *_sql_conditions(filters)
        )
        rows += [tuple(row) for row in session.execute(query)]
    return rows


class _RowsFromTheDatabase:
    """The Redis path's candidates without a card store: their rows, filtered in SQL."""

    @staticmethod
    def rows(session: Session, ids: list[int], filters: Filters) -> list[Row]:
        return _rows_by_ids(session, ids, filters)


_ROWS_FROM_THE_DATABASE = _RowsFromTheDatabase()


def _rows_in_box(
    session: Session, lat: float, lng: float, radius_m: float, filters: Filters
) -> list[Row]:
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius_m)
    query = select(Facility, _activated_column()).where(
        and_(Facility.lat.between(min_lat, max_lat), Facility.lng.between(min_lng, max_lng)),
        *_sql_conditions(filters),
    )
    return [tuple(row) for row in session.execute(query)]


def search(
    session: Session,
    index: GeoIndex | None,
    *,
    lat: float,
    lng: float,
    radius_m: float,
    limit: int,
    filters: Filters,
    now: datetime,
    cards=None,
) -> tuple[list[Hit], str]:
    """The `limit` nearest places within `radius_m` of a GCJ-02 position that pass `filters`,
    nearest first (full ones last in emergency mode); and which path answered.

    With `cards` (a `facility_cards.CardStore`) the Redis path reads the candidates' cards from
    Redis instead of their rows (hits then hold cards, not Facility objects)."""
    use_redis = False
    if index is not None and index.client is not None:
        try:
            use_redis = (cards is not None and cards.index_ready()) or index.ensure_ready(session)
        except redis.RedisError:
            use_redis = False

    def hits_of(rows: Iterable[Row], r: float) -> list[Hit]:
        return _hits(rows, lat=lat, lng=lng, radius_m=r, filters=filters, now=now)

    read = (cards or _ROWS_FROM_THE_DATABASE).rows
    within = index.within if cards is None else cards.within

    def hits_redis(r: float) -> list[Hit] | None:
        return _hits_from_redis(
            session,
            within,
            read,
            hits_of,
            lat=lat,
            lng=lng,
            r=r,
            radius_m=radius_m,
            limit=limit,
            filters=filters,
        )

    def hits_db(r: float) -> list[Hit]:
        return hits_of(_rows_in_box(session, lat, lng, r, filters), r)

    source = "redis" if use_redis else "database"
    try:
        hits = _widen(hits_redis if use_redis else hits_db, radius_m, limit, filters)
    except redis.RedisError:
        source = "database"
        hits = _widen(hits_db, radius_m, limit, filters)
    return hits, source


def _hits_from_redis(
    session: Session,
    within: Callable,
    read: Callable,
    hits_of: Callable[[Iterable[Row], float], list[Hit]],
    *,
    lat: float,
    lng: float,
    r: float,
    radius_m: float,
    limit: int,
    filters: Filters,
) -> list[Hit] | None:
    """One circle of the Redis path: None when it holds fewer candidates than `limit` (no rows
    read), else its hits. Redis is asked for the FIRST_COUNT × `limit` nearest of each type
    (reading every point of a dense circle is most of a query's time otherwise); the whole
    circle only when too few of those pass the filters."""
    found, horizon = within(filters.types, lat, lng, r, count=FIRST_COUNT * limit)
    if len(found) < limit and r < radius_m:
        return None  # fewer candidates than `limit`, so fewer hits: no need for the rows
    found.sort(key=lambda item: item[1])
    hits: list[Hit] = []
    done: set[int] = set()
    if len(found) > limit:
        # Read the nearest candidates first: all that Redis puts within `cutoff`. Its distances
        # are off by less than REDIS_SLACK_M, so when `limit` of them pass the filters within
        # cutoff - REDIS_SLACK_M, every candidate left is farther than those.
        cutoff = found[limit - 1][1] + 2 * REDIS_SLACK_M
        if cutoff < horizon:  # every candidate within cutoff is in `found`
            near = [fid for fid, d in found if d <= cutoff]
            hits = hits_of(read(session, near, filters), r)
            counted = _counted(hits, filters)
            if len(counted) >= limit:
                nth = sorted(hit.distance_m for hit in counted)[limit - 1]
                if nth <= cutoff - REDIS_SLACK_M:
                    return hits
            done = set(near)
    if horizon != math.inf:
        found, _ = within(filters.types, lat, lng, r)  # the whole circle, then
    rest = [fid for fid, _ in found if fid not in done]
    return hits + hits_of(read(session, rest, filters), r)


def _widen(
    hits_within: Callable[[float], list[Hit] | None],
    radius_m: float,
    limit: int,
    filters: Filters,
) -> list[Hit]:
    """Circles from START_RADIUS_M, doubled until one holds `limit` hits or is the whole radius.
    The answer, the `limit` nearest hits of that circle, does not depend on the steps: any hit
    outside the circle is farther than all inside it."""
    r = min(START_RADIUS_M, radius_m)
    while True:
        hits = hits_within(r)  # None: too few candidates in this circle to make `limit` hits
        if hits is not None and (len(_counted(hits, filters)) >= limit or r >= radius_m):
            break
        r = min(r * 2, radius_m)
    if filters.emergency_mode:
        # full shelters after every place with room, so that one never pushes those out
        hits.sort(key=lambda hit: (_full_shelter(hit), hit.distance_m, hit.facility.id))
    else:
        hits.sort(key=lambda hit: (hit.distance_m, hit.facility.id))
    return hits[:limit]


def _full_shelter(hit: Hit) -> bool:
    return hit.full and hit.facility.type == "shelter"


def _counted(hits: list[Hit], filters: Filters) -> list[Hit]:
    """The hits that fill `limit` first: in emergency mode full shelters come after the rest."""
    if filters.emergency_mode:
        return [hit for hit in hits if not _full_shelter(hit)]
    return hits


def brute_force(
    facilities: Iterable[Facility],
    *,
    lat: float,
    lng: float,
    radius_m: float,
    limit: int,
    accept: Callable[[Facility], bool] = lambda _f: True,
) -> list[tuple[int, float]]:
    """The answer by definition: every facility's distance, the nearest `limit` within the radius
    (for tests and the consistency check)."""
    ranked = sorted(
        (geo.distance_m(lat, lng, f.lat, f.lng), f.id)
        for f in facilities
        if f.deleted_at is None and accept(f)
    )
    return [(fid, d) for d, fid in ranked if d <= radius_m][:limit]
