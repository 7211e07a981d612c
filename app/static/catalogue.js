// A publication's PDF is made in the background: poll until it is ready, then offer the link.
(function () {
  "use strict";
  const state = document.querySelector("[data-poll]");
  if (!state || !state.dataset.poll) return;
  let delay = 2000;
  async function poll() {
    try {
      const response = await fetch(state.dataset.poll, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const answer = await response.json();
        if (answer.ready) {
          const link = document.createElement("a");
          link.className = "btn btn-outline-primary btn-sm";
          link.href = state.dataset.pdfHref;
          link.dataset.testid = "download-pdf";
          link.textContent = "下载 PDF";
          state.replaceWith(link);
          return;
        }
        state.textContent = "PDF：" + answer.label + (answer.state === "queued" || answer.state === "running" ? "…" : "");
        if (answer.state !== "queued" && answer.state !== "running") return;
      }
    } catch (err) {
      // a network hiccup: try again a little later
    }
    delay = Math.min(delay * 1.5, 15000);
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
