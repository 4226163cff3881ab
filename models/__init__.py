"""SQLModel tables. Import from here: `from models import School, Region, ...`."""
from models.geography import Municipality, Province, Region
from models.schools import Board, School
from models.network import Contact, Organisation, Partnership
from models.certification import PhaseEvent, Tranche, Trajectory

__all__ = [
    "Board", "Contact", "Municipality", "Organisation", "Partnership", "PhaseEvent",
    "Province", "Region", "School", "Tranche", "Trajectory",
]
