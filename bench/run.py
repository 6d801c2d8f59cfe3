"""`make bench`: measure the app against a bare Flask ceiling. See docs/performance.md.

Run from the repository root: `.venv/bin/python -m bench.run` (or `python bench/run.py`).
Environment: BENCH_SECONDS (default 10), BENCH_DATABASE_URL, BENCH_REDIS_URL; BENCH_ONLY
(comma-separated parts of scenario names: run only those, e.g. BENCH_ONLY=nearby).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import main  # noqa: E402
from bench.scenarios import CHECKS, SCENARIOS  # noqa: E402


def selected(scenarios):
    """The scenarios whose name holds one of BENCH_ONLY's comma-separated parts (all if unset)."""
    wanted = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]
    return [s for s in scenarios if not wanted or any(w in s.name for w in wanted)]


if __name__ == "__main__":
    sys.exit(main(selected(SCENARIOS), CHECKS))
