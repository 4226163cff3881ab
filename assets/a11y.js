/* Accessibility fixes for Dash 4's core components, applied to the DOM they render (WCAG 2.1 AA):
 *
 * - Dropdown: the keyboard's tab stop is a hidden read-only <input aria-hidden="true"> that forwards
 *   focus to the real button (tabindex -1). A focusable element inside aria-hidden is announced as
 *   nothing. The button itself becomes the tab stop; the proxy leaves the tab order.
 * - Date picker: aria-expanded/aria-haspopup sit on a <div> without a role, where they are not
 *   allowed. They move to the text input, which becomes the combobox that opens the calendar dialog.
 * - Upload: the hidden file input has no label; it gets the text of its drop zone as its name.
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

  function fixAll(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll('input[type="file"]').forEach(fixUpload);
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(fixDropdown);
    root.querySelectorAll(".dash-datepicker-input-wrapper").forEach(fixDatePicker);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fixAll(document); });
  }

  function start() {
    fixAll(document);
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["tabindex", "aria-expanded", "aria-haspopup"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
