/* School names as links (issue 15): the grids' cell renderer "SchoolLink" and the keyboard of the
   navigation bar's school search. A link keeps the selection of the page it is on (area, sector,
   peildatum and compare date), read from the address when it is shown and again when it is clicked. */
(function () {
    var CODE = /^[0-9A-Z]{4}[0-9]{2}$/;          // a DUO school location code (services/schools.py)
    var KEEP = ["gebied", "sector", "peildatum", "vergelijk"];

    function selection() {
        var now = new URLSearchParams(window.location.search), kept = new URLSearchParams();
        KEEP.forEach(function (key) { if (now.get(key)) { kept.set(key, now.get(key)); } });
        var text = kept.toString();
        return text ? "?" + text : "";
    }

    function schoolHref(code) {
        return "/school/" + encodeURIComponent(code) + selection();
    }

    /* Navigate inside the app as dcc.Link does (no full reload); a modified click opens as usual. */
    function follow(event, href) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button) { return; }
        event.preventDefault();
        window.history.pushState({}, "", href);
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        window.scrollTo(0, 0);
    }

    var components = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
    /* cellRendererParams.codeField names the row's field with the school code (default "code"). */
    components.SchoolLink = function (props) {
        var field = (props.colDef && props.colDef.cellRendererParams && props.colDef.cellRendererParams.codeField)
            || "code";
        var code = props.data ? String(props.data[field] || "") : "";
        var text = props.valueFormatted != null ? props.valueFormatted : props.value;
        if (!CODE.test(code)) { return text == null ? "" : String(text); }
        return React.createElement("a", {
            href: schoolHref(code), className: "school-link",
            onClick: function (event) { follow(event, schoolHref(code)); }
        }, text == null ? "" : String(text));
    };

    /* The search: ArrowDown from the field to the first hit, arrows between hits, Escape back and closes. */
    document.addEventListener("keydown", function (event) {
        var box = document.getElementById("school-search");
        var list = document.getElementById("school-search-results");
        if (!box || !list) { return; }
        var links = Array.prototype.slice.call(list.querySelectorAll("a"));
        var at = links.indexOf(document.activeElement);
        if (document.activeElement !== box && at < 0) { return; }
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            if (!links.length) { return; }
            event.preventDefault();
            var next = event.key === "ArrowDown" ? (at < 0 ? 0 : Math.min(at + 1, links.length - 1))
                : (at <= 0 ? -1 : at - 1);
            (next < 0 ? box : links[next]).focus();
        } else if (event.key === "Escape") {
            box.focus();
            list.classList.add("d-none");
        } else if (event.key === "Enter" && document.activeElement === box && links.length) {
            event.preventDefault();
            links[0].click();
        }
    });
    document.addEventListener("input", function (event) {
        var list = document.getElementById("school-search-results");
        if (list && event.target && event.target.id === "school-search") { list.classList.remove("d-none"); }
    });
})();
