"""Certificering: the page (registered here only) and its callbacks (imported so they register)."""
from __future__ import annotations

import dash

from pages.certification import _callbacks_record, _callbacks_select  # noqa: F401 - register the callbacks
from pages.certification._layout import layout

dash.register_page(__name__, path="/certificering", name="Certificering", order=20,
                   title="Certificering – Veilig in en om School", layout=layout)
