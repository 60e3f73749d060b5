// A checkbox with data-check-all="NAME" ticks or clears every checkbox called NAME in
// its form (e.g. "select everyone on this page"). A file, not an inline handler: the
// Content-Security-Policy runs only our own scripts.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[type=checkbox][data-check-all]")) {
      return;
    }
    var scope = box.form || document;
    var name = box.getAttribute("data-check-all");
    scope.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      if (other.name === name) {
        other.checked = box.checked;
      }
    });
  });
})();
