/* Face chart taps: a click, Enter or Space on a point ([data-code][data-side] inside an element
 * with data-face-chart) fires a cancelable "facechart:tap" event (detail: code, side, state).
 * When nobody cancels it and the chart has data-tap-url, the point is POSTed with HTMX
 * (code, side, version) and the response replaces data-tap-target (outerHTML).
 * Pages that want something else listen for "facechart:tap" and call preventDefault(). */
(function () {
  "use strict";

  var lastTapped = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function activate(point) {
    var chart = point.closest("[data-face-chart]");
    if (!chart || chart.getAttribute("data-interactive") !== "true") return;
    var detail = {
      code: point.getAttribute("data-code"),
      side: point.getAttribute("data-side"),
      state: point.getAttribute("data-state")
    };
    var event = new CustomEvent("facechart:tap", { bubbles: true, cancelable: true, detail: detail });
    if (!point.dispatchEvent(event)) return;
    var url = chart.getAttribute("data-tap-url");
    if (!url || !window.htmx) return;
    lastTapped = detail;
    var values = { code: detail.code, side: detail.side };
    var version = chart.getAttribute("data-version");
    if (version) values.version = version;
    point.classList.add("pt--busy");
    window.htmx.ajax("POST", url, {
      target: chart.getAttribute("data-tap-target") || chart,
      swap: "outerHTML",
      values: values,
      headers: { "X-CSRFToken": csrfToken() }
    });
  }

  function pointFrom(target) {
    return target && target.closest ? target.closest("[data-face-chart] [data-code][data-side]") : null;
  }

  document.addEventListener("click", function (event) {
    var point = pointFrom(event.target);
    if (!point) return;
    event.preventDefault();
    activate(point);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var point = pointFrom(event.target);
    if (!point || point.tagName === "BUTTON") return; // buttons already turn keys into clicks
    event.preventDefault();
    activate(point);
  });

  // A failed request (logged out, server error): say so instead of leaving the point greyed.
  document.addEventListener("htmx:responseError", function () {
    document.querySelectorAll(".pt--busy").forEach(function (point) {
      point.classList.remove("pt--busy");
      var chart = point.closest("[data-face-chart]");
      var box = chart && document.querySelector(chart.getAttribute("data-tap-target") || "body");
      if (box && !box.querySelector(".face-chart-error")) {
        var note = document.createElement("div");
        note.className = "form-errors face-chart-error";
        note.setAttribute("role", "alert");
        note.textContent = "The change was not saved. Reload the page and try again.";
        box.insertBefore(note, box.firstChild);
      }
    });
    lastTapped = null;
  });

  // After a swap: keep the version of other forms in step, and focus the point tapped.
  document.addEventListener("htmx:afterSettle", function () {
    var chart = document.querySelector("[data-face-chart][data-version]");
    if (chart) {
      var version = chart.getAttribute("data-version");
      document.querySelectorAll("input.plan-version").forEach(function (input) { input.value = version; });
    }
    if (lastTapped) {
      var selector = '[data-face-chart] [data-code="' + CSS.escape(lastTapped.code) + '"][data-side="' +
        CSS.escape(lastTapped.side) + '"]';
      var again = document.querySelector(selector);
      if (again && again.focus) again.focus({ preventScroll: true });
      lastTapped = null;
    }
  });
})();
