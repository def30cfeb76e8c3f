// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Ask before destructive actions (forms marked data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Log-out forgets the drafts this browser kept for the person (editor.js's unsaved text,
  // live-editor.js's words typed offline): on a shared computer the next person must not
  // find drafts of someone's response.
  var DRAFT_PREFIXES = ["consult-draft:", "consult-live:"];
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.classList || !form.classList.contains("logout-form")) return;
    try {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i++) keys.push(window.localStorage.key(i));
      keys.forEach(function (key) {
        var draft = DRAFT_PREFIXES.some(function (prefix) { return key && key.indexOf(prefix) === 0; });
        if (draft) window.localStorage.removeItem(key);
      });
    } catch (error) {
      /* storage disabled: nothing was kept */
    }
  });

  // Copy buttons: <button data-copy="#selector">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      source.select && source.select();
      document.execCommand("copy");
      done();
    }
  });

  // Move focus to an error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
