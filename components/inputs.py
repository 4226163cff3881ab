"""Form inputs with Dutch texts (Dash 4 components default to English)."""
from __future__ import annotations

from dash import dcc

DROPDOWN_LABELS = {
    "search": "Zoeken",
    "clear_search": "Zoekterm wissen",
    "clear_selection": "Selectie wissen",
    "no_options_found": "Niets gevonden",
    "select_all": "Alles selecteren",
    "deselect_all": "Niets selecteren",
}


def dropdown(component_id, options, value=None, **kwargs) -> dcc.Dropdown:
    return dcc.Dropdown(id=component_id, options=options, value=value, labels=DROPDOWN_LABELS, **kwargs)
