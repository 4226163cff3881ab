"""The page Dash shows for an unknown address (Dash looks for a page module named not_found_404)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

dash.register_page(__name__, path="/404", name="Niet gevonden", hide_from_nav=True,
                   title="Pagina niet gevonden – Veilig in en om School")


def layout(**_query: object) -> html.Div:
    return html.Div([
        html.H2("Pagina niet gevonden", className="h4 mb-3", id="not-found"),
        dbc.Alert("Deze pagina bestaat niet (meer). Controleer het adres, of kies een pagina in de navigatie.",
                  color="warning"),
        dcc.Link("Naar het overzicht", href="/", className="btn btn-primary"),
    ])
