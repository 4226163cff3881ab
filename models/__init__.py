"""SQLModel tables. Import from here: `from models import School, Region, ...`."""
from sqlalchemy import Table, inspect
from sqlmodel import SQLModel

from models.certification import PhaseEvent, Trajectory, Tranche
from models.data_version import DataVersion, FactsChange
from models.geography import Municipality, Province, Region
from models.imports import ImportRun
from models.meetings import Meeting
from models.network import Contact, Organisation, Partnership
from models.planning import TranchePlan, TranchePlanItem
from models.reminders import CalendarToken, DigestSubscription
from models.schools import Board, School
from models.users import ROLES, AuditEntry, User, UserScope

__all__ = [
    "AuditEntry", "Board", "CalendarToken", "Contact", "DataVersion", "DigestSubscription", "FactsChange",
    "ImportRun", "Meeting",
    "Municipality", "Organisation", "Partnership", "PhaseEvent",
    "Province", "ROLES", "Region", "School", "Tranche", "TranchePlan", "TranchePlanItem", "Trajectory", "User",
    "UserScope", "table_of",
]


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, e.g. for bulk inserts; `table_of(School).name == "school"`.

    SQLModel sets `Model.__table__` but does not declare it for type checkers, and declares
    `__tablename__` as possibly a function; this asks SQLAlchemy's mapper instead.
    """
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table
