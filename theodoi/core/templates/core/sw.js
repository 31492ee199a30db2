// theodoi's service worker, served from the site's root so that its scope is
// the whole site. Static files: from the cache, refreshed behind. Pages: from
// the network, and the last version read is kept for when the link is down.
"use strict";
var STATIC = "theodoi-static", PAGES = "theodoi-pages", KEEP = 40;
var OFFLINE = "{{ offline_url|escapejs }}";
var PRIVATE = /^\/(admin|accounts|api|media|i18n|jsi18n)\//;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(PAGES).then(function (c) { return c.add(OFFLINE); }).catch(function () {}));
  self.skipWaiting();
});
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP)).map(function (k) { return cache.delete(k); }));
  });
}

function fromCacheFirst(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      return hit || fresh;
    });
  });
}

function kept(request) {
  return caches.open(PAGES).then(function (cache) { return cache.match(request, { ignoreVary: true }); });
}

function fromNetworkFirst(request) {
  return fetch(request).then(function (response) {
    // The proxy's "server down" page: the last version read is more useful.
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      return kept(request).then(function (hit) { return hit || response; });
    }
    var type = response.headers.get("Content-Type") || "";
    if (response.ok && !response.redirected && type.indexOf("text/html") === 0) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) {
        return cache.delete(request, { ignoreVary: true }).then(function () { return cache.put(request, copy); })
          .then(function () { return trim(cache); });
      });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || cache.match(OFFLINE, { ignoreVary: true }).then(function (page) {
          return page || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
        });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("{{ static_url|escapejs }}") === 0) { event.respondWith(fromCacheFirst(request)); return; }
  if (request.mode === "navigate" && !PRIVATE.test(url.pathname)) event.respondWith(fromNetworkFirst(request));
});
