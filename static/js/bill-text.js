// The bill's text beside a clause section: "Quote" beside a line puts "Page 3, line 12: “...”"
// into the comment form's quote field without reloading the page (each link also works
// without this file: it opens the page with the comment form quoting the line).
(function () {
  "use strict";

  var quoteField = document.getElementById("quote");
  var comment = document.getElementById("comment");
  if (!quoteField) return;

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quote-line]");
    if (!link) return;
    event.preventDefault();
    var quote = link.getAttribute("data-quote-line");
    quoteField.value = quoteField.value.trim() ? quoteField.value.trim() + "\n" + quote : quote;
    (comment || quoteField).focus();
  });
})();
