// The big screen (大屏): a 1920×1000 stage scaled to the window, ECharts panels fed by one JSON
// document per scope (polled every 10 s), a map that drills district → street → community →
// grid, and a breadcrumb back. window.gridScreen exposes refresh() and setScope() for the
// browser tests and the refresh bench (which fast-forwards the timer by calling refresh()).
(function () {
  "use strict";
  var root = document.querySelector("[data-screen]");
  if (!root || !window.echarts) return;
  var stage = root.querySelector("[data-stage]");
  var W = 1920, H = 1000;
  var C = { text: "#d8e6ff", dim: "#8aa4cc", accent: "#3fb1ff", line: "rgba(64,158,255,.25)",
            green: "#2fb344", amber: "#f59f00", red: "#e5484d",
            series: ["#3fb1ff", "#2fd0c3", "#f5c542", "#ff7a45", "#9d7bff", "#5ad67d", "#ff5c8a", "#8aa4cc"] };
  var state = { scope: root.dataset.start, metric: "density", data: null, scale: 0, timer: null,
                interval: (parseInt(root.dataset.interval, 10) || 10) * 1000, registered: {}, inflight: null,
                counters: {} };
  var charts = {};

  // --- layout: scale the stage to fit, never scroll --------------------------------------------
  function fit() {
    var vw = root.clientWidth, vh = root.clientHeight;
    var s = Math.min(vw / W, vh / H);
    var x = Math.max(0, (vw - W * s) / 2), y = Math.max(0, (vh - H * s) / 2);
    stage.style.transform = "translate(" + x + "px," + y + "px) scale(" + s + ")";
    if (Math.abs(s - state.scale) > 0.01) {
      state.scale = s;
      initCharts();
      if (state.data) render(state.data);
    }
  }

  function initCharts() {
    var ratio = (window.devicePixelRatio || 1) * Math.max(state.scale, 0.5);
    stage.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      if (charts[name]) charts[name].dispose();
      charts[name] = echarts.init(el, "dark", { devicePixelRatio: ratio, renderer: "canvas" });
    });
    charts.map.on("click", function (p) {
      if (p.data && p.data.drill) setScope(p.data.name);
    });
  }

  // --- helpers --------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmt(v) { return typeof v === "number" ? v.toLocaleString("zh-CN") : (v === null || v === undefined ? "—" : String(v)); }
  function base() {
    return { backgroundColor: "transparent", textStyle: { color: C.text, fontFamily: "inherit" }, animationDuration: 600 };
  }
  function set(name, option) { charts[name].setOption(Object.assign(base(), option), true); }

  function animateCounter(node, key, to) {
    var from = state.counters[key];
    state.counters[key] = to;
    if (typeof to !== "number" || typeof from !== "number" || from === to) { node.textContent = fmt(to); return; }
    var t0 = performance.now();
    function step(t) {
      var k = Math.min(1, (t - t0) / 800);
      node.textContent = fmt(Math.round(from + (to - from) * k));
      if (k < 1) requestAnimationFrame(step);
    }
    requestAnimationFrame(step);
  }

  // --- panels ---------------------------------------------------------------------------------
  function renderTotals(d) {
    var box = stage.querySelector("[data-totals]");
    if (box.childElementCount !== d.totals.length) {
      box.replaceChildren();
      d.totals.forEach(function (t) {
        var c = el("div", "sc-counter");
        c.append(el("b", null, "0"), el("span", null, t.label + "（" + t.unit + "）"));
        c.dataset.key = t.key;
        box.append(c);
      });
    }
    d.totals.forEach(function (t, i) { animateCounter(box.children[i].querySelector("b"), t.key, t.value); });
  }

  function pie(name, items) {
    set(name, {
      color: C.series, tooltip: { trigger: "item" },
      legend: { orient: "vertical", right: 0, top: "middle", textStyle: { color: C.text, fontSize: 13 }, itemWidth: 10, itemHeight: 10 },
      series: [{ type: "pie", radius: ["38%", "62%"], center: ["34%", "50%"], label: { show: false },
                 data: items.map(function (x) { return { name: x.name, value: x.value }; }) }]
    });
  }

  function bars(name, items, horizontal) {
    var labels = items.map(function (x) { return x.name; });
    var values = items.map(function (x) { return typeof x.value === "number" ? x.value : { value: 0, label: { formatter: String(x.value) } }; });
    var cat = { type: "category", data: labels, axisLabel: { color: C.text, fontSize: 12, interval: 0 }, axisLine: { lineStyle: { color: C.line } } };
    var val = { type: "value", splitLine: { lineStyle: { color: C.line } }, axisLabel: { color: C.dim, fontSize: 11 } };
    set(name, {
      grid: { left: horizontal ? 78 : 30, right: 36, top: 4, bottom: horizontal ? 4 : 36, containLabel: false },
      tooltip: { trigger: "axis" }, xAxis: horizontal ? val : Object.assign({}, cat, { axisLabel: { color: C.text, fontSize: 11, interval: 0, rotate: 30 } }),
      yAxis: horizontal ? Object.assign({}, cat, { inverse: true }) : val,
      series: [{ type: "bar", data: values, barMaxWidth: 12, barCategoryGap: "30%", itemStyle: { color: C.accent, borderRadius: 2 },
                 label: { show: true, position: horizontal ? "right" : "top", color: C.text, fontSize: 11 } }]
    });
  }

  function renderParty(p) {
    pie("party", p.by_category);
    var dl = stage.querySelector("[data-party]");
    var facts = [["在册党员", p.members], ["已报到", p.registered], ["认岗领责", p.posts_claimed],
                 ["本月服务积分", p.service_points_month], ["履职预警", p.alerts]];
    dl.replaceChildren();
    facts.forEach(function (f) {
      dl.append(el("dt", null, f[0]));
      var dd = el("dd", f[0] === "履职预警" && f[1] > 0 ? "sc-warn" : null, fmt(f[1]));
      dl.append(dd);
    });
  }

  function renderCrumbs(d) {
    var nav = stage.querySelector("[data-crumbs]");
    nav.replaceChildren();
    d.scope.breadcrumb.forEach(function (c, i, all) {
      if (i) nav.append(el("span", "sep", "›"));
      if (i === all.length - 1) { nav.append(el("strong", null, c.name)); return; }
      var b = el("button", null, c.name);
      b.type = "button";
      b.dataset.code = c.code;
      b.addEventListener("click", function () { setScope(c.code); });
      nav.append(b);
    });
  }

  function renderMetrics(d) {
    var box = stage.querySelector("[data-metrics]");
    if (box.childElementCount) {
      box.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.metric === state.metric)); });
      return;
    }
    d.map.metrics.forEach(function (m) {
      var b = el("button", null, m.label);
      b.type = "button";
      b.dataset.metric = m.key;
      b.setAttribute("aria-pressed", String(m.key === state.metric));
      b.addEventListener("click", function () { state.metric = m.key; if (state.data) { renderMetrics(state.data); renderMap(state.data); } });
      box.append(b);
    });
  }

  function renderMap(d) {
    var name = "s" + d.scope.code;
    if (!state.registered[name]) return;
    var metric = d.map.metrics.filter(function (m) { return m.key === state.metric; })[0] || d.map.metrics[0];
    var values = d.map.children.map(function (c) { return c[metric.key]; }).filter(function (v) { return typeof v === "number"; });
    var max = values.length ? Math.max.apply(null, values) : 1;
    var few = d.map.children.length <= 40;
    set("map", {
      tooltip: { trigger: "item", formatter: function (p) {
        if (!p.data) return "";
        var v = metric.key === "care_total" ? p.data.care_total_label : fmt(p.data[metric.key]);
        return p.data.label + "<br>" + metric.label + "：" + v + " " + metric.unit + (p.data.drill ? "<br>点击下钻" : "");
      } },
      visualMap: { min: 0, max: Math.max(max, 1), calculable: false, orient: "horizontal", left: 10, bottom: 16, itemWidth: 12, itemHeight: 120,
                   text: ["高", "低"], textStyle: { color: C.text }, inRange: { color: ["#0d3a7a", "#1f6fd1", "#3fb1ff", "#f5c542", "#ff7a45"] } },
      series: [{ type: "map", map: name, roam: false, layoutCenter: ["50%", "52%"], layoutSize: "96%",
                 itemStyle: { borderColor: "#7fd3ff", borderWidth: 0.8, areaColor: "#16325e" },
                 emphasis: { itemStyle: { areaColor: "#f5c542" }, label: { color: "#03142e" } },
                 select: { disabled: true },
                 label: { show: few, color: "#fff", fontSize: 12, formatter: function (p) { return p.data ? p.data.label : ""; } },
                 data: d.map.children.map(function (c) {
                   return Object.assign({}, c, { name: c.code, label: c.name, value: c[metric.key] });
                 }) }]
    });
  }

  function renderFeed(d) {
    stage.querySelector("[data-today]").textContent = "共 " + fmt(d.cases.today) + " 件";
    var ul = stage.querySelector("[data-feed]");
    ul.replaceChildren();
    if (!d.cases.feed.length) { ul.classList.remove("sc-scroll"); ul.append(el("li", "sc-empty", "今日暂无事件")); return; }
    var rows = d.cases.feed.length > 8 ? d.cases.feed.concat(d.cases.feed) : d.cases.feed;
    rows.forEach(function (r) {
      var li = el("li", r.urgent ? "urgent" : null);
      li.append(el("time", null, r.time), el("span", null, r.class + " · " + r.grid), el("em", null, r.state));
      ul.append(li);
    });
    ul.classList.toggle("sc-scroll", d.cases.feed.length > 8);
  }

  function renderTrend(t) {
    set("trend", {
      color: [C.accent, C.green], tooltip: { trigger: "axis" },
      legend: { data: ["上报", "结案"], right: 0, top: 0, textStyle: { color: C.text } },
      grid: { left: 40, right: 12, top: 26, bottom: 22 },
      xAxis: { type: "category", data: t.days, axisLabel: { color: C.dim, fontSize: 11 }, axisLine: { lineStyle: { color: C.line } } },
      yAxis: { type: "value", splitLine: { lineStyle: { color: C.line } }, axisLabel: { color: C.dim, fontSize: 11 } },
      series: [{ name: "上报", type: "line", smooth: false, showSymbol: false, areaStyle: { opacity: 0.15 }, data: t.reported },
               { name: "结案", type: "line", smooth: false, showSymbol: false, data: t.closed }]
    });
  }

  function gauge(name, value, label) {
    set(name, {
      series: [{ type: "gauge", min: 0, max: 100, radius: "92%", center: ["50%", "58%"], startAngle: 210, endAngle: -30,
                 progress: { show: true, width: 10, itemStyle: { color: value === null ? "#4b5a75" : value >= 90 ? C.green : value >= 75 ? C.amber : C.red } },
                 axisLine: { lineStyle: { width: 10, color: [[1, "rgba(138,164,204,.2)"]] } },
                 axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
                 title: { offsetCenter: [0, "45%"], color: C.dim, fontSize: 12 },
                 detail: { offsetCenter: [0, "0%"], color: "#fff", fontSize: 22, formatter: function () { return value === null ? "—" : value + "%"; } },
                 data: [{ value: value === null ? 0 : value, name: label }] }]
    });
  }

  function renderSanwu(items) {
    var box = stage.querySelector("[data-sanwu]");
    box.replaceChildren();
    var groups = {};
    items.forEach(function (x) { (groups[x.group_label] = groups[x.group_label] || []).push(x); });
    Object.keys(groups).forEach(function (g) {
      var col = el("div", "sc-sanwu-col");
      col.append(el("h3", null, g));
      groups[g].forEach(function (x) {
        var row = el("div", "sc-kpi");
        row.title = x.name + "：目标 " + x.target + x.unit;
        row.append(el("span", null, x.name), el("b", null, x.value === null ? "—" : x.value.toFixed(1) + x.unit), el("i", "sc-dot " + x.rag));
        col.append(row);
      });
      box.append(col);
    });
    stage.querySelector("[data-sanwu-period]").textContent = items.length ? items[0].period : "";
  }

  function renderFacilities(f) {
    var ok = f.compliant, total = f.communities;
    set("facilities", {
      color: [C.green, C.red], tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["48%", "70%"], center: ["50%", "46%"], label: { show: true, position: "center", color: "#fff", fontSize: 20,
                 formatter: function () { return total ? Math.round(100 * ok / total) + "%" : "—"; } },
                 data: [{ name: "达标社区", value: ok }, { name: "未达标社区", value: Math.max(total - ok, 0) }] }]
    });
    stage.querySelector("[data-facilities]").textContent = total
      ? "达标 " + ok + " / " + total + " 个社区；面积达标 " + f.area_ok + " 个；已建设施 " + fmt(f.built) + " 处"
      : "本范围内没有社区设施数据";
  }

  function renderServices(s) {
    var box = stage.querySelector("[data-services]");
    box.replaceChildren();
    if (!s.installed) {
      box.append(el("p", null, "政务服务模块尚未安装：办件、排队和自助终端数据接入后在此显示。"));
    } else if (!s.indicators.length) {
      box.append(el("p", null, "政务服务模块暂未提供大屏指标。"));
    }
    var items = s.indicators.slice();
    s.others.forEach(function (o) { o.indicators.forEach(function (i) { items.push(i); }); });
    if (items.length) {
      var grid = el("div", "sc-counters");
      items.slice(0, 6).forEach(function (i) {
        var c = el("div", "sc-counter");
        c.append(el("b", null, fmt(i.value)), el("span", null, i.label + (i.unit ? "（" + i.unit + "）" : "")));
        grid.append(c);
      });
      box.append(grid);
    }
  }

  function render(d) {
    renderCrumbs(d);
    renderMetrics(d);
    renderTotals(d);
    pie("population", d.population);
    bars("care", d.care, true);
    renderParty(d.party);
    renderMap(d);
    renderFeed(d);
    renderTrend(d.cases.trend);
    gauge("ontime", d.cases.on_time_rate, "近30天");
    bars("classes", d.cases.top_classes, true);
    renderSanwu(d.sanwu);
    renderFacilities(d.facilities);
    renderServices(d.services);
    var u = document.querySelector("[data-updated]");
    if (u) u.textContent = "数据更新 " + d.updated_at.slice(11) + (d.stats_at ? "（汇总 " + d.stats_at + "）" : "");
  }

  // --- data -----------------------------------------------------------------------------------
  function url(kind, code) { return root.dataset[kind].replace("CODE", code); }

  function loadGeo(code) {
    var name = "s" + code;
    if (state.registered[name]) return Promise.resolve();
    return fetch(url("geoUrl", code), { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("geo " + r.status);
      return r.json();
    }).then(function (geo) { echarts.registerMap(name, geo); state.registered[name] = true; });
  }

  function refresh() {
    var code = state.scope;
    if (state.inflight) return state.inflight;
    state.inflight = Promise.all([loadGeo(code), fetch(url("dataUrl", code), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("data " + r.status); return r.json(); })])
      .then(function (res) {
        if (code !== state.scope) return;
        var first = !state.data;
        state.data = res[1];
        render(state.data);
        if (first) Object.keys(charts).forEach(function (k) { charts[k].resize(); });  // sizes after the fonts and data
        root.dataset.scope = code;
        root.dataset.level = state.data.scope.level;
      })
      .catch(function (e) { root.dataset.error = String(e); })
      .then(function () { state.inflight = null; });
    return state.inflight;
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { refresh().then(schedule); }, state.interval);
  }

  function setScope(code) {
    if (code === state.scope) return refresh();
    state.scope = code;
    if (window.history && history.replaceState) {
      var u = new URL(window.location.href);
      u.searchParams.set("scope", code);
      history.replaceState(null, "", u.toString());
    }
    var p = state.inflight ? state.inflight.then(refresh) : refresh();
    return p.then(function () { schedule(); });
  }

  window.gridScreen = { refresh: refresh, setScope: setScope, state: state };
  window.addEventListener("resize", fit);
  fit();
  refresh().then(schedule);
})();
