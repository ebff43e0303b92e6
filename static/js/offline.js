/* Registers the service worker (/sw.js, static/js/sw.js) that keeps public pages for reading
 * offline. On the first visit the page was loaded before the worker existed, so it asks the
 * worker to keep this page too. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  var first = !navigator.serviceWorker.controller;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    if (first && registration.active) {
      registration.active.postMessage({ type: "keep-page", url: location.href });
    }
  }).catch(function () {});
})();
