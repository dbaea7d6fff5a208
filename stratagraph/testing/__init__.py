"""Test helpers for stratagraph: real backing services for test suites (no mocks)."""
