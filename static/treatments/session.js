/* The session page: chart taps post the point (and an early-removal reason when one is typed);
 * the 5-second poll pauses while someone is typing in a form, so nothing typed is swapped away.
 * The panel's data-version is the version the page shows: every request from the panel carries
 * it (a stale one is refused by the server), and a tap answered with only the pieces it changed
 * moves it on through the "session-version" event. */
(function () {
  "use strict";

  function panel() {
    return document.getElementById("session-state");
  }

  function inPanel(box, element) {
    return !!element && (element === box || box.contains(element));
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var box = panel();
    if (!box || !(inPanel(box, event.detail.elt) || inPanel(box, event.detail.target))) return;
    event.detail.parameters.version = box.getAttribute("data-version");
  });

  document.addEventListener("session-version", function (event) {
    var box = panel();
    if (!box || !event.detail || !event.detail.version) return;
    var version = String(event.detail.version);
    box.setAttribute("data-version", version);
    box.querySelectorAll("input[name=version]").forEach(function (input) { input.value = version; });
    box.querySelectorAll("[data-face-chart][data-version]").forEach(function (chart) {
      chart.setAttribute("data-version", version);
    });
  });

  var typingUntil = 0;

  window.acufaceSessionIdle = function () {
    var active = document.activeElement;
    var inForm = active && active.closest && active.closest("#session-state form, [data-early-reason]");
    var typing = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT");
    return !(inForm && typing) && Date.now() > typingUntil;
  };

  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("#session-state")) typingUntil = Date.now() + 15000;
  });

  document.addEventListener("facechart:tap", function (event) {
    var chart = event.target.closest("[data-face-chart]");
    var state = document.getElementById("session-state");
    if (!chart || !state || !window.htmx) return;
    event.preventDefault();
    var reasonInput = document.querySelector("[data-early-reason]");
    var point = event.target.closest("[data-code]");
    if (point) point.classList.add("pt--busy");
    window.htmx.ajax("POST", chart.getAttribute("data-tap-url"), {
      target: "#session-state",
      swap: "outerHTML",
      values: {
        code: event.detail.code,
        side: event.detail.side,
        version: state.getAttribute("data-version"),
        reason: reasonInput ? reasonInput.value : ""
      }
    });
  });

  // "Take out" buttons carry the early-removal reason typed above the chart.
  document.addEventListener("submit", function (event) {
    var copy = event.target.querySelector && event.target.querySelector("[data-early-reason-copy]");
    var reasonInput = document.querySelector("[data-early-reason]");
    if (copy && reasonInput) copy.value = reasonInput.value;
  }, true);
})();
