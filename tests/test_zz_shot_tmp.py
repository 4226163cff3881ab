from conftest import DEMO_TODAY, region_key
import time

def test_shot(duo):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cmp-grid", timeout=30)
    time.sleep(4)
    h = duo.driver.execute_script("return document.body.scrollHeight")
    duo.driver.set_window_size(1400, min(h + 200, 9000))
    time.sleep(2)
    duo.driver.save_screenshot("/tmp/cmpshots/region.png")
    print(duo.get_logs())
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied=nl&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cmp-grid", timeout=30)
    time.sleep(5)
    h = duo.driver.execute_script("return document.body.scrollHeight")
    duo.driver.set_window_size(1400, min(h + 200, 12000))
    time.sleep(2)
    duo.driver.save_screenshot("/tmp/cmpshots/nl.png")
    print(duo.get_logs())
