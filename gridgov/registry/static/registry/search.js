/* 综合查询 is a GET (shareable URL), except a full ID or phone number: that one is posted, so it
   never appears in a URL, the browser history or an access log (gridgov/registry/views/people.py). */
(function () {
  "use strict";
  var ID = /^(\d{17}[\dXx]|\d{15})$/;
  var PHONE = /^(1[3-9]\d{9}|0\d{9,11})$/;
  var form = document.getElementById("registry-search");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var q = (form.elements.q.value || "").replace(/\s+/g, "");
    if (!(ID.test(q) || PHONE.test(q))) { return; }
    form.method = "post";
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = form.getAttribute("data-csrf");
    form.appendChild(token);
  });
})();
