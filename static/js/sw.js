/* The portal's service worker (served as /sw.js by core/offline.py).
 *
 * Public pages a reader opened are kept on the phone, so that they can be read again without
 * a signal: a page is fetched from the network first and taken from the cache only when the
 * network fails; a page never kept is answered with /offline/. Only GET answers that the
 * server did not mark private are kept: never a logged-in page (Cache-Control: private), never
 * a page with a one-time message, never the answer to a form (POST). Static files (CSS, JS)
 * are kept too; photos are not (the pages work without them and data plans are small).
 */
"use strict";

var PAGES = "kim-pages-v1";
var ASSETS = "kim-assets-v1";
var OFFLINE_URL = "/offline/";
var MAX_PAGES = 40;
var MAX_ASSETS = 40;

function keepable(response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) {
    return false;
  }
  var control = response.headers.get("Cache-Control") || "";
  return !/private|no-store/i.test(control);
}

function trim(cacheName, max) {
  return caches.open(cacheName).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map(function (key) {
        return cache.delete(key);
      }));
    });
  });
}

function keep(cacheName, request, response, max) {
  if (!keepable(response)) {
    return Promise.resolve();
  }
  return caches.open(cacheName).then(function (cache) {
    return cache.delete(request).then(function () {
      return cache.put(request, response);
    });
  }).then(function () {
    return trim(cacheName, max);
  });
}

// The offline page (as an anonymous reader sees it) and the styles and scripts it uses.
function keepOfflinePage() {
  return fetch(OFFLINE_URL, { credentials: "omit" }).then(function (response) {
    if (!keepable(response)) {
      return;
    }
    return response.clone().text().then(function (html) {
      var assets = [];
      html.replace(/(?:href|src)="(\/static\/[^"]+\.(?:css|js|svg))"/g, function (_match, url) {
        assets.push(url);
      });
      return caches.open(PAGES).then(function (cache) {
        return cache.put(OFFLINE_URL, response);
      }).then(function () {
        return caches.open(ASSETS);
      }).then(function (cache) {
        // The page that registered this worker loaded them a moment ago: the browser's own
        // cache has them, so keeping them costs no data.
        return cache.addAll(assets.map(function (url) {
          return new Request(url, { cache: "force-cache" });
        }));
      });
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(keepOfflinePage().catch(function () {}).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("kim-") === 0 && name !== PAGES && name !== ASSETS;
    }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () {
    return self.clients.claim();
  }));
});

function page(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    event.waitUntil(keep(PAGES, request, response.clone(), MAX_PAGES).catch(function () {}));
    return response;
  }).catch(function (error) {
    return caches.match(request, { ignoreVary: true }).then(function (cached) {
      return cached || caches.match(OFFLINE_URL).then(function (offline) {
        if (offline) {
          return offline;
        }
        throw error;
      });
    });
  });
}

// Static files: names with a content hash (production) never change, so the kept copy is
// used first; without a hash (development) the network comes first.
function asset(event) {
  var request = event.request;
  var hashed = /\.[0-9a-f]{12}\.\w+$/.test(new URL(request.url).pathname);
  function fromNetwork() {
    return fetch(request).then(function (response) {
      event.waitUntil(keep(ASSETS, request, response.clone(), MAX_ASSETS).catch(function () {}));
      return response;
    });
  }
  if (hashed) {
    return caches.match(request).then(function (cached) {
      return cached || fromNetwork();
    });
  }
  return fromNetwork().catch(function (error) {
    return caches.match(request, { ignoreSearch: true }).then(function (cached) {
      if (cached) {
        return cached;
      }
      throw error;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js") {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(event));
  }
});

// The first page of a visit is shown before this worker controls it: the page asks for it
// to be kept (static/js/offline.js).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep-page" || typeof data.url !== "string") {
    return;
  }
  var url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin) {
    return;
  }
  var request = new Request(url.href, { credentials: "same-origin" });
  // From the browser's cache when it still has the page (no data spent), else the network.
  var again = new Request(url.href, { credentials: "same-origin", cache: "force-cache" });
  event.waitUntil(fetch(again).then(function (response) {
    return keep(PAGES, request, response, MAX_PAGES);
  }).catch(function () {}));
});
