"""Synthetic DTSEN world: people, families, identifiers and source-record errors."""
