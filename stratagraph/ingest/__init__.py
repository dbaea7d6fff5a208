"""Ingest: readers, row validation, the wide media-mix format, batched writes with lineage."""
