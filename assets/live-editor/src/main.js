// Live co-editing of a section: everyone with the section open edits one shared text (a Yjs
// document kept by the server at <data-live-url>, spoken to with the y-websocket protocol),
// sees the others' carets, and keeps typing through a dropped connection (what is typed then
// is kept in this browser too, keep.js, so a reload or a closed tab loses none of it).
//
// Progressive enhancement over the plain editor (editor.js), never in place of it:
// - The page works without this file and without WebSockets: editor.js saves and merges.
// - Until the first sync the plain text box stays; editor.js holds its autosave. After the
//   first sync a CodeMirror box takes the text box's place, with what was typed into the text
//   box meanwhile added to the shared text. The text box stays, hidden, mirroring the shared
//   text, so editor.js's preview and word count go on as before (it hears `input`).
// - No sync within FIRST_SYNC_WAIT (a proxy that blocks WebSockets, a refused connection):
//   this file steps aside for good and editor.js saves as before.
//
// It speaks to editor.js with events on the editor form:
//   live:ready  {surface}  the live box is in place; `surface` is what the toolbar edits
//   live:ended  {reason}   "unavailable": save as before; "lost": no access any more, save nothing
// and marks the form with data-live-state (connecting, live, offline, unavailable, lost).
//
// Read-only people get the same live text, read-only, in place of the rendered text, and the
// closed answer as it is picked ([data-live-choice]); an amendment's readers, its House style
// as it is typed (shown.js).
//
// An amendment's form (data-amendment-form) goes live the same way, its fields bound to the
// amendment's live document (fields.js) rather than one text; its Save button gives way, as
// every change is saved as it is typed (once it makes an amendment that can be saved: the
// preview says what stops it), and without a sync the form is saved as before.
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { createEditor } from "./view.js";
import { addTyping, bindAmendment } from "./fields.js";
import { keepStylesWithinPolicy } from "./styles.js";
import { keepUnsynced } from "./keep.js";
import { followAmendment } from "./shown.js";
import { showWhoIsInEachField } from "./infields.js";

const FIRST_SYNC_WAIT = 5000;
const BACK_ONLINE_SHOWN = 8000;
const OFFLINE_GRACE = 2000; // a dropped connection back within this is not worth a word
const FAILURES_BEFORE_ASKING = 3; // failed reconnections before asking the page whether access ended
const CLOSE_RIGHTS_CHANGED = 4403;

const WORDS = {
  connecting: "Connecting to live editing…",
  offline: "Offline — keep typing; your words are kept and will merge when the connection returns",
  offlineReading: "Offline — the text will catch up when the connection returns",
  backMerged: "Back online — your edits were merged",
  restored: "Your words typed offline before this page opened were kept in this browser and are merged now",
  back: "Back online",
  unavailable: "Live editing is unavailable here; your words are saved as before.",
  unavailableReading: "Live updates are unavailable here; reload the page for the latest text.",
  lost: "You no longer have access to this section. Your text stays here to copy, but it is not saved.",
  rightsChanged: "Your rights in this section changed, so this text is read-only now. Reload the page to see what you may do.",
  loggedOut: "You are logged out: log in again in another tab. Your words are kept here meanwhile.",
};

function sentence(names) {
  if (names.length < 2) return names.join("");
  return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
}

function socketBase(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return scheme + "//" + window.location.host + path;
}

// Everything on the page one live text needs, for the editor form or the read-only view.
function partsOf(host) {
  const user = {
    name: host.getAttribute("data-live-user-name") || "Someone",
    color: host.getAttribute("data-live-user-color") || "#1d4e89",
    colorLight: host.getAttribute("data-live-user-color-light") || "#1d4e8933",
  };
  if (host.hasAttribute("data-amendment-form")) {
    const status = host.querySelector("[data-live-status]");
    const saveButton = host.querySelector('button[value="save"]');
    return { host, editing: true, amendment: true, writable: true, original: host, status, saveButton, choices: [], user };
  }
  if (host.hasAttribute("data-amendment-shown-url")) {
    const shown = host.querySelector("[data-amendment-shown]");
    const status = host.querySelector("[data-live-status]");
    return { host, editing: false, writable: false, shown, original: shown, status, choices: [], user };
  }
  const editing = host.hasAttribute("data-editor");
  const textarea = editing ? host.querySelector("[data-body]") : null;
  return {
    host,
    editing,
    writable: editing && host.getAttribute("data-live-writable") !== "false",
    textarea,
    label: editing ? host.querySelector('label[for="' + textarea.id + '"]') : host.querySelector("[data-live-label]"),
    original: editing ? textarea : host.querySelector("[data-live-prose]"),
    status: host.querySelector("[data-save-state], [data-live-status]"),
    saveButton: editing ? host.querySelector('button[type="submit"]') : null,
    toolbar: host.querySelector("[data-toolbar]"),
    choices: Array.prototype.slice.call(host.querySelectorAll('input[name="choice"]')),
    choiceShown: host.querySelector("[data-live-choice]"), // a reader's closed answer, as text
    user,
  };
}

