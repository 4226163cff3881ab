"""Reusable Dash components (no domain logic)."""
