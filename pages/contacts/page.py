"""Contactlijst: the page (registered here only) and its callbacks (imported so they register)."""
from __future__ import annotations

import dash

from pages.contacts import _callbacks  # noqa: F401 - registers the page's callbacks
from pages.contacts._layout import TITLE, build
from web.request_context import page_layout

# Not in the navigation (the bar must fit at 1280 px): the Actielijst links here. Who may open it is
# permissions.can_view_contact_list, checked by the page and its callbacks.
dash.register_page(__name__, path="/contactlijst", name="Contactlijst", order=35, hide_from_nav=True,
                   title="Contactlijst – Veilig in en om School", layout=page_layout(TITLE)(build))
