"""Data exchange without Dash: the DUO school register import (dataio.duo) and the exchange workbook,
xlsx or CSV (dataio.exchange: import, export, template). Import the modules themselves; this package
re-exports nothing, so importing one part never loads (or circles back into) the others."""
