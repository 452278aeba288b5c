/* The division map: streets, communities and grids from the scoped GeoJSON endpoint, one
   toggleable layer per level, fitted to the data, on the district base map (js/gridmap.js). */
(function () {
  "use strict";
  var el = document.getElementById("division-map");
  if (!el || !window.L || !window.GridMap) return;
  var STYLES = {
    2: { color: "#8e1515", weight: 3, fillOpacity: 0.02, dashArray: "8 5" },
    3: { color: "#1565c0", weight: 2, fillOpacity: 0.04 },
    4: { color: "#2e7d32", weight: 1.2, fillOpacity: 0.10 }
  };
  var map = GridMap.create(el, { center: [29.04, 111.70], zoom: 12 });
  var layers = JSON.parse(el.dataset.layers || "[]");
  var control = L.control.layers(null, null, { collapsed: window.innerWidth < 760 }).addTo(map);
  var status = document.getElementById("map-status");
  var bounds = null, drawn = 0, pending = layers.length;

  // Popups and tooltips are DOM nodes, never HTML strings (Leaflet puts strings in innerHTML).
  function node(tag, text) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); return e; }
  function text(s) { return document.createTextNode(s == null ? "" : String(s)); }

  function popup(p) {
    var box = node("div"), link = node("a", "查看详情");
    box.appendChild(node("strong", p.name)); box.appendChild(node("br"));
    box.appendChild(text(p.level_name + " · ")); box.appendChild(node("code", p.code)); box.appendChild(node("br"));
    box.appendChild(text("户数：" + p.households)); box.appendChild(node("br"));
    if (typeof p.url === "string" && p.url.charAt(0) === "/" && p.url.charAt(1) !== "/") link.setAttribute("href", p.url);
    box.appendChild(link);
    return box;
  }

  var loaded = [];

  function done() {
    pending -= 1;
    if (pending > 0) return;
    // add in level order so finer levels (grids) lie on top and receive the clicks
    loaded.forEach(function (entry) {
      if (!entry) return;
      if (entry.count) entry.layer.addTo(map);
      control.addOverlay(entry.layer, entry.name + "（" + entry.count + "）");
    });
    // no animation: the map is ready (and its shapes clickable where they are drawn) at once
    if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
    el.dataset.polygons = String(drawn);
    el.classList.add("map-ready");
    if (status) status.textContent = drawn ? ("已绘制 " + drawn + " 个区域") : "暂无可显示的边界";
  }

  layers.forEach(function (layerDef, index) {
    var url = el.dataset.geojsonUrl + "?level=" + layerDef.level +
      (el.dataset.within ? "&within=" + encodeURIComponent(el.dataset.within) : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function () { return STYLES[layerDef.level] || STYLES[4]; },
          onEachFeature: function (f, l) {
            l.bindPopup(popup(f.properties));
            l.bindTooltip(text(f.properties.name), { sticky: true });
          }
        });
        drawn += data.features.length;
        if (data.features.length) {
          var b = layer.getBounds();
          bounds = bounds ? bounds.extend(b) : b;
        }
        loaded[index] = { layer: layer, name: layerDef.name, count: data.features.length };
      })
      .catch(function () { if (status) status.textContent = "加载边界失败"; })
      .then(done);
  });
})();
