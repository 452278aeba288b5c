// 三五 pages: the history chart on an indicator's page, the print button on the report.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
  var el = document.querySelector("[data-indicator-chart]");
  var src = document.getElementById("indicator-chart-data");
  if (!el || !src || !window.echarts) return;
  var d = JSON.parse(src.textContent);
  echarts.init(el).setOption({
    tooltip: { trigger: "axis" }, legend: { data: ["数值", "按进度应达"] },
    grid: { left: 40, right: 16, top: 30, bottom: 40 },
    xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 20 } },
    yAxis: { type: "value", scale: true },
    series: [{ name: "数值", type: "line", data: d.values, connectNulls: false },
             { name: "按进度应达", type: "line", data: d.expected, lineStyle: { type: "dashed" },
               markLine: { symbol: "none", data: [{ yAxis: d.target, name: "目标" }], label: { formatter: "目标 {c}" } } }]
  });
})();
