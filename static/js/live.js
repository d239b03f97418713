// The live meeting on a phone or a projector: polls for new comments, and sends comments through an
// outbox kept in localStorage, so a comment typed without signal is sent when the connection returns.
// Every comment carries a client id made here; the server stores it once, so a retry never duplicates.
// A failed send is tried again after 1 s, 2 s, 4 s... capped at 60 s, each wait drawn between half and all
// of it (jitter: phones that lost the server together do not come back together); polls back off alike.
(function () {
  "use strict";
  var list = document.getElementById("comments");
  var form = document.getElementById("comment-form");
  var outbox = document.getElementById("outbox");
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]");

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  // The session ended: to the login page (static/js/taps.js); comments not yet sent wait in the outbox.
  var toLogin = chibo.toLogin;

  var BACKOFF_BASE = 1000, BACKOFF_CAP = 60000;
  // While the stream is up the phone still polls this often, for an update the stream could not number
  // (a publication skipped while Redis timed out): 2,000 phones cost 7 polls a second, not 33.
  var SAFETY_POLL = 300000;
  function backoff(failures, retryAfter) {
    var ceiling = Math.min(BACKOFF_CAP, BACKOFF_BASE * Math.pow(2, Math.max(0, failures - 1)));
    if (retryAfter > 0) { ceiling = Math.min(BACKOFF_CAP, Math.max(ceiling, retryAfter * 1000)); }
    return ceiling / 2 + Math.random() * ceiling / 2;
  }

  // --- Polling --------------------------------------------------------------------------------------
  if (list) {
    var polling = false, pollAgain = false, pollFailures = 0, pollNotBefore = 0, lastPoll = 0;
    // `wanted`: a poll asked for a reason (a gap, a missed publication) is made once more after one that
    // is out; the 3 s timer's are not (a slow server is not asked twice as often).
    var poll = function (wanted) {
      if (polling) { pollAgain = pollAgain || wanted === true; return; }
      if (document.hidden || Date.now() < pollNotBefore) { return; }
      polling = true;
      lastPoll = Date.now();
      var url = list.dataset.pollUrl + "?t=" + encodeURIComponent(list.dataset.token) +
        "&after=" + list.dataset.after + "&item=" + list.dataset.item + "&status=" + list.dataset.status +
        "&vote=" + encodeURIComponent(list.dataset.vote || "") + "&answers=" + (list.dataset.answers || "0") +
        (list.dataset.screen ? "&screen=1" : "");
      // --- speaker queue (static/js/speakers.js): its signature, so the poll answers when the queue moved ---
      if (list.dataset.speakers !== undefined) { url += "&speakers=" + encodeURIComponent(list.dataset.speakers); }
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (response.status >= 500) { throw new Error(response.status); }
          pollFailures = 0;
          // Every few minutes the server checks again that this user still sees the meeting and renews the
          // token (the stream opens with it too); a user who no longer does gets the page's own answer.
          var renewed = response.headers.get("X-Poll-Token");
          if (renewed) { list.dataset.token = renewed; }
          if (response.status === 200) { return response.text().then(apply); }
          if (response.status === 401) { return response.json().then(toLogin); }
          if (response.status === 403 || response.status === 404) { pollNotBefore = Infinity; window.location.reload(); }
        })
        .catch(function () { pollFailures += 1; pollNotBefore = Date.now() + backoff(pollFailures, 0); })
        .then(function () {
          polling = false;
          if (pollAgain) { pollAgain = false; setTimeout(poll, 0); }
        });
    };
    // An update, from the poll or pushed (then drawn once for every phone: no vote panel, no answer forms).
    var apply = function (html, pushed) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var update = doc.getElementById("live-update");
      if (!update) { return; }
      var statusChanged = update.dataset.status !== list.dataset.status;
      // The poll's cursor (data-after): every comment up to it is on this phone. A poll moves it to what it
      // brought; a pushed update only when it carries every comment from the cursor on (its `prev`, the
      // largest id below its comments it does not carry, is not beyond the cursor). Otherwise a publication
      // was lost (a worker killed after its commit while Redis was away): the phone polls from its cursor.
      var cursor = parseInt(list.dataset.after, 10) || 0, newest = 0, missed = false;
      // The chair's answers the phone has (the poll's, like the cursor): an answer changes a comment already
      // shown, so the poll compares their number and sends every answered question when it moved.
      if (!pushed) {
        cursor = Math.max(cursor, parseInt(update.dataset.last, 10) || 0);
        list.dataset.answers = update.dataset.answers || list.dataset.answers;
      }
      if (pushed && (update.dataset.vote || "") !== (list.dataset.vote || "")) { setTimeout(poll, 0); }
      if (update.dataset.item !== list.dataset.item) { followItem(update.dataset.item); }
      list.dataset.item = update.dataset.item;
      list.dataset.status = update.dataset.status;
      // The vote's panel is drawn for each user: an update without it (pushed to every phone alike) leaves
      // the phone's mark as it was, so the next poll brings the panel when the vote moved.
      var vote = update.querySelector("[data-part=vote]");
      if (vote) { showVote(vote.innerHTML); list.dataset.vote = update.dataset.vote || ""; }
      var current = document.getElementById("current-item");
      if (current) { current.innerHTML = update.querySelector("[data-part=current]").innerHTML; }
      var counts = document.getElementById("counts");
      if (counts) { counts.innerHTML = update.querySelector("[data-part=counts]").innerHTML; }
      // --- speaker queue (static/js/speakers.js): it draws the queue from the update ---
      document.dispatchEvent(new CustomEvent("chibo:update", { detail: update }));
      var empty = document.getElementById("no-comments");
      // An update is drawn once for every phone, without answer forms: on the chair's page (which carries
      // the form as a <template>) a question that arrives unanswered gets its own at once.
      var answerForm = document.getElementById("answer-form");
      var withAnswerForm = function (li) {
        if (!answerForm || !li.dataset.question || li.dataset.answered || li.querySelector("form")) { return li; }
        var form = answerForm.content.firstElementChild.cloneNode(true);
        form.action = form.getAttribute("action").replace(/\/0\/answer\/$/, "/" + li.dataset.id + "/answer/");
        form.querySelector("label").htmlFor = form.querySelector("input[name=answer]").id = "answer-" + li.dataset.id;
        li.appendChild(form);
        return li;
      };
      update.querySelectorAll("[data-part=comments] > li").forEach(function (li) {
        var shown = document.getElementById(li.id);
        newest = Math.max(newest, parseInt(li.dataset.id, 10) || 0);
        if (shown) {
          if (li.dataset.answered && !shown.dataset.answered) { shown.replaceWith(li); }  // the chair's answer
          return;
        }
        if (empty) { empty.remove(); empty = null; }
        withAnswerForm(li);
        if (list.dataset.newestFirst) { list.insertBefore(li, list.firstChild); } else { list.appendChild(li); }
      });
      if (newest) {
        if (!pushed || (parseInt(update.dataset.prev, 10) || 0) <= cursor) { cursor = Math.max(cursor, newest); }
        else { missed = true; }
      }
      list.dataset.after = cursor;
      if (missed) { setTimeout(function () { poll(true); }, 0); }
      if (statusChanged && update.dataset.status !== "in_progress") { window.location.reload(); }
    };

    // --- Push (Server-Sent Events), where the server offers it (data-stream-url) ---------------------
    // The stream brings each change as it happens (meetings/push.py → chibo/push.py). While it is up the
    // phone polls only to fill a gap in the numbered updates, when a vote moved, and every five minutes
    // for safety; while it is down (Redis away, a proxy that cuts streams, a browser without EventSource) the
    // phone polls every 3 s as before, and tries the stream again later.
    var streamUrl = list.dataset.streamUrl, streaming = false, lastSeq = null, streamFailures = 0;
    var openStream = function () {
      if (!streamUrl || !window.EventSource) { return; }
      var source = new EventSource(streamUrl + "?t=" + encodeURIComponent(list.dataset.token));
      source.addEventListener("hello", function (event) {
        streaming = true;
        list.dataset.transport = "stream";
        streamFailures = 0;
        lastSeq = parseInt(event.data, 10) || 0;
        poll(true);  // what was said between this page and its stream
      });
      source.addEventListener("update", function (event) {
        var seq = parseInt(event.lastEventId, 10) || 0, data;
        try { data = JSON.parse(event.data); } catch (e) { poll(); return; }
        var gap = lastSeq !== null && seq > lastSeq + 1;
        lastSeq = Math.max(lastSeq || 0, seq);
        apply(data.html, true);
        if (gap) { poll(true); }
      });
      source.addEventListener("error", function () {
        streaming = false;  // the browser reconnects by itself after a cut; the phone polls meanwhile
        list.dataset.transport = "poll";
        if (source.readyState === EventSource.CLOSED) {  // refused (Redis away: 503): try again later
          streamFailures += 1;
          setTimeout(openStream, 3000 + backoff(streamFailures, 0));
        }
      });
    };
    openStream();
    setInterval(function () { if (!streaming || Date.now() - lastPoll > SAFETY_POLL) { poll(); } }, 3000);
    document.addEventListener("visibilitychange", poll);
    document.addEventListener("chibo:poll", poll);  // speaker queue (static/js/speakers.js): a queue it missed
    // A comment just sent comes back on the stream like everyone's; without a stream the poll fetches it.
    document.addEventListener("chibo:sent", function () { if (!streaming) { poll(); } });
  }

  // --- Votes on phones -----------------------------------------------------------------------------
  // The vote's panel comes with the poll when the tally moves; a tap is sent at once and answered with the
  // panel drawn again (the choice counted, or why not). A second tap while the first is on its way is
  // ignored here, and the server counts a member once anyway.
  var panel = document.getElementById("phone-vote");
  function showVote(html) {
    if (!panel) { return; }
    panel.innerHTML = html;
    var card = panel.querySelector("[data-vote-signature]");
    if (card && list) { list.dataset.vote = card.dataset.voteSignature; }
  }
  if (panel) {
    chibo.tap(document, "form[data-ballot]", function (response) {
      if (response.status >= 500) { throw new Error(response.status); }
      return response.text().then(showVote);
    }, function () {
      var state = panel.querySelector("[data-vote-note]");
      if (state) { state.textContent = panel.dataset.msgFailed; }
    });
  }

  // The comment goes to the item chosen; the choice follows the item under discussion until the member
  // picks another one.
  // The whole title of the item chosen is written under the list, which shows only its start on a phone.
  var itemChoice = form ? form.querySelector("[name=agenda_item]") : null;
  var itemTitle = itemChoice ? document.getElementById(itemChoice.id + "_helptext") : null;
  function showItemTitle() {
    var option = itemChoice.options[itemChoice.selectedIndex];
    if (itemTitle) { itemTitle.textContent = option ? option.text : ""; }
  }
  if (itemChoice) {
    itemChoice.addEventListener("change", function () { itemChoice.dataset.chosen = "1"; showItemTitle(); });
    showItemTitle();
  }
  function followItem(item) {
    if (itemChoice && !itemChoice.dataset.chosen && item) { itemChoice.value = item; showItemTitle(); }
  }

  // --- Outbox ---------------------------------------------------------------------------------------
  if (!form) { return; }
  var key = form.dataset.outboxKey;
  var load = function () {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  };
  var save = function (items) { localStorage.setItem(key, JSON.stringify(items)); };

  var render = function () {
    outbox.innerHTML = "";
    load().forEach(function (item) {
      var li = document.createElement("li");
      li.dataset.clientId = item.client_id;
      if (item.error) { li.className = "failed"; }
      var text = document.createElement("div");
      text.className = "pre-line";
      text.textContent = item.text;
      var state = document.createElement("div");
      state.className = "small";
      state.textContent = item.error ? form.dataset.msgFailed + ": " + item.error :
        !navigator.onLine ? form.dataset.msgOffline :
        failures ? form.dataset.msgRetrying.replace("{seconds}", Math.ceil(Math.max(0, retryAt - Date.now()) / 1000)) :
        form.dataset.msgSending;
      li.appendChild(text);
      li.appendChild(state);
      if (item.error) {
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-sm btn-outline-secondary mt-1";
        discard.textContent = form.dataset.msgDiscard;
        discard.addEventListener("click", function () {
          save(load().filter(function (other) { return other.client_id !== item.client_id; }));
          render();
        });
        li.appendChild(discard);
      }
      outbox.appendChild(li);
    });
  };

  var sending = false, failures = 0, retryAt = 0, retryTimer = null;
  var retryLater = function (retryAfter) {
    failures += 1;
    retryAt = Date.now() + backoff(failures, retryAfter);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryAt - Date.now());
  };
  var flush = function (now) {
    var queue = load().filter(function (item) { return !item.error; });
    if (sending || !queue.length || (now !== true && Date.now() < retryAt)) { return; }
    // The phone says it has no connection (a phone says so only when it has none): nothing to try; the
    // "online" event below sends the outbox when the connection returns.
    if (navigator.onLine === false) { render(); return; }
    sending = true;
    var item = queue[0];
    var body = new FormData();
    Object.keys(item).forEach(function (name) { if (name !== "error") { body.append(name, item[name]); } });
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : "" }
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) {
        // The server is down or busy (503 names a wait): the item stays in the outbox.
        retryLater(parseInt(response.headers.get("Retry-After"), 10) || 0);
        return;
      }
      return response.json().then(function (data) {
        if (response.status === 401) { toLogin(data); return; }
        var items = load();
        failures = 0;
        retryAt = 0;
        if (response.ok) {
          items = items.filter(function (other) { return other.client_id !== item.client_id; });
          document.dispatchEvent(new Event("chibo:sent"));
        } else if (response.status >= 400 && response.status < 500) {
          items.forEach(function (other) { if (other.client_id === item.client_id) { other.error = data.error || response.status; } });
        }
        save(items);
      });
    }).catch(function () { retryLater(0); /* no connection: the item stays in the outbox */ })
      .then(function () {
        sending = false;
        render();
        if (!failures && load().some(function (i) { return !i.error; })) { setTimeout(flush, 0); }
      });
  };

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var text = (data.get("text") || "").trim();
    if (!text) { form.querySelector("[name=text]").focus(); return; }
    var item = {
      client_id: uuid(), text: text, kind: data.get("kind") || "opinion",
      agenda_item: data.get("agenda_item") || (list ? list.dataset.item : "")
    };
    ["speaker", "speaker_name"].forEach(function (name) { if (data.get(name)) { item[name] = data.get(name); } });
    var items = load();
    items.push(item);
    save(items);
    form.querySelector("[name=text]").value = "";
    if (form.querySelector("[name=speaker_name]")) { form.querySelector("[name=speaker_name]").value = ""; }
    render();
    flush(true);  // what was just typed is tried at once; the backoff then goes on
  });
  window.addEventListener("online", function () { flush(true); });
  setInterval(flush, 5000);
  render();
  flush();
})();
