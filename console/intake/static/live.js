// Live updates for the question list, and the copy button of the private link.
// Everything works without this script: the list is a normal page (reload to update) and the
// link is plain selectable text.
(function () {
  "use strict";
  var copy = document.getElementById("copy-link");
  if (copy) {
    var status = document.getElementById("copy-status");
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = copy.getAttribute("data-copy") || "";
      var done = function () { status.textContent = status.getAttribute("data-done"); };
      var failed = function () { status.textContent = status.getAttribute("data-failed"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  }
  var list = document.getElementById("live-list");
  if (!list || !window.fetch) { return; }
  var failures = 0;
  function poll() {
    var version = list.getAttribute("data-version") || "";
    var lang = document.documentElement.getAttribute("lang") || "en";
    var url = "questions.json?v=" + encodeURIComponent(version) + "&lang=" + encodeURIComponent(lang);
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (resp) {
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        return resp.json();
      })
      .then(function (data) {
        failures = 0;
        if (data.version !== version && typeof data.html === "string") {
          var focused = document.activeElement && document.activeElement.id;
          list.innerHTML = data.html;  // rendered and escaped by the server's templates
          list.setAttribute("data-version", data.version);
          if (focused) {
            var again = document.getElementById(focused);
            if (again) { again.focus(); }
          }
        }
        setTimeout(poll, 250);
      })
      .catch(function () {
        failures += 1;
        setTimeout(poll, Math.min(60000, 2000 * failures));
      });
  }
  poll();
})();
