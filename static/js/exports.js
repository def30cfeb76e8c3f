// Export pages: the progress bar follows the job, copy buttons for each answer, focus on the
// check's results, and the format list following the recipient chosen. Every page works
// without this file (a Refresh link, selectable text, the formats listed again by the check).
(function () {
  "use strict";

  // --- progress: poll the job's JSON status until it is done or failed, then reload -------
  var panel = document.querySelector("[data-export-status-url]");
  if (panel) {
    var state = panel.getAttribute("data-export-status");
    var bar = document.getElementById("export-progress");
    var status = document.getElementById("export-status");
    var delay = 800;
    var failures = 0;

    var describe = function (job) {
      if (job.status === "queued") return "Waiting to start (" + job.progress + "%).";
      if (job.status === "running") return "Making the file: " + job.progress + "% done.";
      if (job.status === "done") return "Done: 100%. Showing the download…";
      return "Stopped.";
    };

    var poll = function () {
      fetch(panel.getAttribute("data-export-status-url"), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (job) {
          failures = 0;
          bar.value = job.progress;
          bar.textContent = job.progress + "%";
          // Announce changes of state, not every percent: a screen reader would talk nonstop.
          if (job.status !== state || job.progress % 25 === 0) status.textContent = describe(job);
          if (job.status === "done" || job.status === "failed") {
            window.location.reload();
            return;
          }
          state = job.status;
          delay = Math.min(delay * 1.25, 3000);
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          failures += 1;
          if (failures < 5) {
            window.setTimeout(poll, 3000);
          } else {
            status.textContent = "The progress could not be read. Use the Refresh button.";
          }
        });
    };

    if (state === "queued" || state === "running") window.setTimeout(poll, delay);
  }

  // --- copy buttons: the Clipboard API, or selecting the text and copying as a fallback -----
  var copied = function (button, message) {
    var note = button.parentNode.querySelector("[role=status]");
    if (note) note.textContent = message;
  };

  var fallbackCopy = function (field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  };

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-answer]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-answer"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { copied(button, "Copied."); };
      var manual = function () {
        if (fallbackCopy(field)) {
          done();
        } else {
          copied(button, "Selected: press Ctrl+C (or Cmd+C) to copy.");
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        // A clipboard that neither answers nor refuses (a browser still asking
        // for permission, a busy machine) must not leave the person guessing.
        var settled = false;
        var once = function (next) {
          return function () { if (!settled) { settled = true; next(); } };
        };
        navigator.clipboard.writeText(field.value).then(once(done), once(manual));
        window.setTimeout(once(manual), 1500);
      } else {
        manual();
      }
    });
  });

  // --- after "Check for problems", take keyboard and screen-reader users to the results ---
  var results = document.getElementById("check-results");
  if (results && !document.querySelector(".error-summary")) results.focus();

  // --- the formats follow the recipient chosen: its preferred one first, marked -----------
  // Without this, the server lists them so when the form comes back from a check.
  var formats = document.getElementById("export-formats");
  if (formats) {
    var orders = JSON.parse(formats.getAttribute("data-formats"));
    var names = JSON.parse(formats.getAttribute("data-profile-names"));
    var badge = formats.querySelector("[data-preferred]");
    var forName = formats.querySelector("[data-formats-for]");
    var profileInputs = document.querySelectorAll("input[name=profile]");
    var chosenProfile = function () {
      var checked = document.querySelector("input[name=profile]:checked");
      return checked ? checked.value : null;
    };
    var shownFor = formats.getAttribute("data-shown-for");

    var follow = function () {
      var profile = chosenProfile();
      if (!profile || !orders[profile] || profile === shownFor) return;
      var checked = formats.querySelector("input[name=format]:checked");
      // A format left at the old recipient's preference moves to the new one's; a format
      // someone picked stays picked.
      var wasPreferred = !checked || checked.value === orders[shownFor][0];
      orders[profile].forEach(function (format) {
        var option = formats.querySelector('[data-format="' + format + '"]');
        if (option) formats.appendChild(option);
      });
      var first = formats.querySelector('[data-format="' + orders[profile][0] + '"]');
      if (first && badge) first.querySelector("label").append(" ", badge);
      if (forName) forName.textContent = names[profile];
      if (wasPreferred && first) first.querySelector("input").checked = true;
      shownFor = profile;
    };

    Array.prototype.forEach.call(profileInputs, function (input) {
      input.addEventListener("change", follow);
    });
    // A recipient chosen before this script ran, or restored by the browser on "Back".
    follow();
  }

  // --- results of an earlier check no longer hold once the choices change -------------------
  var form = document.querySelector(".export-form");
  if (form && results) {
    var stale = null;
    var counts = function (field) {
      return field.name && field.name !== "override";
    };
    var markStale = function () {
      if (stale) return;
      stale = document.createElement("p");
      stale.className = "export-check__stale";
      stale.setAttribute("role", "status");
      stale.textContent =
        "You have changed your choices since this check: press “Check for problems” again.";
      results.appendChild(stale);
    };
    form.addEventListener("change", function (event) {
      if (counts(event.target)) markStale();
    });
    // A choice changed before this script ran (a quick click while the page loaded, or the
    // browser restoring the form on "Back") differs from what the page was checked with.
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!counts(field)) return;
      var changed = field.type === "radio" || field.type === "checkbox"
        ? field.checked !== field.defaultChecked
        : "defaultValue" in field && field.value !== field.defaultValue;
      if (changed) markStale();
    });
  }
})();
