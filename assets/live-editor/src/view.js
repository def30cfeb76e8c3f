// The live text box: CodeMirror 6 in Markdown mode, wrapping lines like the plain box did,
// bound to the shared Y.Text. Tab leaves the box (it does not indent), so the keyboard can
// always move on; Ctrl+B, Ctrl+I and Ctrl+K press the page's toolbar buttons.
import { Compartment, EditorSelection, EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { commonmarkLanguage, markdownKeymap } from "@codemirror/lang-markdown";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import * as Y from "yjs";
import { remoteCursors } from "./cursors.js";
import { change } from "./textdiff.js";

// Locked: still focusable, selectable and copyable with the keyboard (CodeMirror says
// aria-readonly), but nothing typed changes the text.
function lockedExtensions(locked) {
  return locked ? EditorState.readOnly.of(true) : [];
}

// `options`: parent, ytext, awareness, writable, attributes (for the editable element:
// id, aria-labelledby, aria-describedby ...), shortcut(name) for the toolbar's keys.
export function createEditor(options) {
  const lock = new Compartment();
  const shortcuts = ["bold", "italic", "link"].map((name) => ({
    key: "Mod-" + name.charAt(0),
    run: () => options.shortcut(name),
    preventDefault: true,
  }));
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.ytext.toString(),
      extensions: [
        Prec.highest(keymap.of(shortcuts)),
        keymap.of([...yUndoManagerKeymap, ...markdownKeymap, ...defaultKeymap]),
        commonmarkLanguage,
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ spellcheck: "true", autocorrect: "on", autocapitalize: "sentences" }),
        EditorView.contentAttributes.of(options.attributes),
        yCollab(options.ytext, null, { undoManager: new Y.UndoManager(options.ytext) }),
        remoteCursors(options.ytext, options.awareness),
        lock.of(lockedExtensions(!options.writable)),
      ],
    }),
  });

  return {
    view,
    // Nothing typed changes the text any more (access ended, or rights changed).
    lock() {
      view.dispatch({ effects: lock.reconfigure(lockedExtensions(true)) });
    },
    // What the page's toolbar needs: the text, the selection, and a way to replace a part.
    surface: {
      element: view.contentDOM,
      value: () => view.state.doc.toString(),
      selection: () => {
        const main = view.state.selection.main;
        return { start: main.from, end: main.to };
      },
      replace(start, end, text, selectStart, selectEnd) {
        view.dispatch({
          changes: { from: start, to: end, insert: text },
          selection: EditorSelection.range(selectStart, selectEnd),
          userEvent: "input",
          scrollIntoView: true,
        });
        view.focus();
      },
      // The whole text made `text` by the smallest change (so others' carets stay put).
      replaceAll(text) {
        const edit = change(view.state.doc.toString(), text);
        view.dispatch({
          changes: { from: edit.at, to: edit.at + edit.remove, insert: edit.insert },
          userEvent: "input",
        });
      },
      focus: () => view.focus(),
    },
  };
}
