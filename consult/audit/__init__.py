"""Audit: an append-only record of security-relevant events."""
