/* The progress bar of a spreadsheet import (templates/imports/job_detail.html).
 *
 * Without JavaScript the page refreshes itself every few seconds (a <meta> refresh inside
 * <noscript>) and has a refresh link. With it, the bar and the row count follow the job's
 * status URL (JSON) every second and a half, and the page reloads once the job has finished,
 * to show the preview, the result or the bad rows.
 */
(function () {
  "use strict";

  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var template = box.getAttribute("data-rows-template");
  var phase = box.querySelector("[data-phase]");
  var rows = box.querySelector("[data-rows]");
  var bar = box.querySelector("progress");

  function show(state) {
    phase.textContent = state.phase;
    var note = box.querySelector("[data-queued-note]");
    if (note && state.status !== "queued") {
      note.hidden = true;
    }
    if (state.rows_total > 0) {
      bar.max = state.rows_total;
      bar.value = state.rows_done;
      bar.textContent = state.percent + "%";
      rows.textContent = template
        .replace("%(done)s", state.rows_done)
        .replace("%(total)s", state.rows_total);
    }
  }

  function poll() {
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.active) {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
