// An amendment's form bound to its live document (consult/live/documents.py): each free-text
// field's box to a Y.Text of its own ("amendment." + the field's name), so two people typing in
// different fields both keep their words, and in the same field their words merge; the other
// fields (the kind, clause, page, line ...) to values in the Y.Map "fields", where the last one
// set wins. The boxes stay the page's own (labels, hints, errors, amendment-form.js's word count
// and preview keep working): what others type is put into them, with the caret kept in place.
import { change, rebase } from "./textdiff.js";

export const PREFIX = "amendment.";

// Put the person's change from `rendered` (what the page was drawn with) to `now` into the
// shared text, which others may have changed from `rendered` meanwhile (in a transaction of
// the caller's).
export function addTyping(ytext, rendered, now) {
  const typed = change(rendered, now);
  if (!typed.remove && !typed.insert) return;
  rebase(typed, change(rendered, ytext.toString())).forEach((piece) => {
    if (piece.remove) ytext.delete(piece.at, piece.remove);
    if (piece.insert) ytext.insert(piece.at, piece.insert);
  });
}

// Where a caret at `position` is once the change `delta` (a Y.Text event's) is made.
function moved(position, delta) {
  let at = 0;
  let result = position;
  delta.forEach((op) => {
    if (op.retain) at += op.retain;
    else if (op.insert) {
      const length = typeof op.insert === "string" ? op.insert.length : 1;
      if (at < result) result += length;
      at += length;
    } else if (op.delete && at < result) result -= Math.min(op.delete, result - at);
  });
  return result;
}

// Tell the page's own scripts (word count, preview) that a box changed.
function announce(input, name) {
  input.dispatchEvent(new Event(name, { bubbles: true }));
}

function isChoice(input) {
  return input.type === "radio" || input.type === "checkbox";
}

// `form`: the amendment form, whose data-live-texts names the fields that are texts of their
// own (documents.AMENDMENT_TEXTS); `doc`: its Y.Doc; `origin`: what marks this page's own edits.
// Words typed into the form before the first sync are added to the shared document (they are
// the change from what the page was drawn with); then the form shows the shared document.
export function bindAmendment(form, doc, origin) {
  const values = doc.getMap("fields");
  const inputs = Array.prototype.filter.call(
    form.elements,
    (input) => input.name && input.type !== "hidden" && input.type !== "submit" && input.tagName !== "BUTTON",
  );
  const byName = {};
  inputs.forEach((input) => {
    (byName[input.name] = byName[input.name] || []).push(input);
  });
  const texts = {};
  const textNames = (form.getAttribute("data-live-texts") || "").split(" ");

  function valueOf(input) {
    if (input.type === "checkbox") return input.checked;
    if (input.type === "radio") return input.checked ? input.value : undefined;
    return input.value;
  }

  function showValue(name) {
    const value = values.get(name);
    (byName[name] || []).forEach((input) => {
      if (input.type === "checkbox" || input.type === "radio") {
        const on = input.type === "checkbox" ? Boolean(value) : input.value === value;
        if (input.checked === on) return;
        input.checked = on;
        announce(input, "change");
      } else if (input.value !== (value == null ? "" : String(value))) {
        input.value = value == null ? "" : String(value);
        announce(input, "input");
      }
    });
  }

  function showText(name, delta) {
    const input = byName[name][0];
    const value = texts[name].toString();
    if (input.value === value) return;
    const focused = document.activeElement === input && delta;
    const start = focused ? moved(input.selectionStart, delta) : 0;
    const end = focused ? moved(input.selectionEnd, delta) : 0;
    input.value = value;
    if (focused) input.setSelectionRange(start, end);
    announce(input, "input");
  }

  doc.transact(() => {
    Object.keys(byName).forEach((name) => {
      if (textNames.indexOf(name) !== -1) {
        const input = byName[name][0];
        texts[name] = doc.getText(PREFIX + name);
        addTyping(texts[name], input.defaultValue, input.value);
        return;
      }
      const changed = byName[name].filter((input) =>
        isChoice(input) ? input.checked !== input.defaultChecked : input.value !== input.defaultValue,
      );
      if (changed.length) {
        const value = byName[name].map(valueOf).filter((one) => one !== undefined)[0];
        values.set(name, value === undefined ? "" : value);
      }
    });
  }, origin);

  Object.keys(byName).forEach((name) => {
    if (texts[name]) {
      const input = byName[name][0];
      const ytext = texts[name];
      input.addEventListener("input", () => {
        const step = change(ytext.toString(), input.value);
        if (!step.remove && !step.insert) return;
        doc.transact(() => {
          if (step.remove) ytext.delete(step.at, step.remove);
          if (step.insert) ytext.insert(step.at, step.insert);
        }, origin);
      });
      ytext.observe((event, transaction) => {
        if (transaction.origin !== origin) showText(name, event.delta);
      });
      showText(name, null);
      return;
    }
    byName[name].forEach((input) => {
      input.addEventListener(isChoice(input) ? "change" : "input", () => {
        const value = valueOf(input);
        if (value === undefined || values.get(name) === value) return;
        doc.transact(() => values.set(name, value), origin);
      });
    });
    if (values.has(name)) showValue(name);
  });
  values.observe((event, transaction) => {
    if (transaction.origin !== origin) event.keysChanged.forEach(showValue);
  });

  return {
    // Access ended: what is shown stays, to copy; nothing more goes into the document.
    lock() {
      inputs.forEach((input) => {
        if (isChoice(input)) input.disabled = true;
        else input.readOnly = true;
      });
    },
  };
}
