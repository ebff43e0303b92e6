/* The post form (templates/news/post_form.html) and the aspiration forms, made a little easier
 * with JavaScript.
 *
 * Everything here is optional: without it the body is a plain textarea, the fact-check fields
 * are always shown and the server checks the photo. With it:
 * - a toolbar above the body inserts **bold**, "- " list items (after an empty line, which a
 *   Markdown list needs) and [text](https://...) links;
 * - the fact-check fields are hidden unless the kind "cek_fakta" is chosen;
 * - a photo over the size limit is refused before it is sent over a slow connection;
 * - a second tap on a submit button while the form is being sent does nothing.
 */
(function () {
  "use strict";

  // Replace the text between start and end, keeping the browser's undo history when it can,
  // then select [selectFrom, selectTo) of the inserted text (or put the cursor after it).
  function replace(textarea, start, end, text, selectFrom, selectTo) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selectFrom === undefined) {
      selectFrom = selectTo = text.length;
    }
    textarea.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function lineAround(value, start, end) {
    var from = value.lastIndexOf("\n", start - 1) + 1;
    var to = value.indexOf("\n", end);
    return { from: from, to: to === -1 ? value.length : to };
  }

  // A Markdown list starts after an empty line; a list item after a paragraph line would
  // otherwise stay part of the paragraph.
  function gapBefore(value, lineStart) {
    if (lineStart === 0) {
      return "";
    }
    var previous = value.slice(value.lastIndexOf("\n", lineStart - 2) + 1, lineStart - 1);
    return previous.trim() === "" || previous.startsWith("- ") ? "" : "\n";
  }

  var actions = {
    bold: function (textarea, button) {
      var start = textarea.selectionStart;
      var end = textarea.selectionEnd;
      var inner = textarea.value.slice(start, end) || button.dataset.placeholder;
      replace(textarea, start, end, "**" + inner + "**", 2, 2 + inner.length);
    },
    list: function (textarea, button) {
      var value = textarea.value;
      var start = textarea.selectionStart;
      var end = textarea.selectionEnd;
      var line = lineAround(value, start, end);
      var current = value.slice(line.from, line.to);
      var text;
      if (start !== end) {
        // Every selected line becomes a list item.
        text = current
          .split("\n")
          .map(function (row) {
            return row.trim() === "" || row.startsWith("- ") ? row : "- " + row;
          })
          .join("\n");
        replace(textarea, line.from, line.to, gapBefore(value, line.from) + text);
        return;
      }
      var placeholder = button.dataset.placeholder;
      if (current.trim() === "") {
        text = gapBefore(value, line.from) + "- ";
        replace(textarea, line.from, line.to, text + placeholder, text.length, text.length + placeholder.length);
      } else {
        // A new item on the next line, after whatever the cursor is in.
        text = (current.startsWith("- ") ? "\n" : "\n\n") + "- ";
        replace(textarea, line.to, line.to, text + placeholder, text.length, text.length + placeholder.length);
      }
    },
    link: function (textarea, button) {
      var start = textarea.selectionStart;
      var end = textarea.selectionEnd;
      var address = window.prompt(button.dataset.prompt, "https://");
      if (!address || address === "https://") {
        textarea.focus();
        return;
      }
      var label = textarea.value.slice(start, end) || button.dataset.placeholder;
      replace(textarea, start, end, "[" + label + "](" + address.trim() + ")", 1, 1 + label.length);
    }
  };

  function addToolbar(textarea) {
    var template = document.getElementById("editor-toolbar");
    if (!template || typeof textarea.setRangeText !== "function") {
      return;
    }
    var toolbar = template.content.firstElementChild.cloneNode(true);
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) {
        return;
      }
      actions[button.dataset.action](textarea, button);
    });
    textarea.parentNode.insertBefore(toolbar, textarea);
  }

  function toggleFactCheck(form) {
    var fieldset = form.querySelector("[data-fact-check]");
    var radios = form.querySelectorAll('input[name="kind"]');
    if (!fieldset || !radios.length) {
      return;
    }
    function update() {
      var chosen = form.querySelector('input[name="kind"]:checked');
      fieldset.hidden = !chosen || chosen.value !== "cek_fakta";
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  function checkPhotoSize(input) {
    var max = parseInt(input.dataset.maxBytes, 10);
    input.addEventListener("change", function () {
      var old = input.parentNode.querySelector(".js-too-large");
      if (old) {
        old.remove();
      }
      var file = input.files && input.files[0];
      if (file && file.size > max) {
        var message = document.createElement("div");
        message.className = "invalid-feedback d-block js-too-large";
        message.setAttribute("role", "alert");
        message.textContent = input.dataset.tooLarge;
        input.insertAdjacentElement("afterend", message);
        input.value = "";
      }
    });
  }

  function sendOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      form.setAttribute("aria-busy", "true");
    });
  }

  // Coming back with the browser's back button must not leave the forms locked.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
    });
  });

  document.querySelectorAll("textarea[data-editor]").forEach(addToolbar);
  document.querySelectorAll("form[data-post-form]").forEach(toggleFactCheck);
  // A form with static/js/upload.js shrinks the photo first and checks only what it cannot.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    if (!input.closest("form[data-upload]")) {
      checkPhotoSize(input);
    }
  });
  document.querySelectorAll("form[method=post]").forEach(sendOnce);
})();
