// @mentions: in a textarea marked data-mentions="<the organisation's API URL>", typing "@"
// and the start of a name opens a list of the organisation's members who match. Arrow keys
// move through it, Enter or Tab picks, Escape closes; a click or tap picks too. Screen readers
// hear how many match and which is chosen (aria-activedescendant on the textarea, a polite
// live region). Picking writes "@Full Name " into the text and the member's id into the
// form's hidden field named by data-mentions-into, so that of two members with the same name
// (the list shows their roles) the one picked is told (consult/notifications/mentions.py).
// Without this file, typing "@Full Name" tells the one member of that name; a name two
// members share then tells nobody, and the page says so.
(function () {
  "use strict";

  var fields = document.querySelectorAll("textarea[data-mentions]");
  if (!fields.length || !window.fetch) return;
  var membersFetch = null; // the promise of [{id, name, role}], fetched on the first "@"
  var MAX = 8;
  var counter = 0;

  // One request, however fast the first letters are typed; a failed one is asked again later.
  function load(url) {
    if (membersFetch) return membersFetch;
    membersFetch = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var all = (data.members || []).map(function (m) {
          return { id: m.id, name: m.name, role: m.role };
        });
        all.forEach(function (member) {
          member.shared = all.some(function (other) {
            return other !== member && other.name.toLowerCase() === member.name.toLowerCase();
          });
        });
        return all;
      })
      .catch(function () { membersFetch = null; return []; });
    return membersFetch;
  }

  // The "@query" just before the caret, or null.
  function queryAt(field) {
    var upto = field.value.slice(0, field.selectionStart);
    var match = /(^|[\s(])@([^\s@][^@\n]{0,40})?$/.exec(upto);
    if (!match) return null;
    return { text: match[2] || "", start: upto.length - (match[2] || "").length - 1 };
  }

  function setUp(field) {
    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    // The list floats over what follows, so its closing (on blur, as a button below is
    // pressed) moves nothing out from under the pointer.
    field.parentElement.classList.add("has-mention-list");
    field.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    field.setAttribute("aria-autocomplete", "list");
    // A textarea keeps its textbox role (a combobox may not be one), so the list's opening
    // is told by the live region rather than aria-expanded, which a textbox may not carry.
    field.setAttribute("aria-controls", listId);

    var options = [];
    var active = -1;
    var query = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) field.setAttribute("aria-activedescendant", options[index].element.id);
    }

    // The picked member's id, kept in the form beside the text.
    function remember(id) {
      var into = field.form && field.form.elements[field.getAttribute("data-mentions-into")];
      if (!into || typeof id !== "number") return;
      var ids = into.value ? into.value.split(",") : [];
      if (ids.indexOf(String(id)) < 0) ids.push(String(id));
      into.value = ids.join(",");
    }

    function pick(index) {
      if (index < 0 || !query) return;
      var name = options[index].name;
      remember(options[index].id);
      var before = field.value.slice(0, query.start);
      var after = field.value.slice(field.selectionStart);
      field.value = before + "@" + name + " " + after;
      var caret = before.length + name.length + 2;
      field.setSelectionRange(caret, caret);
      status.textContent = name + " will be notified.";
      query = null; // the list stays shut until the next "@" is typed
      close();
      field.focus();
    }

    function show(found) {
      list.textContent = "";
      options = found.map(function (member, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.className = "mention-list__option";
        item.textContent = member.shared && member.role
          ? member.name + " (" + member.role + ")"
          : member.name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the textarea
          pick(i);
        });
        list.appendChild(item);
        return { id: member.id, name: member.name, element: item };
      });
      list.hidden = !options.length;
      highlight(options.length ? 0 : -1);
      status.textContent = options.length
        ? options.length + (options.length === 1 ? " member matches" : " members match") +
          ". Up and down to choose, Enter to pick."
        : "No member matches.";
    }

    field.addEventListener("input", function () {
      query = queryAt(field);
      if (!query) { close(); return; }
      load(field.getAttribute("data-mentions")).then(function (all) {
        // A pick or a blur while the members were on their way left no query: nothing to show.
        if (!query) return;
        var wanted = query.text.toLowerCase();
        show(all.filter(function (member) {
          var name = member.name.toLowerCase();
          return name.indexOf(wanted) === 0 || name.indexOf(" " + wanted) > 0;
        }).slice(0, MAX));
      });
    });

    field.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + options.length) % options.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });

    field.addEventListener("blur", function () { query = null; close(); });
  }

  Array.prototype.forEach.call(fields, setUp);
})();
