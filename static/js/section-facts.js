// The page's account of a section, kept up to date while it stays open: "Last changed ... by",
// the history link's revision count, the section's words in the sidebar and the response's
// total there. The server draws them when the page opens; editor.js passes each save's answer
// here, and where the text is live (it changes without anyone on this page saving) editor.js
// and presence.js pass the presence heartbeat's account of the head. "3 minutes ago" keeps
// counting meanwhile. Without this file the page keeps what the server drew.
//   window.ConsultSectionFacts.show({revision_number, word_count, changed_at, changed_by})
(function () {
  "use strict";

  var lastChangedEl = document.querySelector("[data-last-changed]");
  var historyEl = document.querySelector("[data-history]");
  var navWordsEl = document.querySelector("[data-nav-words]");
  var totalEl = document.querySelector("[data-total]");

  function number(value) {
    return value.toLocaleString("en-GB");
  }

  function intAttribute(element, name) {
    return parseInt(element.getAttribute(name) || "0", 10) || 0;
  }

  // The same words and classes as the word_count macro in drafting/_macros.html.
  function wordCountSpan(count, limit) {
    var span = document.createElement("span");
    span.className = "word-count" + (limit && count > limit ? " word-count--over" : "");
    if (!limit) {
      span.textContent = number(count) + " word" + (count === 1 ? "" : "s");
      return span;
    }
    span.textContent = number(count) + " of " + number(limit) + " words";
    if (count > limit) {
      var over = document.createElement("span");
      over.className = "word-count__over";
      over.textContent = ": " + number(count - limit) + " over";
      span.appendChild(over);
    }
    return span;
  }

  function replaceCount(container, count, limit) {
    var fresh = wordCountSpan(count, limit);
    var old = container.querySelector(".word-count");
    if (old) old.parentNode.replaceChild(fresh, old);
    else container.appendChild(fresh);
  }

  // "3 minutes ago"; null when older than a day (the date the server wrote stays).
  function agoText(date) {
    var seconds = Math.floor((Date.now() - date.getTime()) / 1000);
    if (seconds < 60) return "just now";
    if (seconds < 3600) {
      var minutes = Math.floor(seconds / 60);
      return minutes + " minute" + (minutes === 1 ? "" : "s") + " ago";
    }
    if (seconds < 86400) {
      var hours = Math.floor(seconds / 3600);
      return hours + " hour" + (hours === 1 ? "" : "s") + " ago";
    }
    return null;
  }

  function showLastChanged(at, by) {
    var when = at ? new Date(at) : new Date();
    if (isNaN(when.getTime())) when = new Date();
    var time = document.createElement("time");
    time.setAttribute("datetime", at || when.toISOString());
    time.setAttribute("data-ago", "");
    time.title = when.toLocaleString("en-GB", {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
    time.textContent = agoText(when) || time.title;
    lastChangedEl.textContent = "Last changed ";
    lastChangedEl.appendChild(time);
    if (by) {
      var who = document.createElement("strong");
      who.textContent = by;
      lastChangedEl.appendChild(document.createTextNode(" by "));
      lastChangedEl.appendChild(who);
    }
  }

  function show(facts) {
    if (lastChangedEl) showLastChanged(facts.changed_at, facts.changed_by);
    if (historyEl && typeof facts.revision_number === "number") {
      var revisions = facts.revision_number;
      historyEl.textContent = "History (" + number(revisions) + " revision" + (revisions === 1 ? "" : "s") + ")";
    }
    if (typeof facts.word_count === "number") {
      if (navWordsEl) replaceCount(navWordsEl, facts.word_count, intAttribute(navWordsEl, "data-limit"));
      if (totalEl) {
        var total =
          intAttribute(totalEl, "data-total-words") - intAttribute(totalEl, "data-section-words") + facts.word_count;
        totalEl.setAttribute("data-total-words", String(total));
        totalEl.setAttribute("data-section-words", String(facts.word_count));
        replaceCount(totalEl, total, intAttribute(totalEl, "data-limit"));
      }
    }
  }

  function refreshTimes() {
    var times = document.querySelectorAll("time[data-ago]");
    for (var i = 0; i < times.length; i++) {
      var date = new Date(times[i].getAttribute("datetime"));
      var text = isNaN(date.getTime()) ? null : agoText(date);
      if (text && times[i].textContent !== text) times[i].textContent = text;
    }
  }

  window.setInterval(refreshTimes, 30000);
  window.ConsultSectionFacts = { show: show };
})();
