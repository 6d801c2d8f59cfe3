"""Facility cards in Redis: the nearest search answers from Redis alone in the steady state.

A card (`facilities.card_of`) is a facility's public face without what depends on the moment or
the query, as JSON text, beside the facts the filters read. `CardStore.prefetch` reads, in one
round trip, the stamps, the search's circles and the nearest candidates' cards; `CardStore.rows`
reads any other candidates' cards with one `MGET`; what is missing or stale is read from the
database in one `SELECT` of plain columns and written back. The open
emergencies and the shelters they activated are one snapshot key beside them. So a nearby
request in a city where nothing changed makes no SQL query, builds no ORM object and runs no
marshmallow (docs/performance.md, "Nearest search").

A delete alone cannot keep a cache right: a reader that read the old row just before a commit
writes it back just after the writer deleted it. Generations close that gap:

- after every committed change to a facility (and at the flush, so that the same transaction
  reads its own writes), `facilities:gen` is incremented and the changed facilities are stamped
  with it (`facilities:chg:{id}`; `facilities:chg:all` when a statement changed rows it cannot
  name, `facilities:chg:emergencies` for the emergencies and their shelters);
- a reader reads the generation *before* it reads the database and stamps what it writes with it;
- a card (or the snapshot) is used only when its stamp is at least the stamps that cover it.

Changes are found with SQLAlchemy's session events (`track_changes`), so every write path (the
API, the CLI's import, the seed) invalidates without calling anything. If Redis cannot be told
(it is down), a card can stay stale until it expires (CARD_SECONDS); while Redis is down the
search uses the database anyway.
"""

from __future__ import annotations

import json
import logging
from itertools import chain

import redis
from flask import current_app, has_app_context
from redis.commands.core import Script
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from server.models.facilities import Emergency, EmergencyShelter, Facility
from server.services import emergencies as emergency_service
from server.services.facilities import CARD_COLUMNS, Card, card_of, to_json
from server.services.facility_search import (
    FIRST_COUNT,
    READY_KEY,
    REDIS_SLACK_M,
    START_RADIUS_M,
    Filters,
    GeoIndex,
    active_shelter_ids,
    circle_of,
    geo_key,
    passes,
)

log = logging.getLogger(__name__)

GEN_KEY = "facilities:gen"
# The card's format is part of its key: a deploy that changes `card_of` starts from no cards
# instead of serving the old shape.
CARD_FORMAT = "v3"
CARD_KEY = "facilities:card:" + CARD_FORMAT + ":{}"
CHANGED_KEY = "facilities:chg:{}"
SNAPSHOT_KEY = "facilities:emergencies:" + CARD_FORMAT
CARD_SECONDS = 600
# A stamp outlives every card written before it (a card written during the change's own commit
# expires CARD_SECONDS later).
CHANGED_SECONDS = 2 * CARD_SECONDS
ALL = "all"
EMERGENCIES = "emergencies"
_PENDING = "facility_cards.changed"
_WATCHED_TABLES = {"facilities": ALL, "emergencies": EMERGENCIES, "emergency_shelters": EMERGENCIES}


# The usual nearest search in one round trip (`CardStore.prefetch`): what `_read_stamps` reads,
# then the search's circles as `facility_search` widens them (each type's FIRST_COUNT x limit
# nearest, from START_RADIUS_M, doubled until the circle holds `limit` candidates or is the whole
# radius), then the cards and stamps of the last circle's nearest candidates, chosen as
# `facility_search._hits_from_redis` chooses them. It only reads: the search then runs as always,
# on these replies instead of its own round trips, and asks Redis itself for anything else.
# The card keys are named by the script (from the ids it found), not passed in KEYS: fine on one
# Redis server, not on a Redis Cluster.
PREFETCH_SCRIPT = """
local lng, lat = ARGV[1], ARGV[2]
local r, radius, slack = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local count, limit = tonumber(ARGV[6]), tonumber(ARGV[7])
local head = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local ready = redis.call('EXISTS', KEYS[5])
local rounds, found = {}, nil
while true do
  local per_type, total = {}, 0
  for i = 6, #KEYS do
    local members = redis.call('GEOSEARCH', KEYS[i], 'FROMLONLAT', lng, lat,
      'BYRADIUS', r + slack, 'm', 'ASC', 'COUNT', count, 'WITHDIST')
    per_type[#per_type + 1] = members
    total = total + #members
  end
  rounds[#rounds + 1] = {string.format('%.17g', r), per_type}
  if total >= limit or r >= radius then found = per_type break end
  r = math.min(r * 2, radius)
end
local distances, horizon = {}, math.huge
for _, members in ipairs(found) do
  for _, member in ipairs(members) do distances[#distances + 1] = tonumber(member[2]) end
  if #members == count then horizon = math.min(horizon, tonumber(members[#members][2])) end
end
local cutoff = math.huge
if #distances > limit then
  table.sort(distances)
  cutoff = distances[limit] + 2 * slack
  if cutoff >= horizon then return {head, ready, rounds, {}, {}} end
end
local near, keys = {}, {}
for _, members in ipairs(found) do
  for _, member in ipairs(members) do
    if tonumber(member[2]) <= cutoff then
      near[#near + 1] = member[1]
      keys[#keys + 1] = ARGV[8] .. member[1]
      keys[#keys + 1] = ARGV[9] .. member[1]
    end
  end
end
if #keys == 0 then return {head, ready, rounds, {}, {}} end
return {head, ready, rounds, near, redis.call('MGET', (table.unpack or unpack)(keys))}
"""

