"""The planning page (/planning): which schools enter the next tranche of a region.

page.py registers the page and builds its layout from one module per section: _tranche.py
(choose or create a tranche), _settings.py (weights, quotas, audit capacity), _plan.py (the
plan and the other candidates: propose, add or remove with a reason), _drafts.py (save, open
and confirm named drafts), _projection.py (what the plan shows: grids, summary, charts) and
_compare.py (the comparison of two saved plans). Component ids: _ids.py. Every callback
gets the request (user, session, the URL's selection) from web.request_context.
"""
