"""Netwerk: a school's partner network with its gaps, the network of a whole area with analyses, editing.

page.py registers the page and its layout (the only module here Dash executes); `_school_tab`,
`_area_tab` and `_editor` build the parts; `_callbacks_add` and `_callbacks_edit` hold one
callback per user action; `_ids` names every component; `_common` the shared helpers.
"""
