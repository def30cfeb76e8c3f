// Starting a response (templates/drafting/new.html): choosing a bill picks the Public Bill
// Committee as where it goes, and choosing a consultation picks the default again, unless the
// person chose where it goes themselves. Without this file they choose it by hand.
(function () {
  "use strict";

  var form = document.querySelector("form[data-new-response]");
  if (!form) return;
  var billProfile = form.getAttribute("data-bill-profile");
  var defaultProfile = form.getAttribute("data-default-profile");
  var chosenByHand = false;

  function pick(value) {
    var radio = form.querySelector('input[name="profile"][value="' + value + '"]');
    if (radio) radio.checked = true;
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name === "profile") {
      chosenByHand = true;
    } else if (input.name === "consultation" && !chosenByHand) {
      pick(input.hasAttribute("data-bill-choice") ? billProfile : defaultProfile);
    }
  });
})();
