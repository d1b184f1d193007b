/* A form sent back with errors: bring the first field in error into view and put the cursor in
 * it, so a message at the top never leaves its field unseen at the bottom. Runs when a page loads
 * and after an htmx answer to something sent (a poll's answer never moves the page). */
(function () {
  "use strict";

  var FIELD = ".field.has-error, .form-errors, form p.field-error";

  function firstControl(box) {
    var control = box.querySelector("input:not([type=hidden]), select, textarea");
    return control && control.getClientRects().length ? control : null;
  }

  function showFirstError(root) {
    var found = (root || document).querySelector(FIELD);
    if (!found) return;
    var field = found.closest(".field") || found;
    var control = firstControl(field);
    document.querySelectorAll(".field.has-error").forEach(function (box) {
      var input = firstControl(box);
      if (input) input.setAttribute("aria-invalid", "true");
    });
    field.scrollIntoView({ block: "center" });
    if (control) control.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () { showFirstError(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail && event.detail.requestConfig;
    if (!config || String(config.verb).toLowerCase() === "get") return;
    showFirstError(event.detail.target && event.detail.target.isConnected ? event.detail.target : document);
  });
})();
