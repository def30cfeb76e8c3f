// The amendment form (templates/drafting/_amendment_form.html): shows only the fields the chosen
// kind of amendment uses, and counts the explanatory statement's words as they are typed.
// Without this file every field is shown and the server ignores those of other kinds.
(function () {
  "use strict";

  var form = document.querySelector("form[data-amendment-form]");
  if (!form) return;

  var choices = form.querySelectorAll("[data-kind-choice]");
  var groups = form.querySelectorAll("[data-kinds]");

  function chosenKind() {
    var checked = form.querySelector("[data-kind-choice]:checked");
    return checked ? checked.value : null;
  }

  function showFields() {
    var kind = chosenKind();
    for (var i = 0; i < groups.length; i++) {
      var kinds = groups[i].getAttribute("data-kinds").split(" ");
      // A field with an error stays in view whatever the kind, so nothing is hidden unread.
      var hasError = groups[i].querySelector(".field__error") !== null;
      groups[i].hidden = kind !== null && kinds.indexOf(kind) === -1 && !hasError;
    }
  }

  for (var c = 0; c < choices.length; c++) choices[c].addEventListener("change", showFields);
  showFields();

  var statement = form.querySelector("textarea[name='explanatory_statement']");
  var count = form.querySelector("[data-statement-count]");
  if (statement && count) {
    var limit = parseInt(count.getAttribute("data-limit"), 10);
    var update = function () {
      var words = statement.value.trim() ? statement.value.trim().split(/\s+/).length : 0;
      var text = words + " of " + limit + " words";
      if (words > limit) text += ": " + (words - limit) + " over";
      count.textContent = text;
      count.classList.toggle("word-count--over", words > limit);
    };
    statement.addEventListener("input", update);
  }

  var preview = document.getElementById("amendment-preview");
  if (preview) preview.focus();
})();

// A live preview: a moment after the person stops typing, the form is sent as "Preview" (the
// server renders the House style; nothing is saved) and the preview on the page is replaced.
// The "Preview in House style" button does the same by a plain submit without this.
(function () {
  "use strict";

  var form = document.querySelector("form[data-amendment-form]");
  if (!form || !window.fetch || !window.DOMParser) return;
  var timer = null;
  var sent = 0;

  function currentPreview() {
    return document.getElementById("amendment-preview") || document.querySelector("[data-preview-slot]");
  }

  function refresh() {
    var data = new FormData(form);
    data.set("action", "preview");
    var number = ++sent;
    // getAttribute: the buttons named "action" hide the form's own .action property.
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (number !== sent) return; // a later preview is on its way
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("amendment-preview");
        var shown = currentPreview();
        if (!fresh || !shown) return;
        // Live (live-editor.js), there is no Save button: every change is saved as typed.
        var saving = fresh.querySelector("[data-preview-saving]");
        if (saving && form.getAttribute("data-live-state") === "live") {
          saving.textContent = saving.getAttribute("data-live-words");
        }
        fresh.removeAttribute("tabindex");
        fresh.setAttribute("aria-live", "polite");
        shown.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () { /* the button still previews */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 700);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
