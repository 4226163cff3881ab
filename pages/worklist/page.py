"""Actielijst: the page (registered here only) and its callbacks (imported so they register)."""
from __future__ import annotations

import dash

from pages.worklist import _callbacks, _reminders  # noqa: F401 - they register the page's callbacks
from pages.worklist._layout import TITLE, build
from services.permissions import WORKLIST_ROLES
from web.request_context import page_layout

dash.register_page(__name__, path="/actielijst", name="Actielijst", order=10, roles=WORKLIST_ROLES,
                   title="Actielijst – Veilig in en om School", layout=page_layout(TITLE)(build))
