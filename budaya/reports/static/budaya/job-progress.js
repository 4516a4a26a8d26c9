// Progressive enhancement of a job's page: while the job runs, poll its JSON progress every
// few seconds and update the bar; reload once it has finished (to show download or retry).
// Without JavaScript the page's "Perbarui" link does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box || box.getAttribute("data-finished") === "true" || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-progress");
  function set(field, text) {
    var node = box.querySelector('[data-field="' + field + '"]');
    if (node) {
      node.textContent = text;
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        var bar = box.querySelector("progress");
        if (bar) {
          bar.value = data.percent;
          bar.textContent = data.percent + " %";
        }
        set("state", data.state_label);
        set("percent", data.percent + " %");
        set("done", data.done);
        set("total", data.total);
        set("message", data.message);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () {
        // Stop polling on an error; the "Perbarui" link still works.
      });
  }
  window.setTimeout(poll, 3000);
})();
