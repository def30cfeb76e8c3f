// Who is in which field of an amendment's form. Its boxes are the page's own (fields.js), not
// CodeMirror, so the others' carets cannot be drawn inside them; instead each page says which
// field has its focus (the awareness state's "field"), and each field that others are in shows
// their names under its label, each in their colour (set through the CSSOM, as cursors.js does,
// which the site's Content Security Policy allows). The names are hidden from screen readers,
// which hear who is here from the form's status line instead.
import { textOn } from "./cursors.js";

const FALLBACK_COLOUR = "#1d4e89";

export function showWhoIsInEachField(form, awareness, ownName) {
  form.addEventListener("focusin", (event) => {
    const name = event.target && event.target.name;
    if (name && name !== "csrf_token") awareness.setLocalStateField("field", name);
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) awareness.setLocalStateField("field", null);
  });

  // The label (or legend) a field's names go under.
  function placeOf(name) {
    const input = form.querySelector('[name="' + CSS.escape(name) + '"]');
    if (!input || input.type === "hidden") return null;
    if (input.type === "radio") {
      const group = input.closest("fieldset");
      return group && group.querySelector("legend");
    }
    return input.id ? form.querySelector('label[for="' + CSS.escape(input.id) + '"]') : null;
  }

  function draw() {
    const byField = {};
    awareness.getStates().forEach((state, client) => {
      if (client === awareness.clientID || !state || typeof state.field !== "string") return;
      const user = state.user || {};
      if (!user.name || user.name === ownName) return;
      const people = (byField[state.field] = byField[state.field] || []);
      if (!people.some((person) => person.name === user.name)) people.push(user);
    });
    form.querySelectorAll("[data-field-people]").forEach((marks) => marks.remove());
    Object.keys(byField).forEach((name) => {
      const place = placeOf(name);
      if (!place) return;
      const marks = document.createElement("span");
      marks.className = "live-field-people";
      marks.setAttribute("data-field-people", name);
      marks.setAttribute("aria-hidden", "true");
      byField[name].forEach((user) => {
        const tag = document.createElement("span");
        tag.className = "live-field-people__name";
        tag.textContent = user.name;
        tag.style.backgroundColor = user.color || FALLBACK_COLOUR;
        tag.style.color = textOn(user.color || FALLBACK_COLOUR);
        marks.appendChild(tag);
      });
      place.insertAdjacentElement("afterend", marks);
    });
  }

  awareness.on("change", draw);
  draw();
}
