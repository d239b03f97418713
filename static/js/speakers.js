// The speaker queue of the live meeting ("Xin phát biểu"): a member's tap to ask to speak or withdraw, the
// chair's "call the next speaker" and "end the turn", and the projector's timer of the turn under way.
// The queue comes with the live updates (static/js/live.js hands each one over as "chibo:update"): drawn
// when it moved, otherwise its signature tells this page whether it missed a change (then it asks a poll).
(function () {
  "use strict";
  var section = document.getElementById("speakers");
  var panel = document.getElementById("speaker-queue");
  var list = document.getElementById("comments");
  if (!section || !panel) { return; }
  var note = document.getElementById("speaker-note");
  var mine = document.getElementById("speaker-mine");
  var offset = 0;  // the server's clock less this phone's, from the moment the queue was drawn

  function form(action) { return section.querySelector("form[data-speaker-action=" + action + "]"); }

  // What this user sees besides the queue: their place or the floor, which button, the chair's buttons.
  function refresh() {
    var drawn = panel.querySelector("[data-drawn-at]");
    if (drawn) { offset = (parseInt(drawn.dataset.drawnAt, 10) || Date.now()) - Date.now(); }
    var me = section.dataset.me;
    var speaking = panel.querySelector("[data-speaking]");
    var waiting = panel.querySelectorAll(".speaker-waiting > li");
    var place = 0;
    waiting.forEach(function (li, i) { if (me && li.dataset.member === me) { place = i + 1; } });
    var floor = !!(speaking && me && speaking.dataset.member === me);
    var ask = form("ask"), withdraw = form("withdraw"), next = form("next"), end = form("end");
    if (ask) { ask.hidden = place > 0 || floor; }
    if (withdraw) { withdraw.hidden = place === 0; }
    if (mine) {
      mine.textContent = floor ? section.dataset.msgFloor :
        place ? section.dataset.msgPlace.replace("{n}", place) : "";
    }
    if (next) { next.querySelector("button").disabled = waiting.length === 0; }
    if (end) { end.querySelector("button").disabled = !speaking; }
    tick();
  }

  // The signature only grows (each step adds one): a queue drawn before the one shown (an update that
  // arrives after the answer to this phone's own tap) is left aside.
  function number(signature) { return parseInt(signature, 10) || 0; }
  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var drawn = doc.querySelector("[data-queue-signature]");
    if (drawn && list && number(drawn.dataset.queueSignature) < number(list.dataset.speakers)) { return; }
    panel.innerHTML = html;
    if (drawn && list) { list.dataset.speakers = drawn.dataset.queueSignature; }
    refresh();
  }

  // How long the speaker has spoken, counted here from the turn's start as the server wrote it.
  function tick() {
    panel.querySelectorAll(".speaker-timer[data-since]").forEach(function (timer) {
      var seconds = Math.max(0, Math.floor((Date.now() + offset - parseInt(timer.dataset.since, 10)) / 1000));
      var text = Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
      if (timer.textContent !== text) { timer.textContent = text; }
    });
  }
  setInterval(tick, 1000);

  document.addEventListener("chibo:update", function (event) {
    var part = event.detail.querySelector("[data-part=speakers]");
    if (!part) { return; }
    if (part.querySelector("[data-queue-signature]")) { show(part.innerHTML); return; }
    var signature = part.dataset.signature;
    if (list && signature && number(signature) > number(list.dataset.speakers)) {
      document.dispatchEvent(new Event("chibo:poll"));  // a change this page did not see drawn
    }
  });

  chibo.tap(section, "form[data-speaker-action]", function (response) {
    if (response.status >= 500 || response.status === 403 || response.status === 404) {
      throw new Error(response.status);
    }
    return response.text().then(function (html) {
      var answer = new DOMParser().parseFromString(html, "text/html").getElementById("speakers-answer");
      if (!answer) { throw new Error("no answer"); }
      if (note) { note.textContent = answer.dataset.refusal || ""; }
      show(answer.innerHTML);
    });
  }, function () {
    if (note) { note.textContent = section.dataset.msgFailed || ""; }
  });

  refresh();
})();
