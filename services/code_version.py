"""A fingerprint of this installation's code, for keys of results kept beyond a process (the cache every
worker shares: files in instance/cache or Redis, which outlive a restart): after an upgrade that changes how
a figure is computed or drawn, nothing made by the older code is read again."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "services", "components", "pages", "models")  # what results are computed and drawn by


@functools.cache
def code_version() -> str:
    """sha256 (16 hex digits) over the path and content of every Python file of PACKAGES and of the installed
    plotly's version (it writes the figures' JSON); read once per process (~250 files, a few ms)."""
    import plotly

    digest = hashlib.sha256(plotly.__version__.encode())
    for path in sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
