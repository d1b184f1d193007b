/* The client's check-in form: bruise details only after "yes", "None of these" exclusive of
 * the signs in its list, taps on the face chart marking where the bruise is (kept in a hidden
 * input), and the emergency / see-a-doctor advice shown the moment a sign is ticked. Nothing
 * here answers a question for the client. */
(function () {
  "use strict";
  var form = document.querySelector(".checkin-form");
  if (!form) return;
  var hidden = form.querySelector("input[name=bruise_points]");
  var where = document.getElementById("bruise-where");

  function marked() {
    return (hidden.value || "").split(",").filter(function (p) { return p.trim(); });
  }

  function showMarked(list) {
    where.textContent = list.length ? "Marked: " + list.join(", ") : "Nothing marked yet.";
  }

  document.addEventListener("facechart:tap", function (event) {
    event.preventDefault(); // no HTMX request: the tap only marks the place
    var key = event.detail.code + ":" + event.detail.side;
    var list = marked();
    var at = list.indexOf(key);
    if (at >= 0) list.splice(at, 1); else list.push(key);
    hidden.value = list.join(",");
    var point = event.target.closest("[data-code][data-side]");
    var on = at < 0;
    point.setAttribute("data-state", on ? "planned" : "available");
    point.classList.toggle("pt--planned", on);
    point.classList.toggle("pt--available", !on);
    point.setAttribute("aria-pressed", on ? "true" : "false");
    showMarked(list);
  });

  // "None of these" and a sign cannot both be ticked: the last tap wins (the server checks too).
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches("input[type=checkbox][name$=_signs]") || !box.checked) return;
    form.querySelectorAll("input[name=" + box.name + "]").forEach(function (other) {
      if (other !== box && (box.value === "none" || other.value === "none")) other.checked = false;
    });
  });

  function update() {
    var bruise = form.querySelector("input[name=bruising]:checked");
    var details = form.querySelector(".bruise-details");
    if (details) details.hidden = !(bruise && bruise.value === "yes");
    var allergy = form.querySelectorAll("input[name=allergy_signs]:checked:not([value=none])").length > 0;
    var infection = form.querySelectorAll("input[name=infection_signs]:checked:not([value=none])").length > 0;
    form.querySelector("[data-advice=emergency]").hidden = !allergy;
    form.querySelector("[data-advice=see_doctor]").hidden = !infection;
  }
  form.addEventListener("change", update);
  update();
})();
