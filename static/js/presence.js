// Presence for people reading a section they cannot edit (members, for instance): who else has
// it open ("Sam is editing this section") and a notice when its text changes, as the editor
// shows them to those who edit (editor.js). Without this file the page works as it is drawn.
// Where the text is live (live-editor.js), there is no "changed since" notice: it is the latest,
// and the page's account of the section ("Last changed ... by", the revision count, the words:
// section-facts.js) follows the head instead.
//   POST   <presence url> {editing: false} -> {others: [{name, editing}], head_revision, ...}
//   DELETE <presence url>                   (when the page is left)
(function () {
  "use strict";

  var watch = document.querySelector("[data-watch]");
  if (!watch || !window.fetch) return;

  var url = watch.getAttribute("data-presence-url");
  var openedAt = watch.getAttribute("data-head") || "";
  var shownHead = openedAt; // the head the page's account of the section describes
  var presenceEl = watch.querySelector("[data-presence]");
  var staleEl = watch.querySelector("[data-stale]");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var EVERY = 15000;

  function send(method, body, extra) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
    };
    if (body !== undefined) options.body = JSON.stringify(body);
    if (extra) for (var key in extra) options[key] = extra[key];
    return fetch(url, options);
  }

  function sentence(names, verb) {
    if (names.length === 1) return names[0] + " " + verb[0];
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1] + " " + verb[1];
  }

  function showOthers(others) {
    if (!presenceEl) return;
    var editing = [];
    var viewing = [];
    others.forEach(function (person) { (person.editing ? editing : viewing).push(person.name); });
    var parts = [];
    if (editing.length) parts.push(sentence(editing, ["is editing this section.", "are editing this section."]));
    if (viewing.length) parts.push(sentence(viewing, ["has this section open.", "have this section open."]));
    var text = parts.join(" ");
    if (presenceEl.textContent !== text) presenceEl.textContent = text;
    presenceEl.hidden = !text;
  }

  function heartbeat() {
    if (navigator.onLine === false) return;
    send("POST", { editing: false })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (data) {
        if (!data) return;
        showOthers(data.others || []);
        var head = data.head_revision === null || data.head_revision === undefined ? "" : String(data.head_revision);
        // A live view (live-editor.js) shows the latest text already: say who changed it.
        var live = document.querySelector('[data-live-state="live"], [data-live-state="offline"]');
        if (live && head !== shownHead && window.ConsultSectionFacts) window.ConsultSectionFacts.show(data);
        if (live) shownHead = head;
        if (staleEl && head !== openedAt && !live) staleEl.hidden = false;
      })
      .catch(function () { /* offline: presence resumes with the connection */ });
  }

  window.addEventListener("pagehide", function () {
    if (navigator.onLine === false) return;
    try {
      send("DELETE", undefined, { keepalive: true }).catch(function () {});
    } catch (error) {
      /* leaving anyway */
    }
  });
  window.addEventListener("online", heartbeat);

  heartbeat();
  window.setInterval(heartbeat, EVERY);
})();
