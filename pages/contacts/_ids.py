"""Component ids of the Contactlijst page."""
from __future__ import annotations

MUNICIPALITY = "cl-municipality"
SCHOOL = "cl-school"
LIST = "cl-list"
EXPORT = "cl-export"
DOWNLOAD = "cl-download"
COUNT = "cl-count"
SCHOOL_BLOCK = "cl-school-block"   # pattern id: {"type": SCHOOL_BLOCK, "code": code}
