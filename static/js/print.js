/* A button marked data-print prints the page (the attendance sheet). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () {
    window.print();
  });
});
