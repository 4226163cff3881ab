/* Named functions for dash-ag-grid ({"function": "name(...)"} in the Python grid definitions).
   Named here, not written inline as `(function (...) {...})`: dash-ag-grid would build an inline
   function with the Function constructor, which the Content-Security-Policy (no 'unsafe-eval') forbids. */
window.dashAgGridFunctions = Object.assign(window.dashAgGridFunctions || {}, {
    /* The grids' CSV exports (csvExportParams of components/grid.py) are for Dutch Excel, the rules of
       dataio/report_csv.py: a number is exported as the plain number with a decimal comma ('-2', '45,5';
       never the '+1' or '±0' the page shows), an unknown value as an empty cell, anything else as shown
       (dates dd-mm-jjjj, Dutch labels). A text cell beginning with = + - @, a tab or a carriage return
       (after any apostrophes) gets a leading apostrophe, so a spreadsheet never runs it as a formula;
       the rule of dataio/csv_safe.py. */
    csvSafeCell: function (params) {
        var raw = params.value;
        if (raw === null || raw === undefined) {
            return "";
        }
        if (typeof raw === "number") {
            return String(raw).replace(".", ",");
        }
        var text = params.formatValue ? params.formatValue(raw) : raw;
        if (typeof text === "string" && /^'*[=+\-@\t\r]/.test(text)) {
            return "'" + text;
        }
        return text;
    },
    /* A change column's header in the CSV: 'Δ' after 'Scholen' becomes 'Scholen Δ' (the grid shows
       the bare 'Δ' beside its figure; a spreadsheet needs the name). */
    csvHeader: function (params) {
        var def = params.column.getColDef();
        var name = def.headerName || def.field || "";
        if (name.indexOf("\u0394") !== 0) {
            return name;
        }
        var columns = params.api.getColumns() || [];
        var at = columns.indexOf(params.column);
        var before = at > 0 ? columns[at - 1].getColDef() : null;
        return before ? (before.headerName || before.field) + " " + name : name;
    },
    /* A change since the compare date: '+3', '\u22122', '+1,5', '\u00b10'; '\u2013' when unknown (SIGNED_FORMATTER). */
    signedChange: function (value) {
        if (value === null || value === undefined) {
            return "\u2013";
        }
        var text = window.dashAgGridFunctions.nlNumber(Math.abs(value));
        return value > 0 ? "+" + text : (value < 0 ? "\u2212" + text : "\u00b10");
    },
    /* A number in Dutch notation (decimal comma, as on the cards: 81,8; 1.234); anything else unchanged. */
    nlNumber: function (value) {
        if (typeof value !== "number" || !isFinite(value)) { return value == null ? "" : value; }
        return value.toLocaleString("nl-NL", {maximumFractionDigits: 3});
    },
    /* An ISO date ('2027-03-01') as dd-mm-jjjj ('01-03-2027'); empty when there is none (date_column). */
    nlDate: function (value) {
        var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
        return m ? m[3] + "-" + m[2] + "-" + m[1] : "";
    },
    /* '3 (+1)': a count with its change since the compare date (Gemeenten table). */
    withChange: function (value, delta) {
        return value + (delta ? " (" + (delta > 0 ? "+" : "\u2212") + Math.abs(delta) + ")" : "");
    }
});
