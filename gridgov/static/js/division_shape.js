/* The detail page's small map: the division's current polygon, fitted, on the base map. */
(function () {
  "use strict";
  var el = document.getElementById("shape-map");
  var data = document.getElementById("shape-geometry");
  if (!el || !data || !window.L || !window.GridMap) return;
  var layer = L.geoJSON(JSON.parse(data.textContent), { style: { color: "#2e7d32", weight: 2.5, fillOpacity: 0.12 } });
  var map = GridMap.create(el, { deferView: true });
  layer.addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
})();
