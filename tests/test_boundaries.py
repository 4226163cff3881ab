"""Municipality boundaries: parsing PDOK-like GeoJSON made here, storing, loading, the `vios` command."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from services import boundaries


def _square(lon: float, lat: float, size: float = 0.1) -> list:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def geojson(features: list[tuple[dict, dict | None]]) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]}


SMALL = geojson([
    ({"identificatie": "GM0935", "naam": "Maastricht"}, {"type": "Polygon", "coordinates": _square(5.65, 50.82)}),
    ({"code": "888", "naam": "Beek"},
     {"type": "MultiPolygon", "coordinates": [_square(5.78, 50.93), _square(5.9, 50.95, 0.05)]}),
    ({"naam": "zonder code"}, {"type": "Polygon", "coordinates": _square(4.0, 52.0)}),
    ({"statcode": "GM0003", "statnaam": "Appingedam"}, None),
])


def test_geo001_parse_normalises_codes_names_and_coordinates():
    collection = boundaries.parse(json.dumps(SMALL))
    assert [f["id"] for f in collection["features"]] == ["GM0888", "GM0935"]
    maastricht = collection["features"][1]
    assert maastricht["properties"] == {"cbs_code": "GM0935", "name": "Maastricht"}
    assert maastricht["geometry"]["coordinates"][0][0] == [5.65, 50.82]
    assert collection["features"][0]["geometry"]["type"] == "MultiPolygon"
    # rounding to 4 decimals drops points that become identical
    ring = [[5.00001, 50.00001], [5.00002, 50.00002], [5.1, 50.0], [5.1, 50.1], [5.00001, 50.00001]]
    tiny = boundaries.parse(json.dumps(geojson([({"code": "1"}, {"type": "Polygon", "coordinates": [ring]})])))
    assert tiny["features"][0]["geometry"]["coordinates"][0] == [[5.0, 50.0], [5.1, 50.0], [5.1, 50.1], [5.0, 50.0]]


@pytest.mark.parametrize("raw, message", [
    ("not json", "geen geldige JSON"),
    (json.dumps({"type": "Feature"}), "geen GeoJSON FeatureCollection"),
    (json.dumps(geojson([({"naam": "x"}, {"type": "Polygon", "coordinates": _square(5, 50)})])), "gemeentecode"),
    # Rijksdriehoek (EPSG:28992) metres are refused with an explanation
    (json.dumps(geojson([({"code": "935"}, {"type": "Polygon", "coordinates": _square(176000, 317000, 100)})])),
     "WGS84"),
])
def test_geo002_unusable_files_are_refused_in_dutch(raw, message):
    with pytest.raises(boundaries.BoundaryError, match=message):
        boundaries.parse(raw)


def test_geo003_save_and_load_only_the_wanted_municipalities(tmp_path):
    path = tmp_path / "grenzen.geojson"
    assert boundaries.load(path) is None
    boundaries.save(boundaries.parse(json.dumps(SMALL)), path)
    assert [f["id"] for f in boundaries.load(path)["features"]] == ["GM0888", "GM0935"]
    assert [f["id"] for f in boundaries.load(path, codes={"GM0935", "GM9999"})["features"]] == ["GM0935"]
    path.write_text("{broken")
    assert boundaries.load(path) is None


def test_geo004_download_follows_next_links():
    first = geojson([({"identificatie": "GM0935", "naam": "Maastricht"},
                      {"type": "Polygon", "coordinates": _square(5.65, 50.82)})])
    first["links"] = [{"rel": "self", "href": "https://x/1"}, {"rel": "next", "href": "https://x/2"}]
    second = geojson([({"identificatie": "GM0888", "naam": "Beek"},
                       {"type": "Polygon", "coordinates": _square(5.78, 50.93)})])
    asked = []

    def fetch(url, timeout):
        asked.append(url)
        return first if url == boundaries.PDOK_URL else second

    collection = boundaries.download(fetch=fetch)
    assert asked == [boundaries.PDOK_URL, "https://x/2"]
    assert [f["id"] for f in collection["features"]] == ["GM0888", "GM0935"]


@pytest.mark.db  # the vios command migrates a database of its own
def test_geo005_vios_boundaries_import_and_download(tmp_path):
    from vios_cli import VIOS

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'geo.db'}", "VIOS_INSTANCE": str(tmp_path / "inst")}
    source = tmp_path / "gemeenten.geojson"
    source.write_text(json.dumps(SMALL))

    def vios(*args):
        return subprocess.run([VIOS, "boundaries", *args], capture_output=True, text=True, env=env, timeout=120)

    assert "geen" in vios("status").stdout
    result = vios("import", str(source))
    assert result.returncode == 0, result.stderr
    assert "2 gemeenten" in result.stdout
    stored = Path(env["VIOS_INSTANCE"]) / boundaries.FILE_NAME
    assert [f["id"] for f in json.loads(stored.read_text())["features"]] == ["GM0888", "GM0935"]
    # the download code path, fed from a local file URL (no internet in tests)
    one = tmp_path / "een.geojson"
    one.write_text(json.dumps(geojson([({"code": "0935"}, {"type": "Polygon", "coordinates": _square(5.6, 50.8)})])))
    result = vios("download", "--url", one.as_uri())
    assert result.returncode == 0, result.stderr
    assert "1 gemeente" in result.stdout
    bad = tmp_path / "bad.geojson"
    bad.write_text("[]")
    result = vios("import", str(bad))
    assert result.returncode == 1 and "FeatureCollection" in result.stderr
    assert vios("import", str(tmp_path / "missing.geojson")).returncode == 2
    # both replacements are in the audit log, with old and new values
    from sqlalchemy import select
    from sqlmodel import Session

    from models import AuditEntry
    from models.db import make_engine

    with Session(make_engine(env["DATABASE_URL"])) as session:
        rows = session.execute(select(AuditEntry.old_value, AuditEntry.new_value)
                               .where(AuditEntry.entity == "gemeentegrenzen").order_by(AuditEntry.id)).all()
    assert [tuple(r) for r in rows] == [("geen", "2 gemeenten"), ("2 gemeenten", "1 gemeente")]


def test_geo006_load_reads_the_file_once_per_version(tmp_path, monkeypatch):
    path = tmp_path / "grenzen.geojson"
    boundaries.save(boundaries.parse(json.dumps(SMALL)), path)
    reads = []
    original = Path.read_text

    def counting(self, *args, **kwargs):
        reads.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting)
    first = boundaries.load(path, codes={"GM0935"})
    assert [f["id"] for f in first["features"]] == ["GM0935"]
    first["features"].clear()          # a caller changing its copy changes nothing for the next
    assert [f["id"] for f in boundaries.load(path)["features"]] == ["GM0888", "GM0935"]
    assert reads == [path]
    # a new file (an upload, a download) is read again
    one = geojson([({"code": "0935"}, {"type": "Polygon", "coordinates": _square(5.6, 50.8)})])
    boundaries.save(boundaries.parse(json.dumps(one)), path)
    assert [f["id"] for f in boundaries.load(path)["features"]] == ["GM0935"]
    assert reads == [path, path]
    path.unlink()
    assert boundaries.load(path) is None
