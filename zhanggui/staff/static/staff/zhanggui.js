// Small helpers of the operator pages; everything else is plain HTML forms (and htmx).
"use strict";

// "Add row" of a formset: copy the empty row template with the next index.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-row]");
  if (!button) return;
  event.preventDefault();
  var prefix = button.getAttribute("data-add-row");
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById(prefix + "-empty-row");
  var body = document.getElementById(prefix + "-rows");
  if (!total || !template || !body) return;
  var index = parseInt(total.value, 10);
  var html = template.innerHTML.replace(/__prefix__/g, String(index));
  body.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  // Keyboard users continue typing in the new row.
  var rows = body.querySelectorAll("tr");
  var first = rows[rows.length - 1].querySelector("input");
  if (first) first.focus();
});

// Forms that destroy something ask first: <form data-confirm="...">.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