// The closed answer's words for a reader: the value, or its label (a clause's position).
function choiceWords(element, value) {
  if (!value) return element.getAttribute("data-live-choice-none") || "";
  const labels = JSON.parse(element.getAttribute("data-live-choice-labels") || "{}");
  return Object.prototype.hasOwnProperty.call(labels, value) ? labels[value] : value;
}

function start(host) {
  const parts = partsOf(host);
  if ((parts.editing && !parts.textarea && !parts.amendment) || !parts.original) return;
  let state = "connecting";
  let editor = null;
  let amendment = null; // the amendment form's binding (fields.js), or a reader's (shown.js)
  let localWhileAway = false; // typed while the connection was down, not yet merged
  let failures = 0;
  let rightsChanges = 0; // closes with CLOSE_RIGHTS_CHANGED
  let backTimer = 0;
  let offlineTimer = 0;
  let offlineSaid = false;

  const doc = new Y.Doc();
  const body = doc.getText("body");
  const fields = doc.getMap("fields");
  const path = host.getAttribute("data-live-url");
  const cut = path.lastIndexOf("/");
  const provider = new WebsocketProvider(socketBase(path.slice(0, cut)), path.slice(cut + 1), doc, {
    disableBc: true, // the server is the one judge of who may change the text
    shouldReconnect(event) {
      // Rights changed: once, to hear what the person may do now; any other 44xx is final.
      if (event.code === CLOSE_RIGHTS_CHANGED) return rightsChanges === 1;
      return !(event.code >= 4400 && event.code < 4500);
    },
  });
  provider.awareness.setLocalStateField("user", parts.user);
  // Words typed offline are kept in this browser too, and put back here from the last page.
  const kept = keepUnsynced({ doc, provider, scope: host.getAttribute("data-live-keep"), restore: parts.writable });

  function say(key, text) {
    if (!parts.status) return;
    parts.status.setAttribute("data-state", key);
    if (parts.status.textContent !== text) parts.status.textContent = text;
  }

  // While live: the words for `key`, unless the person's rights changed (that stays said).
  function sayLive(key, text) {
    if (rightsChanges) say("error", WORDS.rightsChanged);
    else say(key, text);
  }

  function setState(next) {
    state = next;
    host.setAttribute("data-live-state", next);
  }

  function tell(name, detail) {
    host.dispatchEvent(new CustomEvent(name, { detail }));
  }

  // "Live — 2 others here: Cora and Eddie", from the people the server vouches for.
  function sayWhoIsHere() {
    if (state !== "live" || backTimer) return;
    const names = [];
    provider.awareness.getStates().forEach((peer, client) => {
      const name = peer.user && peer.user.name;
      if (client !== doc.clientID && name && name !== parts.user.name && names.indexOf(name) === -1) names.push(name);
    });
    names.sort();
    if (!names.length) sayLive("live", "Live — nobody else here");
    else sayLive("live", "Live — " + names.length + (names.length === 1 ? " other" : " others") + " here: " + sentence(names));
  }

  // --- the first sync: the text box gives way to the live box --------------------------

  function addEarlyTyping() {
    doc.transact(() => addTyping(body, parts.textarea.defaultValue, parts.textarea.value));
    const picked = parts.choices.filter((input) => input.checked !== input.defaultChecked);
    if (picked.length) {
      const checked = parts.choices.filter((input) => input.checked)[0];
      fields.set("choice", checked ? checked.value : null);
    }
  }

  function showChoice() {
    const value = fields.get("choice");
    parts.choices.forEach((input) => {
      input.checked = input.value === value;
    });
    const words = parts.choiceShown && choiceWords(parts.choiceShown, value);
    if (parts.choiceShown && parts.choiceShown.textContent !== words) parts.choiceShown.textContent = words;
  }

  function mirror() {
    if (!parts.textarea || parts.textarea.value === body.toString()) return;
    parts.textarea.value = body.toString();
    parts.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // The amendment in House style ([data-amendment-shown-url]: a reader's, or "As saved" above
  // an editor's form) follows the live document; stopped with the rest when access ends.
  function followShownAmendment() {
    const card = document.querySelector("[data-amendment-shown-url]");
    if (!card) return { stop() {} };
    const csrf = document.querySelector('meta[name="csrf-token"]');
    return followAmendment({
      doc,
      shown: card.querySelector("[data-amendment-shown]"),
      note: card.querySelector("[data-amendment-typing]"),
      url: card.getAttribute("data-amendment-shown-url"),
      csrfToken: csrf ? csrf.getAttribute("content") : "",
    });
  }

  function goAmendmentLive() {
    const binding = bindAmendment(host, doc, parts);
    const following = followShownAmendment();
    amendment = {
      lock() {
        binding.lock();
        following.stop();
      },
    };
    showWhoIsInEachField(host, provider.awareness, parts.user.name);
    if (parts.saveButton) parts.saveButton.hidden = true; // every change is saved as it is typed
    setState("live");
    sayWhoIsHere();
    if (kept.kept) sayBriefly(WORDS.restored);
    tell("live:ready", {});
  }

  // A reader of an amendment: its House style follows the live document.
  function followAmendmentLive() {
    const following = followShownAmendment();
    amendment = { lock: following.stop };
    setState("live");
    sayWhoIsHere();
    tell("live:ready", {});
  }

  function goLive() {
    window.clearTimeout(firstSyncTimer);
    if (parts.amendment) {
      goAmendmentLive();
      return;
    }
    if (parts.shown) {
      followAmendmentLive();
      return;
    }
    if (parts.writable) addEarlyTyping();
    const wrapper = document.createElement("div");
    wrapper.className = "live-editor" + (parts.writable ? "" : " live-editor--read-only");
    parts.original.parentNode.insertBefore(wrapper, parts.original.nextSibling);
    if (parts.label && !parts.label.id) parts.label.id = (parts.textarea ? parts.textarea.id : "live") + "-label";
    const attributes = { id: parts.textarea ? parts.textarea.id + "-live" : "live-text" };
    if (parts.label) attributes["aria-labelledby"] = parts.label.id;
    const described = parts.textarea && parts.textarea.getAttribute("aria-describedby");
    if (described) attributes["aria-describedby"] = described;
    editor = createEditor({
      parent: wrapper,
      ytext: body,
      awareness: provider.awareness,
      writable: parts.writable,
      attributes,
      shortcut(name) {
        const button = parts.toolbar && parts.toolbar.querySelector('[data-md="' + name + '"]');
        if (button) button.click();
        return Boolean(button);
      },
    });
    parts.original.hidden = true;
    if (parts.label) parts.label.addEventListener("click", () => editor.view.focus());
    if (parts.toolbar) parts.toolbar.setAttribute("aria-controls", attributes.id);
    if (parts.saveButton) parts.saveButton.hidden = true; // every change is saved as it is typed
    if (parts.textarea && document.activeElement === parts.textarea) {
      // Typing on: the caret where it was in the text box (exact unless others changed the text).
      const at = Math.min(parts.textarea.selectionEnd, body.length);
      editor.view.dispatch({ selection: { anchor: at } });
      editor.view.focus();
    }
    parts.choices.forEach((input) => {
      input.disabled = !parts.writable;
      input.addEventListener("change", () => {
        if (input.checked && state !== "lost") fields.set("choice", input.value);
      });
    });
    if (parts.choices.length || parts.choiceShown) {
      showChoice();
      fields.observe(showChoice);
    }
    body.observe(mirror);
    mirror();
    setState("live");
    sayWhoIsHere();
    if (kept.kept) sayBriefly(WORDS.restored);
    tell("live:ready", { surface: editor.surface });
  }

  // --- giving up: before the first sync, or when access ends ---------------------------

  function lock() {
    if (editor) editor.lock();
    if (amendment) amendment.lock();
    parts.choices.forEach((input) => {
      input.disabled = true;
    });
  }

  function stepAside() {
    if (state !== "connecting") return;
    setState("unavailable");
    provider.destroy();
    doc.destroy();
    say("unavailable", parts.editing ? WORDS.unavailable : WORDS.unavailableReading);
    tell("live:ended", { reason: "unavailable" });
  }

  function endAccess(words) {
    if (state === "connecting") {
      stepAside();
      return;
    }
    setState("lost");
    provider.destroy();
    lock();
    say("error", words);
    tell("live:ended", { reason: "lost" });
  }

  // After a few failed reconnections with the browser online: is the section still ours?
  // (A server that refuses the upgrade with a 404 looks like a network failure from here.)
  function askWhetherAccessEnded() {
    window
      .fetch(window.location.href, { method: "HEAD", credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then((reply) => {
        if (state === "lost") return;
        if (reply.status === 403 || reply.status === 404 || reply.status === 410) endAccess(WORDS.lost);
        else if (reply.type === "opaqueredirect") say("offline", WORDS.loggedOut);
      })
      .catch(() => {});
  }

  const firstSyncTimer = window.setTimeout(stepAside, FIRST_SYNC_WAIT);

  provider.on("sync", (synced) => {
    if (!synced) return;
    failures = 0;
    if (state === "connecting") {
      goLive();
      return;
    }
    if (state !== "offline") return;
    setState("live");
    window.clearTimeout(offlineTimer);
    const merged = localWhileAway;
    localWhileAway = false;
    if (!offlineSaid) {
      sayWhoIsHere();
      return;
    }
    offlineSaid = false;
    sayBriefly(merged ? WORDS.backMerged : WORDS.back);
  });

  // Words for a while, then who is here again.
  function sayBriefly(text) {
    sayLive("live", text);
    window.clearTimeout(backTimer);
    backTimer = window.setTimeout(() => {
      backTimer = 0;
      sayWhoIsHere();
    }, BACK_ONLINE_SHOWN);
  }

  function sayOffline() {
    window.clearTimeout(offlineTimer);
    if (state !== "offline" || offlineSaid) return;
    offlineSaid = true;
    sayLive("offline", parts.writable ? WORDS.offline : WORDS.offlineReading);
  }

  provider.on("status", (event) => {
    if (event.status === "disconnected" && state === "live") {
      setState("offline");
      window.clearTimeout(backTimer);
      backTimer = 0;
      if (navigator.onLine === false) sayOffline();
      else offlineTimer = window.setTimeout(sayOffline, OFFLINE_GRACE);
    }
  });

  provider.on("connection-close", (event) => {
    if (!event) return; // closed here (offline), not by the server
    if (event.code === CLOSE_RIGHTS_CHANGED) {
      rightsChanges += 1;
      lock();
    }
    if (state === "offline" && event.code === 1006 && navigator.onLine !== false) {
      failures += 1;
      if (failures === FAILURES_BEFORE_ASKING) askWhetherAccessEnded();
    }
  });

  // A close the server means to be final (4404: no access; 4403 twice: rights changed again).
  provider.on("closed", (event) => {
    endAccess(event.code === CLOSE_RIGHTS_CHANGED ? WORDS.rightsChanged : WORDS.lost);
  });

  provider.awareness.on("change", sayWhoIsHere);

  doc.on("update", (update, origin) => {
    if (origin !== provider && state === "offline") localWhileAway = true;
  });

  // The browser knows it is offline before the socket does (and a test's offline browser
  // may keep an open socket working): close it now, and open it again when back online.
  window.addEventListener("offline", () => {
    if (state === "live") provider.disconnect();
    else sayOffline();
  });
  window.addEventListener("online", () => {
    if (state === "offline" && !provider.shouldConnect) provider.connect();
  });

  // Words typed while offline are kept in this browser (keep.js); where it cannot keep them
  // (storage full or disabled) they live only in this page until the connection returns.
  window.addEventListener("beforeunload", (event) => {
    if (state === "offline" && localWhileAway && !kept.save()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  setState("connecting");
  if (parts.writable) say("pending", WORDS.connecting);
}

function startAll() {
  if (!("WebSocket" in window)) return;
  keepStylesWithinPolicy();
  const hosts = document.querySelectorAll("[data-live-url]");
  for (let i = 0; i < hosts.length; i++) start(hosts[i]);
}

startAll();
