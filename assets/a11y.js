/* Accessibility fixes for Dash 4's core components, applied to the DOM they render (WCAG 2.1 AA):
 *
 * - Dropdown: the keyboard's tab stop is a hidden read-only <input aria-hidden="true"> that forwards
 *   focus to the real button (tabindex -1). A focusable element inside aria-hidden is announced as
 *   nothing. The button itself becomes the tab stop; the proxy leaves the tab order.
 * - Date picker: aria-expanded/aria-haspopup sit on a <div> without a role, where they are not
 *   allowed. They move to the text input, which becomes the combobox that opens the calendar dialog.
 * - Upload: the hidden file input has no label; it gets the text of its drop zone as its name.
 * - Tabs (dash-bootstrap-components 2): every tab gets the same id "...-tab-null" and aria-controls
 *   pointing to a panel that does not exist, and the active tab is out of the tab order. Each tab gets
 *   its own id, aria-controls to its own panel (which becomes role=tabpanel, labelled by the tab),
 *   aria-selected, and the roving tab stop; arrow keys move between the tabs (ARIA tabs pattern).
 * - dash-ag-grid: with a pinned column outside the column groups, the pinned part of the header has an
 *   empty header-group row (role=row without cells, focusable). It leaves the accessibility tree and
 *   the tab order: it holds nothing.
 *
 * - dash-ag-grid: Tab walks through every cell of the grid (hundreds of stops). The grid becomes one tab
 *   stop, as in the ARIA grid pattern: arrows move inside it, Tab and Shift+Tab leave it.
 *
 * - Dash 4's dropdown menu traps Tab (a Radix focus trap cycles between its search box and options; the
 *   menu can stay open after Enter). Tab and Shift+Tab close the menu and move on from its button, as
 *   with a native <select>; Escape still closes it in place.
 *
 * A MutationObserver keeps this true when React re-renders or its own handlers reset tabindex.
 */
