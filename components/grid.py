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

# Numbers with a decimal comma, as on the cards (assets/grid_functions.js nlNumber; text passes unchanged);
# a column with its own valueFormatter keeps it.
NL_NUMBER = {"function": "nlNumber(params.value)"}
DEFAULT_COLUMN = {"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 110,
                  "wrapHeaderText": True, "autoHeaderHeight": True, "valueFormatter": NL_NUMBER}


def school_column(field: str = "name", header: str = "School", code_field: str = "code", **extra: object) -> dict:
    """A column of school names, each a link to its school page that keeps the page's selection
    (assets/school_links.js SchoolLink; the row's `code_field` holds the DUO code, checked there)."""
    return {"field": field, "headerName": header, "cellRenderer": "SchoolLink",
            "cellRendererParams": {"codeField": code_field}, "tooltipField": field, **extra}


def grid_options(**extra) -> dict:
    return {"localeText": LOCALE_NL, **extra}


# A change since the compare date: '+3', '−2', '±0', '–' when unknown (a fixed formatter, never built from data).
SIGNED_FORMATTER = {"function": "params.value == null ? '–' : (params.value > 0 ? '+' + nlNumber(params.value) : "
                                "(params.value < 0 ? '−' + nlNumber(Math.abs(params.value)) : '±0'))"}


def change_column(field: str, header: str = "Δ") -> dict:
    """A narrow numeric column with a figure's change since the compare date."""
    return {"field": field, "headerName": header, "type": "numericColumn", "valueFormatter": SIGNED_FORMATTER,
            "minWidth": 72, "maxWidth": 90, "headerTooltip": "Verandering sinds de vergelijkdatum"}


# Every client-side CSV export escapes cells a spreadsheet would run as formulas (assets/grid_functions.js).
CSV_SAFE_CELL = {"function": "csvSafeCell(params)"}


def csv_export_params(file_name: str) -> dict:
    """csvExportParams for a dash-ag-grid whose CSV download must not carry formulas (issue 13)."""
    return {"fileName": file_name, "processCellCallback": CSV_SAFE_CELL}
