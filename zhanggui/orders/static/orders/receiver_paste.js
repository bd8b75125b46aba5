// Order page: paste the receiver text the buyer sent, ask the address parser for its
// parts, and fill the receiver form with them. Saving stays a normal form submit.
"use strict";

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-parse-address]");
  if (!button) return;
  event.preventDefault();
  var form = button.closest("form");
  var pasted = form.querySelector("[name=paste]");
  var status = form.querySelector(".parse-status");
  if (!pasted || !pasted.value.trim()) return;
  var body = new FormData();
  body.append("text", pasted.value);
  var token = form.querySelector("[name=csrfmiddlewaretoken]");
  var say = function (text) { if (status) status.textContent = text; };
  say(button.getAttribute("data-working") || "…");
  fetch(button.getAttribute("data-parse-address"), {
    method: "POST",
    body: body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
  })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (data) {
      var parts = data.parts || data.result || data;
      // A new address replaces the old one whole (a stale postcode or district must not
      // survive); name and phone are kept when the pasted text has none. Values go into
      // inputs only, never into the page's HTML.
      ["name", "phone", "province", "city", "district", "address", "postcode"].forEach(
        function (name) {
          var input = form.querySelector("[name=" + name + "]");
          if (!input) return;
          if (parts[name]) input.value = parts[name];
          else if (name !== "name" && name !== "phone") input.value = "";
        }
      );
      say(button.getAttribute("data-done") || "");
    })
    .catch(function () {
      say(button.getAttribute("data-failed") || "!");
    });
});
