"""The measured scenarios. Add one `Scenario` per endpoint worth watching.

Each runs against the real app (gunicorn, PostgreSQL, Redis, seeded demo city) and is compared
with the ceiling (bench/ceiling.py) measured in the same run. See bench/harness.py:Scenario.

Example of a write, for later:

    Scenario(
        name="PATCH /api/v1/me",
        method="PATCH",
        path="/api/v1/me",
        setup=logged_in("demo-resident"),
        body={"real_name": "张三"},
        target_p99_ms=50,
    )
"""

from __future__ import annotations

from bench.harness import Scenario, logged_in

SCENARIOS: list[Scenario] = [
    Scenario(
        name="GET /api/v1/me",
        path="/api/v1/me",
        setup=logged_in("demo-resident"),
        target_ratio=0.50,
    ),
]
