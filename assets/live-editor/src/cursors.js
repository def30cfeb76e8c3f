// Where the others are in the text: each one's caret with their name above it, and their
// selection tinted in their colour. y-codemirror.next draws these too, but it writes its
// colours as style attributes, which the site's Content Security Policy (style-src 'self')
// refuses. Here the colours go through the CSSOM (element.style), which the policy allows,
// and the look lives in static/css/live-editor.css.
import { RangeSetBuilder } from "@codemirror/state";
import { Decoration, ViewPlugin, WidgetType } from "@codemirror/view";
import * as Y from "yjs";

const FALLBACK_COLOUR = "#1d4e89";

// Black or white, whichever reads better on `colour` (a #rrggbb colour).
export function textOn(colour) {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour || "");
  if (!match) return "#fff";
  const channel = (hex) => {
    const value = parseInt(hex, 16) / 255;
    return value <= 0.03928 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
  };
  const luminance = 0.2126 * channel(match[1]) + 0.7152 * channel(match[2]) + 0.0722 * channel(match[3]);
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#0b0c0c" : "#fff";
}

class Caret extends WidgetType {
  constructor(name, colour) {
    super();
    this.name = name;
    this.colour = colour;
  }

  eq(other) {
    return other.name === this.name && other.colour === this.colour;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = "cm-remote-caret";
    caret.setAttribute("aria-hidden", "true"); // not part of the text read out; the status names who is here
    caret.style.borderColor = this.colour;
    const label = document.createElement("span");
    label.className = "cm-remote-caret__name";
    label.textContent = this.name;
    label.style.backgroundColor = this.colour;
    label.style.color = textOn(this.colour);
    caret.appendChild(document.createTextNode("\u2060"));
    caret.appendChild(label);
    caret.appendChild(document.createTextNode("\u2060"));
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

function position(relative, ydoc, ytext) {
  const absolute = Y.createAbsolutePositionFromRelativePosition(relative, ydoc);
  return absolute && absolute.type === ytext ? absolute.index : null;
}

// The others' carets and selections, and this person's own cursor told to them (only while
// the editor has focus, so a person reading elsewhere on the page shows no caret).
export function remoteCursors(ytext, awareness) {
  return ViewPlugin.fromClass(
    class {
      constructor(view) {
        this.decorations = Decoration.none;
        // Redraw when someone else moved; this person's own moves are drawn by CodeMirror
        // (and telling the others about them happens during an update, which must not nest).
        this.changed = ({ added, updated, removed }) => {
          const clients = added.concat(updated, removed);
          if (clients.some((client) => client !== ytext.doc.clientID)) view.dispatch({});
        };
        awareness.on("change", this.changed);
      }

      destroy() {
        awareness.off("change", this.changed);
      }

      update(update) {
        this.tellOthers(update);
        this.decorations = this.draw(update.view);
      }

      tellOthers(update) {
        const local = awareness.getLocalState();
        if (local === null) return;
        const focused = update.view.hasFocus && document.hasFocus();
        if (!focused) {
          if (local.cursor) awareness.setLocalStateField("cursor", null);
          return;
        }
        const selection = update.state.selection.main;
        const anchor = Y.createRelativePositionFromTypeIndex(ytext, selection.anchor);
        const head = Y.createRelativePositionFromTypeIndex(ytext, selection.head);
        const current = local.cursor;
        if (
          current &&
          Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) &&
          Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head)
        ) {
          return;
        }
        awareness.setLocalStateField("cursor", { anchor, head });
      }

      draw(view) {
        const ydoc = ytext.doc;
        const length = view.state.doc.length;
        const marks = [];
        awareness.getStates().forEach((state, client) => {
          if (client === ydoc.clientID || !state.cursor || !state.cursor.anchor || !state.cursor.head) return;
          const anchor = position(state.cursor.anchor, ydoc, ytext);
          const head = position(state.cursor.head, ydoc, ytext);
          if (anchor === null || head === null || anchor > length || head > length) return;
          const user = state.user || {};
          const colour = user.color || FALLBACK_COLOUR;
          const tint = user.colorLight || colour + "33";
          const from = Math.min(anchor, head);
          const to = Math.max(anchor, head);
          if (from < to) {
            const mark = Decoration.mark({ class: "cm-remote-selection", attributes: { style: "background-color: " + tint } });
            marks.push({ from, to, value: mark });
          }
          const caret = Decoration.widget({ widget: new Caret(user.name || "Someone", colour), side: head > anchor ? -1 : 1 });
          marks.push({ from: head, to: head, value: caret });
        });
        marks.sort((a, b) => a.from - b.from || a.value.startSide - b.value.startSide);
        const builder = new RangeSetBuilder();
        for (const mark of marks) builder.add(mark.from, mark.to, mark.value);
        return builder.finish();
      }
    },
    { decorations: (plugin) => plugin.decorations }
  );
}
