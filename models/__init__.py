"""SQLModel tables. Import from here: `from models import School, Region, ...`."""
from models.certification import PhaseEvent, Trajectory, Tranche
from models.geography import Municipality, Province, Region
from models.network import Contact, Organisation, Partnership
from models.planning import TranchePlan, TranchePlanItem
from models.schools import Board, School
from models.users import ROLES, AuditEntry, User, UserScope

__all__ = [
    "AuditEntry", "Board", "Contact", "Municipality", "Organisation", "Partnership", "PhaseEvent",
    "Province", "ROLES", "Region", "School", "Tranche", "TranchePlan", "TranchePlanItem", "Trajectory", "User",
    "UserScope",
]
