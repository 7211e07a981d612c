// Autosave of a self-assessment: each item's form posts itself when an answer changes
// (typing waits for a pause), and says whether it was saved. Without script, each item's
// 保存 button does the same with a page load. Two tabs: the later save wins and is told
// what it replaced.
(function () {
  "use strict";
  var scorecard = document.getElementById("scorecard");
  var conflict = scorecard && scorecard.querySelector("[data-conflict]");

  function show(card) {
    scorecard.querySelector("[data-answered]").textContent = card.answered;
    scorecard.querySelector("[data-progress-bar]").value = card.progress;
    scorecard.querySelector("[data-progress]").textContent = card.progress + "%";
    scorecard.querySelector("[data-score]").textContent = card.score === null ? "—" : card.score;
    scorecard.querySelector("[data-grade]").textContent = card.grade || "—";
    // The scorecard lives on the assessment row: its version moved, and the step buttons must say so.
    document.querySelectorAll("[data-testid=actions] input[name=lock_version]").forEach(function (input) {
      input.value = card.version;
    });
  }

  function save(form) {
    var state = form.closest(".item").querySelector("[data-save-state]");
    var error = form.querySelector("[data-save-error]");
    if (!form.querySelector("input[name=result]:checked")) { return; }
    state.textContent = "正在保存…";
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"X-Requested-With": "fetch"}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (reply) {
        if (!reply.ok) {
          state.textContent = "未保存";
          error.textContent = reply.body.error || "保存失败，请重试。";
          return;
        }
        error.textContent = "";
        form.querySelector("input[name=revision]").value = reply.body.revision;
        state.textContent = "已保存 " + new Date().toLocaleTimeString("zh-CN", {hour12: false});
        show(reply.body);
        if (reply.body.replaced) {
          var r = reply.body.replaced;
          conflict.hidden = false;
          conflict.textContent = "注意：该项在另一窗口已于 " + r.at + " 由" + (r.by || "他人") + "保存为“" + r.result +
            "”，已以您刚才的填写为准。如需恢复，请重新选择。";
        }
        var item = form.closest(".item");
        if (reply.body.gap && !reply.body.replaced && !item.querySelector("[data-testid=plan]")) {
          // A new gap needs its plan (五到位): the page draws that form, so open it there.
          window.location.hash = item.id;
          window.location.reload();
        }
      })
      .catch(function () { state.textContent = "未保存（网络中断），请稍后重试"; });
  }

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var timer = null;
    form.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { save(form); });
    });
    form.querySelectorAll("textarea, input[type=text], input:not([type])").forEach(function (field) {
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { save(form); }, 800);
      });
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); save(form); });
  });
})();
