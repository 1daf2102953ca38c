// Small behaviours of the public pages. No inline scripts (CSP), no external calls; every page
// works without this file.
(function () {
  "use strict";

  // "换一张": a new captcha image without reloading the form (without script, the button
  // submits the form, which comes back filled in with a new image).
  function captchaRefresh(box) {
    var button = box.querySelector("[data-captcha-refresh]");
    if (!button || !window.fetch) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var image = box.querySelector("[data-captcha-image]");
          image.src = data.image;
          image.alt = data.alt;
          box.querySelector("[data-captcha-id]").value = data.id;
          var answer = box.querySelector("input[name=captcha_answer]");
          answer.value = "";
          answer.focus();
        });
    });
  }

  // One click, one submission (the server also makes one case of a form sent twice).
  function submitOnce(form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "new_captcha") return;
      form.querySelectorAll("button[type=submit]:not([name=new_captcha])").forEach(function (b) {
        b.disabled = true;
        b.textContent = "正在提交…";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-captcha]").forEach(captchaRefresh);
    document.querySelectorAll("form[method=post]").forEach(submitOnce);
    var summary = document.getElementById("error-summary") || document.getElementById("step-error");
    if (summary) summary.focus();
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-copy]").forEach(function (b) {
      b.addEventListener("click", function () {
        var target = document.querySelector(b.getAttribute("data-copy"));
        if (target && navigator.clipboard) {
          navigator.clipboard.writeText(target.textContent.trim()).then(function () { b.textContent = "已复制"; });
        }
      });
    });
  });
})();
