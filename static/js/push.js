// Push notifications on this device (the notification settings page, #21). Turning them on asks the
// browser's permission, subscribes with the server's VAPID public key (data-vapid-key) through the service
// worker (/sw.js, which shows the notifications) and posts the subscription to the server; turning them off
// tells the server to forget it, then unsubscribes. Every message comes translated in a data attribute.
"use strict";

(function () {
  var form = document.getElementById("push");
  if (!form) { return; }
  var status = document.getElementById("push-status");
  var button = document.getElementById("push-toggle");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var text = form.dataset;

  function say(message) { status.textContent = message; }

  function ours(message) {  // an error whose message is one of the page's own (the browser's are English)
    var error = new Error(message);
    error.ours = true;
    return error;
  }

  function show(subscription) {
    say(subscription ? text.on : text.off);
    button.textContent = subscription ? text.turnOff : text.turnOn;
    button.classList.toggle("btn-primary", !subscription);
    button.classList.toggle("btn-outline-danger", !!subscription);
    button.hidden = false;
    button.disabled = false;
  }

  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    say(text.unsupported);
    return;
  }

  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function post(url, fields) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      body: new URLSearchParams(fields)
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          throw ours(answer.error || text.failed);
        });
      }
      return response;
    });
  }

  function subscribe(registration) {
    var options = { userVisibleOnly: true, applicationServerKey: keyBytes(text.vapidKey) };
    return registration.pushManager.subscribe(options).catch(function (error) {
      // A subscription made under an earlier key of the server: replaced by one under today's key.
      if (error && error.name === "InvalidStateError") {
        return registration.pushManager.getSubscription().then(function (old) {
          return (old ? old.unsubscribe() : Promise.resolve()).then(function () {
            return registration.pushManager.subscribe(options);
          });
        });
      }
      throw error;
    });
  }

  function turnOn(registration) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw ours(text.denied); }
      return subscribe(registration);
    }).then(function (subscription) {
      var keys = subscription.toJSON().keys || {};
      return post(form.action, { endpoint: subscription.endpoint, p256dh: keys.p256dh, auth: keys.auth });
    });
  }

  function turnOff(registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) { return null; }
      return post(text.unsubscribeUrl, { endpoint: subscription.endpoint }).then(function () {
        return subscription.unsubscribe();
      });
    });
  }

  navigator.serviceWorker.register("/sw.js").then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (Notification.permission === "denied") { say(text.denied); }
      show(subscription);
      button.addEventListener("click", function () {
        button.disabled = true;
        registration.pushManager.getSubscription().then(function (current) {
          return current ? turnOff(registration) : turnOn(registration);
        }).then(function () {
          window.location.reload();  // the list of devices below changed
        }).catch(function (error) {
          say(error && error.ours ? error.message : text.failed);
          button.disabled = false;
        });
      });
    });
  }).catch(function () { say(text.unsupported); });
})();
