"""Benchmarks: run them with ``make perf``; each prints its figures, none asserts a time."""
