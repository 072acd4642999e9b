// Progressive enhancement only: every form works without JavaScript.
// Moves focus to the first error message so screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var err = document.querySelector("[role=alert]");
  if (err) { err.setAttribute("tabindex", "-1"); err.focus(); }
});
// The action list's "select all" link reloads the page with every row
// ticked; with JavaScript it ticks them in place, keeping what was typed.
document.addEventListener("click", function (e) {
  var link = e.target.closest && e.target.closest("#select-all");
  if (!link) { return; }
  var boxes = document.querySelectorAll("#actions input[type=checkbox][name=sel]");
  if (!boxes.length) { return; }
  e.preventDefault();
  boxes.forEach(function (b) { b.checked = true; });
});
