"""Municipality boundaries (GeoJSON) for the map: download from PDOK, read an upload, store, load.

Stored as one normalised GeoJSON file in the instance folder (no database table, so no
migration): every feature has properties {"cbs_code": "GM0935", "name": "Maastricht"} and
WGS84 longitude/latitude coordinates, rounded to about 10 m to keep the file small. Each process
reads and checks the file once per version of it (cached by the file's modification time, size and
inode), so the map does not re-read the whole country's boundaries on every click.

Source: PDOK / Kadaster "Bestuurlijke gebieden" (CC BY 4.0), OGC API Features.
"""
from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlmodel import Session

import settings

# A GeoJSON FeatureCollection as normalise() returns it.
Collection = dict[str, Any]

PDOK_URL = ("https://api.pdok.nl/kadaster/brk-bestuurlijke-gebieden/ogc/v1/collections/gemeentegebied/items"
            "?f=json&limit=1000")
ATTRIBUTION = "Gemeentegrenzen: Kadaster / PDOK Bestuurlijke gebieden (CC BY 4.0)"
FILE_NAME = "gemeentegrenzen.geojson"
MAX_BYTES = 60 * 1024 * 1024
DECIMALS = 4

_GM = re.compile(r"^GM(\d{4})$", re.IGNORECASE)
CODE_KEYS = ("cbs_code", "identificatie", "statcode", "gemeentecode", "code", "GM_CODE", "gm_code")
NAME_KEYS = ("name", "naam", "gemeentenaam", "statnaam", "GM_NAAM", "gm_naam")


class BoundaryError(ValueError):
    """The file is not usable municipality-boundary GeoJSON (Dutch message)."""


def boundaries_path() -> Path:
    return settings.instance_dir() / FILE_NAME


def _cbs_code(properties: dict[str, Any]) -> str | None:
    for key in CODE_KEYS:
        value = properties.get(key)
        if value is None:
            continue
        text = str(value).strip()
        match = _GM.match(text)
        if match:
            return f"GM{match.group(1)}"
        if text.isdigit() and len(text) <= 4:
            return f"GM{int(text):04d}"
    return None


def _name(properties: dict[str, Any]) -> str:
    for key in NAME_KEYS:
        if properties.get(key):
            return str(properties[key])[:150]
    return ""


def _round_ring(ring: Any) -> list[list[float]]:
    """Rounded [lon, lat] pairs without consecutive duplicates; refuses non-WGS84 coordinates."""
    out: list[list[float]] = []
    if not isinstance(ring, (list, tuple)):
        raise BoundaryError("Ongeldige coördinaten in de geometrie.")
    for point in ring:
        if not isinstance(point, (list, tuple)) or len(point) < 2:
            raise BoundaryError("Ongeldige coördinaten in de geometrie.")
        lon, lat = float(point[0]), float(point[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BoundaryError("De coördinaten zijn geen lengte- en breedtegraden (WGS84). Exporteer het bestand "
                                "in EPSG:4326 / CRS84, niet in Rijksdriehoekscoördinaten.")
        pair = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != pair:
            out.append(pair)
    return out


def _geometry(geometry: Any) -> dict[str, Any] | None:
    if not geometry or not isinstance(geometry, dict):
        return None
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, (list, tuple)):
        return None
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": [_round_ring(r) for r in coordinates]}
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [[_round_ring(r) for r in poly] for poly in coordinates]}
    return None


def normalise(data: Any) -> Collection:
    """A FeatureCollection of municipality polygons with cbs_code and name, or BoundaryError."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise BoundaryError("Dit is geen GeoJSON FeatureCollection.")
    features, seen = [], set()
    for feature in data["features"]:
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties") or {}
        code = _cbs_code(properties)
        geometry = _geometry(feature.get("geometry"))
        if code is None or geometry is None or code in seen:
            continue
        seen.add(code)
        features.append({"type": "Feature", "id": code, "properties": {"cbs_code": code, "name": _name(properties)},
                         "geometry": geometry})
    if not features:
        raise BoundaryError("Geen gemeenten gevonden: elk vlak heeft een gemeentecode nodig (bijv. 'GM0935' of "
                            "'0935' in 'code', 'identificatie' of 'statcode').")
    return {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["id"])}


def parse(raw: bytes | str) -> Collection:
    """Normalised boundaries from GeoJSON text (an upload or a download)."""
    if len(raw) > MAX_BYTES:
        raise BoundaryError("Het bestand is te groot (meer dan 60 MB).")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BoundaryError("Het bestand is geen geldige JSON.") from None
    return normalise(data)


def save(collection: Collection, path: Path | None = None) -> Path:
    """Write atomically (a half-written file is never read)."""
    path = path or boundaries_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".boundaries-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(collection, handle, separators=(",", ":"))
    os.replace(tmp, path)
    return path


@functools.lru_cache(maxsize=4)
def _read(path: Path, version: tuple[int, int, int]) -> Collection | None:
    """The checked file's content, once per version (mtime, size, inode) of it; None when unreadable.
    Callers never change what it returns (load copies the list of features it filters)."""
    try:
        return normalise(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def load(path: Path | None = None, codes: Iterable[str] | None = None) -> Collection | None:
    """The stored boundaries (only the given municipalities when codes is given); None when absent
    or unreadable. Read from disk only when the file changed since this process last read it."""
    path = path or boundaries_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    collection = _read(path, (stat.st_mtime_ns, stat.st_size, stat.st_ino))
    if collection is None:
        return None
    wanted = set(codes) if codes is not None else None
    return {**collection, "features": [f for f in collection["features"] if wanted is None or f["id"] in wanted]}


def summary(collection: Collection | None) -> str:
    """A short text for the audit log: how many municipalities."""
    if not collection:
        return "geen"
    n = len(collection["features"])
    return f"{n} gemeente" if n == 1 else f"{n} gemeenten"


def fetch_page(url: str, timeout: float) -> dict[str, Any]:
    """One page of the OGC API (JSON), at most MAX_BYTES."""
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json, application/json",
                                                   "User-Agent": "vios-dashboard"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        page: dict[str, Any] = json.loads(response.read(MAX_BYTES + 1))
    return page


def download(url: str = PDOK_URL, *, fetch: Callable[[str, float], dict[str, Any]] = fetch_page, timeout: float = 60,
             max_pages: int = 20) -> Collection:
    """All municipality features from the PDOK OGC API, following its 'next' links; normalised."""
    features: list[Any] = []
    next_url: str | None = url
    pages = 0
    while next_url and pages < max_pages:
        page = fetch(next_url, timeout)
        pages += 1
        features.extend(page.get("features") or [])
        next_url = next((link.get("href") for link in page.get("links") or []
                         if link.get("rel") == "next" and str(link.get("href", "")).startswith("https://")), None)
    return normalise({"type": "FeatureCollection", "features": features})


def store(collection: Collection, *, username: str, source: str, session: Session | None = None) -> Path:
    """Replace the stored boundaries and record it in the audit log (old and new: number of municipalities).

    With a session (a page's request) the audit entry is part of its transaction; without one (the
    command line) a transaction of its own. The file is written last, after the audit entry."""
    from models.db import session_scope
    from services import audit

    old = summary(load())

    def record(session: Session) -> Path:
        audit.record(session, username=username, action="boundaries", entity="gemeentegrenzen",
                     changes={"gemeenten": (old, summary(collection))}, detail=f"bron: {source[:200]}")
        return save(collection)

    if session is not None:
        return record(session)
    with session_scope() as own:
        return record(own)
