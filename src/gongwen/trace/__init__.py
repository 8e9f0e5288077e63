"""Leak tracing: marks in every member's copy, reading them back from a leaked text, and the
statistics that say how sure an accusation is. Pure: no database, no HTTP (the service is
platform/tracing.py)."""
