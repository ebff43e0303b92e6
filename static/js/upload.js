/* Photos shrunk on the phone before they are sent, and a progress bar while they upload.
 *
 * For a form marked data-upload (the post form and its photo form, the aspiration forms, the
 * KIM profile): a photo chosen in a file input is decoded by the browser, turned upright (its
 * EXIF orientation), scaled to at most 1600 px on its long side and encoded as WebP (JPEG where
 * the browser cannot) with the quality stepped down until it is under about 300 KB. The form
 * is then sent with XMLHttpRequest so that a <progress> bar can show the upload, and the
 * server's answer is shown exactly as a normal submit would: the page it redirects to, or the
 * form again with its errors and everything typed.
 *
 * A file the browser cannot decode (not an image) is sent unchanged, so the server gives its
 * own message. Without JavaScript none of this runs and the server checks, resizes and
 * refuses as before. static/js/outbox.js uses window.KimUpload to keep a draft's photo.
 */
(function () {
  "use strict";

  var MAX_SIDE = 1600;
  var TARGET_BYTES = 300 * 1024;
  var QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45];

  function encode(canvas, type, quality) {
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, type, quality);
    });
  }

  function draw(bitmap, width, height, opaque) {
    var canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d");
    if (opaque) {
      // JPEG has no transparency: a transparent PNG gets a white, not a black, background.
      context.fillStyle = "#fff";
      context.fillRect(0, 0, width, height);
    }
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, width, height);
    return canvas;
  }

  function renamed(name, type) {
    var stem = (name || "foto").replace(/\.[^.]*$/, "") || "foto";
    return stem + (type === "image/webp" ? ".webp" : ".jpg");
  }

  /* The photo as the server should get it: a File, smaller when the browser could decode it,
   * else the file itself. Never rejects. */
  function shrink(file) {
    if (!file || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        var long = Math.max(bitmap.width, bitmap.height);
        var scale = Math.min(1, MAX_SIDE / long);
        var small = file.size <= TARGET_BYTES && scale === 1;
        if (small && /^image\/(jpeg|webp)$/.test(file.type)) {
          bitmap.close();
          return file;
        }
        return reencode(bitmap, scale, "image/webp").then(function (blob) {
          bitmap.close();
          if (!blob) {
            return file;
          }
          if (small && blob.size >= file.size) {
            return file;
          }
          return new File([blob], renamed(file.name, blob.type), {
            type: blob.type,
            lastModified: file.lastModified
          });
        });
      })
      .catch(function () {
        return file;
      });
  }

  // Quality steps at the full size, then 80 % of the size, and so on: a photo of fine detail
  // (leaves, a crowd) may need fewer pixels to fit.
  function reencode(bitmap, scale, type) {
    var width = Math.max(1, Math.round(bitmap.width * scale));
    var height = Math.max(1, Math.round(bitmap.height * scale));
    var canvas = draw(bitmap, width, height, type === "image/jpeg");
    var attempt = 0;
    var best = null;
    function next() {
      return encode(canvas, type, QUALITIES[attempt]).then(function (blob) {
        if (blob && blob.type !== type) {
          // No WebP encoder in this browser: JPEG it is.
          return reencode(bitmap, scale, "image/jpeg");
        }
        if (blob && (!best || blob.size < best.size)) {
          best = blob;
        }
        attempt += 1;
        if (!blob || blob.size <= TARGET_BYTES) {
          return blob || best;
        }
        if (attempt < QUALITIES.length) {
          return next();
        }
        if (scale * Math.max(bitmap.width, bitmap.height) > 640) {
          return reencode(bitmap, scale * 0.8, type);
        }
        return best;
      });
    }
    return next();
  }

  function formatBytes(bytes) {
    if (bytes >= 1024 * 1024) {
      return (bytes / (1024 * 1024)).toFixed(1).replace(".", ",") + " MB";
    }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key];
    });
  }

  /* Show the server's answer as a normal submit would have: the page it redirected to (its
   * address in the address bar) or the page it rendered for the form (errors and all). */
  function follow(html, responseURL, action, anchor) {
    var redirected = responseURL && responseURL !== action;
    if (redirected) {
      // A redirect's #fragment is not told to XMLHttpRequest: the form names it (data-anchor).
      history.replaceState(null, "", responseURL + (anchor ? "#" + anchor : ""));
    }
    document.open();
    document.write(html);
    document.close();
    var target = redirected && anchor && document.getElementById(anchor);
    if (target) {
      target.scrollIntoView();
    } else {
      window.scrollTo(0, 0);
    }
  }

  function noteBeside(input, className, text) {
    var old = input.parentNode.querySelector("." + className);
    if (old) {
      old.remove();
    }
    if (!text) {
      return;
    }
    var note = document.createElement("div");
    note.className = className;
    note.textContent = text;
    input.insertAdjacentElement("afterend", note);
    return note;
  }

  function watch(form, input) {
    var progress = form.querySelector("[data-upload-progress]");
    input.addEventListener("change", function () {
      noteBeside(input, "js-too-large");
      noteBeside(input, "js-shrunk");
      var file = input.files && input.files[0];
      if (!file) {
        input.kimShrunk = null;
        return;
      }
      input.kimShrunk = shrink(file).then(function (result) {
        var max = parseInt(input.dataset.maxBytes, 10);
        if (result === file && max && file.size > max) {
          // Not shrunk (the browser could not decode it) and over the server's limit.
          var message = noteBeside(input, "js-too-large", input.dataset.tooLarge);
          message.className = "invalid-feedback d-block js-too-large";
          message.setAttribute("role", "alert");
          input.value = "";
          input.kimShrunk = null;
          return null;
        }
        if (result !== file && progress && progress.dataset.shrunk) {
          var note = noteBeside(
            input,
            "js-shrunk",
            say(progress.dataset.shrunk, { before: formatBytes(file.size), after: formatBytes(result.size) })
          );
          note.className = "form-text js-shrunk";
        }
        form.dispatchEvent(new CustomEvent("kim:photo", { detail: { input: input, file: result } }));
        return result;
      });
    });
  }

  /* The form's fields as FormData, each chosen photo replaced by its shrunk copy. */
  function collect(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file]"));
    return Promise.all(
      inputs.map(function (input) {
        var file = input.files && input.files[0];
        if (!file || !input.name) {
          return null;
        }
        return (input.kimShrunk || shrink(file)).then(function (result) {
          if (result) {
            data.set(input.name, result, result.name);
          }
        });
      })
    ).then(function () {
      return data;
    });
  }

  function send(form, data, action, progress, onNetworkError) {
    var bar = progress && progress.querySelector("progress");
    var text = progress && progress.querySelector("[data-upload-text]");
    function show(loaded, total) {
      if (!progress) {
        return;
      }
      var percent = total ? Math.round((loaded / total) * 100) : 0;
      bar.value = percent;
      bar.textContent = percent + "%";
      text.textContent = say(progress.dataset.sending, {
        percent: percent,
        loaded: formatBytes(loaded),
        total: formatBytes(total)
      });
    }
    if (progress) {
      progress.hidden = false;
      bar.value = 0;
      bar.textContent = "0%";
      text.textContent = progress.dataset.starting;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", action);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        show(event.loaded, event.total);
      }
    });
    xhr.upload.addEventListener("load", function () {
      if (progress) {
        bar.value = 100;
        bar.textContent = "100%";
        text.textContent = progress.dataset.waiting;
      }
    });
    xhr.addEventListener("load", function () {
      // Listeners (static/js/outbox.js clears the draft of a post that was saved) may ask to
      // finish something before the page is replaced.
      var waits = [];
      form.dispatchEvent(
        new CustomEvent("kim:answer", {
          detail: {
            redirected: Boolean(xhr.responseURL) && xhr.responseURL !== action,
            waitUntil: function (promise) {
              waits.push(promise.catch(function () {}));
            }
          }
        })
      );
      Promise.all(waits).then(function () {
        follow(xhr.responseText, xhr.responseURL, action, form.dataset.anchor);
      });
    });
    xhr.addEventListener("error", function () {
      if (progress) {
        progress.hidden = true;
      }
      onNetworkError();
    });
    xhr.send(data);
  }

  function unlock(form) {
    delete form.dataset.uploading;
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
  }

  function enhance(form) {
    var inputs = form.querySelectorAll("input[type=file]");
    inputs.forEach(function (input) {
      watch(form, input);
    });
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented && !form.dataset.uploading) {
        return;
      }
      var chosen = Array.prototype.some.call(inputs, function (input) {
        return input.files && input.files.length;
      });
      // Without a photo the normal submit is as quick, except for a form whose submissions
      // wait in the outbox (static/js/outbox.js) while the phone is offline.
      if ((!chosen && !form.hasAttribute("data-outbox")) || !window.FormData) {
        return;
      }
      event.preventDefault();
      if (form.dataset.uploading) {
        return;
      }
      form.dataset.uploading = "1";
      form.setAttribute("aria-busy", "true");
      var submitter = event.submitter;
      var action = (submitter && submitter.getAttribute("formaction") && submitter.formAction) || form.action;
      var progress = form.querySelector("[data-upload-progress]");
      collect(form, submitter).then(function (data) {
        var detail = { data: data, action: action, handled: false };
        form.dispatchEvent(new CustomEvent("kim:send", { detail: detail }));
        if (detail.handled) {
          unlock(form);
          return;
        }
        send(form, data, action, progress, function () {
          unlock(form);
          var failed = new CustomEvent("kim:offline", { detail: { data: data, action: action, handled: false } });
          form.dispatchEvent(failed);
          if (!failed.detail.handled && progress) {
            progress.hidden = false;
            progress.querySelector("[data-upload-text]").textContent = progress.dataset.failed;
          }
        });
      });
    });
  }

  window.KimUpload = { shrink: shrink, follow: follow, collect: collect };
  document.querySelectorAll("form[data-upload]").forEach(enhance);
})();
