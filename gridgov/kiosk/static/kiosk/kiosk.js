/* The kiosk terminal (易办事): on-screen digit and letter pads (no physical keyboard), the
   heartbeat, the enrolment link's key, printing, and clearing what was typed. No inline script
   (CSP): pages declare behaviour with data- attributes.
   - [data-pad] buttons[data-key]: type into the focused input[data-pad-target] (else the first);
   - [data-pad-for=ID] buttons[data-key]: type into #ID;
   - body[data-kiosk-heartbeat=URL]: POST every 60 s; a refused device reloads (refusal page);
   - form[data-kiosk-enrol]: the key from the link's #k= fragment (never sent to the server log);
   - [data-print]: print the page (receipts).
   The 90 s idle reset is the display shell's (shell.js): it clears every input and goes home. */
(function () {
  "use strict";
  var lastTarget = null;

  function targetFor(pad) {
    var forId = pad.getAttribute("data-pad-for");
    if (forId) return document.getElementById(forId);
    var form = pad.closest("form") || document;
    if (lastTarget && form.contains(lastTarget)) return lastTarget;
    return form.querySelector("[data-pad-target]");
  }

  function press(input, key) {
    if (!input) return;
    var max = parseInt(input.getAttribute("maxlength") || "0", 10);
    if (key === "back") input.value = input.value.slice(0, -1);
    else if (key === "clear") input.value = "";
    else if (!max || input.value.length < max) input.value += key;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("focusin", function (ev) {
    if (ev.target.matches && ev.target.matches("[data-pad-target]")) lastTarget = ev.target;
  });

  document.addEventListener("click", function (ev) {
    var key = ev.target.closest && ev.target.closest("[data-key]");
    if (key) {
      var pad = key.closest("[data-pad], [data-pad-for]");
      if (pad) { ev.preventDefault(); press(targetFor(pad), key.getAttribute("data-key")); }
      return;
    }
    if (ev.target.closest && ev.target.closest("[data-print]")) { ev.preventDefault(); window.print(); }
  });

  function heartbeat(url) {
    var beat = function () {
      fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-Requested-With": "kiosk" } })
        .then(function (r) { if (r.status === 403) window.location.reload(); })
        .catch(function () { /* offline: the server raises the alert */ });
    };
    beat();
    setInterval(beat, 60000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var url = document.body.getAttribute("data-kiosk-heartbeat");
    if (url) heartbeat(url);
    var enrol = document.querySelector("form[data-kiosk-enrol]");
    var m = /[#&]k=([A-Za-z0-9_-]+)/.exec(window.location.hash || "");
    if (enrol && m) {
      enrol.querySelector("input[name=key]").value = m[1];
      history.replaceState(null, "", window.location.pathname);
    }
  });

  // a page restored from the back-forward cache could show what the last resident typed
  window.addEventListener("pageshow", function (ev) { if (ev.persisted && document.body.hasAttribute("data-idle-reset")) window.location.reload(); });
})();