# EVALSHA, loading the script into a Redis that lacks it (bytes: no client is needed for its SHA)
_PREFETCH = Script(None, PREFETCH_SCRIPT.encode())


def _stamps_of(gen, all_changed, emergencies_changed, snapshot, ready):
    return (
        int(gen or 0),
        int(all_changed or 0),
        int(emergencies_changed or 0),
        snapshot,
        bool(ready),
    )


class CardStore:
    """Cards and the emergency snapshot, for one request: the generation is read once, first."""

    def __init__(self, client: redis.Redis):
        self.client = client
        self._stamps: tuple[int, int, int, str | None, bool] | None = None
        self._snapshot: dict | None = None
        # From `prefetch`: circles already searched, and cards (text, stamp) already read.
        self._circles: dict[tuple, tuple[list[tuple[int, float]], float]] = {}
        self._texts: dict[int, tuple[str | None, str | None]] = {}
        # Each facility's card as this request decided it (None: deleted).
        self._decided: dict[int, Card | None] = {}

    def _stamp_keys(self) -> list[str]:
        return [
            GEN_KEY,
            CHANGED_KEY.format(ALL),
            CHANGED_KEY.format(EMERGENCIES),
            SNAPSHOT_KEY,
            READY_KEY,
        ]

    def prefetch(
        self, *, types: tuple[str, ...], lat: float, lng: float, radius_m: float, limit: int
    ) -> None:
        """Read in one round trip (PREFETCH_SCRIPT) what a nearest search of these arguments
        usually needs: the stamps, its circles and its nearest candidates' cards. Nothing is
        decided here; without it (Redis down, no scripting) the search reads them itself."""
        count = FIRST_COUNT * limit
        try:
            head, ready, rounds, near, values = _PREFETCH(
                keys=[*self._stamp_keys(), *(geo_key(name) for name in types)],
                args=[
                    lng,
                    lat,
                    min(START_RADIUS_M, radius_m),
                    radius_m,
                    REDIS_SLACK_M,
                    count,
                    limit,
                    CARD_KEY.format(""),
                    CHANGED_KEY.format(""),
                ],
                client=self.client,
            )
        except redis.RedisError:
            log.debug("prefetch failed; the search reads Redis step by step", exc_info=True)
            return
        self._stamps = _stamps_of(*head, ready)
        if not ready:
            return  # the search rebuilds the index first: these circles came from an empty one
        for radius_text, per_type in rounds:
            circle = circle_of(per_type, count)
            self._circles[(types, lat, lng, float(radius_text), count)] = circle
        for member, text, changed in zip(near, values[::2], values[1::2], strict=True):
            self._texts[int(member)] = (text, changed)

    def within(
        self,
        types: tuple[str, ...],
        lat: float,
        lng: float,
        radius_m: float,
        *,
        count: int | None = None,
    ) -> tuple[list[tuple[int, float]], float]:
        """`GeoIndex.within`, answered from `prefetch` when it searched this circle."""
        circle = self._circles.get((types, lat, lng, float(radius_m), count))
        if circle is not None:
            found, horizon = circle
            return list(found), horizon  # the caller sorts its list
        return GeoIndex(self.client).within(types, lat, lng, radius_m, count=count)

    def _read_stamps(self) -> tuple[int, int, int, str | None, bool]:
        """One round trip for what a request needs first: the generation and the stamps, the
        snapshot, and whether the geo index is ready."""
        if self._stamps is None:
            pipe = self.client.pipeline(transaction=False)
            for key in self._stamp_keys()[:4]:
                pipe.get(key)
            pipe.exists(READY_KEY)
            self._stamps = _stamps_of(*pipe.execute())
        return self._stamps

    def index_ready(self) -> bool:
        """Whether the geo index was ready when the request began (else the search checks,
        and rebuilds it)."""
        return self._read_stamps()[4]

    def cards(self, session: Session, ids: list[int]) -> dict[int, Card]:
        """The cards of the live facilities among `ids` (a deleted one has none). Each id is
        decided once per request: a card read, or rebuilt from the database, is kept for the
        request's later rounds (and for `locate` and the search in an emergency)."""
        gen, all_changed, *_ = self._read_stamps()
        decided = self._decided
        undecided = [facility_id for facility_id in ids if facility_id not in decided]
        if undecided:
            self._decide(session, undecided, gen=gen, all_changed=all_changed)
        return {facility_id: decided[facility_id] for facility_id in ids if decided[facility_id]}

    def _decide(self, session: Session, ids: list[int], *, gen: int, all_changed: int) -> None:
        texts, decided = self._texts, self._decided
        unread = [facility_id for facility_id in ids if facility_id not in texts]
        if unread:
            keys = []
            for facility_id in unread:
                keys += [CARD_KEY.format(facility_id), CHANGED_KEY.format(facility_id)]
            values = self.client.mget(keys)
            texts.update(zip(unread, zip(values[::2], values[1::2], strict=True), strict=True))
        missing = []
        for facility_id in ids:
            text, changed = texts[facility_id]
            if text is not None:
                card = Card.loads(text)
                if card.gen >= all_changed and card.gen >= int(changed or 0):
                    decided[facility_id] = card
                    continue
            missing.append(facility_id)
        if not missing:
            return
        decided.update(dict.fromkeys(missing))  # None: deleted, unless its row is read below
        rows = session.execute(
            select(*CARD_COLUMNS).where(Facility.id.in_(missing), Facility.deleted_at.is_(None))
        )
        pipe = self.client.pipeline(transaction=False)
        for row in rows:
            card = card_of(row, gen=gen)
            pipe.set(CARD_KEY.format(card.id), card.dumps(), ex=CARD_SECONDS)
            decided[card.id] = card
        pipe.execute()

    def snapshot(self, session: Session) -> dict:
        """The open emergencies, described as the API shows them, and the shelters they
        activated: {"gen", "emergencies": [...], "activated": [ids]}."""
        if self._snapshot is not None:
            return self._snapshot
        gen, _, emergencies_changed, text, _ = self._read_stamps()
        if text is not None:
            snapshot = json.loads(text)
            if snapshot["gen"] >= emergencies_changed:
                self._snapshot = snapshot
                return snapshot
        open_emergencies = emergency_service.active_emergencies(session)
        snapshot = {
            "gen": gen,
            "emergencies": json.loads(
                to_json(emergency_service.describe_many(session, open_emergencies))
            ),
            "activated": (
                sorted(session.scalars(active_shelter_ids())) if open_emergencies else []
            ),
        }
        self.client.set(SNAPSHOT_KEY, to_json(snapshot), ex=CARD_SECONDS)
        self._snapshot = snapshot
        return snapshot

    def open_emergencies(self, session: Session) -> list[dict]:
        return self.snapshot(session)["emergencies"]

    def rows(self, session: Session, ids: list[int], filters: Filters) -> list[tuple[Card, bool]]:
        """The search's candidates: (card, activated) of those of `ids` that pass `filters`."""
        activated_ids: frozenset[int] = frozenset()
        if "shelter" in filters.types:
            activated_ids = frozenset(self.snapshot(session)["activated"])
        found = self.cards(session, ids)
        rows = []
        for facility_id in ids:
            card = found.get(facility_id)
            if card is None:
                continue
            activated = card.type == "shelter" and facility_id in activated_ids
            if passes(card, filters, activated=activated):
                rows.append((card, activated))
        return rows


