// Before/after slider: the range input sets where the aligned "after" photo starts.
document.addEventListener("input", (event) => {
  const range = event.target;
  if (!(range instanceof HTMLInputElement) || !range.closest(".compare-slider")) return;
  range.closest(".compare-slider").style.setProperty("--split", `${range.value}%`);
});
