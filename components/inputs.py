"""Form inputs with Dutch texts (Dash 4 components default to English)."""
from __future__ import annotations

from typing import Any

from dash import dcc

DROPDOWN_LABELS: dcc.Dropdown.Labels = {
    "search": "Zoeken",
    "clear_search": "Zoekterm wissen",
    "clear_selection": "Selectie wissen",
    "no_options_found": "Niets gevonden",
    "select_all": "Alles selecteren",
    "deselect_all": "Niets selecteren",
}


def dropdown(component_id: str | dict[str, Any], options: Any, value: Any = None, **kwargs: Any) -> dcc.Dropdown:
    return dcc.Dropdown(id=component_id, options=options, value=value, labels=DROPDOWN_LABELS, **kwargs)