# --- invalidation -------------------------------------------------------------------------------


def publish(client: redis.Redis, changed: set) -> None:
    """A new generation, and the changed facility ids (or ALL, EMERGENCIES) stamped with it."""
    try:
        gen = client.incr(GEN_KEY)
        pipe = client.pipeline(transaction=False)
        for key in changed:
            pipe.set(CHANGED_KEY.format(key), gen, ex=CHANGED_SECONDS)
        pipe.execute()
    except redis.RedisError:
        log.warning("facility cards not invalidated: cards may be stale for %ss", CARD_SECONDS)


def _publish(changed: set) -> None:
    if changed and has_app_context():
        publish(current_app.extensions["minzheng.redis"], changed)


def _after_flush(session: Session, _context) -> None:
    changed = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Facility):
            changed.add(obj.id)
        elif isinstance(obj, (Emergency, EmergencyShelter)):
            changed.add(EMERGENCIES)
    if changed:
        session.info.setdefault(_PENDING, set()).update(changed)
        _publish(changed)  # for reads later in the same transaction


def _on_execute(state):
    """A bulk INSERT/UPDATE/DELETE through the session: it changes rows it does not name."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(getattr(state.statement, "table", None), "name", None)
    key = _WATCHED_TABLES.get(table)
    if key is None:
        return None
    result = state.invoke_statement()
    state.session.info.setdefault(_PENDING, set()).add(key)
    _publish({key})
    return result


def _after_commit(session: Session) -> None:
    _publish(session.info.pop(_PENDING, set()))


def track_changes() -> None:
    """Listen, once per process, for changes to facilities and emergencies on every Session."""
    if event.contains(Session, "after_commit", _after_commit):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "after_commit", _after_commit)
