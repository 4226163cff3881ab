"""dash-ag-grid defaults with Dutch texts (ag-grid's own texts are English)."""
from __future__ import annotations

from typing import Any

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

# Numbers with a decimal comma, as on the cards (assets/grid_functions.js nlNumber): ag-grid's own
# formatter of the number data type (which would win over a defaultColDef formatter) is replaced;
# a column with its own valueFormatter keeps it.
NL_NUMBER = {"function": "nlNumber(params.value)"}
DATA_TYPES = {"number": {"baseDataType": "number", "extendsDataType": "number", "valueFormatter": NL_NUMBER}}
DEFAULT_COLUMN = {"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 110,
                  "wrapHeaderText": True, "autoHeaderHeight": True}


def school_column(field: str = "name", header: str = "School", code_field: str = "code", **extra: object) -> dict:
    """A column of school names, each a link to its school page that keeps the page's selection
    (assets/school_links.js SchoolLink; the row's `code_field` holds the DUO code, checked there)."""
    return {"field": field, "headerName": header, "cellRenderer": "SchoolLink",
            "cellRendererParams": {"codeField": code_field}, "tooltipField": field, **extra}


# Header text: about 7.5 px a character (bold 13 px); cell padding, the filter and sort icons take the rest.
_CHAR_PX, _HEADER_EXTRA_PX = 7.5, 62


def header_min_width(header: str) -> int:
    """The narrowest column whose header breaks only between words ("Geldig / gecertificeerd", never
    "gecertific|eerd") and is not cut off ("Gecertific…")."""
    longest = max((len(word) for word in header.split()), default=0)
    return int(longest * _CHAR_PX + _HEADER_EXTRA_PX)


def fit_columns(columns: list[dict]) -> list[dict]:
    """The columns, each at least as wide as its header's longest word (also inside column groups) and no
    wider than needed (instead of the default minimum); a column's own larger minWidth stays, and its
    maxWidth grows with it when needed."""
    fitted = []
    for column in columns:
        column = dict(column)
        if "children" in column:
            column["children"] = fit_columns(column["children"])
        elif column.get("headerName"):
            extra = 0 if column.get("filter", True) else 22   # no filter icon
            width = max(column.get("minWidth", 0), header_min_width(column["headerName"]) - extra)
            column["minWidth"] = width
            if column.get("maxWidth") is not None and column["maxWidth"] < width:
                column["maxWidth"] = width
        fitted.append(column)
    return fitted


# More rows than this: a grid scrolls within a fixed height, so the browser draws only the rows in view
# (hundreds of rows of many columns at their full height took it seconds, again on every resize).
ROWS_IN_VIEW = 25


def grows_with_rows(rows: int) -> bool:
    """Whether a grid of `rows` rows is as high as its rows (sized), not of a fixed height that scrolls."""
    return rows <= ROWS_IN_VIEW


def sized(rows: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(dashGridOptions, style) for a grid of `rows` rows: as high as its rows up to ROWS_IN_VIEW, else a
    fixed height that scrolls."""
    if not grows_with_rows(rows):
        return {}, {"height": "640px"}
    return {"domLayout": "autoHeight"}, {"height": None}


def grid_options(**extra) -> dict:
    return {"localeText": LOCALE_NL, "dataTypeDefinitions": DATA_TYPES, **extra}


def date_column(field: str, header: str, **extra: object) -> dict:
    """A column of dates: the row holds the ISO date (so the column sorts as dates), shown and filtered
    as dd-mm-jjjj (assets/grid_functions.js nlDate); the CSV export has what is shown."""
    return {"field": field, "headerName": header, "valueFormatter": {"function": "nlDate(params.value)"},
            "filterValueGetter": {"function": f"nlDate(params.data.{field})"}, **extra}


# A change since the compare date: '+3', '−2', '+1,5', '±0', '–' when unknown (assets/grid_functions.js).
SIGNED_FORMATTER = {"function": "signedChange(params.value)"}
# A number with a decimal comma ('45,5'), empty when unknown: the grids' one number notation.
DECIMAL_FORMATTER = NL_NUMBER


def change_column(field: str, header: str = "Δ") -> dict:
    """A narrow numeric column with a figure's change since the compare date."""
    # narrow: no filter menu (a change is read next to its figure, rarely filtered on)
    return {"field": field, "headerName": header, "type": "numericColumn", "valueFormatter": SIGNED_FORMATTER,
            "minWidth": 64, "maxWidth": 84, "filter": False, "headerTooltip": "Verandering sinds de vergelijkdatum"}


# Every client-side CSV export is for Dutch Excel (';', decimal comma, plain signed numbers, names for the
# change columns) and escapes cells a spreadsheet would run as formulas (assets/grid_functions.js).
CSV_SAFE_CELL = {"function": "csvSafeCell(params)"}
CSV_HEADER = {"function": "csvHeader(params)"}


def csv_export_params(file_name: str, *, all_columns: bool = False) -> dict:
    """csvExportParams for a dash-ag-grid's CSV download (issue 13: no formulas; issue 14: Dutch Excel).
    all_columns: also the hidden columns (e.g. changes the grid shows inside another column's text)."""
    return {"fileName": file_name, "columnSeparator": ";", "skipColumnGroupHeaders": True,
            "allColumns": all_columns, "processCellCallback": CSV_SAFE_CELL, "processHeaderCallback": CSV_HEADER}
