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
