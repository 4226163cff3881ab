"""The "Toon als tabel" wrapper (components/chart_table.py) and the network's list (network_graph.partner_list)."""
from __future__ import annotations

from dash import dcc

from components import network_graph as ng
from components.chart_table import dom_id, with_table


def test_ctb001_a_graph_gets_a_toggle_that_controls_its_hidden_table_region():
    wrapper = with_table(dcc.Graph(id="ov-phase-chart", figure={}))
    graph, toggle, region = wrapper.children
    assert graph.id == "ov-phase-chart"
    assert toggle.children == "Toon als tabel" and toggle.type == "button"
    assert getattr(toggle, "aria-expanded") == "false" and getattr(toggle, "aria-controls") == region.id
    assert region.hidden is True and getattr(region, "data-graph") == "ov-phase-chart"


def test_ctb002_pattern_ids_and_graphs_without_id():
    wrapper = with_table(dcc.Graph(id={"type": "cert-funnel", "tranche": 3}, figure={}))
    assert getattr(wrapper.children[2], "data-graph") == dom_id({"tranche": 3, "type": "cert-funnel"})
    assert dom_id({"type": "cert-funnel", "tranche": 3}) == '{"tranche":3,"type":"cert-funnel"}'
    first, second = with_table(dcc.Graph(figure={})), with_table(dcc.Graph(figure={}))
    assert first.children[0].id != second.children[0].id


def test_ctb003_the_network_list_has_the_partners_and_the_missing_core_partners():
    elements = [
        {"data": {"id": "s1", "label": "De Linde", "kind": "school"}},
        {"data": {"id": "o7", "label": "GGD Zuid", "kind": "organisation", "type": "ggd", "type_label": "GGD"}},
        {"data": {"id": "p1", "source": "s1", "target": "o7", "kind": "partnership", "label": "Kernteam"}},
        {"data": {"id": "g-politie", "label": "ontbreekt: politie", "kind": "gap", "type": "politie"}},
        {"data": {"id": "ge-politie", "source": "s1", "target": "g-politie", "kind": "gap"}},
    ]
    heading, partners, missing_heading, missing = ng.partner_list(elements)
    assert heading.children == "Partners van De Linde (1)"
    assert [li.children for li in partners.children] == ["GGD Zuid (GGD): Kernteam"]
    assert missing_heading.children == "Ontbrekende kernpartners (1)"
    assert [li.children for li in missing.children] == ["Politie (wijk-/jeugdagent)"]
    assert ng.partner_list([]) == []
