"""The measured scenarios. Add one `Scenario` per endpoint worth watching.

Each runs against the real app (gunicorn, PostgreSQL, Redis, seeded demo city) and is compared
with the ceiling (bench/ceiling.py) measured in the same run. See bench/harness.py:Scenario.
"""

from __future__ import annotations

import os

from bench import charity, nearby, timebank
from bench.assistance_data import fill
from bench.harness import DEFAULT_DATABASE_URL, Client, Prepared, Scenario, logged_in
from server.config import DEFAULT_DATA_KEY

QUEUE_APPLICATIONS = int(os.environ.get("BENCH_QUEUE_APPLICATIONS", "100000"))


def county_queue(client: Client) -> Prepared:
    """100 000 applications in the database, then the county worker's token."""
    fill(
        os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        QUEUE_APPLICATIONS,
        data_key=os.environ.get("DATA_KEY", DEFAULT_DATA_KEY),
    )
    return Prepared(headers=client.bearer("demo-worker-county"))


SCENARIOS: list[Scenario] = [
    Scenario(
        name="GET /api/v1/me",
        path="/api/v1/me",
        setup=logged_in("demo-resident"),
        target_ratio=0.50,
    ),
    Scenario(
        name=f"county queue, {QUEUE_APPLICATIONS:,} applications",
        path="/api/v1/assistance/applications?status=submitted",
        setup=county_queue,
        target_p99_ms=50,
        connections=4,
    ),
    # They replace every facility of the bench database (bench/nearby.py). Their TRUNCATE …
    # CASCADE also empties the time bank's opportunities and bookings, so the time bank comes
    # after them: its checks count the bookings in the database after the run.
    *nearby.SCENARIOS,
    *timebank.SCENARIOS,
    *charity.SCENARIOS,
]
# Targets across scenarios, judged after the run.
CHECKS = [*nearby.CHECKS, *timebank.CHECKS, *charity.CHECKS]
