"""Component ids of the Mijn scholen page."""
from __future__ import annotations

BOARD = "ms-board"
CONTENT = "ms-content"
SUMMARY = "ms-summary"
TILES = "ms-tiles"
NO_BOARD = "ms-no-board"
TILE = "ms-tile"            # pattern id: {"type": TILE, "code": code}
