/* The "Select all" box of django-import-export's export page (templates/admin/import_export/
 * export.html): the package wires it with an inline change handler, which the
 * Content-Security-Policy refuses, so it is wired here to the package's own function. */
document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
  "use strict";
  toggle.addEventListener("change", window.onSelectToggleChange);
});
