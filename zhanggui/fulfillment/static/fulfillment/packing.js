// The packing station (验货台), built for a barcode scanner: a scanner types the code and
// then Enter, so the page needs no mouse. One input always has the focus: the scan input,
// or the weight input once every item is in the box. Scans go to the server one at a time
// (the server keeps the box and is the judge); each carries a request id, so a retry after
// a dropped connection is never counted twice. Errors beep through the Web Audio API.
// Plain JS, no dependencies.
"use strict";

(function () {
  var root = document.getElementById("pack-station");
  if (!root) return;
  var scanForm = document.getElementById("scan-form");
  var scanInput = document.getElementById("scan-input");
  var weightForm = document.getElementById("weight-form");
  var weightInput = document.getElementById("weight-input");
  var feedback = document.getElementById("pack-feedback");
  var lastPacked = document.getElementById("pack-last");
  var parcelBox = document.getElementById("pack-parcel");
  var queue = [];
  var busy = false;
  var current = null; // the parcel on screen (JSON from the server)
  var unusualWeight = null; // the weight the server asked to confirm

  // ------------------------------------------------------------------ sound

  var audio = null;
  function audioContext() {
    try {
      if (!audio) {
        var Context = window.AudioContext || window.webkitAudioContext;
        if (!Context) return null;
        audio = new Context();
      }
      if (audio.state === "suspended") audio.resume();
    } catch (error) {
      return null;
    }
    return audio;
  }

  function tone(frequency, start, length, type, volume) {
    var context = audioContext();
    if (!context) return;
    var oscillator = context.createOscillator();
    var gain = context.createGain();
    var at = context.currentTime + start;
    oscillator.type = type || "sine";
    oscillator.frequency.setValueAtTime(frequency, at);
    gain.gain.setValueAtTime(volume || 0.2, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + length);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + length + 0.02);
  }

  var SOUNDS = {
    ok: function () { tone(1320, 0, 0.07, "sine", 0.15); },
    complete: function () { tone(880, 0, 0.1); tone(1320, 0.12, 0.16); },
    packed: function () { tone(660, 0, 0.1); tone(880, 0.11, 0.1); tone(1320, 0.22, 0.2); },
    warning: function () { tone(440, 0, 0.25, "triangle", 0.3); tone(440, 0.3, 0.25, "triangle", 0.3); },
    error: function () { tone(220, 0, 0.2, "square", 0.3); tone(165, 0.24, 0.35, "square", 0.3); },
  };
  SOUNDS.blocked = SOUNDS.error;

  function sound(level) {
    var play = SOUNDS[level];
    if (!play) return;
    root.setAttribute("data-last-sound", level);
    try { play(); } catch (error) { /* no audio device: the panel still says it */ }
  }

  // ------------------------------------------------------------------ drawing

  function text(selector, value) {
    var element = parcelBox.querySelector('[data-field="' + selector + '"]');
    if (element) element.textContent = value == null ? "" : String(value);
    return element;
  }

  function cell(row, value, className) {
    var td = document.createElement("td");
    td.textContent = value == null || value === "" ? "—" : String(value);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function fillList(container, items, describe) {
    var list = container.querySelector("ul");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = describe(item);
      list.appendChild(li);
    });
    container.hidden = items.length === 0;
  }

  function grams(value) {
    if (!value) return "—";
    return value >= 1000 ? (value / 1000).toFixed(2).replace(/\.?0+$/, "") + " kg" : value + " g";
  }

  function drawParcel(parcel) {
    current = parcel;
    parcelBox.hidden = !parcel;
    if (!parcel) return;
    parcelBox.classList.toggle("closed", !parcel.is_open);
    parcelBox.classList.toggle("blocked", parcel.blocked);
    parcelBox.classList.toggle("complete", parcel.complete);
    text("receiver-name", parcel.receiver.name);
    text("receiver-phone", parcel.receiver.phone);
    text("receiver-address", parcel.receiver.address);
    text("receiver-postcode", parcel.receiver.postcode);
    text("courier", parcel.courier.name + " (" + parcel.courier.code + ")");
    text("tracking-no", parcel.tracking_no);
    text("orders", parcel.orders.join(", "));
    text("estimated", grams(parcel.estimated_weight_g));
    text("count", parcel.scanned + " / " + parcel.expected);
    var body = document.getElementById("pack-lines");
    body.textContent = "";
    parcel.lines.forEach(function (line) {
      var row = document.createElement("tr");
      row.className = "line " + line.state;
      row.setAttribute("data-sku", line.merchant_code);
      cell(row, line.merchant_code, "nowrap code");
      cell(row, line.title);
      cell(row, line.properties);
      cell(row, line.barcode, "nowrap");
      cell(row, line.scanned + " / " + line.expected, "num counts");
      body.appendChild(row);
    });
    fillList(document.getElementById("pack-extras"), parcel.extras, function (extra) {
      return extra.merchant_code + " × " + extra.scanned;
    });
    fillList(document.getElementById("pack-refunded"), parcel.refunded, function (item) {
      return item.merchant_code + " " + (item.properties || "") + " × " + item.quantity;
    });
    var notes = document.getElementById("pack-notes");
    text("seller-memo", parcel.seller_memo).parentElement.hidden = !parcel.seller_memo;
    text("buyer-message", parcel.buyer_message).parentElement.hidden = !parcel.buyer_message;
    notes.hidden = !parcel.seller_memo && !parcel.buyer_message;
  }

  function drawFeedback(level, message) {
    feedback.className = "pack-feedback " + (level || "idle");
    feedback.textContent = message || root.getAttribute("data-text-start");
  }

  function weighing() {
    return !!(current && current.is_open && current.complete);
  }

  function focusInput() {
    var input = weighing() ? weightInput : scanInput;
    if (document.activeElement !== input) input.focus();
  }

  function render(payload) {
    if (payload.level === "packed" && payload.packed) {
      lastPacked.hidden = false;
      lastPacked.textContent = payload.message;
      weightInput.value = "";
      unusualWeight = null;
    }
    drawParcel(payload.parcel);
    drawFeedback(payload.level, payload.message);
    if (payload.level !== "warning") unusualWeight = null;
    weightForm.hidden = !weighing();
    if (!weighing()) weightInput.value = "";
    if (!payload.repeated) sound(payload.level);
    focusInput();
    // A refused or questioned weight stays selected: Enter keeps it, typing replaces it.
    if (weighing()) weightInput.select();
  }

  // ------------------------------------------------------------------ talking to the server

  function requestId() {
    var random = new Uint32Array(2);
    (window.crypto || window.msCrypto).getRandomValues(random);
    return Date.now().toString(36) + random[0].toString(36) + random[1].toString(36);
  }

  function csrfToken() {
    var field = root.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function send(url, fields, triesLeft) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: new URLSearchParams(fields),
    }).then(
      function (response) {
        if (response.status === 403 || response.redirected) {
          window.location.reload(); // signed out, or the permission was taken away
          return null;
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      },
      function (error) {
        // The connection dropped: the same request id again is never counted twice.
        if (triesLeft > 0) return send(url, fields, triesLeft - 1);
        throw error;
      }
    );
  }

  function pump() {
    if (busy || queue.length === 0) return;
    busy = true;
    root.setAttribute("aria-busy", "true");
    var job = queue.shift();
    send(job.url, job.fields, 2)
      .then(function (payload) { if (payload) render(payload); })
      .catch(function () {
        drawFeedback("error", root.getAttribute("data-text-network"));
        sound("error");
      })
      .then(function () {
        busy = false;
        root.setAttribute("aria-busy", queue.length ? "true" : "false");
        pump();
      });
  }

  function enqueue(url, fields) {
    fields.request_id = requestId();
    queue.push({ url: url, fields: fields });
    pump();
  }

  function scan(code) {
    enqueue(root.getAttribute("data-scan-url"), { code: code });
  }

  // A weight is a number with an optional unit; anything else typed in the weight field
  // (UNDO, an item scanned once too often) is a scan. Six digits or more is a barcode:
  // no parcel weighs 100 kg.
  function looksLikeWeight(value) {
    return /^\s*[+]?\s*\d{1,5}([.,]\d+)?\s*(kg|g|公斤|千克|克)?\s*$/i.test(value);
  }

  scanForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = scanInput.value.trim();
    scanInput.value = "";
    if (code) scan(code);
  });

  weightForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = weightInput.value.trim();
    if (!value) return;
    if (!looksLikeWeight(value)) {
      weightInput.value = "";
      scan(value);
      return;
    }
    var confirm = unusualWeight !== null && unusualWeight === value ? "1" : "";
    unusualWeight = value;
    enqueue(root.getAttribute("data-finish-url"), {
      parcel_id: current ? String(current.id) : "",
      weight: value,
      confirm: confirm,
    });
  });

  weightInput.addEventListener("input", function () {
    if (weightInput.value.trim() !== unusualWeight) unusualWeight = null;
  });

  // Keep the focus where the scanner types, whatever was clicked.
  document.addEventListener("focusout", function () {
    window.setTimeout(function () {
      var active = document.activeElement;
      var elsewhere = active && active !== document.body && !root.contains(active);
      if (!elsewhere || active.tagName === "BUTTON" || active.tagName === "A") focusInput();
    }, 0);
  });
  document.addEventListener("keydown", function () {
    audioContext(); // browsers start sound only after a key or a click
  }, { once: true });

  var initial = JSON.parse(document.getElementById("pack-initial").textContent);
  drawParcel(initial.parcel);
  drawFeedback(initial.parcel ? initial.level || "ok" : initial.level, initial.message);
  weightForm.hidden = !weighing();
  root.setAttribute("data-ready", "true");
  focusInput();
})();
