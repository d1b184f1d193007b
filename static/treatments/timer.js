/* Retention timer display. The end time and the server's "now" come from the page
 * (data-ends-at, data-now, both ISO with offset); the tablet's own clock is used only to measure
 * how much time passed since the page was rendered, so a wrong tablet clock changes nothing.
 * Ticks every second; at zero it beeps (WebAudio, no file) and the panel flashes. */
(function () {
  "use strict";

  var beeped = {}; // ends-at values already announced on this page

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx();
      [0, 0.45, 0.9].forEach(function (start) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
        gain.gain.exponentialRampToValueAtTime(0.4, ctx.currentTime + start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + 0.35);
        osc.connect(gain).connect(ctx.destination);
        osc.start(ctx.currentTime + start);
        osc.stop(ctx.currentTime + start + 0.4);
      });
    } catch (e) { /* no sound available: the visual cue still shows */ }
  }

  function label(secondsLeft) {
    if (secondsLeft > 0) {
      var m = Math.floor(secondsLeft / 60), s = secondsLeft % 60;
      return m + ":" + (s < 10 ? "0" : "") + s + " left";
    }
    return "overdue by " + Math.floor(-secondsLeft / 60) + " min";
  }

  function setUp(timer) {
    if (timer._acufaceTimer) return;
    var endsAt = Date.parse(timer.getAttribute("data-ends-at"));
    var serverNow = Date.parse(timer.getAttribute("data-now"));
    if (isNaN(endsAt) || isNaN(serverNow)) return;
    var renderedAt = Date.now();
    var key = timer.getAttribute("data-ends-at");
    var text = timer.querySelector("[data-timer-text]");
    function tick() {
      if (!document.body.contains(timer)) { clearInterval(timer._acufaceTimer); return; }
      var now = serverNow + (Date.now() - renderedAt);
      var left = Math.ceil((endsAt - now) / 1000);
      if (text) text.textContent = label(left);
      if (left <= 0) {
        timer.classList.add("timer--done");
        if (!beeped[key]) {
          beeped[key] = true;
          document.documentElement.classList.add("retention-ended");
          beep();
          setTimeout(function () { document.documentElement.classList.remove("retention-ended"); }, 6000);
        }
      }
    }
    tick();
    timer._acufaceTimer = setInterval(tick, 1000);
  }

  function setUpAll() { document.querySelectorAll("[data-timer]").forEach(setUp); }
  document.addEventListener("DOMContentLoaded", setUpAll);
  document.addEventListener("htmx:afterSettle", setUpAll);
})();
