"""Bulk demo data for the assistance queue benchmark: N applications, spread over the demo
city's communities and the review's states, written with PostgreSQL's COPY (seconds, not minutes).

    python -m bench.assistance_data DATABASE_URL [COUNT]
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, date, datetime, timedelta

import psycopg

from server.services.identity import Cipher

STATES = (
    "submitted",
    "accepted",
    "investigated",
    "in_notice",
    "reviewed",
    "approved",
    "rejected",
    "returned",
    "withdrawn",
)
COLUMNS = (
    "number",
    "program",
    "status",
    "version",
    "applicant_name",
    "applicant_id_number_enc",
    "applicant_id_number_hash",
    "region_code",
    "township_code",
    "county_code",
    "is_urban",
    "members",
    "assets",
    "reason",
    "emergency",
    "medical_out_of_pocket_fen",
    "relatives",
    "near_relative",
    "paid_first_fen",
    "flagged",
    "due_on",
    "submitted_at",
    "created_at",
    "updated_at",
)


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def fill(database_url: str, count: int, *, data_key: str, seed: int = 7) -> int:
    """Insert `count` applications (not drafts) into the bench database; answer how many."""
    rng = random.Random(seed)
    cipher = Cipher.from_data_key(data_key)
    ciphertext = cipher.encrypt("330802195001010012")
    members = json.dumps([{"relation": "self", "age": 70, "monthly_income_fen": 20000}])
    now = datetime.now(UTC)
    with psycopg.connect(psycopg_url(database_url)) as conn:
        communities = [
            row[0] for row in conn.execute("SELECT code FROM regions WHERE level = 'community'")
        ]
        # Half the cases in 柯城区, where the demo county worker looks.
        kecheng = [c for c in communities if c.startswith("330802")]
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY assistance_applications ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            for index in range(count):
                community = rng.choice(kecheng if index % 2 else communities)
                state = rng.choice(STATES)
                submitted = now - timedelta(days=rng.randint(0, 400))
                due = date.today() + timedelta(days=rng.randint(-30, 30))
                copy.write_row(
                    (
                        f"DB-{community[:6]}-2026-{index + 1:07d}",
                        "dibao",
                        state,
                        3,
                        "演示申请人",
                        ciphertext,
                        f"bench-{index:08d}",
                        community,
                        community[:9],
                        community[:6],
                        True,
                        members,
                        "{}",
                        "bench",
                        False,
                        0,
                        "[]",
                        False,
                        0,
                        False,
                        None if state in ("approved", "rejected", "withdrawn") else due,
                        submitted,
                        submitted,
                        submitted,
                    )
                )
    # What autovacuum does to a table this size in production: statistics, and the visibility map
    # that lets the queue's count be an index-only scan.
    with psycopg.connect(psycopg_url(database_url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE assistance_applications")
    return count


if __name__ == "__main__":
    import os

    from server.config import DEFAULT_DATA_KEY

    url = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    fill(url, total, data_key=os.environ.get("DATA_KEY", DEFAULT_DATA_KEY))
    print(f"{total} applications written")
