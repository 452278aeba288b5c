// 排队统计: average waiting (bars) and serving (line) minutes per hour, tickets taken on a second axis.
(function () {
  "use strict";
  var el = document.querySelector("[data-queue-chart]");
  var src = document.getElementById("queue-chart-data");
  if (!el || !src || !window.echarts) return;
  var d = JSON.parse(src.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: { data: ["平均等候(分)", "平均办理(分)", "取号数"] },
    grid: { left: 44, right: 44, top: 36, bottom: 30 },
    xAxis: { type: "category", data: d.hours },
    yAxis: [{ type: "value", name: "分钟" }, { type: "value", name: "人次", splitLine: { show: false } }],
    series: [{ name: "平均等候(分)", type: "bar", data: d.wait },
             { name: "平均办理(分)", type: "line", data: d.serve, connectNulls: true },
             { name: "取号数", type: "line", yAxisIndex: 1, data: d.taken, lineStyle: { type: "dashed" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
