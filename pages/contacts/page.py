"""Contactlijst: the page (registered here only) and its callbacks (imported so they register)."""
from __future__ import annotations

import dash

from pages.contacts import _callbacks  # noqa: F401 - registers the page's callbacks
from pages.contacts._layout import TITLE, build
from services.permissions import PERSONAL_DATA_ROLES
from web.request_context import page_layout

dash.register_page(__name__, path="/contactlijst", name="Contactlijst", order=35, roles=PERSONAL_DATA_ROLES,
                   title="Contactlijst – Veilig in en om School", layout=page_layout(TITLE)(build))
