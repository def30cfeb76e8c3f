// An amendment followed live by someone who may only read it: the House style on the page
// ([data-amendment-shown]) is asked for again from the server (one House style, rendered in
// Python: consult/drafting/views/amendments.py, amendment_shown) a moment after the live
// document changes, and put in place of what was shown. While the words typed so far make no
// amendment a save would take, what was last shown stays, marked as being changed.
import { PREFIX } from "./fields.js";

const WAIT = 400; // after the last change; one request at a time

// What the document holds for each field, as the form would send it.
function valuesOf(doc) {
  const values = {};
  doc.getMap("fields").forEach((value, name) => {
    if (typeof value === "string" || typeof value === "boolean") values[name] = value;
  });
  doc.share.forEach((_type, name) => {
    if (name.indexOf(PREFIX) !== 0) return;
    try {
      values[name.slice(PREFIX.length)] = doc.getText(name).toString();
    } catch (error) {
      // not a text: no field of ours (the server refuses such updates)
    }
  });
  return values;
}

export function followAmendment({ doc, shown, note, url, csrfToken }) {
  let timer = 0;
  let asking = false;
  let askAgain = false;
  let stopped = false;

  function show(html) {
    if (html === null || stopped) return;
    const parsed = new DOMParser().parseFromString(html, "text/html");
    shown.replaceChildren(...parsed.body.childNodes);
  }

  function ask() {
    timer = 0;
    if (asking) {
      askAgain = true;
      return;
    }
    asking = true;
    window
      .fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ values: valuesOf(doc) }),
      })
      .then((reply) => {
        // 204: what is typed makes no amendment yet; what was shown stays, marked.
        if (note && (reply.status === 200 || reply.status === 204)) note.hidden = reply.status === 200;
        return reply.status === 200 ? reply.text() : null;
      })
      .then(show)
      .catch(() => {}) // offline: the next change asks again
      .finally(() => {
        asking = false;
        if (askAgain) {
          askAgain = false;
          soon();
        }
      });
  }

  function soon() {
    if (stopped) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, WAIT);
  }

  doc.on("update", soon);
  return {
    stop() {
      stopped = true;
      window.clearTimeout(timer);
      doc.off("update", soon);
    },
  };
}
