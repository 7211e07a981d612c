// Biaogan's small behaviours. No inline script: the CSP allows only files from this site.
(function () {
  "use strict";

  // Buttons that ask before acting: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // A township list that follows the chosen county:
  // <select data-parent="#county_code" data-children-url="…">. The server renders the
  // first list, so the form works without script; this only refreshes it on change.
  document.querySelectorAll("select[data-children-url]").forEach(function (child) {
    var parent = document.querySelector(child.getAttribute("data-parent"));
    if (!parent) { return; }
    function load() {
      var code = parent.value;
      child.innerHTML = "";
      var blank = document.createElement("option");
      blank.value = "";
      blank.textContent = "（不选，登记到区县）";
      child.appendChild(blank);
      if (!code) { return; }
      fetch(child.getAttribute("data-children-url") + "?code=" + encodeURIComponent(code),
            { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          items.forEach(function (item) {
            var opt = document.createElement("option");
            opt.value = item.code;
            opt.textContent = item.name;
            child.appendChild(opt);
          });
        });
    }
    parent.addEventListener("change", load);
  });
})();
