/* Named functions for dash-ag-grid ({"function": "name(...)"} in the Python grid definitions).
   Named here, not written inline as `(function (...) {...})`: dash-ag-grid would build an inline
   function with the Function constructor, which the Content-Security-Policy (no 'unsafe-eval') forbids. */
window.dashAgGridFunctions = Object.assign(window.dashAgGridFunctions || {}, {
    /* The grids' CSV exports (csvExportParams.processCellCallback, components/grid.py): a text cell
       beginning with = + - @, a tab or a carriage return (after any apostrophes) gets a leading
       apostrophe, so a spreadsheet never runs it as a formula; the rule of dataio/csv_safe.py.
       Numbers (also negative ones) are the grid's own values and are exported as they are shown. */
    csvSafeCell: function (params) {
        var raw = params.value;
        var text = params.formatValue ? params.formatValue(raw) : raw;
        if (typeof text === "string" && typeof raw !== "number" && /^'*[=+\-@\t\r]/.test(text)) {
            return "'" + text;
        }
        return text;
    },
    /* A number in Dutch notation (decimal comma, as on the cards: 81,8; 1.234); anything else unchanged. */
    nlNumber: function (value) {
        if (typeof value !== "number" || !isFinite(value)) { return value == null ? "" : value; }
        return value.toLocaleString("nl-NL", {maximumFractionDigits: 3});
    },
    /* '3 (+1)': a count with its change since the compare date (Gemeenten table). */
    withChange: function (value, delta) {
        return value + (delta ? " (" + (delta > 0 ? "+" : "\u2212") + Math.abs(delta) + ")" : "");
    }
});
