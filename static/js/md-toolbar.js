// The section editor's Markdown toolbar (and Ctrl+B, Ctrl+I, Ctrl+K), and "Quote the selected
// text" for a comment. They edit the text box; once live co-editing has put its editor in the
// text box's place (live-editor.js says so with a `live:ready` event carrying a `surface`),
// they edit that instead. Without this file the toolbar stays hidden and Markdown is typed.
(function () {
  "use strict";

  var form = document.querySelector("form[data-editor]");
  if (!form) return;
  var textarea = form.querySelector("[data-body]");
  var toolbar = form.querySelector("[data-toolbar]");
  if (!textarea) return;

  // What the buttons edit: its text, its selection, and replacing a part of it.
  var textBox = {
    value: function () { return textarea.value; },
    selection: function () { return { start: textarea.selectionStart, end: textarea.selectionEnd }; },
    replace: function (start, end, text, selectStart, selectEnd) {
      textarea.focus();
      textarea.setSelectionRange(start, end);
      var inserted = false;
      try {
        inserted = document.execCommand && document.execCommand("insertText", false, text); // keeps undo
      } catch (error) {
        inserted = false;
      }
      if (!inserted || textarea.value.slice(start, start + text.length) !== text) {
        textarea.setRangeText(text, start, end, "end");
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }
      textarea.setSelectionRange(selectStart, selectEnd);
    },
  };
  var surface = textBox;

  form.addEventListener("live:ready", function (event) {
    surface = event.detail.surface;
  });

  function wrap(marker, placeholder) {
    var selection = surface.selection();
    var selected = surface.value().slice(selection.start, selection.end) || placeholder;
    var inner = selection.start + marker.length;
    surface.replace(selection.start, selection.end, marker + selected + marker, inner, inner + selected.length);
  }

  function prefixLines(kind) {
    var value = surface.value();
    var selection = surface.selection();
    var start = value.lastIndexOf("\n", selection.start - 1) + 1;
    var endIndex = value.indexOf("\n", Math.max(selection.end - (selection.end > selection.start ? 1 : 0), start));
    var end = endIndex === -1 ? value.length : endIndex;
    var lines = value.slice(start, end).split("\n");
    var patterns = { heading: /^#{1,6} /, bullets: /^[-*] /, numbers: /^\d+\. /, quote: /^> ?/ };
    var all = lines.every(function (line) { return patterns[kind].test(line); });
    var result = lines.map(function (line, index) {
      if (all) return line.replace(patterns[kind], "");
      var bare = line.replace(/^(#{1,6} |[-*] |\d+\. |> ?)/, "");
      var prefix = { heading: "## ", bullets: "- ", numbers: index + 1 + ". ", quote: "> " }[kind];
      return prefix + bare;
    });
    var text = result.join("\n");
    var hadSelection = selection.end > selection.start;
    surface.replace(start, end, text, hadSelection ? start : start + text.length, start + text.length);
  }

  function link() {
    var selection = surface.selection();
    var start = selection.start;
    var selected = surface.value().slice(start, selection.end);
    var label = selected || "link text";
    var text = "[" + label + "](https://)";
    if (selected) {
      var urlStart = start + label.length + 3;
      surface.replace(start, selection.end, text, urlStart, urlStart + 8);
    } else {
      surface.replace(start, selection.end, text, start + 1, start + 1 + label.length);
    }
  }

  function footnote() {
    var highest = 0;
    surface.value().replace(/\[\^(\d+)\]/g, function (match, number) {
      highest = Math.max(highest, parseInt(number, 10));
      return match;
    });
    var marker = "[^" + (highest + 1) + "]";
    var at = surface.selection().end;
    surface.replace(at, at, marker, at + marker.length, at + marker.length);
    var after = surface.value();
    var note = "The source or note.";
    var definition = (after.endsWith("\n\n") ? "" : after.endsWith("\n") ? "\n" : "\n\n") + marker + ": " + note;
    var startOfNote = after.length + definition.length - note.length;
    surface.replace(after.length, after.length, definition, startOfNote, startOfNote + note.length);
  }

  var actions = {
    heading: function () { prefixLines("heading"); },
    bold: function () { wrap("**", "bold text"); },
    italic: function () { wrap("*", "italic text"); },
    bullets: function () { prefixLines("bullets"); },
    numbers: function () { prefixLines("numbers"); },
    link: link,
    quote: function () { prefixLines("quote"); },
    footnote: footnote,
  };

  if (toolbar) {
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-md]"));
    // One tab stop for the toolbar; arrow keys move between its buttons.
    buttons.forEach(function (button, index) {
      button.tabIndex = index === 0 ? 0 : -1;
      button.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
      button.addEventListener("click", function () {
        var action = actions[button.getAttribute("data-md")];
        if (action) action();
      });
    });
    toolbar.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      if (index === -1) return;
      var next = null;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") next = (index + 1) % buttons.length;
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = (index - 1 + buttons.length) % buttons.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = buttons.length - 1;
      if (next === null) return;
      event.preventDefault();
      buttons[index].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
    toolbar.hidden = false;
  }

  // The live editor has these keys of its own (they press the buttons above).
  textarea.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    var action = { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault();
    actions[action]();
  });

  // "Quote the selected text" fills the comment's quote field from the editor's selection.
  var quoteButton = document.querySelector("[data-quote-selection]");
  var quoteField = document.getElementById("quote");
  if (quoteButton && quoteField) {
    var lastSelection = "";
    textarea.addEventListener("select", function () {
      lastSelection = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
    });
    quoteButton.hidden = false;
    quoteButton.addEventListener("click", function () {
      var selection = surface.selection();
      var selected = surface.value().slice(selection.start, selection.end) || lastSelection;
      if (selected) quoteField.value = selected.trim();
      quoteField.focus();
    });
  }
})();
