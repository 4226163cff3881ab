"""Certificering: every school's phase and certificate, recording progress, tranches, expiries, forecast.

page.py registers the page (and imports the callback modules so they register); _layout.py builds
it, _table.py the table and the expiry lists, _tranches.py the tranche section, _recorder.py the
form and its school lookup; _callbacks_select.py and _callbacks_record.py answer the user's actions.
"""
