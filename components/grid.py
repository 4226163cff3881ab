"""dash-ag-grid defaults with Dutch texts (ag-grid's own texts are English)."""
from __future__ import annotations

LOCALE_NL = {
    "page": "Pagina", "of": "van", "to": "t/m", "more": "meer", "next": "Volgende", "last": "Laatste",
    "first": "Eerste", "previous": "Vorige", "pageSizeSelectorLabel": "Rijen per pagina:",
    "firstPage": "Eerste pagina", "previousPage": "Vorige pagina", "nextPage": "Volgende pagina",
    "lastPage": "Laatste pagina", "loadingOoo": "Laden...", "noRowsToShow": "Geen rijen",
    "filterOoo": "Filter...", "equals": "Is gelijk aan", "notEqual": "Is niet gelijk aan",
    "blank": "Leeg", "notBlank": "Niet leeg", "empty": "Kies...", "lessThan": "Kleiner dan",
    "greaterThan": "Groter dan", "lessThanOrEqual": "Kleiner dan of gelijk aan",
    "greaterThanOrEqual": "Groter dan of gelijk aan", "inRange": "Tussen", "inRangeStart": "van",
    "inRangeEnd": "tot", "contains": "Bevat", "notContains": "Bevat niet", "startsWith": "Begint met",
    "endsWith": "Eindigt op", "andCondition": "EN", "orCondition": "OF", "applyFilter": "Toepassen",
    "resetFilter": "Wissen", "clearFilter": "Wissen", "cancelFilter": "Annuleren",
    "selectAll": "(Alles selecteren)", "searchOoo": "Zoeken...", "ariaFilterValue": "Filterwaarde",
}

DEFAULT_COLUMN = {"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 110,
                  "wrapHeaderText": True, "autoHeaderHeight": True}


def grid_options(**extra) -> dict:
    return {"localeText": LOCALE_NL, **extra}


# A change since the compare date: '+3', '−2', '+1,5', '±0', '–' when unknown (assets/grid_functions.js).
SIGNED_FORMATTER = {"function": "signedChange(params.value)"}
# A number with a decimal comma ('45,5'), empty when unknown (assets/grid_functions.js).
DECIMAL_FORMATTER = {"function": "decimalComma(params.value)"}


def change_column(field: str, header: str = "Δ") -> dict:
    """A narrow numeric column with a figure's change since the compare date."""
    return {"field": field, "headerName": header, "type": "numericColumn", "valueFormatter": SIGNED_FORMATTER,
            "minWidth": 72, "maxWidth": 90, "headerTooltip": "Verandering sinds de vergelijkdatum"}


# Every client-side CSV export is for Dutch Excel (';', decimal comma, plain signed numbers, names for the
# change columns) and escapes cells a spreadsheet would run as formulas (assets/grid_functions.js).
CSV_SAFE_CELL = {"function": "csvSafeCell(params)"}
CSV_HEADER = {"function": "csvHeader(params)"}


def csv_export_params(file_name: str, *, all_columns: bool = False) -> dict:
    """csvExportParams for a dash-ag-grid's CSV download (issue 13: no formulas; issue 14: Dutch Excel).
    all_columns: also the hidden columns (e.g. changes the grid shows inside another column's text)."""
    return {"fileName": file_name, "columnSeparator": ";", "skipColumnGroupHeaders": True,
            "allColumns": all_columns, "processCellCallback": CSV_SAFE_CELL, "processHeaderCallback": CSV_HEADER}
