// Keeps a publication's progress bar, status and log current while it renders (no libraries).
(function () {
  "use strict";
  function poll(panel) {
    var url = panel.getAttribute("data-status-url");
    var bar = panel.querySelector(".pim-progress-bar");
    var status = panel.querySelector(".pim-status");
    var percent = panel.querySelector(".pim-percent");
    var log = panel.querySelector(".pim-log");
    var error = panel.querySelector(".pim-error");
    var download = panel.querySelector(".pim-download");
    function update() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          bar.style.width = data.progress + "%";
          status.textContent = data.status_display;
          percent.textContent = data.progress + "%";
          log.textContent = data.log;
          error.textContent = data.error;
          error.hidden = !data.error;
          download.hidden = data.status !== "done";
          panel.setAttribute("data-status", data.status);
          if (!data.done) { window.setTimeout(update, 1000); }
        })
        .catch(function () { window.setTimeout(update, 5000); });
    }
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".pim-publication[data-status-url]").forEach(poll);
  });
})();
