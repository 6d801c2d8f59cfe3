"""`make bench`: measure the app against a bare Flask ceiling. See docs/performance.md.

Run from the repository root: `.venv/bin/python -m bench.run` (or `python bench/run.py`).
Environment: BENCH_SECONDS (default 10), BENCH_DATABASE_URL, BENCH_REDIS_URL.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import main  # noqa: E402
from bench.scenarios import SCENARIOS  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
