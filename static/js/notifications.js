// The bell's unread count, kept up to date without reloading: a light poll of
// GET /api/v1/me/notifications/unread (the page's own session), every 30 seconds while the
// page is visible, and at once when it becomes visible again. The bell works without this file.
(function () {
  "use strict";

  var bell = document.querySelector("[data-notification-bell]");
  if (!bell || !window.fetch) return;
  var count = bell.querySelector("[data-notification-count]");
  var url = bell.getAttribute("data-count-url");
  var every = 30000;
  var timer = null;

  function show(unread) {
    count.textContent = unread > 99 ? "99+" : String(unread);
    count.classList.toggle("bell__count--none", unread === 0);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && typeof data.unread === "number") show(data.unread);
      })
      .catch(function () { /* offline: keep the last count */ });
  }

  function schedule() {
    clearInterval(timer);
    if (!document.hidden) timer = setInterval(poll, every);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll();
    schedule();
  });
  schedule();
})();
