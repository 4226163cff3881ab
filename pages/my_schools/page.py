"""Mijn scholen: the page (registered here only); its callback lives in _layout (imported here)."""
from __future__ import annotations

import dash

from pages.my_schools._layout import TITLE, build
from web.request_context import page_layout

# In the navigation for the roles without an Actielijst (whose page links here): the bar must fit at 1280 px.
# Who may open the page is permissions.can_view_board (MY_SCHOOLS_ROLES), checked by the page itself.
dash.register_page(__name__, path="/mijn-scholen", name="Mijn\u00a0scholen", order=5,  # one line in the bar
                   roles=("bestuurder", "stuurgroeplid"), selection="date",  # web/shell: only the peildatum
                   title="Mijn scholen – Veilig in en om School", layout=page_layout(TITLE)(build))
