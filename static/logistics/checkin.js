// Check-in on a phone: scan (BarcodeDetector where the browser has it) or type a code; when
// the line is down, check-ins wait in localStorage and are replayed when "online" fires.
// Each check-in carries a uuid made here, so a replay never checks anyone in twice.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var api = root.dataset.api;
  var csrf = root.dataset.csrf;
  var storeKey = "logistics-checkin-queue:" + api;
  var form = root.querySelector("form");
  var input = document.getElementById("checkin-code");
  var result = document.getElementById("checkin-result");
  var pending = document.getElementById("checkin-pending");
  var cameraButton = document.getElementById("checkin-camera");
  var video = document.getElementById("checkin-video");

  function queue() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(items) {
    localStorage.setItem(storeKey, JSON.stringify(items));
    pending.hidden = items.length === 0;
    pending.textContent = root.dataset.pendingText + " " + items.length;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  function post(item) {
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(item)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }
  function show(text, ok) {
    result.textContent = text;
    result.className = ok ? "checkin-ok" : "checkin-error";
  }
  function send(code) {
    var item = { code: code, uuid: uuid(), at: new Date().toISOString(), queued: false };
    post(item).then(function (answer) {
      show(answer.data.message, answer.data.ok);
    }).catch(function () {
      item.queued = true;
      var items = queue();
      items.push(item);
      saveQueue(items);
      show(root.dataset.queuedText, true);
    });
  }
  function replay() {
    var items = queue();
    if (!items.length) { return; }
    var next = items[0];
    post(next).then(function (answer) {
      // Refused codes (wrong activity, not confirmed) are dropped too: retrying cannot help.
      show(answer.data.message, answer.data.ok);
      saveQueue(queue().filter(function (item) { return item.uuid !== next.uuid; }));
      replay();
    }).catch(function () { /* still offline: wait for the next "online" */ });
  }
  form.addEventListener("submit", function (event) {
    var code = input.value.trim();
    if (!code) { return; }
    event.preventDefault();
    send(code);
    input.value = "";
    input.focus();
  });
  window.addEventListener("online", replay);
  saveQueue(queue());
  if (navigator.onLine) { replay(); }

  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    cameraButton.hidden = false;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var lastCode = "";
    cameraButton.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var scan = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue !== lastCode) {
              lastCode = codes[0].rawValue;
              send(lastCode);
            }
          }).catch(function () {}).finally(function () { window.setTimeout(scan, 400); });
        };
        scan();
      }).catch(function () { cameraButton.hidden = true; });
    });
  }
}());
