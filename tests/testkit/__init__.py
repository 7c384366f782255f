"""Helpers shared by the tests and the benchmarks (never shipped, never imported by bot).

Tests and benchmarks both import from here, never from each other.
"""
