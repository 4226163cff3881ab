"""Component ids of the certification page."""
from __future__ import annotations

GRID = "cert-grid"
EXPORT = "cert-export"
EXPIRY_6 = "cert-expiry-6"
EXPIRY_12 = "cert-expiry-12"
EXPIRY_TABS = "cert-expiry-tabs"
TRANCHES = "cert-tranches"
CHOOSE_REGION = "cert-choose-region"
TRANCHE_LIST = "cert-tranche-list"      # the accordion of the region's tranches
TRANCHE_BODY = "cert-tranche-body"      # pattern id: {"type": TRANCHE_BODY, "tranche": id}, a tranche's charts
FUNNEL = "cert-funnel"  # pattern id: {"type": FUNNEL, "tranche": id}
FORECAST = "cert-forecast"
FORECAST_OVER = "cert-forecast-over"

# the recorder form
SELECTED = "cert-selected"
SCHOOL_LINK = "cert-school-link"
ACTION = "cert-action"
PHASE = "cert-phase"
PHASE_COL = "cert-phase-col"
TRANCHE = "cert-tranche"
TRANCHE_COL = "cert-tranche-col"
DATE = "cert-date"
NOTE = "cert-note"
RECORD = "cert-record"
MESSAGE = "cert-message"
DONE = "cert-done"
ERROR = "cert-error"
AFTER_AS_OF = "cert-after-as-of"   # the notice: recorded after the page's peildatum
VIEW_TODAY = "cert-view-today"     # its link: the page at today
