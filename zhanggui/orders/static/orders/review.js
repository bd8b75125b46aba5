// The review queue: one click copies the receiver confirmation for the buyer; a box ticks
// every order of the page. Plain JS, no dependencies.
"use strict";

(function () {
  // navigator.clipboard needs a secure context (https or localhost); a shop's back office
  // on the local network is often plain http, so fall back to a hidden textarea.
  function copyByHand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied;
  }

  function confirmCopied(button) {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied") || "✓";
    button.classList.add("copied");
    window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove("copied");
    }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    event.preventDefault();
    var text = button.getAttribute("data-copy");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { confirmCopied(button); },
        function () { if (copyByHand(text)) confirmCopied(button); }
      );
    } else if (copyByHand(text)) {
      confirmCopied(button);
    }
  });

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-check-all]");
    if (!all) return;
    var name = all.getAttribute("data-check-all");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
