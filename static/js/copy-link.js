/* The "copy link" buttons of a published post (templates/news/post_detail.html): a button with
 * data-copy-target copies the value of that input and then says so. Hidden where the browser
 * has no clipboard API (the address stays selectable in its input). */
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  "use strict";
  button.hidden = !navigator.clipboard;
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copyTarget);
    navigator.clipboard.writeText(input.value).then(function () {
      button.textContent = button.dataset.copiedLabel;
    });
  });
});
