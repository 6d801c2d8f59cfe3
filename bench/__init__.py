"""The benchmark harness: `make bench` (`python -m bench.run`). See docs/performance.md."""
