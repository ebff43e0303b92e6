/* The copy buttons of public pages: a button with data-copy-target copies the value of that
 * input or textarea (a post's link, a WhatsApp message) and then says so. Hidden where the
 * browser has no clipboard API (the link stays selectable in its input, the message is on the
 * page its "Show the WhatsApp text" link opens). When the browser refuses to copy, a button
 * with data-fallback opens that page instead. */
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  "use strict";
  button.hidden = !navigator.clipboard;
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copyTarget);
    navigator.clipboard.writeText(input.value).then(
      function () {
        button.textContent = button.dataset.copiedLabel;
      },
      function () {
        if (button.dataset.fallback) {
          window.location.href = button.dataset.fallback;
        }
      }
    );
  });
});
