/* The partition proposal map: proposed grids coloured, live grids dashed, and the proposal's
   in-block cuts — where a boundary between two grids leaves the streets and runs between
   buildings (a yard, a party wall). Clicking a grid opens its households and in-block length
   and highlights its own cuts. Data: the json_script "proposal-map-data" ({proposed, current,
   cuts}). On the district base map (js/gridmap.js) when it is loaded. */
(function () {
  "use strict";
  var el = document.getElementById("proposal-map");
  var src = document.getElementById("proposal-map-data");
  if (!el || !src || !window.L) return;
  // tooltips and popups are DOM nodes built from text, never HTML strings (Leaflet puts strings in innerHTML)
  function text(s) { var span = document.createElement("span"); span.textContent = String(s); return span; }
  function lines(rows) {
    var box = document.createElement("div");
    rows.forEach(function (r, i) {
      if (i) box.appendChild(document.createElement("br"));
      var node = i === 0 ? document.createElement("strong") : document.createElement("span");
      node.textContent = String(r);
      box.appendChild(node);
    });
    return box;
  }
  function metres(v) { return (Math.round((v || 0) * 10) / 10).toLocaleString("zh-CN"); }

  var data = JSON.parse(src.textContent);
  var CUT = { color: "#e65100", weight: 3, dashArray: "2 5", opacity: 0.9 };
  var CUT_ON = { color: "#b71c1c", weight: 6, dashArray: null, opacity: 1 };
  var legend = [
    { label: "方案网格", kind: "area", color: "#64b5f6" },
    { label: "现行网格", kind: "line", color: "#c62828", dash: true },
    { label: "穿越街坊的分界（非沿街巷）", kind: "line", color: CUT.color, dash: true }
  ];
  var map = window.GridMap
    ? window.GridMap.create(el, { legend: legend, deferView: true })
    : L.map(el, { attributionControl: false });
  var palette = ["#e57373", "#64b5f6", "#81c784", "#ffb74d", "#ba68c8", "#4db6ac", "#f06292", "#aed581", "#7986cb", "#ffd54f"];

  var cutsOf = {};
  var cuts = L.geoJSON(data.cuts || { type: "FeatureCollection", features: [] }, {
    style: function () { return CUT; },
    onEachFeature: function (f, l) {
      var g = f.properties.grids || [];
      g.forEach(function (code) { (cutsOf[code] = cutsOf[code] || []).push(l); });
      l.bindTooltip(text("穿越街坊 " + metres(f.properties.length_m) + " 米：" + g.join(" / ")));
    }
  });
  var selected = [];
  function highlight(code) {
    selected.forEach(function (l) { l.setStyle(CUT); });
    selected = cutsOf[code] || [];
    selected.forEach(function (l) { l.setStyle(CUT_ON); l.bringToFront(); });
  }
  var proposed = L.geoJSON(data.proposed, {
    style: function (f) {
      var i = parseInt(String(f.properties.code).slice(-3), 10) || 0;
      return { color: "#333", weight: 1, fillColor: palette[i % palette.length], fillOpacity: 0.45 };
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      var n = (cutsOf[p.code] || []).length;
      l.bindTooltip(text(p.code + "：" + p.households + " 户"));
      l.bindPopup(lines([p.code, p.households + " 户",
        n ? "穿越街坊的分界 " + n + " 段，共 " + metres(p.in_block_cut_m) + " 米（图中加粗）"
          : "边界全部沿街巷、道路、河流、铁路或绿地边"]));
      l.on("click", function () { highlight(p.code); el.dataset.selected = p.code; });
    }
  });
  var current = L.geoJSON(data.current, {
    style: { color: "#c62828", weight: 2, dashArray: "6 4", fill: false },
    onEachFeature: function (f, l) {
      l.bindTooltip(text("现行 " + (f.properties.name || f.properties.code) + "：" + f.properties.households + " 户"));
    }
  });
  proposed.addTo(map); current.addTo(map); cuts.addTo(map);
  L.control.layers(null, { "方案网格": proposed, "现行网格": current, "穿越街坊的分界": cuts }, { collapsed: false }).addTo(map);
  map.on("popupclose", function () { highlight(null); });
  var b = proposed.getBounds();
  if (current.getLayers().length) b = b.isValid() ? b.extend(current.getBounds()) : current.getBounds();
  if (b.isValid()) map.fitBounds(b, { padding: [10, 10] }); else map.setView([29.04, 111.7], 13);
  el.dataset.cuts = String(cuts.getLayers().length);
  el.dataset.ready = "1";
})();
