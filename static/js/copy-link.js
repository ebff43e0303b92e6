/* The copy buttons of public pages: a button with data-copy-target copies the value of that
 * input or textarea (a post's link, a WhatsApp message), one with data-copy-text that text
 * (the WhatsApp message of a page), and then says so. Hidden where the
 * browser has no clipboard API (the link stays selectable in its input, the message is on the
 * page its "Show the WhatsApp text" link opens). When the browser refuses to copy, a button
 * with data-fallback opens that page instead. */
document.querySelectorAll("[data-copy-target], [data-copy-text]").forEach(function (button) {
  "use strict";
  button.hidden = !navigator.clipboard;
  button.addEventListener("click", function () {
    var text = button.dataset.copyText;
    if (text === undefined) {
      text = document.getElementById(button.dataset.copyTarget).value;
    }
    navigator.clipboard.writeText(text).then(
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
