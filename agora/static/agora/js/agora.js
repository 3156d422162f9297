/* Agora: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Menus built on <details>: close on Escape (focus back on the summary) and on outside click.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // Formsets: "Add a skill" appends a blank row from the <template> and bumps TOTAL_FORMS.
  function addFormsetRow(button) {
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-empty-row");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    var count = parseInt(total.value, 10);
    if (max && count >= parseInt(max.value, 10)) return;
    var html = template.innerHTML
      .replace(/__prefix__/g, String(count))
      .replace(/__num__/g, String(count + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(count + 1);
    var first = rows.lastElementChild && rows.lastElementChild.querySelector("input, select");
    if (first) first.focus();
    if (max && count + 1 >= parseInt(max.value, 10)) button.hidden = true;
  }

  // Copy-to-clipboard buttons (API tokens).
  function copy(button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) return;
    navigator.clipboard.writeText(target.textContent.trim()).then(function () {
      var original = button.textContent;
      button.textContent = button.getAttribute("data-copied") || original;
      setTimeout(function () { button.textContent = original; }, 2000);
    });
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) { event.preventDefault(); addFormsetRow(add); return; }
    var copyButton = event.target.closest("[data-copy]");
    if (copyButton) { event.preventDefault(); copy(copyButton); }
  });

  // Forms that destroy something ask first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  function enhance(root) {
    root.querySelectorAll("[data-formset-add][hidden], [data-copy][hidden]").forEach(function (el) {
      if (el.hasAttribute("data-copy") && !navigator.clipboard) return;
      el.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    enhance(document);
    // A form that came back with errors: move focus to its error summary.
    var summary = document.querySelector(".form-errors");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
