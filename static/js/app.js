// Behaviour lives here, never in inline scripts (the Content Security Policy forbids them).
// Scripts run: controls that only a page without them needs (a "save all" button under lists that save each
// choice as it is made) are hidden by the .js-hidden class (static/css/app.css).
document.documentElement.classList.add("js");
document.addEventListener("htmx:beforeSwap", function (event) {
  // Forms that fail validation come back with 422 and their errors: show them, keep what was typed.
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// An irreversible step asks once: its button (data-dialog="<id>") opens the <dialog> of that id, which names
// what the step will lock. Without JavaScript the button's GET leads to the same confirmation as a page.
document.addEventListener("click", function (event) {
  var opener = event.target.closest("[data-dialog]");
  if (!opener) {
    return;
  }
  var dialog = document.getElementById(opener.getAttribute("data-dialog"));
  if (dialog && typeof dialog.showModal === "function") {
    event.preventDefault();
    dialog.showModal();
  }
});

// The installable app (/manifest.webmanifest): its service worker (/sw.js) keeps the pages a member opened
// readable without a connection. A page shown signed out deletes what was kept for whoever was signed in.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(function () {});
}
if (document.body.dataset.signedOut && window.caches) {
  caches.delete("chibo-pages-v1");
}
// Logging out also ends this browser's push notifications (notifications/webpush.py): the next person on a
// shared phone does not get those of whoever was signed in. The server forgets the subscription first; the
// logout goes ahead whatever happens. (A session that merely expired keeps them: no one logged out.)
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-push-forget]");
  if (!form || form.dataset.pushForgotten || !("serviceWorker" in navigator && "PushManager" in window)) {
    return;
  }
  event.preventDefault();
  form.dataset.pushForgotten = "1";
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]");
  navigator.serviceWorker.getRegistration().then(function (registration) {
    return registration && registration.pushManager.getSubscription();
  }).then(function (subscription) {
    if (!subscription) { return null; }
    return fetch(form.dataset.pushForget, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      body: new URLSearchParams({ endpoint: subscription.endpoint })
    }).then(function () { return subscription.unsubscribe(); });
  }).catch(function () {}).then(function () { form.submit(); });
});
