/* services pages: print buttons, and the hall display's spoken calls (speechSynthesis). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });

  var lastSpoken = null;
  function speak(board) {
    var key = board.getAttribute("data-speak-key");
    var text = board.getAttribute("data-speak-text");
    if (!key || !text) { return; }
    if (lastSpoken === null) { lastSpoken = key; return; }  // do not repeat the last call on load
    if (key === lastSpoken) { return; }
    lastSpoken = key;
    if (!("speechSynthesis" in window)) { return; }
    var utter = new SpeechSynthesisUtterance(text);
    utter.lang = "zh-CN";
    utter.rate = 0.9;
    window.speechSynthesis.speak(utter);
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }
  function check() {
    var board = document.getElementById("hall-board");
    if (board) { speak(board); }
  }
  document.addEventListener("DOMContentLoaded", check);
  document.body && document.body.addEventListener("htmx:afterSwap", check);
  document.addEventListener("htmx:afterSwap", check);
})();
