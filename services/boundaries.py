"""Municipality boundaries (GeoJSON) for the map: download from PDOK, read an upload, store, load.

Stored as one normalised GeoJSON file in the instance folder (no database table, so no
migration): every feature has properties {"cbs_code": "GM0935", "name": "Maastricht"} and
WGS84 longitude/latitude coordinates, rounded to about 10 m to keep the file small.

Source: PDOK / Kadaster "Bestuurlijke gebieden" (CC BY 4.0), OGC API Features.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

import settings

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


def _cbs_code(properties: dict) -> str | None:
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


def _name(properties: dict) -> str:
    for key in NAME_KEYS:
        if properties.get(key):
            return str(properties[key])[:150]
    return ""


def _round_ring(ring: list) -> list:
    """Rounded [lon, lat] pairs without consecutive duplicates; refuses non-WGS84 coordinates."""
    out: list[list[float]] = []
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


def _geometry(geometry: dict | None) -> dict | None:
    if not geometry:
        return None
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": [_round_ring(r) for r in coordinates]}
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [[_round_ring(r) for r in poly] for poly in coordinates]}
    return None


def normalise(data: dict) -> dict:
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


def parse(raw: bytes | str) -> dict:
    """Normalised boundaries from GeoJSON text (an upload or a download)."""
    if len(raw) > MAX_BYTES:
        raise BoundaryError("Het bestand is te groot (meer dan 60 MB).")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BoundaryError("Het bestand is geen geldige JSON.") from None
    return normalise(data)


def save(collection: dict, path: Path | None = None) -> Path:
    """Write atomically (a half-written file is never read)."""
    path = path or boundaries_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".boundaries-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(collection, handle, separators=(",", ":"))
    os.replace(tmp, path)
    return path


def load(path: Path | None = None, codes: Iterable[str] | None = None) -> dict | None:
    """The stored boundaries (only the given municipalities when codes is given); None when absent
    or unreadable."""
    path = path or boundaries_path()
    if not path.exists():
        return None
    try:
        collection = normalise(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
    if codes is not None:
        wanted = set(codes)
        collection["features"] = [f for f in collection["features"] if f["id"] in wanted]
    return collection


def summary(collection: dict | None) -> str:
    """A short text for the audit log: how many municipalities."""
    if not collection:
        return "geen"
    n = len(collection["features"])
    return f"{n} gemeente" if n == 1 else f"{n} gemeenten"


def _fetch(url: str, timeout: float) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json, application/json",
                                                   "User-Agent": "vios-dashboard"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read(MAX_BYTES + 1))


def download(url: str = PDOK_URL, *, fetch: Callable[[str, float], dict] = _fetch, timeout: float = 60,
             max_pages: int = 20) -> dict:
    """All municipality features from the PDOK OGC API, following its 'next' links; normalised."""
    features: list = []
    next_url: str | None = url
    pages = 0
    while next_url and pages < max_pages:
        page = fetch(next_url, timeout)
        pages += 1
        features.extend(page.get("features") or [])
        next_url = next((link.get("href") for link in page.get("links") or []
                         if link.get("rel") == "next" and str(link.get("href", "")).startswith("https://")), None)
    return normalise({"type": "FeatureCollection", "features": features})


def store(collection: dict, *, username: str, source: str) -> Path:
    """Replace the stored boundaries and record it in the audit log (old and new: number of municipalities)."""
    from models.db import session_scope
    from services import audit

    old = summary(load())
    with session_scope() as session:
        audit.record(session, username=username, action="boundaries", entity="gemeentegrenzen",
                     changes={"gemeenten": (old, summary(collection))}, detail=f"bron: {source[:200]}")
        path = save(collection)
    return path