(function () {
  "use strict";

  function fixDropdown(proxy) {
    if (proxy.getAttribute("tabindex") !== "-1") proxy.setAttribute("tabindex", "-1");
    var button = proxy.nextElementSibling;
    if (button && button.tagName === "BUTTON" && !button.disabled && button.getAttribute("tabindex") !== "0") {
      button.setAttribute("tabindex", "0");
    }
  }

  function fixDatePicker(wrapper) {
    var input = wrapper.querySelector("input.dash-datepicker-input");
    if (!input) return;
    ["aria-expanded", "aria-haspopup"].forEach(function (name) {
      if (wrapper.hasAttribute(name)) {
        var value = wrapper.getAttribute(name);
        wrapper.removeAttribute(name);
        if (input.getAttribute(name) !== value) input.setAttribute(name, value);
      }
    });
    if (input.getAttribute("role") !== "combobox") input.setAttribute("role", "combobox");
  }

  function fixUpload(input) {
    if (input.hasAttribute("aria-label")) return;
    var zone = input.parentElement;
    var text = zone ? (zone.textContent || "").trim() : "";
    input.setAttribute("aria-label", text || "Bestand kiezen");
  }

  var tabsSeq = 0;
  function fixTabs(list) {
    if (!list.id) list.id = "vios-tabs-" + (++tabsSeq);
    var content = list.nextElementSibling;
    var panes = content && content.classList.contains("tab-content")
      ? Array.prototype.filter.call(content.children, function (c) { return c.classList.contains("tab-pane"); }) : [];
    var tabs = list.querySelectorAll('[role="tab"]');
    tabs.forEach(function (tab, i) {
      var want = list.id + "-tab-" + i;
      if (tab.id !== want) tab.id = want;
      var pane = panes.length === tabs.length ? panes[i] : null;
      if (pane) {
        var paneId = list.id + "-panel-" + i;
        if (pane.id !== paneId) pane.id = paneId;
        if (pane.getAttribute("role") !== "tabpanel") pane.setAttribute("role", "tabpanel");
        if (pane.getAttribute("aria-labelledby") !== want) pane.setAttribute("aria-labelledby", want);
        if (tab.getAttribute("aria-controls") !== paneId) tab.setAttribute("aria-controls", paneId);
      } else if (tab.hasAttribute("aria-controls")) {
        tab.removeAttribute("aria-controls");
      }
      var active = tab.classList.contains("active");
      if (tab.getAttribute("aria-selected") !== String(active)) tab.setAttribute("aria-selected", String(active));
      var stop = active ? "0" : "-1";
      if (tab.getAttribute("tabindex") !== stop) tab.setAttribute("tabindex", stop);
    });
    if (!list.__viosKeys) {
      list.__viosKeys = true;
      list.addEventListener("keydown", function (event) {
        var keys = {ArrowRight: 1, ArrowLeft: -1, Home: "first", End: "last"};
        if (!(event.key in keys) || !event.target.matches('[role="tab"]')) return;
        var all = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]:not(.disabled)'));
        var at = all.indexOf(event.target), step = keys[event.key];
        var next = step === "first" ? all[0] : step === "last" ? all[all.length - 1]
          : all[(at + step + all.length) % all.length];
        if (next) { event.preventDefault(); next.focus(); next.click(); }
      });
    }
  }

  function fixEmptyHeaderRow(row) {
    if (row.querySelector('[role="columnheader"], [role="gridcell"]')) {
      if (row.getAttribute("role") === "presentation") row.setAttribute("role", "row");
      return;
    }
    if (row.getAttribute("role") !== "presentation") row.setAttribute("role", "presentation");
    if (row.getAttribute("tabindex") !== "-1") row.setAttribute("tabindex", "-1");
    if (row.getAttribute("aria-hidden") !== "true") row.setAttribute("aria-hidden", "true");
  }

  function fixAll(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll('input[type="file"]').forEach(fixUpload);
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(fixDropdown);
    root.querySelectorAll(".dash-datepicker-input-wrapper").forEach(fixDatePicker);
    root.querySelectorAll('[role="tablist"]').forEach(fixTabs);
    root.querySelectorAll(".ag-header-row").forEach(fixEmptyHeaderRow);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fixAll(document); });
  }

  var TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]),' +
    ' textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && !el.closest("[hidden], [aria-hidden='true']");
  }

  function focusBeside(box, backwards) {
    var all = Array.prototype.filter.call(document.querySelectorAll(TABBABLE), function (el) {
      return !box.contains(el) && el.tabIndex >= 0 && visible(el);
    });
    var target = null;
    for (var i = 0; i < all.length; i++) {
      var after = box.compareDocumentPosition(all[i]) & Node.DOCUMENT_POSITION_FOLLOWING;
      if (backwards && !after) target = all[i];
      if (!backwards && after) { target = all[i]; break; }
    }
    if (target) target.focus();
    return !!target;
  }

  function onTab(event) {
    if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey) return;
    var menu = event.target.closest && event.target.closest(".dash-dropdown-content");
    if (menu) {
      var trigger = document.querySelector('[aria-controls="' + menu.id + '"]');
      event.preventDefault();
      event.stopPropagation();
      event.target.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", code: "Escape", bubbles: true}));
      var backwards = event.shiftKey;
      window.setTimeout(function () {
        if (trigger) { trigger.focus(); focusBeside(trigger, backwards); }
      }, 50);  // after Radix has closed the menu (it gives the focus back to the button first)
      return;
    }
    var grid = event.target.closest && event.target.closest(".ag-root-wrapper");
    if (!grid || event.target.closest(".ag-popup, .ag-filter, input, textarea, select")) return;
    event.preventDefault();
    event.stopPropagation();
    focusBeside(grid, event.shiftKey);
  }

  function start() {
    document.addEventListener("keydown", onTab, true);
    fixAll(document);
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["tabindex", "aria-expanded", "aria-haspopup", "aria-controls", "id", "role", "class"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
