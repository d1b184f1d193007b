/* Retention timer display and the end-of-retention alarm. The end time and the server's "now"
 * come from the page (data-ends-at, data-now, both ISO with offset); the tablet's own clock is used
 * only to measure how much time passed since the page was rendered, so a wrong tablet clock
 * changes nothing. Ticks every second.
 *
 * At zero: the full-width alarm shows ([data-retention-alarm]), the page turns red, the tablet
 * vibrates where it can and beeps (WebAudio, no file). A browser plays no sound before someone
 * has tapped the page: after a reload, or on a second tablet, the audio context starts
 * "suspended". Then "Tap to turn the alarm sound on" shows ([data-alarm-sound]) until a tap lets
 * the sound through, so nobody relies on a beep that cannot come. */
(function () {
  "use strict";

  var beeped = {}; // ends-at values already announced on this page
  var audio = null; // one audio context for the page; it outlives the panel's swaps
  var owed = false; // the alarm went off while the sound was held back: beep once it is let through

  function audioContext() {
    if (audio) return audio;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    try { audio = new Ctx(); } catch (e) { audio = null; }
    if (audio && audio.addEventListener) audio.addEventListener("statechange", showSoundPrompt);
    return audio;
  }

  // No WebAudio at all: nothing a tap could turn on, so no prompt (the visual alarm still shows).
  function soundBlocked() {
    var ctx = audioContext();
    return !!ctx && ctx.state !== "running";
  }

  function showSoundPrompt() {
    var hasTimer = !!document.querySelector("[data-timer]");
    var blocked = hasTimer && soundBlocked();
    document.querySelectorAll("[data-alarm-sound]").forEach(function (button) {
      button.hidden = !blocked;
    });
  }

  function beep() {
    var ctx = audioContext();
    if (!ctx || ctx.state !== "running") { owed = true; showSoundPrompt(); return; }
    try {
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
    } catch (e) { owed = true; showSoundPrompt(); }
  }

  function vibrate() {
    try { if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]); } catch (e) { /* none */ }
  }

  // Any tap on the page lets the sound through (the prompt is the tap that says so).
  function letSoundThrough() {
    var ctx = audioContext();
    if (!ctx || ctx.state === "running") return;
    var resumed = ctx.resume ? ctx.resume() : null;
    var after = function () {
      showSoundPrompt();
      if (owed && ctx.state === "running") { owed = false; beep(); }
    };
    if (resumed && resumed.then) resumed.then(after, showSoundPrompt); else after();
  }
  document.addEventListener("pointerdown", letSoundThrough, true);
  document.addEventListener("keydown", letSoundThrough, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-alarm-sound]")) letSoundThrough();
  });

  function label(secondsLeft) {
    if (secondsLeft > 0) {
      var m = Math.floor(secondsLeft / 60), s = secondsLeft % 60;
      return m + ":" + (s < 10 ? "0" : "") + s + " left";
    }
    var over = Math.floor(-secondsLeft / 60);
    return over < 1 ? "just ended" : "overdue by " + over + " min";
  }

  function alarm(on) {
    document.documentElement.classList.toggle("retention-over", on);
    document.querySelectorAll("[data-retention-alarm]").forEach(function (box) { box.hidden = !on; });
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
      if (!document.body.contains(timer)) {
        clearInterval(timer._acufaceTimer);
        if (!document.querySelector("[data-timer]")) alarm(false);
        return;
      }
      var now = serverNow + (Date.now() - renderedAt);
      var left = Math.ceil((endsAt - now) / 1000);
      if (text) text.textContent = label(left);
      timer.classList.toggle("timer--done", left <= 0);
      alarm(left <= 0);
      if (left <= 0 && !beeped[key]) {
        beeped[key] = true;
        document.documentElement.classList.add("retention-ended");
        vibrate();
        beep();
        setTimeout(function () { document.documentElement.classList.remove("retention-ended"); }, 6000);
      }
    }
    tick();
    timer._acufaceTimer = setInterval(tick, 1000);
  }

  function setUpAll() {
    document.querySelectorAll("[data-timer]").forEach(setUp);
    if (!document.querySelector("[data-timer]")) alarm(false);
    showSoundPrompt();
  }
  document.addEventListener("DOMContentLoaded", setUpAll);
  document.addEventListener("htmx:afterSettle", setUpAll);
})();
