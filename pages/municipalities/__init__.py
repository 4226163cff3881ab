"""Gemeenten: the municipalities in scope compared, with peers, over time, on a map, and what changed."""
