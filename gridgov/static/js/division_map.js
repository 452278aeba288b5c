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

  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }

  function popup(p) {
    return "<strong>" + esc(p.name) + "</strong><br>" + esc(p.level_name) + " · <code>" + esc(p.code) +
      "</code><br>户数：" + esc(p.households) + '<br><a href="' + esc(p.url) + '">查看详情</a>';
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
    if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
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
            l.bindTooltip(f.properties.name, { sticky: true });
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
