// The section editor's enhancements: a live preview rendered by the server, autosave that
// keeps unsaved text in this browser until the server has it, and presence. (The Markdown
// toolbar is md-toolbar.js.)
//
// Autosave sends the text when typing pauses (SAVE_DELAY) and, while typing goes on, at the
// latest SAVE_EVERY after the first change it has not sent. When a save clashes (someone else
// changed the same part), the editor stays put: the person goes on typing, a notice offers the
// clash screen, and autosave stops (each save would only clash again). What they type is kept
// in this browser; "Compare and resolve" (or Save) first sends it to the server naming the
// clash, which keeps it as a newer clash replacing the first, then opens the clash screen.
//
// With live co-editing (the form has data-live-url and live-editor.js runs), autosave waits
// while live-editor.js connects: once it is live ("live:ready") the shared document saves
// every change and this file keeps only the preview, the word count and presence; if it
// cannot connect ("live:ended", reason "unavailable") autosave goes on as below.
//
// The page works without this file: the form posts to the server, which merges concurrent
// edits or shows the conflict screen. This file uses the same rules through the JSON API
// (and merge-lines.js for typing that went on while a save was on its way):
//   PUT  /api/v1/responses/<id>/sections/<id>           {body, choice?, base_revision, clash?}
//   POST /api/v1/preview                                {body} -> {html, word_count}
//   POST /api/v1/responses/<id>/sections/<id>/presence  {editing} -> {others, head_revision}
(function () {
  "use strict";

  var form = document.querySelector("form[data-editor]");
  if (!form || !window.fetch) return;

  var textarea = form.querySelector("[data-body]");
  var baseInput = form.querySelector("[data-base]");
  var stateEl = form.querySelector("[data-save-state]");
  var countEl = form.querySelector("[data-count]");
  var choiceInputs = form.querySelectorAll('input[name="choice"]');
  var previewPanel = document.querySelector("[data-preview]");
  var previewBody = document.querySelector("[data-preview-body]");
  var presenceEl = document.querySelector("[data-presence]");
  var staleEl = document.querySelector("[data-stale]");
  var mergedEl = document.querySelector("[data-merged]");
  var restoreEl = document.querySelector("[data-restore]");
  var clashEl = document.querySelector("[data-clash]");

  var sectionId = form.getAttribute("data-section");
  var saveUrl = form.getAttribute("data-save-url");
  var presenceUrl = form.getAttribute("data-presence-url");
  var previewUrl = form.getAttribute("data-preview-url");
  var wordLimit = parseInt(form.getAttribute("data-word-limit") || "0", 10) || 0;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfInput = form.querySelector('input[name="csrf_token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : csrfInput ? csrfInput.value : "";

  var SAVE_DELAY = 1500; // after typing pauses
  var SAVE_EVERY = 5000; // and at the latest this long after a change, while typing goes on
  var PREVIEW_DELAY = 500;
  var PRESENCE_EVERY = 15000;
  var RETRY_FIRST = 2000;
  var RETRY_MAX = 30000;
  // One person's drafts of one section (a shared computer's next user is never offered them;
  // app.js forgets them all on log-out).
  var STORAGE_PREFIX =
    "consult-draft:user-" + (form.getAttribute("data-user-id") || "") + ":section-" + sectionId + ":base-";

  // --- small helpers ------------------------------------------------------------------------

  function currentChoice() {
    if (!choiceInputs.length) return undefined; // not a closed question: leave the choice alone
    var checked = form.querySelector('input[name="choice"]:checked');
    return checked ? checked.value : null;
  }

  // The closed answer as the server rendered it (not as it may have been changed since).
  function renderedChoice() {
    if (!choiceInputs.length) return undefined;
    for (var i = 0; i < choiceInputs.length; i++) {
      if (choiceInputs[i].defaultChecked) return choiceInputs[i].value;
    }
    return null;
  }

  function setChoice(value) {
    for (var i = 0; i < choiceInputs.length; i++) {
      choiceInputs[i].checked = choiceInputs[i].value === value;
    }
  }

  function currentBase() {
    return baseInput.value ? parseInt(baseInput.value, 10) : null;
  }

  function request(method, url, payload, extra) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken,
      },
    };
    if (payload !== undefined) options.body = JSON.stringify(payload);
    if (extra) for (var key in extra) options[key] = extra[key];
    return fetch(url, options).then(function (response) {
      return response
        .json()
        .catch(function () { return {}; })
        .then(function (data) { return { status: response.status, data: data || {} }; });
    });
  }

  function setState(state, text) {
    if (!stateEl || live !== "off") return; // live-editor.js tells the state meanwhile
    stateEl.setAttribute("data-state", state);
    if (stateEl.textContent !== text) stateEl.textContent = text;
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  // Words as the server counts them (markdown.word_count): link targets and footnote markers
  // do not count. The server's own count replaces this one with each preview.
  function countWords(text) {
    text = text.replace(/\]\((?:[^()]|\([^()]*\))*\)/g, "]").replace(/\[\^[^\[\]\s]+\]/g, "");
    var tokens = text.match(/[\p{L}\p{N}\p{M}_\u2019'-]+/gu) || [];
    return tokens.filter(function (token) { return /[\p{L}\p{N}]/u.test(token); }).length;
  }

  function showCount(count) {
    if (!countEl) return;
    var text = count.toLocaleString("en-GB") + " word" + (count === 1 ? "" : "s");
    if (wordLimit) {
      text = count.toLocaleString("en-GB") + " of " + wordLimit.toLocaleString("en-GB") + " words";
      if (count > wordLimit) text += ": " + (count - wordLimit).toLocaleString("en-GB") + " over";
    }
    countEl.textContent = text;
    countEl.classList.toggle("word-count--over", Boolean(wordLimit && count > wordLimit));
  }

  // --- the page's account of the section, kept up to date after each save -------------------
  // (section-facts.js draws it: "Last changed ... by", the revision count, the words.)

  var userName = form.getAttribute("data-user-name") || "";
  var historyEl = document.querySelector("[data-history]");
  var facts = window.ConsultSectionFacts || { show: function () {} };
  var shownHead = baseInput.value; // the head the page describes

  function showSaved(data) {
    if (data.unchanged) return; // the head is the one the page already describes
    shownHead = data.head_revision === null || data.head_revision === undefined ? "" : String(data.head_revision);
    facts.show({
      revision_number: data.revision_number,
      word_count: data.word_count,
      changed_at: data.updated_at,
      changed_by: userName,
    });
  }

  // Live, the text changes without a save here: the heartbeat tells what the head is now.
  function showHead(data) {
    var head = data.head_revision === null || data.head_revision === undefined ? "" : String(data.head_revision);
    if (head === shownHead) return;
    shownHead = head;
    facts.show(data);
  }

  // --- text kept in this browser until the server confirms it -------------------------------

  function storageKey(base) {
    return STORAGE_PREFIX + (base === null ? "none" : base);
  }

  function keepLocally() {
    if (live === "live" || live === "lost") return; // the shared document keeps the text
    if (live === "waiting") keptWhileWaiting = true;
    try {
      window.localStorage.setItem(
        storageKey(currentBase()),
        JSON.stringify({
          body: textarea.value,
          choice: currentChoice() === undefined ? null : currentChoice(),
          base: currentBase(),
          clash: clash ? clash.revision : null, // the open clash this text belongs to
          at: Date.now(),
        })
      );
    } catch (error) {
      // Storage full or disabled: autosave still works, only the offline copy is missing.
    }
  }

  function forgetLocally(base) {
    try {
      window.localStorage.removeItem(storageKey(base));
    } catch (error) {
      /* nothing kept */
    }
  }

  function keptEntries() {
    var entries = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(STORAGE_PREFIX) === 0) {
          var entry = JSON.parse(window.localStorage.getItem(key));
          if (entry && typeof entry.body === "string") {
            entry.key = key;
            entries.push(entry);
          }
        }
      }
    } catch (error) {
      return [];
    }
    return entries;
  }

  // --- autosave -----------------------------------------------------------------------------

  var unsavedOnLoad = form.hasAttribute("data-unsaved");
  // What the server holds is what it rendered (defaultValue, defaultChecked), not what the
  // fields hold when this script starts: someone may have typed before it ran (a slow phone),
  // and that text must count as unsaved, or "Save" would say Saved and send nothing.
  var server = { body: unsavedOnLoad ? null : textarea.defaultValue, choice: renderedChoice() };
  var inFlight = null;
  var saveTimer = null;
  var retryTimer = null;
  var retryDelay = 0;
  var offline = false;
  var leaving = false;
  var apiMissing = false;
  var lastTyped = 0;
  var unsentSince = 0; // when the oldest change not yet sent was made (0: none)
  // The open clash of this editing session: {revision, number, url}. While there is one, the
  // base stays the revision the clashing text was made from, and saves name the clash.
  var clash = null;
  var restoredClash = null; // the clash a text offered back from this browser belonged to
  // Live co-editing: "waiting" (live-editor.js is connecting), "live", "lost" (access ended:
  // nothing is saved) or "off" (autosave, as without it).
  var live = form.hasAttribute("data-live-url") && "WebSocket" in window ? "waiting" : "off";
  var openingClash = false; // the person asked for the clash screen: go once the server has it

  function dirty() {
    var choice = currentChoice();
    return textarea.value !== server.body || (choice !== undefined && choice !== server.choice);
  }

  function scheduleSave(delay) {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, delay);
  }

  // A pause of SAVE_DELAY, but never later than SAVE_EVERY after the oldest unsent change.
  function nextSaveDelay() {
    if (!unsentSince) return SAVE_DELAY;
    return Math.max(0, Math.min(SAVE_DELAY, unsentSince + SAVE_EVERY - Date.now()));
  }

  function retryLater() {
    window.clearTimeout(retryTimer);
    retryDelay = retryDelay ? Math.min(retryDelay * 2, RETRY_MAX) : RETRY_FIRST;
    retryTimer = window.setTimeout(save, retryDelay);
  }

  function edited() {
    lastTyped = Date.now();
    if (live === "live" || live === "lost") {
      schedulePreview();
      showCount(countWords(textarea.value));
      return;
    }
    if (dirty()) {
      if (!unsentSince) unsentSince = lastTyped;
      keepLocally();
      if (clash) setState("clash", "Not saved yet: kept in this browser until you resolve the clash");
      else if (offline) setState("offline", "Offline: kept in this browser");
      else if (!inFlight) setState("pending", "Not saved yet");
    }
    show(staleEl, false);
    if (!clash && live === "off") scheduleSave(nextSaveDelay());
    schedulePreview();
    showCount(countWords(textarea.value));
  }

  function save() {
    window.clearTimeout(saveTimer);
    window.clearTimeout(retryTimer);
    if (leaving || apiMissing || live !== "off") return;
    if (inFlight) return; // its answer schedules the next save
    if (!dirty()) {
      if (stateEl && stateEl.getAttribute("data-state") === "pending") setState("saved", "Saved");
      return;
    }
    if (navigator.onLine === false) {
      // No connection at all: keep the text here and save when the browser is back online.
      offline = true;
      keepLocally();
      setState("offline", "Offline: kept in this browser");
      return;
    }
    var sent = { body: textarea.value, choice: currentChoice(), base: currentBase() };
    var payload = { body: sent.body, base_revision: sent.base };
    if (sent.choice !== undefined) payload.choice = sent.choice;
    var named = clash ? clash.revision : restoredClash;
    if (named) payload.clash = named;
    inFlight = sent;
    unsentSince = 0;
    setState("saving", clash ? "Sending your latest text..." : "Saving...");
    request("PUT", saveUrl, payload).then(
      function (reply) { answered(sent, reply); },
      function () { failed(sent, "Offline: kept in this browser"); }
    );
  }

  function leaveFor(url) {
    leaving = true;
    window.location.assign(url);
  }

  // The server kept `sent` as a clash: stay in the editor with everything typed, and say so.
  function enterClash(sent, data) {
    var conflict = data.conflict || {};
    clash = {
      revision: conflict.your_revision,
      number: conflict.your_revision_number,
      url: data.resolve_url || conflict.resolve_url,
    };
    restoredClash = null;
    window.clearTimeout(saveTimer);
    window.clearTimeout(retryTimer);
    server = { body: sent.body, choice: sent.choice }; // the server holds this, as the clash
    if (dirty()) keepLocally(); // typed since it left: kept here until the clash is resolved
    else forgetLocally(sent.base);
    if (clashEl) {
      var numberEl = clashEl.querySelector("[data-clash-number]");
      if (numberEl) numberEl.textContent = clash.number ? String(clash.number) : "";
    }
    show(mergedEl, false);
    show(staleEl, false);
    show(clashEl, true);
    setState("clash", "Kept on the server as a clash: see the notice above");
    if (historyEl && typeof clash.number === "number") {
      historyEl.textContent = "History (" + clash.number.toLocaleString("en-GB") + " revisions)";
    }
  }

  // "Compare and resolve" (or Save) while there is a clash: the latest text first, then go.
  function openClash() {
    if (!clash) return;
    if (live !== "off") {
      leaveFor(clash.url); // the shared text is saved as it is typed: nothing to send first
      return;
    }
    openingClash = true;
    if (inFlight) return; // its answer carries on
    if (dirty()) save();
    else leaveFor(clash.url);
  }

  function answered(sent, reply) {
    inFlight = null;
    var data = reply.data;
    if (reply.status === 200) {
      offline = false;
      retryDelay = 0;
      forgetLocally(sent.base);
      var resolved = Boolean(clash); // the latest text merged cleanly: the clash is resolved
      clash = null;
      restoredClash = null;
      openingClash = false;
      show(clashEl, false);
      var head = data.head_revision;
      var merged = typeof data.body === "string" ? data.body : sent.body;
      var mergedChoice = data.choice !== undefined ? data.choice : sent.choice;
      baseInput.value = head === null || head === undefined ? "" : String(head);
      if (data.merged) {
        if (textarea.value === sent.body) {
          replaceText(merged);
        } else {
          var combined = window.ConsultMerge ? window.ConsultMerge.mergeThree(sent.body, textarea.value, merged) : null;
          if (combined === null) {
            baseInput.value = sent.base === null ? "" : String(sent.base); // let the server judge
          } else {
            replaceText(combined);
          }
        }
        if (choiceInputs.length && currentChoice() === sent.choice) setChoice(mergedChoice);
        show(mergedEl, true);
      }
      server = { body: merged, choice: choiceInputs.length ? mergedChoice : undefined };
      if (dirty()) {
        keepLocally();
        setState("pending", "Not saved yet");
        scheduleSave(nextSaveDelay());
      } else if (resolved) {
        setState("saved", "Saved: the clash is resolved");
      } else {
        setState("saved", data.merged ? "Saved: merged with someone else's changes" : "Saved");
      }
      show(staleEl, false);
      showSaved(data);
      return;
    }
    var code = data.error && data.error.code;
    if (reply.status === 409 && code === "edit_conflict") {
      enterClash(sent, data);
      if (openingClash) {
        if (dirty()) save(); // typed while that was sent: send it too, then go
        else leaveFor(clash.url);
      }
      return;
    }
    if (reply.status === 409 && code === "clash_settled") {
      // Settled meanwhile (in another tab, or by a coordinator): save as any other text,
      // from the same base; if it still overlaps, that makes a new clash.
      clash = null;
      restoredClash = null;
      show(clashEl, false);
      save();
      return;
    }
    if (reply.status >= 500 || reply.status === 429 || reply.status === 0) {
      failed(sent, "Not saved yet: kept in this browser, trying again");
      return;
    }
    if (reply.status === 404 || reply.status === 405) {
      // No autosave here (or the section is gone): "Save" posts the form instead.
      apiMissing = true;
      keepLocally();
      setState("error", "Not saved automatically: press Save. Your text is kept in this browser.");
      return;
    }
    var message = (data.error && data.error.message) || "The server refused this save.";
    if (data.error && data.error.fields) {
      var fields = [];
      for (var name in data.error.fields) fields.push(data.error.fields[name]);
      if (fields.length) message = fields.join(" ");
    }
    if (reply.status === 401) message = "You are logged out. Log in again in another tab.";
    if (reply.status === 400 && data.error && data.error.code === "csrf_failed") {
      message = "This page has expired. Copy your text, then reload the page.";
    }
    keepLocally();
    setState("error", "Not saved: " + message + " Your text is kept in this browser.");
  }

  function failed(sent, text) {
    inFlight = null;
    offline = true;
    keepLocally();
    setState("offline", text);
    retryLater();
  }

  function replaceText(text) {
    if (textarea.value === text) return;
    var atEnd = textarea.selectionStart === textarea.value.length;
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    textarea.value = text;
    if (atEnd) textarea.setSelectionRange(text.length, text.length);
    else textarea.setSelectionRange(Math.min(start, text.length), Math.min(end, text.length));
    schedulePreview();
    showCount(countWords(text));
  }

  window.addEventListener("online", function () {
    if (live !== "off") return;
    retryDelay = 0;
    if (dirty() && (!clash || openingClash)) save();
    heartbeat();
  });
  window.addEventListener("offline", function () {
    if (live !== "off") return;
    offline = true;
    if (dirty()) setState("offline", "Offline: kept in this browser");
  });

  textarea.addEventListener("input", edited);
  for (var c = 0; c < choiceInputs.length; c++) choiceInputs[c].addEventListener("change", edited);

  // "Save" saves now through the same path; with no API to talk to, the form posts as usual.
  form.addEventListener("submit", function (event) {
    if (live !== "off") {
      event.preventDefault(); // live: every change is saved as it is typed; waiting: soon either way
      return;
    }
    if (!saveUrl || apiMissing) return;
    event.preventDefault();
    retryDelay = 0;
    if (clash) {
      openClash();
      return;
    }
    if (!dirty() && !inFlight) {
      setState("saved", "Saved");
      return;
    }
    save();
  });

  // --- offer back text that this browser kept but the server never got --------------------

  function offerKeptText() {
    var entries = keptEntries().filter(function (entry) {
      var sameChoice = !choiceInputs.length || (entry.choice || null) === (currentChoice() || null);
      if (entry.body === textarea.value && sameChoice) {
        forgetLocally(entry.base); // the server has it
        return false;
      }
      return true;
    });
    if (!entries.length || !restoreEl) return;
    entries.sort(function (x, y) { return (y.at || 0) - (x.at || 0); });
    var latest = entries[0];
    var when = restoreEl.querySelector("[data-restore-when]");
    if (when && latest.at) {
      when.textContent = new Date(latest.at).toLocaleString("en-GB", {
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      });
    }
    var excerpt = restoreEl.querySelector("[data-restore-excerpt]");
    if (excerpt) {
      var words = latest.body.trim();
      excerpt.textContent = words.length > 280 ? words.slice(0, 280) + "…" : words || "(empty text)";
    }
    show(restoreEl, true);
    restoreEl.querySelector("[data-restore-apply]").addEventListener("click", function () {
      show(restoreEl, false);
      if (live === "live") {
        restoreLive(latest, entries);
        return;
      }
      entries.forEach(function (entry) { forgetLocally(entry.base); });
      textarea.value = latest.body;
      if (choiceInputs.length) setChoice(latest.choice);
      // Saved from the revision it was written on, so the server merges it with what came since
      // (and, if it was the text of a clash still open, in place of that clash).
      baseInput.value = latest.base === null || latest.base === undefined ? "" : String(latest.base);
      restoredClash = latest.clash || null;
      textarea.focus();
      edited();
      save();
    });
    restoreEl.querySelector("[data-restore-discard]").addEventListener("click", function () {
      entries.forEach(function (entry) { forgetLocally(entry.base); });
      show(restoreEl, false);
      if (live === "live") liveSurface.focus();
      else textarea.focus();
    });
  }

  // Live, the kept text is saved from the revision it was written on too, never put in place
  // of the shared text: others may have written since. The server merges it three ways (the
  // text it started from, it, the head, which holds the live words) and sends the result into
  // the shared text as the smallest change; where both changed the same part it keeps it as a
  // clash, to compare on the clash screen. Kept here until the server has it.
  function restoreLive(latest, entries) {
    var payload = { body: latest.body, base_revision: latest.base === undefined ? null : latest.base };
    if (choiceInputs.length) payload.choice = latest.choice;
    if (latest.clash) payload.clash = latest.clash;
    request("PUT", saveUrl, payload).then(
      function (reply) {
        var code = reply.data.error && reply.data.error.code;
        if (reply.status === 200) {
          show(mergedEl, Boolean(reply.data.merged));
        } else if (reply.status === 409 && code === "edit_conflict") {
          enterClash({ body: textarea.value, choice: currentChoice(), base: latest.base }, reply.data);
        } else {
          show(restoreEl, true); // refused or offline: still offered, still kept
          return;
        }
        entries.forEach(function (entry) { forgetLocally(entry.base); });
        liveSurface.focus();
      },
      function () { show(restoreEl, true); }
    );
  }

  // --- live preview -------------------------------------------------------------------------

  var previewTimer = null;
  var previewNumber = 0;

  function schedulePreview() {
    if (!previewUrl || !previewBody) return;
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(renderPreview, PREVIEW_DELAY);
  }

  function renderPreview() {
    if (navigator.onLine === false) return;
    var number = ++previewNumber;
    request("POST", previewUrl, { body: textarea.value }).then(
      function (reply) {
        if (number !== previewNumber) return;
        if (reply.status === 413 || reply.status === 422) {
          // Too long to preview (or to save): say so instead of showing an old preview.
          var error = reply.data.error || {};
          var fields = error.fields || {};
          var note = document.createElement("p");
          note.className = "preview-panel__refused";
          note.textContent = "No preview: " + (fields.body || error.message || "the text was refused.");
          previewBody.replaceChildren(note);
          show(previewPanel, true);
          return;
        }
        if (reply.status !== 200) return;
        // Sanitised by the server's one renderer (nh3 allow-list), like every rendered text.
        previewBody.innerHTML = reply.data.html || "";
        show(previewPanel, true);
        if (typeof reply.data.word_count === "number") showCount(reply.data.word_count);
      },
      function () { /* offline: the preview waits for the next change */ }
    );
  }

  // --- presence -----------------------------------------------------------------------------

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
    show(presenceEl, Boolean(text));
  }

  function heartbeat() {
    if (!presenceUrl || leaving || live === "lost" || navigator.onLine === false) return;
    var editing = (live === "off" && (dirty() || Boolean(inFlight))) || Date.now() - lastTyped < 30000;
    request("POST", presenceUrl, { editing: editing }).then(
      function (reply) {
        if (reply.status !== 200) return;
        // Live, the shared text is always the latest, and the live state names who is here.
        if (live === "live" || live === "lost") {
          showHead(reply.data);
          return;
        }
        showOthers(reply.data.others || []);
        var head = reply.data.head_revision;
        var changed = head !== null && head !== undefined && String(head) !== baseInput.value;
        // With unsaved changes autosave merges; without, say the text moved on.
        show(staleEl, changed && !dirty() && !inFlight && !clash);
      },
      function () { /* offline: presence resumes with the connection */ }
    );
  }

  window.addEventListener("pagehide", function () {
    if (!presenceUrl || navigator.onLine === false) return;
    try {
      request("DELETE", presenceUrl, undefined, { keepalive: true }).catch(function () {});
    } catch (error) {
      /* leaving anyway */
    }
  });

  // --- live co-editing (live-editor.js) ------------------------------------------------------

  var liveSurface = null; // the live editor, as md-toolbar.js also edits it
  var keptWhileWaiting = false;

  // Autosave as without live co-editing; anything typed while waiting is saved now.
  function saveAsBefore() {
    live = "off";
    if (dirty()) edited();
  }

  form.addEventListener("live:ready", function (event) {
    live = "live";
    liveSurface = event.detail.surface;
    window.clearTimeout(saveTimer);
    window.clearTimeout(retryTimer);
    // What was typed while waiting is in the shared text now: nothing to offer back later.
    if (keptWhileWaiting) forgetLocally(currentBase());
    show(staleEl, false);
    show(presenceEl, false); // the live state names who is here
  });
  form.addEventListener("live:ended", function (event) {
    if (event.detail && event.detail.reason === "lost") live = "lost";
    else if (live === "waiting") saveAsBefore();
  });
  // No live-editor.js by the time the page has loaded (not served, or refused): as before.
  function checkLiveScript() {
    if (live === "waiting" && !form.hasAttribute("data-live-state")) saveAsBefore();
  }
  if (live === "waiting") {
    if (document.readyState === "complete") checkLiveScript();
    document.addEventListener("DOMContentLoaded", checkLiveScript);
    window.addEventListener("load", checkLiveScript);
  }

  if (clashEl) {
    var clashButton = clashEl.querySelector("[data-clash-open]");
    if (clashButton) clashButton.addEventListener("click", openClash);
  }

  // --- start --------------------------------------------------------------------------------

  if (unsavedOnLoad) {
    keepLocally();
    setState("error", "Not saved yet: your text is kept in this browser.");
  } else {
    offerKeptText();
    if (dirty()) edited(); // typed before this script ran: save it like any other typing
  }
  show(previewPanel, Boolean(previewUrl));
  renderPreview();
  heartbeat();
  window.setInterval(heartbeat, PRESENCE_EVERY);
})();
