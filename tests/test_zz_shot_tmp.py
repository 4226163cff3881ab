from conftest import DEMO_TODAY, region_key, choose
import time

def _full(duo, name):
    time.sleep(3)
    h = duo.driver.execute_script("return document.body.scrollHeight")
    duo.driver.set_window_size(1400, min(h + 200, 9000))
    time.sleep(2)
    duo.driver.save_screenshot(f"/tmp/cmpshots/{name}.png")
    duo.driver.set_window_size(1400, 1000)

def test_shot(duo):
    from services import boundaries
    from models.db import session_scope
    from models import School, Municipality
    from sqlalchemy import select, func
    with session_scope() as s:
        rows = s.execute(select(Municipality.cbs_code, Municipality.name, func.min(School.longitude), func.max(School.longitude), func.min(School.latitude), func.max(School.latitude)).join(School).group_by(Municipality.id)).all()
    feats = [{"type":"Feature","properties":{"code":c,"naam":n},"geometry":{"type":"Polygon","coordinates":[[[a-0.02,c2-0.02],[b+0.02,c2-0.02],[b+0.02,d+0.02],[a-0.02,d+0.02],[a-0.02,c2-0.02]]]}} for c,n,a,b,c2,d in rows if a]
    boundaries.save(boundaries.normalise({"type":"FeatureCollection","features":feats}))
    try:
        area = region_key("Maastricht-Heuvelland")
        duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
        duo.wait_for_element("#ov-kpi-valid-change", timeout=30)
        _full(duo, "overview")
        duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
        duo.wait_for_element("#cmp-grid", timeout=30)
        el = duo.find_element("#cmp-target")
        duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
        choose(duo, "#cmp-target", "Meerssen")
        _full(duo, "cmp-peer")
        print(duo.get_logs())
    finally:
        boundaries.boundaries_path().unlink(missing_ok=True)
