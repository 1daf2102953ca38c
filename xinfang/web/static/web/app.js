// Small behaviours of the staff pages. No inline scripts (CSP), no external calls.
(function () {
  "use strict";

  function adaptToChannel(form) {
    var channel = form.querySelector("[name=channel]");
    if (!channel) return;
    function update() {
      form.querySelectorAll("[data-channel-group]").forEach(function (el) {
        var groups = el.getAttribute("data-channel-group").split(" ");
        el.hidden = groups.indexOf(channel.value) === -1;
      });
      var headCount = form.querySelector("[name=head_count]");
      var hint = document.getElementById("collective-hint");
      if (hint && headCount) {
        var inPerson = channel.value === "visit" || channel.value === "leader_reception";
        hint.hidden = !(inPerson && parseInt(headCount.value || "0", 10) >= 5);
      }
    }
    channel.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  function addPetitionerRows(form) {
    var button = document.getElementById("add-petitioner");
    var template = document.getElementById("petitioner-template");
    var total = form.querySelector("[name=p-TOTAL_FORMS]");
    if (!button || !template || !total) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      document.getElementById("petitioners").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
    });
  }

  // One click, one submission: the button is disabled once the form is sent
  // (the server also refuses a second case for the same submission token).
  function submitOnce(form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.disabled = true;
        b.textContent = "正在提交…";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("register-form");
    if (form) {
      adaptToChannel(form);
      addPetitionerRows(form);
      submitOnce(form);
    }
  });
})();
