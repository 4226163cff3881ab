"""Component ids of the Gemeenten page (the `cmp-` prefix predates the package's name)."""
from __future__ import annotations

PICKER = "cmp"                     # compare_picker(PICKER, ...): ids cmp-compare-date / cmp-compare-text
EMPTY = "cmp-empty"
COMPARE_WARNING = "cmp-compare-warning"

# the steering group's meetings
MEETINGS = "cmp-meetings"
MEETING_LIST = "cmp-meeting-list"
MEETING_DATE = "cmp-meeting-date"
MEETING_NOTES = "cmp-meeting-notes"
MEETING_ADD = "cmp-meeting-add"
MEETING_DELETE_CHOICE = "cmp-meeting-delete-choice"
MEETING_DELETE = "cmp-meeting-delete"
MEETING_RESULT = "cmp-meeting-result"

# what changed since the compare date
KPI_SCHOOLS = "cmp-kpi-schools"
KPI_TAKING_PART = "cmp-kpi-taking-part"
KPI_VALID = "cmp-kpi-valid"
KPI_COVERAGE = "cmp-kpi-coverage"
KPI_EXPIRING = "cmp-kpi-expiring"
KPI_EXPIRED = "cmp-kpi-expired"
KPI_IN_TRAJECTORY = "cmp-kpi-in-trajectory"
STATUS_CHART = "cmp-status-chart"      # the totals by certificate status and trajectory phase
CHANGE_SUMMARY = "cmp-change-summary"
PHASE_MOVES = "cmp-phase-moves"
CHANGES_GRID = "cmp-changes"
CHANGES_NOTE = "cmp-changes-note"     # 'the list shows the 200 most recent of ...'
CHANGES_LOADING = "Gebeurtenissen worden geteld…"

# the municipality and its peers to highlight
TARGET = "cmp-target"
PEER_KIND = "cmp-peer-kind"
PEER_TEXT = "cmp-peer-text"

# the table per municipality
GRID = "cmp-grid"
ROLES = "cmp-roles"                   # the highlight's role of each row (the rows come after the layout)
EXPORT = "cmp-export"

# the charts; DRAWN: the data version and compare date of the figures the page drew
DRAWN = "cmp-drawn"
CHART_FIGURES = "cmp-figures"          # the charts' first figures, handed to the graphs in the browser
COVERAGE_CHART = "cmp-coverage-chart"
DRILL_LINKS = "cmp-drill-links"       # per province: a link to each province's page
PHASE_MODE = "cmp-phase-mode"
PHASE_CHART = "cmp-phase-chart"
APPROACH_CHART = "cmp-approach-chart"
SERIES_CHART = "cmp-series-chart"

# the map and its boundaries
MAP = "cmp-map"
MAP_STYLE = "cmp-map-style"
MAP_NOTE = "cmp-map-note"
BOUNDARIES_UPLOAD = "cmp-boundaries-upload"
BOUNDARIES_RESULT = "cmp-boundaries-result"
BOUNDARIES_ERROR = "cmp-boundaries-error"
BOUNDARIES_OK = "cmp-boundaries-ok"
