// The intake page: show conditional questions, and save the page quietly as it is filled in,
// so a closed tab or a flat battery loses nothing. The server checks everything again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave], form[data-conditional]");
  if (!form) { return; }

  function valuesOf(name) {
    var found = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      found.push(input.value);
    });
    return found;
  }

  function refresh() {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      var rule = box.getAttribute("data-show-if");
      var shown;
      if (rule.indexOf("~") > 0) {
        var parts = rule.split("~");
        shown = valuesOf(parts[0]).indexOf(parts[1]) >= 0;
      } else {
        var eq = rule.split("=");
        shown = valuesOf(eq[0]).indexOf(eq[1]) >= 0;
      }
      // A question whose controlling question is on another page stays visible.
      if (!form.querySelector('[name="' + rule.split(/[=~]/)[0] + '"]')) { shown = true; }
      box.hidden = !shown;
    });
  }

  var timer = null;
  var pending = false;
  function save(leaving) {
    clearTimeout(timer);
    pending = false;
    var data = new FormData(form);
    data.set("action", "autosave");
    // keepalive lets the request finish after the tab is closed or the phone locks.
    fetch(window.location.pathname, {
      method: "POST", body: data, credentials: "same-origin", keepalive: !!leaving
    }).catch(function () { /* offline: the page change will save it */ });
  }
  function autosave() {
    if (!form.hasAttribute("data-autosave")) { return; }
    pending = true;
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }
  // An answer given just before the page is closed or hidden is sent at once, not lost.
  function flush() { if (pending) { save(true); } }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });
  form.addEventListener("submit", function () { pending = false; clearTimeout(timer); });

  form.addEventListener("change", function () { refresh(); autosave(); });
  form.addEventListener("input", autosave);
  refresh();
})();
