// The risk point form: show only the chosen evaluation method's factors (<select data-method-switch>).
// Without script every method's factors stay visible and the server uses the chosen one's.
(function () {
  "use strict";
  var select = document.querySelector("select[data-method-switch]");
  if (!select) { return; }
  function show() {
    document.querySelectorAll("[data-method]").forEach(function (box) {
      box.hidden = box.getAttribute("data-method") !== select.value;
    });
  }
  select.addEventListener("change", show);
  show();
})();
