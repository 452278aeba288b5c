/* The detail page's small map: the division's current polygon, fitted (no tiles unless set). */
(function () {
  "use strict";
  var el = document.getElementById("shape-map");
  var data = document.getElementById("shape-geometry");
  if (!el || !data || !window.L) return;
  var map = L.map(el, { zoomControl: true, attributionControl: false, maxZoom: 19 });
  if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
  var layer = L.geoJSON(JSON.parse(data.textContent), { style: { color: "#2e7d32", weight: 2, fillOpacity: 0.2 } });
  layer.addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
})();
