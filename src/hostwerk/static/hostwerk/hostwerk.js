// Hostwerk: small behaviour without a build step.
// Elements with data-show-when="field=value1,value2" are shown only while the named radio or
// select in the same form has one of those values.
(function () {
  function refresh(root) {
    root.querySelectorAll("[data-show-when]").forEach(function (element) {
      var form = element.closest("form, .order-row") || document;
      var rule = element.getAttribute("data-show-when").split("=");
      var values = rule[1].split(",");
      var checked = form.querySelector('[name$="' + rule[0] + '"]:checked') ||
        form.querySelector('select[name$="' + rule[0] + '"]');
      var current = checked ? checked.value : "";
      element.hidden = values.indexOf(current) === -1;
    });
  }
  document.addEventListener("change", function () { refresh(document); });
  document.addEventListener("DOMContentLoaded", function () { refresh(document); });
  document.addEventListener("htmx:afterSettle", function () { refresh(document); });
})();

// A years select with data-periods='{"nl": [[1, "1 year"]], "": [...]}' offers the periods of the
// TLD typed in the field named by data-domain-input (same form or order row), its first one
// chosen unless the chosen one is offered too; "" holds every period, for a TLD not (yet) typed.
(function () {
  function sync(select) {
    var scope = select.closest("form, .order-row") || document;
    var input = scope.querySelector('[name="' + select.getAttribute("data-domain-input") + '"]');
    if (!input) { return; }
    var periods = JSON.parse(select.getAttribute("data-periods"));
    var name = input.value.trim().toLowerCase().replace(/\.$/, "");
    var tld = name.indexOf(".") === -1 ? "" : name.split(".").pop();
    var offered = periods[tld] || periods[""];
    var key = offered.map(function (period) { return period[0]; }).join(",");
    if (select.getAttribute("data-offered") === key) { return; }
    var current = select.value;
    select.innerHTML = "";
    offered.forEach(function (period) { select.add(new Option(period[1], period[0])); });
    var keep = offered.some(function (period) { return String(period[0]) === current; });
    select.value = keep ? current : String(offered[0][0]);
    select.setAttribute("data-offered", key);
  }
  function syncAll() { document.querySelectorAll("select[data-periods]").forEach(sync); }
  document.addEventListener("input", function (event) {
    if (!event.target.name) { return; }
    document.querySelectorAll('select[data-domain-input="' + event.target.name + '"]').forEach(sync);
  });
  document.addEventListener("DOMContentLoaded", syncAll);
  document.addEventListener("htmx:afterSettle", syncAll);
})();

// Staff global search: "/" focuses the top bar's search field (not while typing elsewhere);
// the results dropdown opens when results arrive, closes on Escape or a click elsewhere, and
// the arrow keys walk through its links.
(function () {
  function input() { return document.getElementById("hw-search-input"); }
  function results() { return document.getElementById("hw-search-results"); }
  function close() { var box = results(); if (box) { box.classList.remove("show"); } }
  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }
  document.addEventListener("keydown", function (event) {
    var field = input();
    if (!field) { return; }
    if (event.key === "/" && !typing(event.target) && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      field.focus();
      field.select();
      return;
    }
    var box = results();
    if (!box || !box.classList.contains("show")) { return; }
    if (event.key === "Escape") { close(); field.blur(); return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var hits = Array.prototype.slice.call(box.querySelectorAll(".hw-search-hit"));
      if (!hits.length) { return; }
      var index = hits.indexOf(document.activeElement);
      index = event.key === "ArrowDown" ? index + 1 : (index <= 0 ? hits.length : index) - 1;
      hits[Math.min(index, hits.length - 1)].focus();
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = results();
    if (box && event.target === box) { box.classList.toggle("show", box.innerHTML.trim() !== ""); }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".hw-search")) { close(); }
  });
})();

// Bulk action bars: row checkboxes belong to the bar's form through their form attribute; the
// bar counts them and enables its buttons; a header checkbox selects every row of the table.
(function () {
  function boxes(formId) {
    return document.querySelectorAll('input[name="selected"][form="' + formId + '"]');
  }
  function refresh() {
    document.querySelectorAll("[data-bulk-form]").forEach(function (form) {
      var count = Array.prototype.filter.call(boxes(form.id), function (box) { return box.checked; }).length;
      form.querySelector("[data-bulk-count]").textContent = count;
      form.querySelectorAll("[data-bulk-button]").forEach(function (button) { button.disabled = count === 0; });
    });
  }
  document.addEventListener("change", function (event) {
    var formId = event.target.getAttribute && event.target.getAttribute("data-bulk-all");
    if (formId) {
      boxes(formId).forEach(function (box) { box.checked = event.target.checked; });
    }
    refresh();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-bulk-confirm]");
    if (button && !window.confirm(button.getAttribute("data-bulk-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
})();
