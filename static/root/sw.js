/* The app's service worker (#21): the pages a member opened stay readable without a connection.
 *
 * Pages (navigations) go to the network first; a good answer is kept, and without a connection the kept
 * copy is shown (the next meeting's agenda and papers, opened once while online, read in a basement hall).
 * Static files whose names carry a hash of their content (production's collectstatic) come from the kept
 * copy first; unhashed ones (`make run`) from the network first, like pages. Nothing else is
 * touched: no POST, no poll, no live stream goes through here, so the comment outbox works as before.
 * The kept pages belong to whoever was signed in: a page shown signed out (the login page, after a logout)
 * deletes them (static/js/app.js), so the next person on a shared phone finds nothing.
 *
 * Push notifications (notifications/webpush.py, static/js/push.js): a push message is the JSON
 * {title, body, tag, url}; it is shown under its tag, so the same notification sent twice (a worker killed
 * after sending and before recording it) replaces the first rather than showing a second. A tap on it
 * focuses the app's window already at the notification's address, or opens one there.
 */
"use strict";

var PAGES = "chibo-pages-v1", STATIC = "chibo-static-v1";
var HASHED = /\.[0-9a-f]{12}\.\w+$/;  // collectstatic's names: the content never changes under them

function keep(cacheName, request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function networkFirst(request, cacheName) {
  return fetch(request).then(function (response) { return keep(cacheName, request, response); })
    .catch(function () {
      return caches.match(request).then(function (kept) { return kept || Response.error(); });
    });
}

function keptFirst(request) {
  return caches.match(request).then(function (kept) {
    return kept || fetch(request).then(function (response) { return keep(STATIC, request, response); });
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== PAGES && n !== STATIC; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, PAGES));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(HASHED.test(url.pathname) ? keptFirst(request) : networkFirst(request, STATIC));
  }
});

self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (error) { message = {}; }
  var url = message.url || "/notifications/";
  event.waitUntil(self.registration.showNotification(message.title || "Chi bộ", {
    body: message.body || "",
    tag: message.tag || undefined,
    icon: "/icons/icon-192.png",
    data: { url: url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(target.href);
  }));
});
