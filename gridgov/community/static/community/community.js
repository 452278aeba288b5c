// Community pages: the print button on the profile, the compliance map on the list.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.addEventListener("click", function () { window.print(); });
  });

  var el = document.getElementById("compliance-map");
  var data = document.getElementById("compliance-geojson");
  if (!el || !data || !window.L || !window.GridMap) return;
  var geojson = JSON.parse(data.textContent);
  var colours = { ok: "#2fb344", partial: "#f59f00", poor: "#d63939" };
  var map = GridMap.create(el, { legend: [
    { label: "达标", color: colours.ok, kind: "area" },
    { label: "一项未达标", color: colours.partial, kind: "area" },
    { label: "设施与面积均未达标", color: colours.poor, kind: "area" }
  ] });
  var layer = L.geoJSON(geojson, {
    style: function (f) {
      return { color: "#555", weight: 1, fillColor: colours[f.properties.level] || "#999", fillOpacity: 0.55 };
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      var text = p.name + "：" + (p.compliant ? "达标" : "未达标") +
        "，服务用房 " + p.service_area + " / " + p.required_area + " m²" +
        (p.missing.length ? "，缺少 " + p.missing.join("、") : "");
      l.bindTooltip(text);
      l.on("click", function () { window.location.href = p.url; });
    }
  }).addTo(map);
  if (geojson.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
})();
