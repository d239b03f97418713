// What the live meeting's scripts share (static/js/live.js, speakers.js; loaded before them on the live page
// and the projector's screen, which has no app.js).
var chibo = {
  // The session ended (12 h, or 30 idle minutes for the committee): the server names the login page, which
  // leads back here.
  toLogin: function (data) {
    if (data && typeof data.login_url === "string" && /^\/[^\/]/.test(data.login_url)) {
      window.location.assign(data.login_url);
    }
  },
  // A tap on a form under `root` that matches `selector` (a ballot, a request to speak) is posted by fetch,
  // one at a time: a second tap while the first is on its way is ignored. `answer(response)` draws what came
  // back; `failed()` is called when it throws (a refusal it cannot draw) or the connection fails.
  tap: function (root, selector, answer, failed) {
    var csrf = document.querySelector("[name=csrfmiddlewaretoken]");
    var sending = false;
    root.addEventListener("submit", function (event) {
      var form = event.target.closest(selector);
      if (!form) { return; }
      event.preventDefault();
      if (sending) { return; }
      sending = true;
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrf ? csrf.value : "" }
      }).then(function (response) {
        if (response.status === 401) { return response.json().then(chibo.toLogin); }
        return answer(response);
      }).catch(failed).then(function () { sending = false; });
    });
  }
};
