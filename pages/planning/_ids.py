"""Component ids of the planning page."""
from __future__ import annotations

from domain.planning import COMPONENT_LABELS
from domain.vocab import SECTORS

MESSAGE = "plan-message"            # the outcome of the last action
WORK = "plan-work"                  # the working plan: {tranche_id, items, plan_id, name, status}

# 1. tranche
TRANCHE = "plan-tranche"
TRANCHE_INFO = "plan-tranche-info"
CHOOSE_REGION = "plan-choose-region"
NEW_NAME = "plan-new-name"
NEW_START = "plan-new-start"
NEW_CAPACITY = "plan-new-capacity"
NEW_CREATE = "plan-new-create"
NEW_MESSAGE = "plan-new-message"

# 2. priorities and quotas (pattern-matching ids: one State for all weights, one for all quotas)
WEIGHT_TYPE = "plan-weight"
QUOTA_TYPE = "plan-quota"
AUDIT_CAPACITY = "plan-audit-cap"
PROPOSE = "plan-propose"


def weight_id(component: str) -> dict[str, str]:
    return {"type": WEIGHT_TYPE, "key": component}


def quota_id(sector: str) -> dict[str, str]:
    return {"type": QUOTA_TYPE, "key": sector}


WEIGHT_KEYS = tuple(COMPONENT_LABELS)      # the order of the weight inputs in the layout
QUOTA_KEYS = tuple(SECTORS)                # the order of the quota inputs in the layout

# 3. plan
SUMMARY = "plan-summary"
PLAN_GRID = "plan-grid"
CANDIDATE_GRID = "plan-cand-grid"
REASON = "plan-reason"
ADD = "plan-add"
REMOVE = "plan-remove"
REMOVED = "plan-removed"

# 4. drafts
SAVE_NAME = "plan-save-name"
SAVE = "plan-save"
DRAFTS = "plan-drafts"
OPEN = "plan-load"
CONFIRM = "plan-confirm"
CONFIRM_ASK = "plan-confirm-ask"
CONFIRM_YES = "plan-confirm-yes"

# 5. projection
COVERAGE_CHART = "plan-coverage-chart"
AUDIT_CHART = "plan-audit-chart"
OVER_CAPACITY = "plan-over"

# 6. comparing two plans
PLAN_COMPARE_A = "plan-compare-a"
PLAN_COMPARE_B = "plan-compare-b"
PLAN_COMPARE_RUN = "plan-compare-run"
PLAN_COMPARE_RESULT = "plan-compare-result"

EDIT_BUTTONS = (PROPOSE, ADD, REMOVE, SAVE)
