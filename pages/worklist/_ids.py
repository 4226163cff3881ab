"""Component ids of the Actielijst page."""
from __future__ import annotations

CONTENT = "wl-content"
CHOOSE_REGION = "wl-choose-region"
SUMMARY = "wl-summary"
EXPIRING = "wl-expiring"
STALLED = "wl-stalled"
MISSING = "wl-missing"
ORPHANED = "wl-orphaned"
OVER_CAPACITY = "wl-over-capacity"
ITEM = "wl-item"                  # pattern id: {"type": ITEM, "kind": section id, "key": code or tranche id}

# re-certification of several schools
PICK = "wl-pick"                  # the checklist of expiring schools
TRANCHE = "wl-tranche"
START = "wl-start"
SEEN = "wl-seen"                  # {school id: [trajectory id, phase]} as the page was built
MESSAGE = "wl-message"
DONE = "wl-done"
ERROR = "wl-error"

# reminders: the calendar feed
ICAL_CREATE = "wl-ical-create"
ICAL_REVOKE = "wl-ical-revoke"
ICAL_STATUS = "wl-ical-status"
ICAL_URL = "wl-ical-url"
