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

// A form is sent once: its submit buttons are disabled while the page is leaving.
// (A page restored from the back/forward cache gets them back.)
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post" || form.hasAttribute("data-progress")) {
      return;
    }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-busy", "true");
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button[aria-busy]").forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); });
    });
  });
})();

// Long uploads (<form data-progress>) show how far the upload is, then that the server is
// checking it. The answer replaces the page's <main>; a redirect is followed as a navigation.
(function () {
  "use strict";
  // A refused upload's answer replaces <main>, form included: the new form is wired again.
  function wire(form) {
    var box = document.querySelector(form.getAttribute("data-progress"));
    var bar = box && box.querySelector(".progress-bar");
    var label = box && box.querySelector("[data-progress-label]");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !box) { return; }
      event.preventDefault();
      var buttons = form.querySelectorAll("button[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      box.classList.remove("d-none");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round(100 * e.loaded / e.total);
        bar.style.width = percent + "%";
        bar.setAttribute("aria-valuenow", String(percent));
        label.textContent = "正在上传：" + percent + "%";
      });
      xhr.upload.addEventListener("load", function () {
        bar.classList.add("progress-bar-striped", "progress-bar-animated");
        label.textContent = "上传完成，正在逐行校验，请稍候…";
      });
      xhr.addEventListener("load", function () {
        var next = xhr.getResponseHeader("X-Location");
        if (next) { window.location.assign(next); return; }
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.querySelector("main");
        if (main) {
          document.querySelector("main").replaceWith(main);
          main.querySelectorAll("form[data-progress]").forEach(wire);
          document.title = doc.title;
          window.scrollTo(0, 0);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.addEventListener("error", function () {
        label.textContent = "网络错误，上传未完成，请重试。";
        buttons.forEach(function (b) { b.disabled = false; });
      });
      xhr.send(new FormData(form));
    });
  }
  document.querySelectorAll("form[data-progress]").forEach(wire);
})();

// A type-ahead picker: <div data-typeahead data-source="…json?q="> with an input, a hidden
// value and a menu. Up to 20 matches from the server, chosen by click or arrow keys + Enter.
(function () {
  "use strict";
  document.querySelectorAll("[data-typeahead]").forEach(function (root) {
    var input = root.querySelector("[data-typeahead-input]");
    var value = root.querySelector("[data-typeahead-value]");
    var menu = root.querySelector("[data-typeahead-menu]");
    var chosen = root.querySelector("[data-typeahead-chosen]");
    var timer = null, active = -1, items = [];

    function close() { menu.classList.add("d-none"); input.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(item) {
      value.value = item.id;
      input.value = item.name;
      chosen.textContent = "已选：" + item.name + "（" + item.region + " · " + item.industry + "）";
      close();
    }
    function highlight(index) {
      var options = menu.querySelectorAll("[role=option]");
      options.forEach(function (o, i) { o.classList.toggle("active", i === index); o.setAttribute("aria-selected", String(i === index)); });
      active = index;
    }
    function show(found) {
      items = found;
      menu.innerHTML = "";
      if (!found.length) {
        var none = document.createElement("div");
        none.className = "list-group-item text-body-secondary small";
        none.textContent = "没有符合条件的企业";
        menu.appendChild(none);
      }
      found.forEach(function (item, index) {
        var option = document.createElement("button");
        option.type = "button";
        option.className = "list-group-item list-group-item-action";
        option.setAttribute("role", "option");
        option.dataset.index = String(index);
        var name = document.createElement("div");
        name.textContent = item.name;
        var meta = document.createElement("small");
        meta.className = "text-body-secondary";
        meta.textContent = item.credit_code + " · " + item.region + " · " + item.industry;
        option.appendChild(name);
        option.appendChild(meta);
        option.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        menu.appendChild(option);
      });
      menu.classList.remove("d-none");
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    var asked = 0;  // answers can arrive out of order: only the newest question's answer is shown
    function search() {
      var q = input.value.trim();
      var ticket = ++asked;
      fetch(root.getAttribute("data-source") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { if (ticket === asked) { show(found); } })
        .catch(function () { if (ticket === asked) { close(); } });
    }
    input.addEventListener("input", function () {
      value.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () { if (!value.value) { search(); } });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (e) {
      if (menu.classList.contains("d-none")) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
  });
})();
