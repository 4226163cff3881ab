"""Mijn scholen: the page (registered here only); its callback lives in _layout (imported here)."""
from __future__ import annotations

import dash

from pages.my_schools._layout import TITLE, build
from services.permissions import MY_SCHOOLS_ROLES
from web.request_context import page_layout

dash.register_page(__name__, path="/mijn-scholen", name="Mijn scholen", order=5, roles=MY_SCHOOLS_ROLES,
                   title="Mijn scholen – Veilig in en om School", layout=page_layout(TITLE)(build))
