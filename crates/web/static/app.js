// Progressive enhancement only: every form works without JavaScript.
// Moves focus to the first error message so screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var err = document.querySelector("[role=alert]");
  if (err) { err.setAttribute("tabindex", "-1"); err.focus(); }
});
