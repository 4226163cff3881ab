"""Data exchange without Dash: the DUO school register import and the exchange workbook (xlsx / CSV)."""
from dataio.duo import import_duo
from dataio.errors import ImportRefused, ImportResult, Rejects, RowError
from dataio.exchange import (
    export_bytes,
    export_tables,
    export_workbook,
    import_workbook,
    template_bytes,
    write_template,
)

__all__ = [
    "ImportRefused", "ImportResult", "Rejects", "RowError", "export_bytes", "export_tables", "export_workbook",
    "import_duo", "import_workbook", "template_bytes", "write_template",
]
