/* The shells' behaviour (docs/ui.md). No inline script anywhere: pages declare behaviour with
   data- attributes and this file wires it up, on load and after every htmx swap.
   - select[data-searchable] (core.widgets.SearchableSelect) and any select with more than 30
     options become tom-select boxes, searchable by name and by pinyin initials;
   - form[data-confirm] / button[data-confirm]: ask before submitting;
   - select[data-autosubmit], input[data-autosubmit]: submit the form on change;
   - table.table-stack: each cell gets its column header as data-label (for the phone cards);
   - [data-clock]: a live date and time in Asia/Shanghai;
   - body[data-idle-reset="SECONDS"][data-idle-url]: a kiosk clears what was typed and goes back
     to its start page. */
(function () {
  "use strict";
  var TZ = "Asia/Shanghai";

  function enhanceSelect(el) {
    if (el.tomselect || typeof window.TomSelect === "undefined" || el.closest("[data-no-enhance]")) return;
    var big = el.options.length > 30;
    if (!el.hasAttribute("data-searchable") && !big) return;
    var settings = {
      searchField: ["text", "py"],
      maxOptions: 200,
      allowEmptyOption: true,
      placeholder: el.getAttribute("data-placeholder") || "输入名称或拼音首字母搜索",
      render: { no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; } },
      onInitialize: function () { this.wrapper.classList.add("form-select-ts", el.multiple ? "form-control" : "form-select"); }
    };
    if (el.multiple) settings.plugins = ["remove_button"];
    // tom-select points the <label> at its own input: keep the hidden select named too
    if (!el.getAttribute("aria-label") && el.labels && el.labels.length) el.setAttribute("aria-label", el.labels[0].textContent.trim());
    new window.TomSelect(el, settings);
  }

  function labelTable(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (td) {
        if (!td.hasAttribute("data-label") && heads[col] !== undefined) td.setAttribute("data-label", heads[col]);
        col += td.colSpan || 1;
      });
    });
  }

  function formatNow() {
    var now = new Date();
    var date = now.toLocaleDateString("zh-CN", { timeZone: TZ, year: "numeric", month: "long", day: "numeric", weekday: "short" });
    var time = now.toLocaleTimeString("zh-CN", { timeZone: TZ, hour12: false });
    return date + " " + time;
  }

  // the filter bar folds on phones unless a filter is set
  function foldFilters(root) {
    if (!window.matchMedia("(max-width: 767.98px)").matches) return;
    root.querySelectorAll("details[data-filter-bar]:not([data-filter-active])").forEach(function (d) { d.open = false; });
  }

  function wire(root) {
    foldFilters(root);
    root.querySelectorAll("select").forEach(enhanceSelect);
    root.querySelectorAll("table.table-stack, table.list").forEach(labelTable);
    root.querySelectorAll("[data-clock]").forEach(function (el) {
      if (el.dataset.clockOn) return;
      el.dataset.clockOn = "1";
      var tick = function () { el.textContent = formatNow(); };
      tick();
      setInterval(tick, 1000);
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var button = ev.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) ev.preventDefault();
  }, true);

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });

  function idleReset() {
    var seconds = parseInt(document.body.getAttribute("data-idle-reset") || "0", 10);
    var url = document.body.getAttribute("data-idle-url");
    if (!seconds || !url) return;
    var timer;
    // privacy: clear everything typed before leaving (a kiosk must not show the last visitor's input)
    var reset = function () {
      document.querySelectorAll("form").forEach(function (f) { f.reset(); });
      document.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea").forEach(function (el) { el.value = ""; });
      window.location.replace(url);
    };
    var arm = function () { clearTimeout(timer); timer = setTimeout(reset, seconds * 1000); };
    ["pointerdown", "keydown", "scroll", "touchstart"].forEach(function (name) { document.addEventListener(name, arm, { passive: true }); });
    arm();
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); idleReset(); });
  document.addEventListener("htmx:afterSettle", function (ev) { wire(ev.target); });
})();
