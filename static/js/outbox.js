/* Drafts that survive a dropped signal, and an outbox of posts waiting to be sent.
 *
 * On a form marked data-outbox (writing a new post) what is typed, and the photo once shrunk
 * (static/js/upload.js), is kept on the phone in IndexedDB as a draft; opening the form again
 * brings it back. Sent while the phone is offline (or when the connection drops during the
 * upload), the form goes into the outbox instead, and the status box
 * (templates/includes/outbox_status.html) says what is waiting. When the connection is back
 * (the "online" event, or the next page loaded with a signal) each waiting post is sent with a
 * fresh CSRF token; a post sent from the page the person is on shows the server's answer as a
 * normal submit would, else the status box says it was sent with a link to it.
 */
(function () {
  "use strict";

  var DB_NAME = "kim-portal";
  var SENT_KEY = "kim-outbox-sent";
  var status = document.querySelector("[data-outbox-status]");
  var dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("drafts", { keyPath: "key" });
          request.result.createObjectStore("outbox", { keyPath: "key" });
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          reject(request.error);
        };
      });
    }
    return dbPromise;
  }

  function store(name, mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(name, mode);
        var result = work(transaction.objectStore(name));
        transaction.oncomplete = function () {
          resolve(result && "result" in result ? result.result : undefined);
        };
        transaction.onerror = function () {
          reject(transaction.error);
        };
      });
    });
  }

  var get = function (name, key) {
    return store(name, "readonly", function (objects) {
      return objects.get(key);
    });
  };
  var put = function (name, value) {
    return store(name, "readwrite", function (objects) {
      objects.put(value);
    });
  };
  var remove = function (name, key) {
    return store(name, "readwrite", function (objects) {
      objects.delete(key);
    });
  };
  var all = function (name) {
    return store(name, "readonly", function (objects) {
      return objects.getAll();
    });
  };

  // The waiting posts of the person logged in (all of them on the offline page, which is
  // nobody's): another member of a shared phone neither sees nor sends them.
  function waiting() {
    var me = status ? status.dataset.user : "";
    return all("outbox").then(function (items) {
      return items.filter(function (item) {
        return !me || !item.user || item.user === me;
      });
    });
  }

  function quoted(title) {
    return "«" + (title || "…") + "»";
  }

  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key];
    });
  }

  // --- The status box -------------------------------------------------------------------

  function showStatus(kind, text, link) {
    if (!status) {
      return;
    }
    var box = status.querySelector("[data-outbox-text]");
    // Whole class names: scripts/trim_bootstrap.py keeps the Bootstrap rules it finds here.
    var classes = {
      info: "alert-info",
      success: "alert-success",
      warning: "alert-warning",
      danger: "alert-danger"
    };
    status.className = "alert outbox-status " + classes[kind];
    box.textContent = text;
    if (link) {
      box.appendChild(document.createTextNode(" "));
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      anchor.className = "alert-link";
      box.appendChild(anchor);
    }
    status.hidden = false;
  }

  function showWaiting() {
    return waiting().then(function (items) {
      if (!status) {
        return items;
      }
      if (!items.length) {
        if (status && status.dataset.state === "waiting") {
          status.hidden = true;
        }
        return items;
      }
      var text = say(items.length === 1 ? status.dataset.waitingOne : status.dataset.waitingMany, {
        count: items.length,
        titles: items
          .map(function (item) {
            return quoted(item.title);
          })
          .join(", ")
      });
      showStatus("warning", text);
      status.dataset.state = "waiting";
      return items;
    });
  }

  function showSent() {
    var sent = sessionStorage.getItem(SENT_KEY);
    if (!sent || !status) {
      return;
    }
    sessionStorage.removeItem(SENT_KEY);
    try {
      sent = JSON.parse(sent);
    } catch (error) {
      return;
    }
    showStatus("success", say(status.dataset.sent, { title: quoted(sent.title) }));
    status.dataset.state = "sent";
  }

  // --- Sending the outbox ---------------------------------------------------------------

  var flushing = false;

  function freshToken(item) {
    return fetch(item.page, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) {
        // Logged out meanwhile: the form page redirects to the login page.
        throw new Error("login");
      }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var input = page.querySelector("input[name=csrfmiddlewaretoken]");
        if (!input) {
          throw new Error("login");
        }
        // Someone else logged in on this phone since: their account must not send it.
        var owner = page.querySelector("[data-outbox-status]");
        if (owner && item.user && owner.dataset.user !== item.user) {
          throw new Error("login");
        }
        return input.value;
      });
    });
  }

  function sendOne(item) {
    return freshToken(item).then(function (token) {
      var data = new FormData();
      item.entries.forEach(function (entry) {
        var value = entry[0] === "csrfmiddlewaretoken" ? token : entry[1];
        if (value instanceof Blob) {
          data.append(entry[0], value, entry[2] || value.name || "foto.jpg");
        } else {
          data.append(entry[0], value);
        }
      });
      return fetch(item.action, { method: "POST", body: data, credentials: "same-origin" });
    });
  }

  function answered(item, response) {
    return response.text().then(function (html) {
      var saved = response.redirected;
      var done = remove("outbox", item.key);
      if (saved) {
        done = done.then(function () {
          return remove("drafts", item.key);
        });
      }
      return done.then(function () {
        var here = location.pathname === item.pagePath;
        if (saved) {
          sessionStorage.setItem(SENT_KEY, JSON.stringify({ title: item.title }));
        }
        if (here && window.KimUpload) {
          // The person is on the page they sent it from: the server's answer, as a submit.
          window.KimUpload.follow(html, response.url, new URL(item.action, location.href).href);
          return "replaced";
        }
        if (saved) {
          sessionStorage.removeItem(SENT_KEY);
          showStatus("success", say(status.dataset.sent, { title: quoted(item.title) }), {
            href: response.url,
            text: status.dataset.open
          });
        } else {
          showStatus("danger", say(status.dataset.refused, { title: quoted(item.title) }), {
            href: item.page,
            text: status.dataset.openForm
          });
        }
        status.dataset.state = "sent";
      });
    });
  }

  function flush() {
    if (flushing || !navigator.onLine) {
      return Promise.resolve();
    }
    flushing = true;
    return waiting()
      .then(function (items) {
        var chain = Promise.resolve();
        items.forEach(function (item) {
          chain = chain.then(function (previous) {
            if (previous === "stop" || previous === "replaced") {
              return previous;
            }
            if (status) {
              showStatus("info", say(status.dataset.sending, { title: quoted(item.title) }));
            }
            return sendOne(item)
              .then(function (response) {
                if (response.status >= 500 || response.status === 403) {
                  throw new Error("server");
                }
                return answered(item, response);
              })
              .catch(function (error) {
                if (error.message === "login") {
                  showStatus("danger", status.dataset.login, {
                    href: status.dataset.loginUrl + "?next=" + encodeURIComponent(item.page),
                    text: status.dataset.loginText
                  });
                  return "stop";
                }
                // Still no signal, or the server failed: it stays in the outbox for later.
                return showWaiting().then(function () {
                  return "stop";
                });
              });
          });
        });
        return chain;
      })
      .then(function (result) {
        flushing = false;
        if (result !== "stop" && result !== "replaced") {
          return showWaiting();
        }
      })
      .catch(function () {
        flushing = false;
      });
  }

  // --- The draft of a form --------------------------------------------------------------

  // Per person: on a phone shared by two members each has their own draft.
  function draftKey(form) {
    var user = status ? status.dataset.user : "";
    return "form:" + user + ":" + new URL(form.action, location.href).pathname;
  }

  function textFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return (
        field.name &&
        field.name !== "csrfmiddlewaretoken" &&
        field.type !== "file" &&
        field.type !== "submit" &&
        field.type !== "button"
      );
    });
  }

  function snapshot(form) {
    var values = textFields(form).map(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        return [field.name, field.value, field.checked];
      }
      return [field.name, field.value];
    });
    return values;
  }

  function restore(form, draft) {
    var fields = textFields(form);
    draft.values.forEach(function (saved) {
      fields.forEach(function (field) {
        if (field.name !== saved[0]) {
          return;
        }
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === saved[1]) {
            field.checked = saved[2];
          }
        } else {
          field.value = saved[1];
        }
      });
    });
    Object.keys(draft.photos || {}).forEach(function (name) {
      var input = form.querySelector('input[type=file][name="' + name + '"]');
      var file = draft.photos[name];
      if (!input || !file || !window.DataTransfer) {
        return;
      }
      var transfer = new DataTransfer();
      transfer.items.add(file instanceof File ? file : new File([file], "foto.jpg", { type: file.type }));
      input.files = transfer.files;
      input.kimShrunk = Promise.resolve(input.files[0]);
    });
  }

  function isEmpty(form) {
    return textFields(form).every(function (field) {
      if (field.type === "checkbox" || field.type === "radio" || field.tagName === "SELECT") {
        return true;
      }
      return !field.value.trim();
    });
  }

  function keepDrafts(form) {
    var key = draftKey(form);
    var photos = {};
    var timer = null;
    var loaded = get("drafts", key).catch(function () {
      return null;
    });

    function save() {
      return put("drafts", { key: key, values: snapshot(form), photos: photos, saved: Date.now() });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    }

    loaded.then(function (draft) {
      // A form the server sent back with errors already shows what was typed.
      var fresh = !form.querySelector(".is-invalid") && isEmpty(form);
      if (draft && fresh) {
        restore(form, draft);
        photos = draft.photos || {};
        var note = form.querySelector("[data-draft-restored]");
        if (note) {
          note.hidden = false;
        }
      }
      form.addEventListener("input", later);
      form.addEventListener("change", later);
    });

    form.addEventListener("kim:photo", function (event) {
      var input = event.detail.input;
      if (event.detail.file) {
        photos[input.name] = event.detail.file;
      } else {
        delete photos[input.name];
      }
      later();
    });

    var discard = form.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        remove("drafts", key).then(function () {
          location.reload();
        });
      });
    }

    function queue(detail) {
      detail.handled = true;
      var entries = [];
      detail.data.forEach(function (value, name) {
        if (value instanceof Blob) {
          // A file input left empty: sent later it would be an empty "foto.jpg".
          if (value.size || value.name) {
            entries.push([name, value, value.name]);
          }
        } else {
          entries.push([name, value]);
        }
      });
      var title = (form.querySelector("[name=title]") || {}).value || "";
      clearTimeout(timer);
      save()
        .then(function () {
          return put("outbox", {
            key: key,
            action: detail.action,
            user: status ? status.dataset.user : "",
            page: location.href,
            pagePath: location.pathname,
            title: title.trim(),
            entries: entries,
            queued: Date.now()
          });
        })
        .then(showWaiting)
        .then(function () {
          if (navigator.onLine) {
            // The upload failed with the phone "online" (a weak signal): no "online" event
            // will come, so try again in a while.
            setTimeout(flush, 20000);
          }
          if (status) {
            status.scrollIntoView({ block: "start" });
            status.focus();
          }
        });
    }

    form.addEventListener("kim:send", function (event) {
      if (!navigator.onLine) {
        queue(event.detail);
      }
    });
    form.addEventListener("kim:offline", function (event) {
      queue(event.detail);
    });
    form.addEventListener("kim:answer", function (event) {
      if (event.detail.redirected) {
        clearTimeout(timer);
        event.detail.waitUntil(remove("drafts", key));
      }
    });
  }

  if (!window.indexedDB) {
    return;
  }
  document.querySelectorAll("form[data-outbox]").forEach(keepDrafts);
  showSent();
  showWaiting()
    .then(flush)
    .catch(function () {});
  window.addEventListener("online", flush);
})();
