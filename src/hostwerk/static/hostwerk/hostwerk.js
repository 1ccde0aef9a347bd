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
