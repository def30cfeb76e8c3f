// Words typed live but not yet known to be with the server, kept in this browser (localStorage,
// as editor.js keeps the plain editor's unsaved text), so that a reload or a closed tab while
// offline loses none: the next page of that section puts them back into its document before
// it connects, and the usual sync sends them, merged through the CRDT.
//
// What is kept: the document's update since the state the server is known to hold (a state
// vector), for one person and one section (the key names both: a shared computer's next user
// is never offered someone else's draft) and one page (two tabs of the section never
// overwrite each other's words), removed once the server has it all. A page puts back every
// page's words kept for the section, and forgets them with its own once the server has them
// (a tab still open writes its own again when it next saves). app.js removes every kept
// draft on log-out.
//
// How we know the server has it: the server reads one connection's messages in order, so once
// the answer (sync step 2) to a sync step 1 sent after our words comes back, the server has
// applied everything sent before that step 1. y-websocket has no acknowledgement of its own.
import * as Y from "yjs";

const KEPT_PREFIX = "consult-live:";
const PROBE_EVERY = 2000; // while typing, ask at most this often whether the server has it
const PROBE_PATIENCE = 3000; // unanswered this long (a connection dead but not yet closed): keep
const MESSAGE_SYNC = 0;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;

function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return window.btoa(text);
}

function fromBase64(text) {
  const raw = window.atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function varUint(number) {
  const out = [];
  while (number > 127) {
    out.push(128 | (number & 127));
    number = Math.floor(number / 128);
  }
  out.push(number);
  return out;
}

function syncStep1(stateVector) {
  return new Uint8Array([MESSAGE_SYNC, SYNC_STEP1, ...varUint(stateVector.length), ...stateVector]);
}

// Keep `doc`'s unconfirmed local changes under `scope` ("<user id>:<section id>"). Call before
// the provider connects: the kept words go into the document first. `restore` false (a
// read-only view) keeps and restores nothing. Returns {kept, save}: whether words were put
// back, and a function that writes what is unconfirmed now (true when nothing is left unkept).
export function keepUnsynced({ doc, provider, scope, restore }) {
  if (!restore || !scope) return { kept: false, save: () => false };
  const scoped = KEPT_PREFIX + scope + ":";
  const key = scoped + doc.clientID;
  let restored = []; // the keys of the words put back (other pages')
  let confirmed = null; // the state vector the server is known to hold (null: none known)
  let unconfirmed = false; // local changes the server may not have
  let probe = null; // the state vector sent in a pending sync step 1
  let changedSincePing = false;
  let probeTimer = 0;
  let patienceTimer = 0;
  let overdue = false; // a probe went unanswered too long: keep each change meanwhile
  let kept = false;

  function save() {
    if (!unconfirmed) return true;
    try {
      const update = Y.encodeStateAsUpdate(doc, confirmed || undefined);
      window.localStorage.setItem(key, JSON.stringify({ update: toBase64(update), at: Date.now() }));
      return true;
    } catch (error) {
      return false; // storage full or disabled: the words stay in this page only
    }
  }

  function forget(keys) {
    try {
      keys.forEach((each) => window.localStorage.removeItem(each));
    } catch (error) {
      /* nothing kept */
    }
  }

  function connected() {
    return provider.synced && provider.ws && provider.ws.readyState === WebSocket.OPEN;
  }

  function probeSoon() {
    if (!probeTimer) probeTimer = window.setTimeout(sendProbe, PROBE_EVERY);
  }

  function sendProbe() {
    window.clearTimeout(probeTimer);
    probeTimer = 0;
    if (!unconfirmed || probe || !connected()) return;
    probe = Y.encodeStateVector(doc);
    changedSincePing = false;
    provider.ws.send(syncStep1(probe));
    patienceTimer = window.setTimeout(() => {
      overdue = true;
      save();
    }, PROBE_PATIENCE);
  }

  function answered(sent) {
    confirmed = sent;
    window.clearTimeout(patienceTimer);
    overdue = false;
    if (changedSincePing) {
      probeSoon();
      return;
    }
    unconfirmed = false;
    forget([key].concat(restored));
    restored = [];
  }

  // Hear each sync step 2: the one after our probe confirms what the probe's state vector says.
  const handleSync = provider.messageHandlers[MESSAGE_SYNC];
  provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, ...rest) => {
    const step = decoder.arr[decoder.pos];
    const waiting = probe;
    handleSync(encoder, decoder, ...rest);
    if (step === SYNC_STEP2 && waiting && probe === waiting) {
      probe = null;
      answered(waiting);
    }
  };

  function putBack(each) {
    try {
      const stored = JSON.parse(window.localStorage.getItem(each) || "null");
      Y.applyUpdate(doc, fromBase64(stored.update), "kept");
      kept = true;
    } catch (error) {
      /* unreadable: nothing to put back, and forgotten with the rest */
    }
    restored.push(each);
  }

  const found = [];
  try {
    for (let i = 0; i < window.localStorage.length; i++) {
      const each = window.localStorage.key(i);
      if (each && each.indexOf(scoped) === 0) found.push(each);
    }
  } catch (error) {
    /* storage disabled: nothing kept */
  }
  found.forEach(putBack);
  unconfirmed = restored.length > 0;

  doc.on("update", (update, origin) => {
    if (origin === provider) return;
    unconfirmed = true;
    changedSincePing = true;
    if (connected()) probeSoon();
    if (!connected() || overdue) save();
  });

  provider.on("sync", (synced) => {
    if (!synced) return;
    if (!unconfirmed && !confirmed) confirmed = Y.encodeStateVector(doc); // all from the server
    sendProbe();
  });

  provider.on("status", (event) => {
    if (event.status === "connected") return;
    probe = null; // its answer will never come
    window.clearTimeout(patienceTimer);
    overdue = false;
    save();
  });

  // Leaving with words the server has not confirmed (sent just now, or typed offline).
  window.addEventListener("pagehide", save);

  return { kept, save };
}
