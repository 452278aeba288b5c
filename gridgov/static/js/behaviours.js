// Page behaviours declared with data- attributes, so templates carry no inline script and no
// on…= handlers (the Content Security Policy forbids both; see docs/security.md):
//   <form data-confirm="确定发布？">, <button data-confirm="…">  ask before submitting
//   <select data-autosubmit>                                      submit the form on change
//   <button data-toggle-nav>                                      open/close the side menu
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) e.preventDefault();
  }, true);
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("button[data-confirm], input[type=submit][data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) e.preventDefault();
    var toggle = e.target.closest && e.target.closest("[data-toggle-nav]");
    if (toggle) document.body.classList.toggle("nav-open");
  });
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
})();
