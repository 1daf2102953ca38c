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

  // 采用 on the suggestion panel: set the form field and keep the signed token, so the
  // registration records which suggestion (and model version) the registrar accepted.
  function acceptSuggestions(form) {
    var kept = document.getElementById("accepted-suggestions");
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-accept]");
      if (!button || !kept) return;
      var kind = button.getAttribute("data-accept");
      if (kind === "topic") {
        var select = form.querySelector("[name=topic]");
        var topicId = button.getAttribute("data-topic-id");
        var value = button.getAttribute("data-value");
        if (select && topicId && select.querySelector('option[value="' + topicId + '"]')) {
          select.value = topicId;
        } else if (select) {
          // A first-level class: keep only its groups, the registrar picks the third level.
          select.querySelectorAll("optgroup").forEach(function (group) {
            group.hidden = group.label.indexOf(value + " › ") !== 0 && group.label !== value;
          });
          select.focus();
        }
      } else if (kind === "kind") {
        var category = form.querySelector("[name=category]");
        if (category) category.value = button.getAttribute("data-value");
      } else if (kind === "unit") {
        var target = form.querySelector("[name=target_org]");
        if (target) target.value = button.getAttribute("data-value");
      }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "accepted_suggestion";
      input.value = button.getAttribute("data-token");
      kept.appendChild(input);
      button.disabled = true;
      button.textContent = "已采用";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("register-form");
    if (form) {
      adaptToChannel(form);
      addPetitionerRows(form);
      submitOnce(form);
      acceptSuggestions(form);
    }
    var stepForm = document.getElementById("step-form");
    if (stepForm && document.getElementById("unit-suggestions")) acceptSuggestions(stepForm);
  });
})();
