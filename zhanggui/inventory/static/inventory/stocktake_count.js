// The scanner page. A scanner types a code and Enter faster than a request returns: each
// scan is taken from the form at once (the input is cleared for the next one) and sent in
// order, so no scan is lost or run into the next. Without JavaScript the form still posts.
"use strict";
(function () {
  var form = document.getElementById("scan-form");
  var result = document.getElementById("scan-result");
  if (!form || !result || !window.fetch) return;
  var queue = Promise.resolve();

  function send(data) {
    return fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        result.innerHTML = html;
      })
      .catch(function () {
        var message = document.createElement("p");
        message.className = "message error";
        message.setAttribute("role", "alert");
        message.textContent = form.getAttribute("data-offline");
        result.prepend(message);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    if (!String(data.get("code") || "").trim()) return;
    form.reset(); // quantity back to blank (1) and "total" unticked for the next scan
    form.elements.code.focus();
    queue = queue.then(function () {
      return send(data);
    });
  });
})();
