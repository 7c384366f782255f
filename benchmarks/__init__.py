"""Benchmarks: quality, speed and memory on ../shared/corpora, run by hand (not in CI)."""
