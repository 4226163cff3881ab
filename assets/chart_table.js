/* "Toon als tabel" (components/chart_table.py): each chart's data as real tables, read from the figure
 * Plotly has drawn (gd._fullData, the decoded data of every trace), rebuilt after every redraw.
 *
 * - bar / scatter traces: one row per category (x, or y for horizontal bars), one column per trace;
 *   bars with a base (a timeline) show "van – tot" dates;
 * - heatmap: one row per y, one column per x;
 * - map and geo traces: one table per trace kind (choropleth: area and value; points: name and series);
 * - pie: label and value.
 * Numbers in Dutch notation; axes formatted as percentages show percentages.
 */
(function () {
  "use strict";

  var NL = new Intl.NumberFormat("nl-NL", {maximumFractionDigits: 2});
  var NL_PCT = new Intl.NumberFormat("nl-NL", {maximumFractionDigits: 1});

  function plain(value) {  // Plotly's pseudo-HTML labels (<br>, escaped entities) as plain text
    if (value === null || value === undefined) return "";
    var div = document.createElement("div");
    div.innerHTML = String(value).replace(/<br\s*\/?>/gi, " ");
    return (div.textContent || "").trim();
  }

  function isoDate(value) {
    var d = new Date(value);
    if (isNaN(d.getTime())) return plain(value);
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return p(d.getUTCDate()) + "-" + p(d.getUTCMonth() + 1) + "-" + d.getUTCFullYear();
  }

  function number(value, percent) {
    if (value === null || value === undefined || value === "" || (typeof value === "number" && isNaN(value))) return "–";
    if (typeof value !== "number") return plain(value);
    return percent ? NL_PCT.format(value * 100) + "%" : NL.format(value);
  }

  function axisIsPercent(layout, axisRef) {
    var name = (axisRef || "x").replace(/^([xy])(\d*)$/, "$1axis$2");
    var axis = layout[name] || {};
    return /%/.test(axis.tickformat || "");
  }

  function titleOf(gd) {
    var t = gd.layout && gd.layout.title;
    return plain(t && typeof t === "object" ? t.text : t) || "Grafiek";
  }

  function axisTitle(layout, axisRef, fallback) {
    var name = (axisRef || "x").replace(/^([xy])(\d*)$/, "$1axis$2");
    var t = (layout[name] || {}).title;
    return plain(t && typeof t === "object" ? t.text : t) || fallback;
  }

  function arr(a) { return a ? Array.prototype.slice.call(a) : []; }

  function cartesianTable(gd, traces) {
    var layout = gd._fullLayout || {};
    var rows = [], index = {}, columns = [];
    traces.forEach(function (tr) {
      var horizontal = tr.orientation === "h";
      var cats = arr(horizontal ? tr.y : tr.x), vals = arr(horizontal ? tr.x : tr.y);
      var valueAxis = horizontal ? tr.xaxis : tr.yaxis;
      var percent = axisIsPercent(layout, valueAxis);
      var base = tr.base !== undefined && tr.base !== null ? (Array.isArray(tr.base) || ArrayBuffer.isView(tr.base) ? arr(tr.base) : null) : null;
      var col = {name: plain(tr.name) || "Waarde", cells: {}};
      columns.push(col);
      cats.forEach(function (c, i) {
        var key = plain(c);
        if (!(key in index)) { index[key] = rows.length; rows.push(key); }
        var text;
        if (base && base[i] !== undefined) {
          var start = new Date(base[i]).getTime();
          text = isoDate(start) + " – " + isoDate(start + Number(vals[i]));
        } else {
          text = number(vals[i], percent);
        }
        col.cells[key] = col.cells[key] ? col.cells[key] + "; " + text : text;
      });
      if (traces.length === 1) col.name = plain(tr.name) && tr.name !== "trace 0" ? plain(tr.name) : axisTitle(layout, valueAxis, "Waarde");
    });
    var first = traces[0], horizontal = first.orientation === "h";
    var head = axisTitle(layout, horizontal ? first.yaxis : first.xaxis, "Categorie");
    return {head: [head].concat(columns.map(function (c) { return c.name; })),
            rows: rows.map(function (r) { return [r].concat(columns.map(function (c) { return c.cells[r] || "–"; })); })};
  }

  function heatmapTable(gd, tr) {
    var xs = arr(tr.x), ys = arr(tr.y), z = arr(tr.z).map(arr);
    var percent = tr.colorbar && /%/.test(tr.colorbar.tickformat || "");
    return {head: [axisTitle(gd._fullLayout || {}, tr.yaxis, "")].concat(xs.map(plain)),
            rows: ys.map(function (y, i) {
              return [plain(y)].concat(xs.map(function (_x, j) { return number((z[i] || [])[j], percent); }));
            })};
  }

  function areaTable(tr) {
    var names = arr(tr.text && tr.text.length ? tr.text : tr.locations), z = arr(tr.z);
    var percent = tr.colorbar && /%/.test(tr.colorbar.tickformat || "");
    return {head: ["Gebied", plain(tr.name) || "Waarde"],
            rows: names.map(function (n, i) { return [plain(n), number(z[i], percent)]; })};
  }

  function pointTable(traces) {
    var rows = [];
    traces.forEach(function (tr) {
      var names = arr(tr.text && tr.text.length ? tr.text : tr.hovertext);
      names.forEach(function (n) { rows.push([plain(n), plain(tr.name)]); });
    });
    return {head: ["Naam", "Reeks"], rows: rows};
  }

  function pieTable(tr) {
    var labels = arr(tr.labels), values = arr(tr.values);
    return {head: ["Categorie", "Waarde"], rows: labels.map(function (l, i) { return [plain(l), number(values[i])]; })};
  }

  function indicatorTable(tr) {
    return {head: ["Grootheid", "Waarde"], rows: [[plain(tr.title && tr.title.text) || "Waarde",
      tr.mode && tr.mode.indexOf("number") >= 0 ? number(tr.value) + (tr.number && tr.number.suffix || "") : "–"]]};
  }

  function tablesOf(gd) {
    var data = (gd._fullData || []).filter(function (tr) { return tr.visible !== false; });
    var out = [], cartesian = [], points = [];
    data.forEach(function (tr) {
      if (tr.type === "bar" || tr.type === "scatter" || tr.type === "scattergl") cartesian.push(tr);
      else if (tr.type === "heatmap") out.push(heatmapTable(gd, tr));
      else if (tr.type === "choroplethmap" || tr.type === "choroplethmapbox" || tr.type === "choropleth") out.push(areaTable(tr));
      else if (tr.type === "scattermap" || tr.type === "scattermapbox" || tr.type === "scattergeo") points.push(tr);
      else if (tr.type === "pie") out.push(pieTable(tr));
      else if (tr.type === "indicator") out.push(indicatorTable(tr));
    });
    if (cartesian.length) out.unshift(cartesianTable(gd, cartesian));
    if (points.length) out.push(pointTable(points));
    return out;
  }

  function render(region, gd) {
    var caption = titleOf(gd);
    var tables = tablesOf(gd);
    region.textContent = "";
    if (!tables.length || tables.every(function (t) { return !t.rows.length; })) {
      var p = document.createElement("p");
      p.className = "small text-body-secondary";
      p.textContent = caption + ": geen gegevens.";
      region.appendChild(p);
      return;
    }
    tables.forEach(function (t, n) {
      var table = document.createElement("table");
      table.className = "table table-sm table-striped small mb-2";
      var cap = table.createCaption();
      cap.textContent = caption + (tables.length > 1 ? " (" + (n + 1) + " van " + tables.length + ")" : "");
      var head = table.createTHead().insertRow();
      t.head.forEach(function (h) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = h;
        head.appendChild(th);
      });
      var body = table.createTBody();
      t.rows.forEach(function (r) {
        var tr = body.insertRow();
        r.forEach(function (cell, i) {
          var c = document.createElement(i === 0 ? "th" : "td");
          if (i === 0) c.scope = "row";
          c.textContent = cell;
          tr.appendChild(c);
        });
      });
      region.appendChild(table);
    });
  }

  function hook(region) {
    var outer = document.getElementById(region.getAttribute("data-graph"));
    var gd = outer && (outer.classList.contains("js-plotly-plot") ? outer : outer.querySelector(".js-plotly-plot"));
    if (!gd || !gd.on) return;
    if (gd.__viosTable !== region) {
      gd.__viosTable = region;
      gd.on("plotly_afterplot", function () { render(region, gd); });
    }
    if (gd._fullData && region.__viosData !== gd._fullData) {
      region.__viosData = gd._fullData;
      render(region, gd);
    }
  }

  function hookAll() { document.querySelectorAll(".vios-chart-table[data-graph]").forEach(hook); }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".vios-chart-table-toggle");
    if (!button) return;
    var region = document.getElementById(button.getAttribute("aria-controls"));
    if (!region) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    region.hidden = !open;
    if (open) hook(region);
  });

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; hookAll(); });
  }

  function start() {
    hookAll();
    new MutationObserver(schedule).observe(document.body, {subtree: true, childList: true});
  }

  window.viosChartTables = tablesOf;  // for the tests: the tables a figure gives
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
