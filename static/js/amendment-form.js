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
