// Drag-to-correct on the photo overlay (templates/photos/overlay.html).
// The SVG is in face-chart units; data-matrix maps photo pixels -> chart units (2 x 3, row-major).
// A dropped point is sent in photo pixels; the server validates, stores and audits it.
(() => {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function chartToPhoto(m, cx, cy) {
    // Inverse of [[a b c] [d e f]]: solve the 2 x 2 part, then remove the translation.
    const [a, b, c, d, e, f] = m;
    const det = a * e - b * d;
    const x = cx - c, y = cy - f;
    return [(e * x - b * y) / det, (-d * x + a * y) / det];
  }

  function setUp(figure) {
    if (figure.dataset.ready) return;
    figure.dataset.ready = "1";
    if (figure.dataset.editable !== "1") return;
    const svg = figure.querySelector("svg");
    const message = figure.querySelector(".overlay-message");
    const matrix = figure.dataset.matrix.split(",").map(Number);
    const width = Number(figure.dataset.width), height = Number(figure.dataset.height);
    let drag = null;

    function toChart(event) {
      const point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(svg.getScreenCTM().inverse());
    }

    function place(group, cx, cy) {
      group.setAttribute("transform", `translate(${cx.toFixed(2)} ${cy.toFixed(2)})`);
    }

    function say(text, isError) {
      message.textContent = text;
      message.classList.toggle("error", Boolean(isError));
    }

    svg.addEventListener("pointerdown", (event) => {
      const group = event.target.closest(".pt");
      if (!group) return;
      event.preventDefault();
      const start = group.transform.baseVal.consolidate().matrix;
      drag = { group, pointerId: event.pointerId, startX: start.e, startY: start.f, moved: false };
      group.classList.add("dragging");
      svg.setPointerCapture(event.pointerId);
    });

    svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.pointerId) return;
      const at = toChart(event);
      drag.moved = true;
      place(drag.group, at.x, at.y);
    });

    async function save(group, startX, startY, at) {
      const [x, y] = chartToPhoto(matrix, at.x, at.y);
      const label = `${group.dataset.code} (${group.dataset.side})`;
      if (!(x >= 0 && y >= 0 && x <= width && y <= height)) {
        place(group, startX, startY);
        say(`${label}: a point must stay inside the photo.`, true);
        return;
      }
      group.classList.add("saving");
      say(`Saving ${label}…`);
      const body = new URLSearchParams({
        code: group.dataset.code, side: group.dataset.side, x: x.toFixed(2), y: y.toFixed(2),
      });
      try {
        const response = await fetch(figure.dataset.moveUrl, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
          body,
          credentials: "same-origin",
        });
        const answer = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(answer.error || `The server answered ${response.status}.`);
        group.classList.remove("saving", "suggested", "carried", "confirmed");
        group.classList.add("moved");
        group.dataset.x = answer.x;
        group.dataset.y = answer.y;
        say(`${label} saved.`);
      } catch (error) {
        group.classList.remove("saving");
        place(group, startX, startY);
        say(`${label} was not saved: ${error.message}`, true);
      }
    }

    function finish(event, cancelled) {
      if (!drag || event.pointerId !== drag.pointerId) return;
      const { group, startX, startY, moved } = drag;
      drag = null;
      group.classList.remove("dragging");
      if (cancelled || !moved) {
        place(group, startX, startY);
        return;
      }
      save(group, startX, startY, toChart(event));
    }

    // Keyboard: a focused point moves with the arrow keys (Shift: further) and is saved
    // when the keys rest for a moment.
    const STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    let nudge = null;
    svg.addEventListener("keydown", (event) => {
      const group = event.target.closest && event.target.closest(".pt");
      const step = STEPS[event.key];
      if (!group || !step) return;
      event.preventDefault();
      const now = group.transform.baseVal.consolidate().matrix;
      if (!nudge || nudge.group !== group) {
        if (nudge) clearTimeout(nudge.timer);
        nudge = { group, startX: now.e, startY: now.f, timer: null };
      }
      const size = event.shiftKey ? 10 : 2;
      const at = { x: now.e + step[0] * size, y: now.f + step[1] * size };
      place(group, at.x, at.y);
      clearTimeout(nudge.timer);
      const pending = nudge;
      nudge.timer = setTimeout(() => {
        nudge = null;
        save(pending.group, pending.startX, pending.startY, at);
      }, 700);
    });

    svg.addEventListener("pointerup", (event) => finish(event, false));
    svg.addEventListener("pointercancel", (event) => finish(event, true));
  }

  function setUpAll(root) {
    root.querySelectorAll(".photo-overlay").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", () => setUpAll(document));
  document.addEventListener("htmx:afterSettle", (event) => setUpAll(event.target));
})();
