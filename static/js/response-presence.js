// The dashboard's "Here now": who else has one of the response's sections open, and which,
// refreshed every 15 seconds while the page is visible. Without this file the list is the one
// the page was drawn with.
//   GET <data-url> -> {people: [{section_id, section_title, name, editing}]}
(function () {
  "use strict";

  var box = document.querySelector("[data-response-presence]");
  if (!box || !window.fetch) return;

  var url = box.getAttribute("data-url");
  var sectionUrl = box.getAttribute("data-section-url");
  var list = box.querySelector("[data-people]");
  var nobody = box.querySelector("[data-nobody]");
  var EVERY = 15000;
  var shown = "";

  function item(person) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = sectionUrl + person.section_id;
    link.textContent = person.section_title;
    var state = document.createElement("span");
    state.className = "muted";
    state.textContent = person.editing ? "editing" : "reading";
    li.append(link, ": " + person.name + " ", state);
    return li;
  }

  function show(people) {
    var key = JSON.stringify(people);
    if (key === shown) return; // nothing new: leave the list (and screen readers) alone
    shown = key;
    list.replaceChildren.apply(list, people.map(item));
    nobody.hidden = people.length > 0;
  }

  function refresh() {
    if (document.hidden || navigator.onLine === false) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (data) { if (data) show(data.people || []); })
      .catch(function () { /* offline: the list resumes with the connection */ });
  }

  document.addEventListener("visibilitychange", refresh);
  window.setInterval(refresh, EVERY);
})();
